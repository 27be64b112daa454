"""Running trafilatura on a parsed page, and reading its body tree into ``Paragraph`` objects.

trafilatura runs in precision mode with tables and no comments, images, links or formatting; its
XML-like body tree (``<p>``, ``<head>``, ``<list>``/``<item>``, ``<quote>``, ``<lb>``,
``<code>``, ``<table>``...) becomes paragraphs: a nested block or two line breaks in a row end
one (a single line break and inline ``<code>`` do not), ``<head>`` becomes a heading, a code
block a verbatim ``code`` paragraph, a data table one ``row`` paragraph per row, a layout
table the text of its substantial cells; graphics are skipped.
"""

from __future__ import annotations

import re

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from digest.model import CELL_SEPARATOR, Paragraph
from digest.sources.pages.furniture import names_furniture, names_the_body
from digest.text.shapes import as_list_item

_XML_DECL = re.compile(r"^\s*<\?xml\b[^>]*\?>", re.I)
_DOCUMENT = re.compile(r"<(?:!doctype|html|head|body)\b", re.I)


def parse_html(text: str) -> HtmlElement | None:
    """The decoded page parsed as trafilatura parses it; None when it is not HTML."""
    # lxml refuses a str that still carries an encoding declaration; the text is decoded already
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    if "<" in text and not _DOCUMENT.search(text):
        # a fragment (a feed entry's HTML saved to a file): trafilatura reads only documents
        text = f"<html><body>{text}</body></html>"
    try:
        tree = trafilatura.load_html(text)
    except (TypeError, ValueError):
        return None
    return tree if isinstance(tree, HtmlElement) else None


def find_body(tree: HtmlElement, url: str | None) -> etree._Element | None:
    """trafilatura's body tree of the article in ``tree``; None when it finds none.

    Every ``<pre>`` is given a ``<code>`` inside first: trafilatura reads a bare ``<pre>`` as a
    quotation, and a code block is only told from one by its ``<code>``.
    """
    _mark_code_blocks(tree)
    _mark_prose_blocks(tree)
    _gather_posts(tree)
    _bring_in_the_lead(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        with_metadata=False,
    )
    return getattr(document, "body", None)


def _gather_posts(tree: HtmlElement) -> None:
    """Make a live blog's posts one article. Each post is an ``<article>`` of its own, side by
    side under the page's headline, and trafilatura reads the page's first ``<article>`` as
    the whole of it: every post but the first was lost (or, the first being short, their
    paragraphs were gathered without their headings). The posts' container becomes the
    article and the posts its sections, when the headline (the page's first ``<h1>``) stands
    before them, outside them all: articles that each hold a headline are a run of whole
    articles (the next story loaded below this one), not one article's posts. When the
    headline is inside an ``<article>`` (a WordPress post with its live entries), the posts
    are looked for inside that one: other articles elsewhere are not its posts.

    The container is also named the article's body (``itemprop="articleBody"``): trafilatura
    reads first a block named so ("entry-content", ``itemprop="articleBody"``, a class of
    exactly "post"), and a post's own body named so (a CMS names each post as it names an
    article) stood before the rest in the page: it read that post alone."""
    headline = next(tree.iter("h1"), None)
    if headline is None:
        return
    scope = next((a for a in headline.iterancestors("article")), tree)
    first = next((a for a in scope.iterdescendants("article")), None)
    holder = first.getparent() if first is not None else None
    if first is None or holder is None or holder.tag in ("body", "html"):
        return
    posts = [child for child in holder if child.tag == "article"]
    if len(posts) < 2 or any(next(post.iter("h1"), None) is not None for post in posts):
        return
    if next(e for e in scope.iter("h1", "article") if e is headline or e is first) is not headline:
        return  # no headline before the posts
    for post in posts:
        post.tag = "section"
    holder.tag = "article"
    holder.set("itemprop", "articleBody")


# Blocks a lead paragraph is written in, beside the article's body container.
_LEAD_BLOCKS = frozenset({"p", "div", "section"})
# Unlinked text a lead holds at least (a teaser linking to another story is mostly link).
_MIN_LEAD_UNLINKED_SHARE = 0.8


def _bring_in_the_lead(tree: HtmlElement) -> None:
    """Move the lead paragraph set apart between the headline and the article's body
    container ("article-body", ``itemprop="articleBody"``) into that container, at its start.
    trafilatura reads first a container named so, and alone: a lead standing before it
    ("article__intro", Drupal's lead field) was lost, the article starting at its second
    paragraph. Whatever stands there and is still on the page is the article's (the
    furniture pass has taken the standfirst, the byline and the captions), but only prose
    is moved: a sentence's words and its full stop, written as a paragraph (no picture,
    heading or list in it), not mostly a link. The blocks looked at are the container's
    preceding siblings, and its ancestors', up to the element that holds the headline too:
    the article's header, holding the headline and its summary, is no lead. A page whose
    headline and body share only ``<body>`` has no such article around them, and is left as
    it is."""
    headline = next(tree.iter("h1"), None)
    if headline is None:
        return
    after = False
    container = None
    for element in tree.iter("div", "section", "main", "article", "h1"):
        if element is headline:
            after = True
        elif after and names_the_body(element):
            container = element
            break
    if container is None:
        return
    leads: list[HtmlElement] = []
    node = container
    while True:
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return
        holds_headline = any(a is parent for a in headline.iterancestors())
        for sibling in node.itersiblings(preceding=True):
            if sibling is headline or any(a is sibling for a in headline.iterancestors()):
                break
            if _is_lead(sibling):
                leads.append(sibling)
        if holds_headline:
            break
        node = parent
    for lead in leads:  # nearest first: each goes before the one after it
        if (lead.tail or "").strip():
            continue  # text after it would be left without its place
        lead.tail = None
        if lead.tag != "p" and next(lead.iter("p"), None) is None:
            lead.tag = "p"  # a lead written as a <div> of text is a paragraph
        container.insert(0, lead)


def _is_lead(element: HtmlElement) -> bool:
    if not isinstance(element.tag, str) or element.tag not in _LEAD_BLOCKS:
        return False
    inside = [d.tag for d in element.iterdescendants() if isinstance(d.tag, str)]
    if any(tag not in _INLINE_TAGS and tag != "p" for tag in inside):
        return False
    text = " ".join(element.text_content().split())
    if len(text.split()) < _MIN_PROSE_WORDS or not _SENTENCE_END.search(text):
        return False
    linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return len(text) - linked >= _MIN_LEAD_UNLINKED_SHARE * len(text)


def _mark_code_blocks(tree: HtmlElement) -> None:
    for pre in tree.iter("pre"):
        if next(pre.iter("code"), None) is not None:
            continue
        code = pre.makeelement("code", {})
        code.text, pre.text = pre.text, None
        for child in list(pre):
            code.append(child)
        pre.append(code)


# Elements a <div> holding a sentence may have inside it and still be one paragraph.
_INLINE_TAGS = frozenset(
    {
        *("a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "em", "font"),
        *("i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup"),
        *("time", "u", "var", "wbr"),
    }
)
# A sentence: enough words, and a full stop (or ! ? …, a closing quote after it) at its end.
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)]*\s*$")
_MIN_PROSE_WORDS = 8
# Paragraphs among which a <div> of prose is one of them: this many in its parent or the
# parent's parent.
_MIN_SIBLING_PARAGRAPHS = 2
# A block holding one of these is a picture's (or a video's, a map's) with its caption.
_MEDIA_TAGS = frozenset({"img", "picture", "video", "audio", "svg", "iframe", "embed", "object"})


def _mark_prose_blocks(tree: HtmlElement) -> None:
    """Make a ``<div>`` that holds a sentence of its own among the article's paragraphs a
    ``<p>``. trafilatura keeps only paragraphs of an article laid out in ``<p>``s, so a
    callout or card written as ``<div>`` text (Ghost's ``kg-callout-text``, a "note" box)
    lost its sentence. Only prose is marked (a sentence's words and its full stop, inline
    markup only), so a label, a date or a button stays what it was; and not a caption: the
    sentence of a block that holds a picture but none of the paragraphs, which describes the
    picture ("Waves break over the harbour wall during the storm.") that digest never shows.

    Nor the sentences sites write after an article, about it rather than in it: an author's
    bio or a newsletter line. These are told by the page's structure, not their words: a
    ``<div>`` standing after the last of its container's paragraphs (the article has ended
    there; a callout card stands in a block of its own among them), or one holding a link
    to its author (``rel="author"``) or an inline element named as furniture ("author-name",
    "newsletter-link"), which the furniture pass leaves to the block around it."""
    # (each parent's paragraphs and pictures are counted once: a page of thousands of <div>
    # lines in one container took seconds when every line counted its siblings again)
    paragraphs: dict[HtmlElement, bool] = {}
    after_paragraphs: dict[HtmlElement, set[HtmlElement]] = {}  # the children after the last
    media: dict[HtmlElement, bool] = {}

    def among_paragraphs(holder: HtmlElement) -> bool:
        if holder not in paragraphs:
            children = list(holder)
            found = [i for i, c in enumerate(children) if c.tag == "p"]
            paragraphs[holder] = len(found) >= _MIN_SIBLING_PARAGRAPHS
            after_paragraphs[holder] = set(children[found[-1] + 1 :]) if found else set()
        return paragraphs[holder]

    def holds_media(holder: HtmlElement) -> bool:
        if holder not in media:
            media[holder] = next(holder.iter(*_MEDIA_TAGS), None) is not None
        return media[holder]

    marked = []
    for div in tree.iter("div"):
        if not (div.text or "").strip() and not any((c.tail or "").strip() for c in div):
            continue  # no text of its own: a container
        inline = [d for d in div.iterdescendants() if isinstance(d.tag, str)]
        if any(d.tag not in _INLINE_TAGS for d in inline):
            continue
        if any(_is_author_link(d) or names_furniture(d) for d in inline):
            continue
        text = " ".join(div.text_content().split())
        if len(text.split()) < _MIN_PROSE_WORDS or not _SENTENCE_END.search(text):
            continue
        parent = div.getparent()
        if parent is None:
            continue
        grandparent = parent.getparent()
        if among_paragraphs(parent):
            if div not in after_paragraphs[parent]:
                marked.append(div)
        elif grandparent is not None and among_paragraphs(grandparent) and not holds_media(parent):
            marked.append(div)
    for div in marked:
        div.tag = "p"


def _is_author_link(element: HtmlElement) -> bool:
    return element.tag == "a" and "author" in (element.get("rel") or "").lower().split()


_BLOCK_TAGS = frozenset({"p", "head", "list", "quote", "div"})
# Elements that hold running text: a <code> inside one is inline unless it stands alone there
# with line breaks of its own (a code block the site wrapped in a paragraph).
_TEXT_HOLDERS = frozenset({"p", "head", "item", "cell", "hi", "ref", "quote", "del"})
_SKIPPED_TAGS = frozenset({"graphic"})
_LINE_NUMBERS = re.compile(r"[\d\s]*")
# A table whose longest cell holds more text than this holds an article, not data.
_MAX_DATA_CELL_CHARS = 250
# In a layout table, cells with less text than this share of the longest one are the page's
# navigation and footer, not the article.
_LAYOUT_CELL_SHARE = 0.2


def body_paragraphs(body: etree._Element) -> list[Paragraph]:
    """trafilatura's body tree as paragraphs: ``<head>`` as headings, code blocks as ``code``
    (verbatim), data tables as ``row`` paragraphs and layout tables as the text they hold."""
    out: list[Paragraph] = []
    _flow(body, "body", out)
    return out


def _flow(element: etree._Element, kind: str, out: list[Paragraph]) -> None:
    """Append the element's text as paragraphs: a nested block or two line breaks in a row
    end one; a single line break, and inline elements (``code``, ``hi``, ``ref``), do not.
    A list's items are numbered when it is a numbered list (``rend="ol"``)."""
    buffer: list[str] = []
    breaks = 0  # line breaks since the last text
    numbered = element.tag == "list" and element.get("rend") == "ol"
    items = 0  # the list's items so far

    def flush() -> None:
        text = _clean("".join(buffer))
        if text:
            out.append(Paragraph(text, "heading" if kind == "heading" else "body"))
        buffer.clear()

    def add(text: str | None) -> None:
        nonlocal breaks
        if text and not text.isspace():
            breaks = 0
        if text:
            buffer.append(text)

    def walk(node: etree._Element) -> None:
        nonlocal breaks, items
        add(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "lb":
                breaks += 1
                if breaks >= 2:
                    flush()
                else:
                    buffer.append(" ")
            elif tag in _SKIPPED_TAGS:
                flush()
            elif tag == "code" and _is_code_block(child):
                flush()
                code = _verbatim("".join(child.itertext()))
                if code and not _LINE_NUMBERS.fullmatch(code):  # a highlighter's gutter
                    out.append(Paragraph(code, "code"))
            elif tag == "table":
                flush()
                _table(child, out)
            elif tag == "item":
                flush()
                items += 1
                _item(child, out, items if numbered else None)
            elif tag in _BLOCK_TAGS:
                flush()
                _flow(child, "heading" if tag == "head" else "body", out)
            elif tag:
                walk(child)
            add(child.tail)

    walk(element)
    flush()


def _item(item: etree._Element, out: list[Paragraph], number: int | None) -> None:
    """A list's item as paragraphs, its first words opened with its bullet, or its number in
    a numbered list (``shapes.as_list_item``), as the feed's HTML lists are: an item is one,
    whatever the summariser and the cleaning are given. An item that opens with no text of
    its own (a list inside it, a heading, a code block) is left as it is."""
    start = len(out)
    _flow(item, "body", out)
    if len(out) > start and out[start].kind == "body":
        out[start] = Paragraph(as_list_item(out[start].text, number))


def _is_code_block(node: etree._Element) -> bool:
    parent = node.getparent()
    if parent is None or parent.tag not in _TEXT_HOLDERS:
        return True
    text = "".join(node.itertext())
    alone = not (parent.text or "").strip() and not (node.tail or "").strip() and len(parent) == 1
    return alone and "\n" in text.strip()


def _table(table: etree._Element, out: list[Paragraph]) -> None:
    """A data table as rows of text; a layout table as the text of its substantial cells."""
    rows = [row for row in table.iter("row") if _nearest_table(row) is table]
    cells = [[c for c in row if c.tag == "cell"] for row in rows]
    texts = [[_clean("".join(c.itertext())) for c in row] for row in cells]
    # a table inside, or a code block (a highlighter's gutter and code side by side)
    nested = (
        any(t is not table for t in table.iter("table"))
        or next(table.iter("code"), None) is not None
    )
    longest = max((len(t) for row in texts for t in row), default=0)
    if nested or longest > _MAX_DATA_CELL_CHARS or max(map(len, texts), default=0) < 2:
        for row in cells:
            for cell in row:
                if len(_clean("".join(cell.itertext()))) >= _LAYOUT_CELL_SHARE * longest:
                    _flow(cell, "body", out)
        return
    for row in texts:
        while row and not row[-1]:
            row.pop()
        if row:
            out.append(Paragraph(CELL_SEPARATOR.join(row), "row"))


def _nearest_table(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _clean(text: str) -> str:
    return " ".join(text.split())


def _verbatim(code: str) -> str:
    """A code block's text as written, without blank lines or trailing blanks at the ends."""
    lines = [line.rstrip() for line in code.replace("\xa0", " ").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)
