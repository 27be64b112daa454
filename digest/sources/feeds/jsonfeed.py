"""JSON Feed 1.0/1.1 → a raw feed, every field type-checked.

Read with the json module. A document that is no JSON Feed (no ``version`` and no
``items``, RSS-in-JSON, a top-level list), truncated or invalid JSON raise FeedError; a
feed whose ``version`` is odd but which has ``items`` is read, with a warning. Fields of the
wrong type are ignored, and an item left with no title, link or text is skipped and counted.
Numeric ids are coerced to strings, as the specification says.
"""

from __future__ import annotations

import json
import re

from digest.sources.feeds.content import MAX_TITLE_CHARS, clip
from digest.sources.feeds.entries import RawEntry, RawFeed, absolute_url
from digest.sources.feeds.errors import FeedError

_JSONFEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/")
# JSON may escape half of a UTF-16 pair ("\\ud800") on its own: the string it gives holds a
# code point that is no character, which cannot be encoded, stored or written anywhere.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def read(data: bytes, url: str | None, warnings: list[str]) -> RawFeed:
    """The feed in ``data`` (UTF-8, starting with "{" or "["), or FeedError."""
    text = data.decode("utf-8")
    try:
        doc = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip()):
            raise FeedError(
                "not a feed: truncated JSON (it stops in the middle"
                f"{' of a string' if exc.msg.startswith('Unterminated') else ''})",
                "the download was cut off, or the publisher's copy is: the next run"
                " downloads it again in full",
                lasting=False,
            ) from exc
        raise FeedError(
            f"not a feed: invalid JSON ({exc.msg}: line {exc.lineno}, column {exc.colno})",
            "check the feed with a JSON Feed validator",
        ) from exc
    except RecursionError as exc:
        raise FeedError("not a feed: the JSON nests too deeply to read") from exc
    if _SURROGATE_ESCAPE.search(text):  # (a pair is joined into its character by json)
        doc = _without_surrogates(doc)
    if not isinstance(doc, dict):
        raise FeedError(
            "not a feed: JSON that is not a JSON Feed (no top-level object)",
            "check the feed URL; a JSON Feed is an object with an 'items' list",
        )
    version = doc.get("version")
    if not (isinstance(version, str) and _JSONFEED_VERSION.match(version)):
        if "rss" in doc and "items" not in doc:
            raise FeedError(
                "not a feed: RSS-in-JSON is not supported",
                "use the site's RSS or Atom feed instead",
            )
        if "items" not in doc:
            raise FeedError(
                "not a feed: JSON that is not a JSON Feed",
                "check the feed URL; a JSON Feed has a 'version' and an 'items' list",
            )
        warnings.append(f"JSON Feed 'version' is {_json_type(version)}: read anyway")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedError(
            f"invalid JSON Feed: 'items' is {_json_type(items)}, not a list",
            "the feed is broken; tell its publisher",
        )
    title = doc.get("title")
    if not isinstance(title, str):
        if title is not None:
            warnings.append(f"JSON Feed 'title' is {_json_type(title)}, not a string")
        title = ""
    home = _str_or_none(doc.get("home_page_url"))
    doc_base = url or absolute_url(_str_or_none(doc.get("feed_url"))) or absolute_url(home)
    feed_author = _author(doc)
    raws = []
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        raw = _item(item, doc_base, feed_author)
        if not (raw.title or raw.link or raw.contents):
            skipped += 1  # nothing usable: wrong types everywhere
            continue
        raws.append(raw)
    if skipped:
        warnings.append(f"skipped {skipped} JSON Feed item(s) with no usable fields")
    return RawFeed(clip(" ".join(title.split()), MAX_TITLE_CHARS), home, raws, "json", skipped)


def _item(item: dict, doc_base: str | None, feed_author: str | None) -> RawEntry:
    raw = RawEntry(base=doc_base, title_is_html=False)
    item_id = item.get("id")
    if isinstance(item_id, str):
        raw.guid = item_id.strip() or None
    elif isinstance(item_id, int | float) and not isinstance(item_id, bool):
        raw.guid = str(item_id)  # the spec says to coerce other types to strings
    raw.title = _str_or_none(item.get("title")) or ""
    raw.link = _str_or_none(item.get("url")) or _str_or_none(item.get("external_url"))
    for key in ("date_published", "date_modified"):
        if value := _str_or_none(item.get(key)):
            raw.dates.append(value)
    raw.author = _author(item) or feed_author
    tags = item.get("tags")
    if isinstance(tags, list):
        raw.tags.extend(tag for tag in tags if isinstance(tag, str))
    if html := _str_or_none(item.get("content_html")):
        raw.contents.append((html, "html"))  # the full text; content_text repeats it
    else:
        for key in ("content_text", "summary"):
            if value := _str_or_none(item.get(key)):
                raw.contents.append((value, "text"))
    return raw


def _author(obj: dict) -> str | None:
    """The names of an object's ``authors`` (1.1), else its ``author``'s (1.0)."""
    authors = obj.get("authors")
    if isinstance(authors, list):
        names = [a["name"] for a in authors if isinstance(a, dict) and _str_or_none(a.get("name"))]
        if names:
            return ", ".join(names)
    author = obj.get("author")  # JSON Feed 1.0
    if isinstance(author, dict) and _str_or_none(author.get("name")):
        return author["name"]
    return None


def _without_surrogates(value: object) -> object:
    """``value`` with every lone surrogate left by a ``\\uXXXX`` escape removed."""
    if isinstance(value, str):
        return _SURROGATE.sub("", value)
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)
