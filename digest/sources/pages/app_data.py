"""The article a JavaScript app's page carries in its data script (Next.js ``__NEXT_DATA__``).

A page built by Next.js often ships an empty shell ("Loading article…") and the whole article
as JSON in ``<script id="__NEXT_DATA__" type="application/json">``, for the browser to render.
That JSON is each site's own, so nothing here knows a layout; it looks for what an article
body looks like in any of the common rich-text shapes:

* a list of blocks, each a string or an object whose text is in ``text`` or ``value`` leaves
  (Portable Text, Slate, Contentful rich text, a list of paragraph strings), a heading told by
  the block's ``type``/``nodeType``/``style``;
* one string of HTML with several paragraphs, read as any HTML is (text only).

The longest such body is taken only when it is the page's article: an object around it names
the page's headline or description (the JSON also carries related articles, comments and
menus), it holds several sentences, and no key on the way to it names furniture as a class
name does on a page ("comments", "relatedArticles", "next": a thread or the next article,
kept in the article's own object, is often longer than the article). Nothing is taken when
the data says the article is paid for (``isAccessibleForFree: false``, a ``paywall`` or
``premium`` flag, true or naming a kind of paywall: ``"paywall": "hard"``, or such an object
switched on: ``"paywall": {"enabled": true}``; a level of access that leaves most readers
out: ``"accessLevel": "premium"``, ``"contentTier": "locked"``, ``"visibility": "paid"``), in the
objects around the body or in their settings (``"access": {"isPaywalled": true}``): the same
rule as for JSON-LD's ``articleBody``. The result is text: no markup or script of it survives.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from digest.model import Paragraph
from digest.sources.pages.furniture import matches_hint, name_words
from digest.text.html import html_to_paragraphs, html_to_text
from digest.text.lexicon import lexicon

# A data script larger than this is not read (a page's data is a few hundred kilobytes).
MAX_DATA_CHARS = 5_000_000
# JSON nested deeper than this is not searched.
_MAX_DEPTH = 60
# A body holds at least this much text in at least this many sentences.
_MIN_BODY_CHARS = 400
_MIN_SENTENCES = 3
# How many objects up from a body its article's headline or description may be stated.
_ARTICLE_LEVELS = 3
_TEXT_KEYS = ("text", "value")
_KIND_KEYS = ("type", "nodeType", "style", "_type")
_HEADING_KIND = re.compile(r"^(?:h[1-6]|heading(?:[-_ ]?[1-6])?|header|title)$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)]*(?:\s|$)")
_HTML_BLOCK = re.compile(r"<p[\s>]", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Keys by which app data says an article is behind a paywall, when their value is true.
_PAID_KEY = re.compile(r"paywall|premium|subscriber[-_]?only|locked|metered", re.IGNORECASE)
# ... and, inside an object so named, the keys of its switch: "paywall": {"enabled": true}
_SWITCH_KEY = re.compile(r"(?:is[-_]?)?(?:enabled|active|on|required|applied|locked)", re.I)
# A flag so named may be a string too, naming a kind of paywall ("paywall": "hard",
# "metered"): it says the article is paid for unless it says there is none. A longer string
# is a message the site shows (its "paywallText" is on free articles too), not a flag.
_NO_PAYWALL = frozenset({"", "none", "no", "false", "0", "off", "free", "open", "public", "null"})
_MAX_FLAG_WORDS = 2
# Keys stating who may read the article ("accessLevel": "premium", "contentTier": "locked",
# Ghost's "visibility": "paid"), by their words ("accessibility" is not one), and the words
# of a value that leave most readers out.
_ACCESS_WORDS = frozenset({"access", "tier", "visibility", "entitlement"})
_PAID_ACCESS = re.compile(
    r"\b(?:paid|premium|locked|subscribers?|members?|metered|hard|restricted|paywall(?:ed)?)\b"
)
# Keys whose value is furniture, not the article (the lexicon's page furniture and comments).
_FURNITURE_KEYS = lexicon().app_data_hints


def app_data_paragraphs(tree: HtmlElement, titles: Iterable[str]) -> list[Paragraph]:
    """The article body the page's Next.js data holds, as paragraphs; [] when none is found,
    or when the data says the article is paid for. ``titles`` are the page's headline and
    description, as the page's markup states them: the body must sit beside one of them."""
    wanted = {_key(t) for t in titles if t and len(t) >= 12}
    if not wanted:
        return []
    best: list[Paragraph] = []
    best_chars = 0
    for data in _data_scripts(tree):
        for paragraphs, ancestors in _bodies(data):
            chars = sum(len(p.text) for p in paragraphs)
            if chars <= best_chars or not _names_the_article(ancestors, wanted):
                continue
            if any(_paid(item) for item in ancestors):
                return []  # the article is stated here, and said to be paid for
            best, best_chars = paragraphs, chars
    return best


def _data_scripts(tree: HtmlElement) -> Iterable[object]:
    for script in tree.iter("script"):
        if script.get("id") != "__NEXT_DATA__":
            continue
        if (script.get("type") or "").strip().lower() != "application/json":
            continue
        text = script.text or ""
        if len(text) > MAX_DATA_CHARS:
            continue
        try:
            yield json.loads(text)
        except (ValueError, RecursionError):
            continue


def _bodies(data: object) -> Iterable[tuple[list[Paragraph], list[dict]]]:
    """Every list of blocks or HTML string in ``data`` that reads as an article body, with
    the objects around it, nearest first."""
    stack: list[tuple[object, list[dict], int]] = [(data, [], 0)]
    while stack:
        node, ancestors, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(node, dict):
            inner = [node, *ancestors]
            stack.extend(
                (value, inner, depth + 1)
                for key, value in node.items()
                if not _names_furniture(key)
            )
        elif isinstance(node, list):
            paragraphs = _blocks(node)
            if _is_body(paragraphs):
                yield paragraphs, ancestors
            else:
                stack.extend((value, ancestors, depth + 1) for value in node)
        elif isinstance(node, str) and len(node) >= _MIN_BODY_CHARS and _HTML_BLOCK.search(node):
            paragraphs = html_to_paragraphs(node)
            if _is_body(paragraphs):
                yield paragraphs, ancestors


def _blocks(items: list) -> list[Paragraph]:
    out = []
    for item in items:
        if isinstance(item, str):
            text, heading = item, False
        elif isinstance(item, dict):
            text = "".join(_leaf_texts(item, 0))
            kind = next((item[k] for k in _KIND_KEYS if isinstance(item.get(k), str)), "")
            heading = bool(_HEADING_KIND.match(kind))
        else:
            return []  # numbers, nested lists: not a run of blocks
        if _TAG.search(text):
            text = html_to_text(text)  # markup in a block is read as text, never kept
        text = " ".join(text.split())
        if text:
            out.append(Paragraph(text, "heading" if heading else "body"))
    return out


def _leaf_texts(node: object, depth: int) -> Iterable[str]:
    """The text leaves of a block, in order: ``text``/``value`` strings at any depth."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str):
                if key in _TEXT_KEYS:
                    yield value
            else:
                yield from _leaf_texts(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            yield from _leaf_texts(value, depth + 1)


def _is_body(paragraphs: list[Paragraph]) -> bool:
    body = [p.text for p in paragraphs if p.kind == "body"]
    if len(body) < 2 or sum(map(len, body)) < _MIN_BODY_CHARS:
        return False
    return sum(len(_SENTENCE_END.findall(text)) for text in body) >= _MIN_SENTENCES


def _names_the_article(ancestors: list[dict], wanted: set[str]) -> bool:
    return any(
        isinstance(value, str) and _key(value) in wanted
        for item in ancestors[:_ARTICLE_LEVELS]
        for value in item.values()
    )


def _paid(item: dict, settings: bool = True) -> bool:
    """Whether ``item`` says its article is paid for; with ``settings``, its objects too
    ("access": {"isPaywalled": true}), but not those named furniture (a related article's
    flag is that article's)."""
    for key, value in item.items():
        if key == "isAccessibleForFree":
            if str(value).strip().lower().rsplit("/", 1)[-1] in ("false", "no", "0"):
                return True
        elif _PAID_KEY.search(key):
            if (
                value is True
                or (
                    isinstance(value, str)
                    and value.strip().lower() not in _NO_PAYWALL
                    and len(value.split()) <= _MAX_FLAG_WORDS
                )
                or (
                    isinstance(value, dict)
                    and any(_SWITCH_KEY.fullmatch(k) and v is True for k, v in value.items())
                )
            ):
                return True
        elif isinstance(value, str) and not _ACCESS_WORDS.isdisjoint(name_words(key)):
            if _PAID_ACCESS.search(" ".join(name_words(value))):
                return True
        elif (
            settings
            and isinstance(value, dict)
            and not _names_furniture(key)
            and _paid(value, settings=False)
        ):
            return True
    return False


@functools.lru_cache(maxsize=4096)  # (a page's data repeats a few keys thousands of times)
def _names_furniture(key: str) -> bool:
    return matches_hint([name_words(key)], _FURNITURE_KEYS)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()
