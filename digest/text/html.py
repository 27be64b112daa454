"""HTML → text: block-structured paragraphs for article bodies, one plain line for titles.

Feed entries carry HTML written by strangers. Nothing here keeps any markup: the output is
text, so ``<script>``, event handlers and ``javascript:`` links cannot survive it. What is
kept is structure: every block element (``p``, ``div``, ``li``, ``blockquote``, ``tr``…)
becomes its own paragraph, ``<br>`` separates paragraphs, ``h1`` to ``h6`` become headings.
Clutter is dropped with its content: scripts, styles, embedded frames and media, forms,
navigation, asides, figure captions, hidden elements, and share / social / related-posts /
newsletter widgets recognised by their class or id.

The parser is lexbor (through selectolax), an HTML5 parser in C. Its serialisation is regular
enough that one pattern splits it into text and tag names exactly; block boundaries are then
marked by table lookup, so on the common path no Python code runs per element. Feed bodies
are the hot spot of feed ingestion, and they may be passed as UTF-8 bytes.
"""

from __future__ import annotations

import html as _html
import re
import threading
from itertools import repeat

from selectolax.lexbor import LexborHTMLParser

from digest.model import Paragraph
from digest.text.decode import strip_control_chars
from digest.text.lexicon import lexicon

# Input beyond this many characters is cut before parsing (one entry's body, not a book).
MAX_HTML_CHARS = 2_000_000
# Above this many tags, nesting depth is measured first: lexbor's tree builder slows down
# quadratically with nesting depth (200,000 nested <div>s take minutes).
_DEPTH_CHECK_TAGS = 10_000
MAX_NESTING = 1_000

# Block boundaries are marked with NUL, which cannot occur in lexbor's output (an HTML5 parser
# turns NUL in text into U+FFFD), and a heading's text starts with U+0001 (removed from the
# input first). Control characters are stripped from the text anyway.
_BREAK = "\x00"
_HEADING = "\x01"


_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "noframes",
    "object",
    "embed",
    "applet",
    "noembed",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "nav",
    "aside",
    "figcaption",
    "svg",
    "canvas",
    "audio",
    "video",
    "map",
    "dialog",
    "xmp",
    "plaintext",
    "head",
    "title",
    "meta",
    "link",
]
# Elements whose class or id names a widget rather than article text: any of these words,
# delimited by anything but a letter or digit ("post-share-buttons", "jp-relatedposts").
_CLUTTER_NAMES = lexicon().widget_names
_NAME_TOKEN = re.compile(r"[^a-z0-9]+")
_CLASS_VALUE = re.compile(r' class="([^"]*)"')
_ID_VALUE = re.compile(r' id="([^"]*)"')
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
# Elements that never nest (void, or closed implicitly by the next sibling).
_VOID = frozenset(
    (
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"),
        *("source", "track", "wbr", "p", "li", "td", "th", "tr", "option", "dt", "dd"),
    )
)


_DROP_NAMES = frozenset(_DROP_TAGS)
# Elements whose content is raw text, not markup (they cannot contain themselves).
_RAW_TEXT = frozenset(
    (
        *("script", "style", "iframe", "noembed", "noframes", "noscript", "xmp", "textarea"),
        *("title", "plaintext"),
    )
)
_VOID_ELEMENTS = frozenset(
    (
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"),
        *("source", "track", "wbr", "frame", "keygen"),
    )
)
_INLINE_DROPS = frozenset(["script", "style", "noscript", "template", "a", "span", "img", "i", "b"])
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
# In lexbor's serialisation: a start or end tag (its name captured) or a comment (None).
_TAG_SPLIT = re.compile(r"<(?:(/?[a-z][a-zA-Z0-9:_.-]*)([^>]*)|!--.*?--)>", re.DOTALL)
_BLOCK_NAMES = (
    *("p", "div", "section", "article", "header", "footer", "main", "blockquote", "pre"),
    *("address", "center", "details", "summary", "ul", "ol", "li", "dl", "dt", "dd", "table"),
    *("thead", "tbody", "tfoot", "tr", "caption", "figure", "fieldset", "legend", "hr", "br"),
)
_TAG_ACTION = {
    **{name: _BREAK for name in _BLOCK_NAMES},
    **{"/" + name: _BREAK for name in _BLOCK_NAMES},
    **{f"h{level}": _BREAK + _HEADING for level in range(1, 7)},
    **{f"/h{level}": _BREAK for level in range(1, 7)},
    "/td": " ",
    "/th": " ",
}


def html_to_paragraphs(html: str | bytes, base_url: str | None = None) -> list[Paragraph]:
    """Turn an HTML fragment (or page) into text paragraphs, keeping block and heading structure.

    ``html`` may also be UTF-8 bytes (feed bodies arrive that way; decoding them only for the
    parser to encode them again would be wasted work). ``base_url`` is accepted for callers
    that know where the HTML came from; the output is text only, so nothing is resolved.
    """
    del base_url  # text only: no link survives, so none is resolved
    if not html or html.isspace():
        return []
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    if isinstance(html, bytes | bytearray):
        if b"<" not in html:
            return _plain_paragraph(bytes(html).decode("utf-8", errors="replace"))
        if b"\x01" in html:  # the heading marker may not come from the input
            html = html.replace(b"\x01", b"")
    else:
        if "<" not in html:
            return _plain_paragraph(html)
        if _HEADING in html:
            html = html.replace(_HEADING, "")
    if (
        len(html) > 3 * _DEPTH_CHECK_TAGS  # that many tags need at least this much text
        and html.count(b"<" if isinstance(html, bytes | bytearray) else "<") > _DEPTH_CHECK_TAGS
    ):
        text = html if isinstance(html, str) else bytes(html).decode("utf-8", errors="replace")
        if _nests_deeper_than(text, MAX_NESTING):
            return _paragraphs_by_regex(text.replace(_BREAK, ""))
    body = _parse(html if isinstance(html, str) else bytes(html).decode("utf-8", "replace"))
    # lexbor serialises regularly: lower-case names, attributes as name="value", every
    # non-void element closed, and "<", ">" escaped in text and attribute values alike. So
    # patterns over that string find tags exactly, and clean fragments (most of them) run no
    # Python code per element.
    tokens = _TAG_SPLIT.split(body.html or "")  # [text, name, attributes, text, …]
    names = tokens[1::3]
    attrs = "".join(filter(None, tokens[2::3]))
    drop = not _DROP_NAMES.isdisjoint(names)
    hidden = _is_hidden(attrs) if attrs else False
    widget = _is_widget(attrs) if attrs else False
    if drop or hidden or widget:
        parts = _without_clutter(tokens, hidden, widget)
        parts[1::2] = map(_TAG_ACTION.get, parts[1::2], repeat(""))
    else:
        parts = [""] * (2 * len(names) + 1)
        parts[0::2] = tokens[0::3]
        parts[1::2] = map(_TAG_ACTION.get, names, repeat(""))
    marked = "".join(parts)
    if "&" in marked:
        marked = _unescape_serialised(marked)
    return _split(marked)


def _parse(html: str):
    """The HTML parsed into a <body> element.

    Creating a lexbor document costs about as much as parsing a few kilobytes, and feed
    entries are mostly short, so each thread keeps one document and parses into its body as
    a fragment. lexbor frees the memory of replaced nodes only with the whole document, so
    the document is renewed after a few megabytes (and never used for very large inputs).
    """
    if len(html) > _REUSE_LIMIT:
        return LexborHTMLParser(html).body
    state = _local.__dict__
    if state.get("parsed", _REUSE_BUDGET) >= _REUSE_BUDGET:
        state["body"] = LexborHTMLParser("").body
        state["parsed"] = 0
    state["parsed"] += len(html)
    body = state["body"]
    body.inner_html = html
    return body


_local = threading.local()
_REUSE_BUDGET = 2_000_000  # characters parsed into one document before it is renewed
_REUSE_LIMIT = 500_000  # inputs larger than this get a document of their own


def html_to_text(html: str) -> str:
    """Markup → one line of plain text (titles, names): tags dropped, entities decoded."""
    if not html:
        return ""
    if "<" not in html:
        if "&" in html:
            html = _html.unescape(html)
        text = " ".join(html.split())
        return text if text.isprintable() else " ".join(strip_control_chars(text).split())
    return " ".join(p.text for p in html_to_paragraphs(html))


def _plain_paragraph(text: str) -> list[Paragraph]:
    text = _collapse(strip_control_chars(_html.unescape(text)))
    return [Paragraph(text)] if text else []


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _mentions_display(text: str) -> bool:
    return "isplay" in text or "ISPLAY" in text


def _without_clutter(parts: list, hidden: bool, widget: bool) -> list:
    """[text, name, attributes, text, …] → [text, name, text, …] minus clutter elements.

    A clutter element is skipped with everything inside it, up to its own end tag (nested
    elements of the same name are counted; raw-text elements such as <script> cannot nest,
    and their content is not markup, so a "<script>" inside one is not counted).
    """
    tokens = iter(parts)
    out = [next(tokens)]
    append = out.append
    skip = None  # name of the element being skipped
    close = ""  # its end tag
    depth = 0
    for name, attrs, text in zip(tokens, tokens, tokens, strict=True):
        if skip is not None:
            if name == skip:
                if skip not in _RAW_TEXT:
                    depth += 1
            elif name == close:
                depth -= 1
                if depth == 0:
                    # A removed block still separates the text around it; a removed inline
                    # element (a share link inside a sentence) does not.
                    append(None if skip in _INLINE_DROPS else "br")
                    append(text)
                    skip = None
            continue
        if (
            name is not None
            and name[0] != "/"
            and (
                name in _DROP_NAMES
                or (attrs and ((hidden and _is_hidden(attrs)) or (widget and _is_widget(attrs))))
            )
        ):
            if name not in _VOID_ELEMENTS:
                skip, close, depth = name, "/" + name, 1
            continue
        append(name)
        append(text)
    return out


def _is_hidden(attrs: str) -> bool:
    return ' hidden=""' in attrs or bool(_mentions_display(attrs) and _DISPLAY_NONE.search(attrs))


def _is_widget(attrs: str) -> bool:
    if ' class="' not in attrs and ' id="' not in attrs:
        return False
    values = {*_CLASS_VALUE.findall(attrs), *_ID_VALUE.findall(attrs)}  # the same ones recur
    return not _CLUTTER_NAMES.isdisjoint(_NAME_TOKEN.split(" ".join(values).lower()))


def _unescape_serialised(text: str) -> str:
    # A serialiser escapes only these; every literal "&" became "&amp;", so it goes last.
    if "&" not in text:
        return text
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\xa0")
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )


def _split(marked: str) -> list[Paragraph]:
    """Marked text → paragraphs: whitespace collapsed, control characters dropped."""
    out = []
    append = out.append
    for piece in [p for p in marked.split(_BREAK) if p and not p.isspace()]:
        heading = piece[0] == _HEADING
        text = piece[1:].strip() if heading else piece.strip()
        # Only text with something to fix pays for fixing it (isprintable is one C scan):
        # runs of whitespace, newlines, no-break spaces, control characters.
        if "  " in text or not text.isprintable():
            text = " ".join(text.split())
            if not text.isprintable():  # control characters; gone, they may leave spaces
                text = " ".join(strip_control_chars(text).split())
        if text:
            append(Paragraph(text, "heading") if heading else Paragraph(text))
    return out


def _nests_deeper_than(html: str, limit: int) -> bool:
    depth = 0
    for match in _TAG.finditer(html):
        closing, name, selfclosing = match.groups()
        if selfclosing or name.lower() in _VOID:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


_DROP_BLOCK = re.compile(
    r"<(script|style|noscript|template|iframe|object|svg|form|nav|aside|figcaption|title)\b"
    r".*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_HEADING_TAG = re.compile(r"<(/?)h[1-6]\b[^>]*>", re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|section|article|header|footer|main|blockquote|pre|ul|ol|li|dl|dt|dd|table"
    r"|tr|br|hr)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^>]*(?:>|$)")


def _paragraphs_by_regex(html: str) -> list[Paragraph]:
    """Linear-time fallback for pathologically deep markup: tags stripped by pattern."""
    html = _DROP_BLOCK.sub(" ", html)
    html = _HEADING_TAG.sub(lambda m: _BREAK if m.group(1) else _BREAK + _HEADING, html)
    html = _BLOCK_TAG.sub(_BREAK, html)
    html = _ANY_TAG.sub("", html)
    return _split(_html.unescape(html))
