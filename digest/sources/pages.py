"""Article web pages → Article: trafilatura finds the body, this module removes what it leaves in.

Used when a feed entry carries only a teaser (or a source asks for full text) and for
``digest extract``. The steps:

1. Decode the bytes, honouring ``<meta charset>`` (see ``decode_page``).
2. Read the metadata (title, author, publication time, canonical link) from the untouched page.
3. Strip page furniture that needs the DOM to recognise: captions and photo credits, byline,
   tag-list, share, newsletter, promo and related-article containers (by the hints sites put in
   ``class``/``id``/``itemprop``/``role``/``aria-label``), and hidden or pop-up text inside links
   (tooltips, hover cards, screen-reader notes) that would otherwise merge into the sentence
   around it.
4. Run trafilatura in precision mode, no comments, no tables, and read its XML-like body tree
   into ``Paragraph`` objects (``<head>`` → heading).
5. Tidy the page-shaped leftovers at the edges of the body: the headline or a date/byline line
   repeated as the first line, caption and photo-credit lines, a trailing tag list, and a body
   that the page printed twice.

Text boilerplate that is not about page layout (AI disclaimers, newsletter prompts written as
prose, copyright lines, duplicate paragraphs) is the normalise stage's job, run afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from digest.model import Article, Paragraph, Source
from digest.text.dates import parse_date
from digest.text.decode import decode_page, strip_control_chars

# A page that declares no article type and yields less text than this is taken for an index,
# a consent wall or an error page rather than an article.
MIN_UNTYPED_ARTICLE_CHARS = 400

NO_ARTICLE = "no article text found on the page"
NO_ARTICLE_ADVICE = (
    "the address may be a home page, a section or search listing, a consent or paywall page, "
    "or a page that builds its text with JavaScript; use the article's own address"
)


@dataclass(frozen=True)
class PageContent:
    """What an article page says: its title, body and the metadata it declares."""

    title: str
    paragraphs: tuple[Paragraph, ...]
    published: dt.datetime | None = None  # aware UTC
    author: str | None = None
    url: str | None = None  # the canonical link, when the page declares one


class PageError(Exception):
    """A page with no article in it: ``problem`` says what happened, ``advice`` what to do."""

    def __init__(self, problem: str, advice: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.advice = advice


# ---------------------------------------------------------------------------------------------
# Public API


def extract_page(
    html: bytes | str, url: str | None = None, content_type: str | None = None
) -> PageContent:
    """Extract the article on an HTML page. ``url`` (where the page came from) resolves links;
    ``content_type`` is the HTTP Content-Type header, whose charset decides the decoding.

    Raises PageError when the page holds no article text.
    """
    is_bytes = isinstance(html, bytes)
    text = decode_page(html, content_type) if is_bytes else strip_control_chars(html)
    tree = _parse(text)
    if tree is None:
        raise PageError(NO_ARTICLE, "the content is not an HTML page")
    try:
        title, author, titles, date_hint = _title_author_date(tree, url)
        published = _published(tree) or parse_date(date_hint or "")
        canonical = _canonical_url(tree, url)
        declares_article = _declares_article(tree)
        _strip_furniture(tree)
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            with_metadata=False,
        )
    except (ValueError, TypeError, RecursionError, etree.LxmlError) as exc:
        # lxml and trafilatura fail this way on pathological markup (deep nesting, bad bytes)
        raise PageError(NO_ARTICLE, f"the page's HTML could not be processed ({exc})") from exc
    body = getattr(document, "body", None)
    paragraphs = _tidy(_paragraphs(body) if body is not None else [], titles, author)
    body_chars = sum(len(p.text) for p in paragraphs if p.kind == "body")
    if body_chars == 0 or (not declares_article and body_chars < MIN_UNTYPED_ARTICLE_CHARS):
        raise PageError(NO_ARTICLE, NO_ARTICLE_ADVICE)

    if not title:
        title = next((p.text for p in paragraphs if p.kind == "heading"), "")
    return PageContent(
        title=title,
        paragraphs=tuple(paragraphs),
        published=published,
        author=author,
        url=canonical,
    )


def page_article(content: PageContent, source: Source, *, key: str, url: str | None) -> Article:
    """The raw (not yet normalised) Article for a page read for ``source``.

    ``url`` is the address the article was found at (the feed entry's link); it is kept as the
    article's link when given, since a page's declared canonical is sometimes wrong (a site's
    home page on every article). The canonical link is used when no address is given. The
    source's ``category`` is ingest's to apply.
    """
    return Article(
        key=key,
        source=source.name,
        title=content.title,
        paragraphs=content.paragraphs,
        url=url or content.url,
        published=content.published,
        author=content.author,
    )


# An ellipsis at the very end, or a "continue reading" link standing after the last sentence
# ("… Continue reading →", "[Read more]", "Read the full story at Example News").
_TEASER_END = re.compile(
    r"(?:…|\.\.\.|\[(?:…|\.\.\.)\]|\((?:…|\.\.\.|more…?)\))\s*$"
    r"|(?:^|[.!?…\]\)»\u203a:]\s*|\s[-\u2013\u2014|]\s*|\[)"
    r"(?:(?:continue|keep)\s+reading|read\s+(?:more|the\s+rest|(?:the\s+)?full\s+"
    r"(?:story|article|post))|click\s+here\s+to\s+read)\b[^.!?]{0,60}$",
    re.IGNORECASE,
)
# The line WordPress appends to every feed item; it says nothing about whether the text is full.
_FEED_FOOTER = re.compile(r"^the post .+ appeared first on .+$", re.IGNORECASE)


def is_teaser(paragraphs: Sequence[Paragraph], min_chars: int = 500) -> bool:
    """Does a feed entry carry only a teaser, so that the linked page should be fetched?

    True when the text ends in an ellipsis or a "Continue reading"/"Read more" link, or is
    shorter than ``min_chars`` characters.
    """
    body = [p.text.strip() for p in paragraphs if p.kind == "body" and p.text.strip()]
    while body and _FEED_FOOTER.match(body[-1]):
        body.pop()
    if not body:
        return True
    if _TEASER_END.search(body[-1][-120:]):
        return True
    return sum(len(text) for text in body) < min_chars


# ---------------------------------------------------------------------------------------------
# Decoding and parsing

_XML_DECL = re.compile(r"^\s*<\?xml\b[^>]*\?>", re.I)


def _parse(text: str) -> HtmlElement | None:
    # lxml refuses a str that still carries an encoding declaration; the text is decoded already
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        tree = trafilatura.load_html(text)
    except (TypeError, ValueError):
        return None
    return tree if isinstance(tree, HtmlElement) else None


# ---------------------------------------------------------------------------------------------
# Metadata


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
    title = _clean(metadata.title or "")
    author = _clean(metadata.author or "") or None
    titles = [title, *(_clean(h.text_content()) for h in tree.iter("h1"))]
    titles += [_clean(el.get("content", "")) for el in _metas(tree, "og:title", "twitter:title")]
    titles += [_clean(el.text_content()) for el in tree.iter("title")]
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


# ---------------------------------------------------------------------------------------------
# DOM cleaning, before trafilatura

# Attributes where sites name what a block is for.
_HINT_ATTRIBUTES = (
    "class",
    "id",
    "itemprop",
    "role",
    "aria-label",
    "data-component",
    "data-module",
    "data-testid",
    "data-role",
)
# Blocks whose name says they are furniture around the article, as word sequences of the
# hint ("most-read", "MostRead", "most_read" and aria-label="Most read" all match most+read).
_FURNITURE_HINTS = frozenset(
    {
        # related-article and recirculation blocks
        ("related",),
        ("recirc",),
        ("recirculation",),
        ("recommended",),
        ("recommendations",),
        ("outbrain",),
        ("taboola",),
        ("trending",),
        ("read", "next"),
        ("read", "more"),
        ("read", "also"),
        ("also", "read"),
        ("see", "also"),
        ("more", "on"),
        ("more", "from"),
        ("most", "read"),
        ("most", "popular"),
        ("most", "viewed"),
        ("most", "shared"),
        ("popular", "posts"),
        ("rich", "link"),
        # newsletter, subscription and membership prompts
        ("newsletter",),
        ("newsletters",),
        ("subscribe",),
        ("subscription",),
        ("signup",),
        ("sign", "up"),
        ("optin",),
        ("promo",),
        ("promotion",),
        ("donate",),
        ("donation",),
        # bylines, author boxes, tag lists
        ("byline",),
        ("author",),
        ("authors",),
        ("tags",),
        ("tag", "list"),
        ("tag", "cloud"),
        ("topics",),
        ("topic", "list"),
        ("keywords",),
        ("categories",),
        ("cat", "links"),
        # sharing tools
        ("share",),
        ("sharing",),
        ("social",),
        ("sharedaddy",),
        ("addtoany",),
        # captions and photo credits
        ("caption",),
        ("figcaption",),
        ("credit",),
        ("credits",),
        # reprint and copyright notes
        ("republish",),
        ("republishing",),
        ("reprint",),
        ("reprints",),
        ("copyright",),
        ("syndication",),
        # advertising and consent
        ("ad",),
        ("ads",),
        ("advert",),
        ("advertisement",),
        ("sponsored",),
        ("cookie",),
        ("cookies",),
        ("consent",),
        ("gdpr",),
        # navigation and quotes repeated from the body
        ("breadcrumb",),
        ("breadcrumbs",),
        ("pullquote",),
        ("pull", "quote"),
        # ARIA landmark roles that are never the article
        ("complementary",),
        ("contentinfo",),
        ("dialog",),
        ("alertdialog",),
    }
)
# Text that is on the page but not shown in the sentence: pop-ups on links, screen-reader notes.
_HIDDEN_HINTS = frozenset(
    {
        ("tooltip",),
        ("tooltiptext",),
        ("popover",),
        ("popup",),
        ("pop", "up"),
        ("hovercard",),
        ("hover", "card"),
        ("flyout",),
        ("sr", "only"),
        ("visually", "hidden"),
        ("visuallyhidden",),
        ("screen", "reader", "text"),
        ("screen", "reader", "only"),
    }
)
_HIDDEN_ROLES = frozenset({"tooltip"})
_FURNITURE_BLOCKS = frozenset(
    {
        "address",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "li",
        "nav",
        "ol",
        "p",
        "section",
        "table",
        "ul",
    }
)
_NEVER_REMOVED = frozenset({"html", "head", "body"})
# Names of the article's own container: never removed, whatever else its class list says
# ("article-body js-share-quotes").
_BODY_HINTS = frozenset(
    {
        ("article", "body"),
        ("articlebody",),
        ("article", "content"),
        ("article", "text"),
        ("entry", "content"),
        ("post", "content"),
        ("post", "body"),
        ("story", "body"),
        ("story", "content"),
        ("main", "content"),
    }
)
# Nor is a hinted block that holds this share of the page's unlinked text, or several
# paragraphs of prose: that is the article whatever its name says ("has-newsletter").
_MAX_REMOVED_SHARE = 0.4
_PROSE_PARAGRAPH_CHARS = 120
_MAX_REMOVED_PROSE_PARAGRAPHS = 3
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _hint_words(element: HtmlElement) -> list[tuple[str, ...]]:
    """Each hint in the element's naming attributes, as a sequence of lowercase words."""
    hints = []
    for attribute in _HINT_ATTRIBUTES:
        value = element.get(attribute)
        if not value:
            continue
        # class lists are several names; aria-label is a phrase
        parts = [value] if attribute == "aria-label" else value.split()
        for part in parts:
            words = tuple(w for w in _NON_WORD.split(_CAMEL.sub(" ", part).lower()) if w)
            if words:
                hints.append(words)
    return hints


def _matches(hints: list[tuple[str, ...]], vocabulary: frozenset[tuple[str, ...]]) -> bool:
    for words in hints:
        for size in (1, 2, 3):
            for start in range(len(words) - size + 1):
                if words[start : start + size] in vocabulary:
                    return True
    return False


def _is_hidden(element: HtmlElement, hints: list[tuple[str, ...]]) -> bool:
    if element.get("hidden") is not None:
        return True
    if (element.get("aria-hidden") or "").strip().lower() == "true":
        return True
    if _HIDDEN_STYLE.search(element.get("style") or ""):
        return True
    if (element.get("role") or "").strip().lower() in _HIDDEN_ROLES:
        return True
    return _matches(hints, _HIDDEN_HINTS)


def _unlinked_chars(element: HtmlElement) -> int:
    total = len(element.text_content())
    return total - sum(len(a.text_content()) for a in element.iter("a"))


def _holds_the_body(element: HtmlElement, hints: list[tuple[str, ...]], page_chars: int) -> bool:
    """Is this hinted block the article itself (or the page around it)?"""
    # "article-body" names the container; "article-body__sign-up" a part of it (BEM style)
    if any(words[-len(h) :] == h for words in hints for h in _BODY_HINTS):
        return True
    if _unlinked_chars(element) > _MAX_REMOVED_SHARE * page_chars:
        return True
    prose = 0
    for paragraph in element.iter("p"):
        if _unlinked_chars(paragraph) >= _PROSE_PARAGRAPH_CHARS:
            prose += 1
            if prose >= _MAX_REMOVED_PROSE_PARAGRAPHS:
                return True
    return False


def _strip_furniture(tree: HtmlElement) -> None:
    """Remove captions, hinted furniture blocks and hidden/pop-up text, in place."""
    # scripts and styles are no text, and inline JSON would swamp the page-share guard below
    for element in list(tree.iter("script", "style", "template")):
        if element.getparent() is not None:
            element.drop_tree()
    page_chars = max(_unlinked_chars(tree), 1)
    doomed = []
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in _NEVER_REMOVED:
            continue
        hints = _hint_words(element)
        if (
            tag == "figcaption"
            or _is_hidden(element, hints)
            or (tag in _FURNITURE_BLOCKS and _matches(hints, _FURNITURE_HINTS))
        ) and not _holds_the_body(element, hints, page_chars):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail: the rest of the sentence after a pop-up


# ---------------------------------------------------------------------------------------------
# trafilatura's body tree → paragraphs

_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "quote", "code", "div"})
_SKIPPED_TAGS = frozenset({"graphic", "table"})


def _paragraphs(body: etree._Element) -> list[Paragraph]:
    out: list[Paragraph] = []
    _flow(body, "body", out)
    return out


def _flow(element: etree._Element, kind: str, out: list[Paragraph]) -> None:
    """Append the element's text as paragraphs: a line break or a nested block ends one."""
    buffer: list[str] = []

    def flush() -> None:
        text = _clean("".join(buffer))
        if text:
            out.append(Paragraph(text, "heading" if kind == "heading" else "body"))
        buffer.clear()

    def walk(node: etree._Element) -> None:
        if node.text:
            buffer.append(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "lb" or tag in _SKIPPED_TAGS:
                flush()
            elif tag in _BLOCK_TAGS:
                flush()
                _flow(child, "heading" if tag == "head" else "body", out)
            elif tag:
                walk(child)
            if child.tail:
                buffer.append(child.tail)

    walk(element)
    flush()


def _clean(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# Page-shaped leftovers in the extracted text


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_MONTHS = _wordset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "september oct october nov november dec december"
)
_WEEKDAYS = _wordset(
    "mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday "
    "sun sunday"
)
# Words that occur in date and byline lines around an article, never as its prose.
_META_WORDS = _wordset(
    "published updated posted modified last first edited on at am pm gmt utc bst cet cest est "
    "edt cst cdt mst mdt pst pdt et ct pt ist aest aedt jst sgt hkt min mins minute minutes read "
    "reading time ago hour hours today yesterday by and"
)
# Lowercase words a byline may have besides names: "By Jane Doe, Latin America correspondent".
_BYLINE_WORDS = _wordset(
    "in for of the and with from correspondent correspondents reporter reporters editor editors "
    "writer writers staff contributor contributors columnist senior chief political economics "
    "science business foreign special additional reporting photographer photographs words "
    "editing written wire news agency"
)
_DATE_SHAPE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d{2}\b"
)
_AM_PM = re.compile(r"\b([ap])\.\s?m\.", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?|\d+")
_MAX_META_LINE_CHARS = 140
_EDGE_LEADING = 4
_EDGE_TRAILING = 3

_TAG_LINE = re.compile(
    r"^(?:(?:tags|tagged(?:\s+with)?|topics|related\s+topics|filed\s+under|posted\s+in"
    r"|categories|keywords)\s*[:\uff1a]?|(?:tag|topic|category|more\s+on|see\s+more)\s*[:\uff1a])"
    r"\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(
    r"^\(?\s*(?i:(?:photo(?:graph)?|image|picture|pic|illustration|video|graphic)s?"
    r"(?:\s+(?:credit|source|caption|courtesy))?|credits?|caption)"
    r"\s*(?:[:,]|(?i:by|courtesy(?:\s+of)?)\s+[A-Z])"
)
_CREDIT_TAIL = re.compile(
    r"(?:^|\s)(?:Photo(?:graph)?s?|Image|Picture|Illustration|Credit)\s*(?::|\bby\b)\s*"
    r"[A-Z][^.!?:]{1,100}$"
    r"|\((?:[A-Z][\w.]*\s+){0,3}Photo(?:graph)?s?\s*(?:/|:|\bby\b)[^()]{1,100}\)\.?$"
)
_AGENCY_LINE = re.compile(
    r"^(?:[A-Z][\w.'\u2019-]*\s+){0,4}(?:via\s+|/\s*)?"
    r"(?:Getty Images|AFP|Reuters|AP|EPA(?:-EFE)?|Shutterstock|Alamy|PA Media|PA Wire|Bloomberg"
    r"|Xinhua|Anadolu(?: Agency)?)(?:\s*/\s*[\w ]+)?\)?$"
)
_MAX_CAPTION_WORDS = 60


def _tidy(
    paragraphs: list[Paragraph], titles: Sequence[str], author: str | None
) -> list[Paragraph]:
    title_keys = {_key(t) for t in titles if len(t.split()) >= 3}
    authors = _author_names(author)
    kept = [
        p
        for p in paragraphs
        if _key(p.text) not in title_keys and not _is_caption_or_credit(p.text)
    ]
    # Date, byline and tag lines stand among the first and last few paragraphs, sometimes
    # behind a standfirst or ahead of a site's standards note, so look at a few on each edge.
    count = len(kept)
    edges = [(i, _is_meta_line) for i in range(min(_EDGE_LEADING, count))]
    edges += [(i, _is_trailing_meta) for i in range(max(0, count - _EDGE_TRAILING), count)]
    dropped = {i for i, test in edges if test(kept[i].text, authors)}
    kept = [p for i, p in enumerate(kept) if i not in dropped]
    while kept and kept[-1].kind == "heading":
        kept.pop()
    return _without_repeated_body(kept)


def _is_trailing_meta(text: str, authors: Sequence[str]) -> bool:
    return _is_tag_line(text) or _is_meta_line(text, authors)


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _author_names(author: str | None) -> list[str]:
    if not author:
        return []
    names = re.split(r"\s*(?:;|,|&|\band\b)\s*", author)
    return sorted((n.strip() for n in names if len(n.strip()) >= 3), key=len, reverse=True)


def _is_meta_line(text: str, authors: Sequence[str]) -> bool:
    """A dateline, byline or reading-time line: "Published 12 March 2024, 09:41 GMT",
    "By Jane Doe and Tom Ruiz", "Jane Doe in Panama City", "6 min read"."""
    text = text.strip()
    if not text or len(text) > _MAX_META_LINE_CHARS or text.endswith(("!", "?", ":")):
        return False
    if text.endswith(".") and not re.search(r"(?:\b[ap]\.m|\b[A-Z])\.$", text):
        return False
    folded = _AM_PM.sub(r"\1m", text)
    has_author = False
    for name in authors:
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        if pattern.search(folded):
            folded = pattern.sub(" ", folded)
            has_author = True
    has_date = bool(_DATE_SHAPE.search(folded))
    tokens = _TOKEN.findall(folded)
    lowered = [t.lower() for t in tokens]
    is_byline = has_author or (bool(lowered) and lowered[0] == "by") or "by" in lowered[:3]
    minutes = "min" in lowered or "mins" in lowered  # "6 min read"
    leftovers = []
    for token, low in zip(tokens, lowered, strict=True):
        if low in _MONTHS or low in _WEEKDAYS or low == "ago" or (low == "read" and minutes):
            has_date = True
        elif token.isdigit() or low in _META_WORDS:
            continue
        else:
            leftovers.append(token)
    if not leftovers:
        return has_date or is_byline
    if not is_byline or len(leftovers) > 8:
        return False
    # the rest must read as names, places and roles: "Latin America correspondent", "in Caracas"
    return all(t[0].isupper() or t.lower() in _BYLINE_WORDS for t in leftovers)


def _is_tag_line(text: str) -> bool:
    match = _TAG_LINE.match(text.strip())
    if not match or text.rstrip().endswith((".", "!", "?")):
        return False
    items = re.split(r"\s*(?:,|\||·|•|;|/)\s*", match["rest"])
    return len(items) <= 20 and all(0 < len(item.split()) <= 5 for item in items)


def _is_caption_or_credit(text: str) -> bool:
    """A photo credit or a caption that ends in one, standing as a paragraph of its own."""
    text = text.strip()
    words = len(text.split())
    if words > _MAX_CAPTION_WORDS:
        return False
    if _CREDIT_LINE.match(text) and words <= 40:
        return True
    if _CREDIT_TAIL.search(text):
        return True
    return words <= 8 and bool(_AGENCY_LINE.match(text))


def _without_repeated_body(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Cut a body the page printed twice: A B C A B C, a preview then the full text
    (A B A B C D), or the full text then a truncated copy (A B C D A B)."""
    keys = [_key(p.text) for p in paragraphs]
    n = len(keys)
    for start in range(1, n):
        if keys[start] != keys[0] or not keys[0]:
            continue
        run = 0
        while start + run < n and run < start and keys[start + run] == keys[run]:
            run += 1
        if run == start:  # the whole first block is repeated right after it
            return _without_repeated_body(paragraphs[start:])
        if start + run == n and run >= 2:  # the tail repeats the beginning
            return paragraphs[:start]
    return paragraphs
