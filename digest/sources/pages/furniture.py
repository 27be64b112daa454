"""Page furniture that needs the DOM to recognise, stripped before trafilatura reads the page.

Sites name what a block is for in its ``class``, ``id``, ``itemprop``, ``role``, ``aria-label``
and ``data-*`` attributes. A block (``div``, ``aside``, ``figure``, ``ul``...) whose name says
it is furniture around the article goes: captions and photo credits, bylines and author boxes,
tag lists, share tools, newsletter, promo and donation prompts, related-article rails,
advertising and consent banners. Text that is on the page but not shown in the sentence goes
too, wherever it stands: ``hidden``/``aria-hidden`` elements, ``display: none``, tooltips, hover
cards and screen-reader notes inside links, which would otherwise merge into the sentence
around them (the rest of the sentence is kept).

A hinted block is kept when it is the article itself: its name says so ("article-body"), or it
holds a large share of the page's text or several paragraphs of prose.

Three cases are decided apart from the names alone:

* reader comment sections named in other languages than English ("kommentare",
  "comentarios"; trafilatura drops the English ones) go however much prose they hold, unless
  they hold the page's ``<h1>``: a long thread is prose too;
* on a gallery or photo essay, where the captions together hold a large share of the page's
  text, the captions are the article: they are kept, and their ``<figure>``/``<figcaption>``
  become plain blocks, which trafilatura reads (it skips figures);
* a permalink beside a heading ("¶", "#", "§" linking to the heading's own anchor) goes, so it
  does not end the heading's text; a heading whose text is itself a link to an anchor on the
  page loses the link, which made trafilatura take the heading for a link and drop it;
* a standfirst goes (the summary under the headline: Substack's subtitle, a news story's
  dek): the block right after the page's ``<h1>``, set apart from the article's paragraphs,
  that repeats the description the page gives of itself or is named a standfirst. It is the
  page's summary of the article, not the article (a block that goes on among the paragraphs
  is the first of them, whatever it repeats), except on a gallery, where it is the only
  prose around the pictures. A description is often the article's own lead, copied: a block
  only repeating it goes when it is written as a summary is (one element of text), not as the
  article's paragraphs are (a ``<p>`` in a container, the first of a run of like blocks), and
  nothing that holds the article or leaves none after it is a standfirst (a one-paragraph
  news brief is its own description).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from digest.text.lexicon import lexicon

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
# hint ("most-read", "MostRead", "most_read" and aria-label="Most read" all match most+read);
# text that is on the page but not shown in the sentence (pop-ups on links, screen-reader
# notes). The words are in the lexicon.
_FURNITURE_HINTS = lexicon().furniture_hints
_HIDDEN_HINTS = lexicon().hidden_hints
_HIDDEN_ROLES = lexicon().hidden_roles
# The names of a standfirst (see _standfirst).
_STANDFIRST_HINTS = lexicon().standfirst_hints
# (the longest hint in words, "screen reader text"; app_data matches its keys here too)
_LONGEST_HINT = max(
    map(len, _FURNITURE_HINTS | _HIDDEN_HINTS | _STANDFIRST_HINTS | lexicon().app_data_hints)
)
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
_BODY_HINTS = lexicon().article_body_hints
# Nor is a hinted block that holds this share of the page's unlinked text, or several
# paragraphs of prose: that is the article whatever its name says ("has-newsletter").
_MAX_REMOVED_SHARE = 0.4
_PROSE_PARAGRAPH_CHARS = 120
_MAX_REMOVED_PROSE_PARAGRAPHS = 3
_CAPTION_HINTS = lexicon().caption_hints
_STANDFIRST_BLOCKS = frozenset({"p", "div", "h2", "h3", "h4", "h5", "h6"})
_COMMENT_HINTS = lexicon().comment_section_hints
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_WORD_CHAR = re.compile(r"\w")
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
            words = name_words(part)
            if words:
                hints.append(words)
    return hints


def name_words(name: str) -> tuple[str, ...]:
    """The lowercase words of a name: "MostRead", "most-read" and "most_read" are most + read."""
    return tuple(w for w in _NON_WORD.split(_CAMEL.sub(" ", name).lower()) if w)


def names_furniture(element: HtmlElement) -> bool:
    """Whether the element's naming attributes say it is furniture around the article (an
    author's name or link, a sign-up prompt), whatever kind of element it is."""
    return matches_hint(_hint_words(element), _FURNITURE_HINTS)


def matches_hint(hints: list[tuple[str, ...]], vocabulary: frozenset[tuple[str, ...]]) -> bool:
    """Whether a hint's words hold one of ``vocabulary``'s, in sequence."""
    for words in hints:
        for size in range(1, _LONGEST_HINT + 1):
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
    return matches_hint(hints, _HIDDEN_HINTS)


def _unlinked_chars(element: HtmlElement) -> int:
    total = len(element.text_content())
    return total - sum(len(a.text_content()) for a in element.iter("a"))


def names_the_body(element: HtmlElement) -> bool:
    """Whether the element's naming attributes say it is the article's own container
    ("article-body", ``itemprop="articleBody"``, "entry-content")."""
    return _names_the_body(_hint_words(element))


def _names_the_body(hints: list[tuple[str, ...]]) -> bool:
    # "article-body" names the container; "article-body__sign-up" a part of it (BEM style)
    return any(words[-len(h) :] == h for words in hints for h in _BODY_HINTS)


def _holds_the_body(element: HtmlElement, hints: list[tuple[str, ...]], page_chars: int) -> bool:
    """Is this hinted block the article itself (or the page around it)?"""
    if _names_the_body(hints):
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


def strip_furniture(tree: HtmlElement, descriptions: Iterable[str] = ()) -> None:
    """Remove captions, hinted furniture blocks, hidden/pop-up text and the standfirst, in
    place; ``descriptions`` are the page's descriptions of itself (its meta tags')."""
    # scripts and styles are no text, and inline JSON would swamp the page-share guard below
    for element in list(tree.iter("script", "style", "template")):
        if element.getparent() is not None:
            element.drop_tree()
    page_chars = max(_unlinked_chars(tree), 1)
    captions = _captions(tree)
    gallery = sum(map(_unlinked_chars, captions)) > _MAX_REMOVED_SHARE * page_chars
    doomed: list[HtmlElement] = []
    unwrapped: list[HtmlElement] = []
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in _NEVER_REMOVED:
            continue
        hints = _hint_words(element)
        if _is_hidden(element, hints):
            furniture = True
        elif gallery and (tag == "figcaption" or _is_caption_block(tag, hints)):
            continue
        elif tag in _FURNITURE_BLOCKS and _is_comment_section(element, hints):
            doomed.append(element)
            continue
        else:
            furniture = tag == "figcaption" or (
                tag in _FURNITURE_BLOCKS and matches_hint(hints, _FURNITURE_HINTS)
            )
        if furniture and not _holds_the_body(element, hints, page_chars):
            doomed.append(element)
        elif tag == "a" and _is_heading_anchor(element):
            # a bare "¶" goes; a heading written as a link to itself is the heading's text
            (unwrapped if _WORD_CHAR.search(element.text_content()) else doomed).append(element)
    # the standfirst last: whether prose follows it is asked of what stays on the page, not of
    # the cookie banner or newsletter box about to go
    standfirst = None if gallery else _standfirst(tree, descriptions, page_chars, set(doomed))
    if standfirst is not None:
        doomed.append(standfirst)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail: the rest of the sentence after a pop-up
    for element in unwrapped:
        element.drop_tag()
    if gallery:
        for element in tree.iter("figure", "figcaption"):
            element.tag = "div"


def _standfirst(
    tree: HtmlElement,
    descriptions: Iterable[str],
    page_chars: int,
    furniture: set[HtmlElement],
) -> HtmlElement | None:
    """The block right after the page's headline (nothing but space between them) that no
    paragraph follows beside it, above the article's prose, when it is named a standfirst or,
    written as one element of text, repeats one of ``descriptions``; None when there is
    none (``page_chars``: the page's text, to tell a block that holds the article;
    ``furniture``: the blocks going from the page, whose paragraphs are no article prose)."""
    headline = next(tree.iter("h1"), None)
    if headline is None or (headline.tail or "").strip():
        return None
    block = headline.getnext()
    while block is not None and not isinstance(block.tag, str):  # a comment
        if (block.tail or "").strip():
            return None
        block = block.getnext()
    if block is None or block.tag not in _STANDFIRST_BLOCKS:
        return None
    if any(
        sibling.tag == "p"
        or (sibling.tag == block.tag and sibling.get("class") == block.get("class"))
        for sibling in block.itersiblings()
    ):
        # the article's paragraphs go on beside it (bare, or each in a block alike, as
        # BBC-style text blocks are): it is the first of them
        return None
    text = _key(block.text_content())
    hints = _hint_words(block)
    if not text or _holds_the_body(block, hints, page_chars) or not _prose_after(block, furniture):
        return None  # the article itself, or all there is of it
    if matches_hint(hints, _STANDFIRST_HINTS):
        return block
    # unnamed, it is a standfirst by repeating the page's description, unless it is written
    # as a paragraph of the article: the lead in a container of its own, which sites copy
    # into their description as often as they write a summary there
    if block.tag != "p" and next(block.iter("p"), None) is not None:
        return None
    return block if text in {_key(d) for d in descriptions} else None


# Landmarks that never hold the article's text: a long paragraph in one (the publisher's
# address in the footer, a sidebar's blurb) is not prose an article goes on with.
_NEVER_ARTICLE_LANDMARKS = frozenset({"footer", "aside", "nav", "form", "dialog"})


def _prose_after(block: HtmlElement, furniture: set[HtmlElement]) -> bool:
    """Whether a paragraph of prose follows ``block`` on the page: the article a standfirst
    stands above. A paragraph inside ``furniture`` or a landmark that never holds the article
    does not count: a news brief's one paragraph, which is also its description, was taken
    for the standfirst of a cookie banner's or a newsletter box's paragraph below it, and the
    page lost its only text."""
    for paragraph in block.xpath("following::p"):
        if _unlinked_chars(paragraph) < _PROSE_PARAGRAPH_CHARS:
            continue
        around = [paragraph, *paragraph.iterancestors()]
        if not any(e in furniture or e.tag in _NEVER_ARTICLE_LANDMARKS for e in around):
            return True
    return False


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_caption_block(tag: str, hints: list[tuple[str, ...]]) -> bool:
    return tag in _FURNITURE_BLOCKS and matches_hint(hints, _CAPTION_HINTS)


def _captions(tree: HtmlElement) -> list[HtmlElement]:
    """The page's captions, outermost only (a caption block inside a ``<figcaption>``)."""
    found: list[HtmlElement] = []
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in _NEVER_REMOVED:
            continue
        is_caption = tag == "figcaption" or _is_caption_block(tag, _hint_words(element))
        if is_caption and not any(ancestor in found for ancestor in element.iterancestors()):
            found.append(element)
    return found


def _is_comment_section(element: HtmlElement, hints: list[tuple[str, ...]]) -> bool:
    """A reader comment section named in another language: however much prose it holds, it
    is not the article, unless it holds the page's headline or is named the article body."""
    return (
        matches_hint(hints, _COMMENT_HINTS)
        and not _names_the_body(hints)
        and next(element.iter("h1"), None) is None
    )


def _is_heading_anchor(link: HtmlElement) -> bool:
    """A link to an anchor on the page, inside a heading: a "¶" or "#" permalink beside the
    heading's text, or the heading's text itself made a link to its own anchor."""
    return (link.get("href") or "").startswith("#") and any(
        ancestor.tag in _HEADINGS for ancestor in link.iterancestors()
    )
