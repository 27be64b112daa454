"""What an article page declares about itself: title, author, publication time, canonical link.

Read from the untouched page, before any furniture is stripped: ``<meta>`` tags (Open Graph,
Dublin Core, Parse.ly, Sailthru...), JSON-LD (also inside ``@graph`` and ``mainEntity``),
microdata (``itemprop``/``itemtype``), ``<link rel=canonical>``, and trafilatura's own
metadata reader for the title, author and a day from the URL. The JSON-LD ``articleBody`` is
kept too, and so is the article a Next.js page's data script holds (``app_data``): a page that
builds its text with JavaScript often states the whole article there and nowhere else in its
HTML.

A wrong date is worse than none (it files an article under the wrong day), so only dates the
page states in markup are read, never one found by searching its visible text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement

from digest.model import Paragraph
from digest.sources.pages.app_data import app_data_paragraphs
from digest.text.dates import parse_date


@dataclass(frozen=True)
class PageMetadata:
    """What the page's markup says about the article."""

    title: str  # "" when the page names none
    author: str | None
    published: dt.datetime | None  # aware UTC
    canonical_url: str | None
    declares_article: bool  # Open Graph, JSON-LD or microdata call the page an article
    titles: tuple[str, ...]  # every form of the headline the body might repeat
    article_body: str = ""  # the JSON-LD articleBody, the longest one declared ("" when none)
    # the article a JavaScript app's data script holds (app_data), () when none or paid for
    app_body: tuple[Paragraph, ...] = ()
    # the summaries the page gives of the article (meta, Open Graph, Twitter, JSON-LD)
    descriptions: tuple[str, ...] = ()


def read_metadata(tree: HtmlElement, url: str | None) -> PageMetadata:
    """The metadata of the parsed page ``tree``; ``url`` (where it came from) resolves links."""
    title, author, titles, date_hint = _title_author_date(tree, url)
    objects = list(_json_ld_objects(tree))
    paid = any(_paid(item) for item in objects)
    descriptions = _descriptions(tree, objects)
    return PageMetadata(
        title=title,
        author=author,
        published=_published(tree) or parse_date(date_hint or ""),
        canonical_url=_canonical_url(tree, url),
        declares_article=_declares_article(tree),
        titles=tuple(titles),
        article_body="" if paid else _article_body(objects),
        # a paid article's text is in the app's data for the app to show subscribers
        app_body=() if paid else tuple(app_data_paragraphs(tree, [*titles, *descriptions])),
        descriptions=tuple(descriptions),
    )


def _descriptions(tree: HtmlElement, objects: list[dict]) -> list[str]:
    keys = ("description", "og:description", "twitter:description")
    found = [_collapse(meta.get("content", "")) for meta in _metas(tree, *keys)]
    found += [
        _collapse(value)
        for item in objects
        if isinstance(value := item.get("description"), str) and _json_ld_types(item)
    ]
    return [text for text in found if text]


def _article_body(objects: list[dict]) -> str:
    """The longest JSON-LD ``articleBody``. Not read when the page says anything of it is paid
    for: a site that states ``"isAccessibleForFree": false`` (on the article, on the page
    around it, or on a part of it: ``hasPart``) puts its article there for search engines to
    index, not for a reader to take past its paywall."""
    bodies = [
        body
        for item in objects
        if isinstance(body := item.get("articleBody"), str) and _json_ld_types(item)
    ]
    return max(bodies, key=len, default="")


def _paid(item: dict) -> bool:
    """Whether a JSON-LD object, or one of its parts, says it is not free to read."""
    parts = item.get("hasPart", [])
    for thing in (item, *(parts if isinstance(parts, list) else [parts])):
        if not isinstance(thing, dict):
            continue
        # false, "False", "no", or schema.org's own spelling: "https://schema.org/False"
        said = str(thing.get("isAccessibleForFree", "")).strip().lower()
        if said.rsplit("/", 1)[-1] in ("false", "no", "0"):
            return True
    return False


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _title_author_date(
    tree: HtmlElement, url: str | None
) -> tuple[str, str | None, list[str], str | None]:
    """trafilatura's title, author and publication day, and every form of the headline the body
    might repeat. The day is only a fallback for ``_published``, which keeps the time of day."""
    metadata = trafilatura.extract_metadata(
        deepcopy(tree),
        default_url=url,
        # structured markup and the URL only: htmldate's search of the visible text can pick
        # up any date on the page, and a wrong date is worse than none
        date_config={"original_date": True, "extensive_search": False},
    )
    title = _collapse(metadata.title or "")
    author = _collapse(metadata.author or "") or None
    titles = [title, *(_collapse(h.text_content()) for h in tree.iter("h1"))]
    titles += [_collapse(el.get("content", "")) for el in _metas(tree, "og:title", "twitter:title")]
    titles += [_collapse(el.text_content()) for el in tree.iter("title")]
    return title, author, [t for t in titles if t], metadata.date


def _metas(tree: HtmlElement, *keys: str) -> Iterator[HtmlElement]:
    wanted = set(keys)
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        if key.strip().lower() in wanted:
            yield meta


# Where pages state when an article was first published, best source first.
_DATE_META_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "date",
)


def _published(tree: HtmlElement) -> dt.datetime | None:
    """The publication time the page declares, as an aware UTC datetime; None when unclear."""
    declared: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        value = meta.get("content")
        if key in _DATE_META_KEYS and value and key not in declared:
            declared[key] = value
    candidates = [declared[key] for key in _DATE_META_KEYS[:3] if key in declared]
    candidates += _json_ld_values(tree, "datePublished")
    candidates += [
        el.get("datetime") or el.get("content") or el.text_content()
        for el in tree.iter()
        if isinstance(el.tag, str) and el.get("itemprop") == "datePublished" and el.tag != "meta"
    ]
    candidates += [declared[key] for key in _DATE_META_KEYS[3:] if key in declared]
    for value in candidates:
        parsed = parse_date(value or "")
        if parsed is not None:
            return parsed
    return None


def _json_ld_objects(tree: HtmlElement) -> Iterator[dict]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k == "@graph" or k == "mainEntity")


def _json_ld_types(item: dict) -> list[str]:
    kind = item.get("@type", [])
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


def _json_ld_values(tree: HtmlElement, key: str) -> list[str]:
    values = []
    for item in _json_ld_objects(tree):
        value = item.get(key)
        if isinstance(value, str) and _json_ld_types(item):
            values.append(value)
    return values


_ARTICLE_TYPE = re.compile(r"(?:article|posting|report)$", re.IGNORECASE)


def _declares_article(tree: HtmlElement) -> bool:
    """Does the page say it is an article (Open Graph type, JSON-LD or microdata)?"""
    if any(
        (m.get("content") or "").strip().lower().startswith("article")
        for m in _metas(tree, "og:type")
    ):
        return True
    json_ld_types = (t for item in _json_ld_objects(tree) for t in _json_ld_types(item))
    if any(_ARTICLE_TYPE.search(t) for t in json_ld_types):
        return True
    return any(
        _ARTICLE_TYPE.search((el.get("itemtype") or "").rstrip("/"))
        for el in tree.iter()
        if isinstance(el.tag, str) and el.get("itemtype")
    )


def _canonical_url(tree: HtmlElement, url: str | None) -> str | None:
    hrefs = [
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    hrefs += [m.get("content") for m in _metas(tree, "og:url")]
    for href in hrefs:
        if not href or not href.strip():
            continue
        absolute = urljoin(url or "", href.strip())
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.netloc:
            return absolute
    return None
