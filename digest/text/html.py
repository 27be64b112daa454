"""HTML → text: block-structured paragraphs for article bodies, one plain line for titles.

Feed entries carry HTML written by strangers. Nothing here keeps any markup: the output is
text, so ``<script>``, event handlers and ``javascript:`` links cannot survive it. What is
kept is structure:

* every block element (``p``, ``div``, ``li``, ``blockquote``…) becomes its own paragraph;
  inline elements (``a``, ``code``, ``em``, ``span``…) never split one, and neither does a
  single ``<br>`` inside a sentence (a wrapped line); two in a row end it, and so does one
  after a finished sentence or before a list's bullet;
* a list's item (``li``) opens with its bullet ("• "), or its number in an ``ol`` ("2. "),
  as the same list typed as plain text does (``shapes.as_list_item``): the summariser and the
  cleaning tell it for an item, and the reader sees it as one;
* ``h1`` to ``h6`` become headings;
* a ``pre`` block becomes a ``code`` paragraph holding its text verbatim, line breaks and
  indentation included (a highlighter's column of line numbers beside it is dropped);
* a data table becomes one ``row`` paragraph per row, its cells joined by
  :data:`~digest.model.CELL_SEPARATOR`, in document order (the header row first); a table used
  for layout (one holding long text, another table or a code block, or a single column) is
  read as blocks, each cell's text its own paragraphs.

Clutter is dropped with its content: scripts, styles, embedded frames and media, forms,
navigation, asides, figure captions (and a paragraph that only repeats the alt text of the
image right before it: a caption without a <figcaption>), hidden elements, and share /
social / related-posts / newsletter widgets recognised by their class or id.

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

from digest.model import CELL_SEPARATOR, Paragraph
from digest.text.decode import strip_control_chars, unescape_leftovers
from digest.text.lexicon import lexicon
from digest.text.shapes import LIST_MARK, as_list_item

# Input beyond this many characters is cut before parsing (one entry's body, not a book).
MAX_HTML_CHARS = 2_000_000
# Above this many tags, nesting depth is measured first: lexbor's tree builder slows down
# quadratically with nesting depth (200,000 nested <div>s take minutes).
_DEPTH_CHECK_TAGS = 10_000
MAX_NESTING = 1_000
# a "<" that starts no tag, end tag or comment; or one whose tag never closes before the next
# "<" or the end ("x <y and z"): an HTML parser takes the rest of the text for the tag
_STRAY_LT = re.compile(r"<(?![A-Za-z/!])|<(?=[^<>]*(?:<|\Z))")

# Block boundaries are marked with NUL, which cannot occur in lexbor's output (an HTML5 parser
# turns NUL in text into U+FFFD); a heading's text starts with U+0001, a code block's with
# U+0002, a table row's with U+0003, and U+0004 stands for a <br> (all four are removed from
# the input first). Control characters are stripped from the text anyway.
_BREAK = "\x00"
_HEADING = "\x01"
_CODE = "\x02"
_ROW = "\x03"
_LINE = "\x04"
_MARKERS = (_HEADING, _CODE, _ROW, _LINE)
# Two or more <br> in a row (whitespace between them aside) end a paragraph. The whitespace
# may be no-break spaces, still written "&nbsp;" (the serialisation is unescaped later):
# editors write an empty line as "<br>&nbsp;<br>" so that it is not collapsed.
_LINE_RUN = re.compile(_LINE + r"(?:(?:\s|&nbsp;)*" + _LINE + ")+")
# So does one after a finished sentence: what follows is not the same sentence, and is often
# a line of its own (a credit, "Medscape Medical News"; a sign-off) that would otherwise be
# read as the sentence's last words. One after an unfinished sentence is a wrapped line.
_LINE_AFTER_SENTENCE = re.compile(
    r"(?<=[.!?\u2026])([\"'\u201d\u2019\u00bb)\]]*)[ \t\r\n]*" + _LINE
)
# And so does one before a list's bullet or number ("- Added ...<br>- Fixed ...", as release
# notes and plain text turned into HTML write a list), unless it goes on a sentence: the
# words after the bullet open in lower case or with a figure ("the council<br>- despite the
# vote -", "5<br>- 10 euros") after a line that is no list's (its item, or its heading: "Fixes:").
_LINE_BEFORE_ITEM = re.compile(_LINE + r"[ \t\r\n]*(?=" + LIST_MARK + r"\s*(.))")
_ITEM_START = re.compile(LIST_MARK)


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
    *("thead", "tbody", "tfoot", "tr", "caption", "figure", "fieldset", "legend", "hr"),
    # Blocks too, though rarer: without them "<hgroup>A</hgroup><menu>B" read as "AB".
    *("hgroup", "search", "menu", "dir", "listing", "optgroup", "option"),
)
# Names the structure pass (_read_structure) puts in place of a <pre> or a data table.
_CODE_START = "digest:code"
_ROW_START = "digest:row"
_CAPTION_START = "digest:caption"
_TAG_ACTION = {
    **{name: _BREAK for name in _BLOCK_NAMES},
    **{"/" + name: _BREAK for name in _BLOCK_NAMES},
    **{f"h{level}": _BREAK + _HEADING for level in range(1, 7)},
    **{f"/h{level}": _BREAK for level in range(1, 7)},
    # Cells of a layout table are blocks of text (data tables never get this far).
    **{name: _BREAK for name in ("td", "th", "/td", "/th")},
    "br": _LINE,
    "/br": _LINE,
    _CODE_START: _BREAK + _CODE,
    _ROW_START: _BREAK + _ROW,
    _CAPTION_START: _BREAK + _HEADING,
}


def html_to_paragraphs(
    html: str | bytes, base_url: str | None = None, *, items: bool = True
) -> list[Paragraph]:
    """Turn an HTML fragment (or page) into text paragraphs, keeping block and heading structure.

    ``html`` may also be UTF-8 bytes (feed bodies arrive that way; decoding them only for the
    parser to encode them again would be wasted work). ``base_url`` is accepted for callers
    that know where the HTML came from; the output is text only, so nothing is resolved.
    ``items``: a list's items open with their bullet or number, as a list typed as plain text
    does (False: as any paragraph, for a line of text that has no place for them).
    """
    del base_url  # text only: no link survives, so none is resolved
    if not html or html.isspace():
        return []
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    if isinstance(html, bytes | bytearray):
        if b"<" not in html:
            return _plain_paragraph(bytes(html).decode("utf-8", errors="replace"))
        text = bytes(html).decode("utf-8", errors="replace")
    else:
        if "<" not in html:
            return _plain_paragraph(html)
        text = html
    for marker in _MARKERS:  # the markers may not come from the input
        if marker in text:
            text = text.replace(marker, "")
    if (
        len(text) > 3 * _DEPTH_CHECK_TAGS  # that many tags need at least this much text
        and text.count("<") > _DEPTH_CHECK_TAGS
        and _nests_deeper_than(text, MAX_NESTING)
    ):
        return _paragraphs_by_regex(text.replace(_BREAK, ""))
    body = _parse(text)
    # lexbor serialises regularly: lower-case names, attributes as name="value", every
    # non-void element closed, and "<", ">" escaped in text and attribute values alike. So
    # patterns over that string find tags exactly, and clean fragments (most of them) run no
    # Python code per element.
    tokens = _TAG_SPLIT.split(body.html or "")  # [text, name, attributes, text, …]
    names = tokens[1::3]
    attrs = "".join(filter(None, tokens[2::3]))
    if items and "li" in names and _NUMBERING_ATTRIBUTE.search(attrs):
        _number_from_attributes(tokens)
        names = tokens[1::3]
    if "img" in names and ' alt="' in attrs:
        _drop_repeated_alt(tokens)
    drop = not _DROP_NAMES.isdisjoint(names)
    hidden = _is_hidden(attrs) if attrs else False
    widget = _is_widget(attrs) if attrs else False
    if drop or hidden or widget:
        parts = _without_clutter(tokens, hidden, widget)
    else:
        parts = [""] * (2 * len(names) + 1)
        parts[0::2] = tokens[0::3]
        parts[1::2] = names
    if "pre" in names or "table" in names:
        parts = _read_structure(parts)
    if items and "li" in names:
        _mark_items(parts)
    parts[1::2] = map(_TAG_ACTION.get, parts[1::2], repeat(""))
    marked = _line_breaks("".join(parts))
    if "&" in marked:
        marked = _unescape_serialised(marked)
    return _split(marked)


# An image's description, in lexbor's serialisation (attribute values quoted with ").
_ALT_VALUE = re.compile(r' alt="([^"]*)"')
# The blocks a caption printed under its image stands in (never a heading: "Results" under
# a chart whose alt text says "Results" is the section's).
_CAPTION_BLOCKS = frozenset(("p", "div"))
_BLOCKS_AND_HEADINGS = frozenset((*_BLOCK_NAMES, *(f"h{level}" for level in range(1, 7))))


def _drop_repeated_alt(tokens: list) -> None:
    """Blank, in [text, name, attributes, text, …], the text of a paragraph that comes right
    after an image and only says its alt text again: the picture's caption, printed as a
    paragraph of its own where a <figcaption> would be dropped (NPR's feeds give every entry
    ``<img alt="Cars line up ..."/><p>Cars line up ...</p><p>(Image credit: ...)</p>``, and
    the caption would be read as the story's lead)."""
    count = (len(tokens) - 1) // 3
    for index in range(count):
        if tokens[1 + 3 * index] != "img":
            continue
        alt = _ALT_VALUE.search(tokens[2 + 3 * index] or "")
        wanted = _collapse(_html.unescape(alt.group(1))) if alt else ""
        if not wanted:
            continue
        texts: list[int] = []  # positions of the caption's text tokens
        opened = False  # whether the block the text stands in has opened
        for position in range(3 + 3 * index, len(tokens), 3):
            if tokens[position].strip():
                if not opened:
                    break  # text right after the image, in no block of its own
                texts.append(position)
            if position + 1 >= len(tokens):
                break
            name = tokens[position + 1]
            if name is None:
                continue  # a comment
            if name in _CAPTION_BLOCKS and not texts:
                opened = True
            elif name.lstrip("/") in _BLOCKS_AND_HEADINGS and (texts or name[0] != "/"):
                break  # the caption's block ends, or a heading, list or table begins
        said = _collapse(_html.unescape("".join(tokens[p] for p in texts)))
        if texts and said == wanted:
            for position in texts:
                tokens[position] = ""


def _line_breaks(marked: str) -> str:
    """Each ``<br>`` (marked ``_LINE``) read: two or more in a row end a paragraph, and so does
    one after a finished sentence or before a list's item; any other is a line break inside
    the paragraph."""
    if _LINE not in marked:
        return marked
    marked = _LINE_RUN.sub(_BREAK, marked)
    marked = _LINE_BEFORE_ITEM.sub(_item_break, marked)
    return _LINE_AFTER_SENTENCE.sub(r"\1" + _BREAK, marked).replace(_LINE, " ")


def _item_break(match: re.Match[str]) -> str:
    """A paragraph's end for the ``<br>`` before a list's item (``_LINE_BEFORE_ITEM``), or the
    line break it was when the line goes on a sentence."""
    if not (match[1].islower() or match[1].isdigit()):
        return _BREAK
    before = match.string[: match.start()]
    line = (
        before[max(before.rfind(_LINE), before.rfind(_BREAK)) + 1 :]
        .strip()
        .lstrip("".join(_MARKERS))
    )
    return _BREAK if _ITEM_START.match(line) or line.endswith(":") else match[0]


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
    """Markup → one line of plain text (titles, names): tags dropped, entities decoded. A "<"
    that opens no tag ("x <? y", "0 < 1", "x <y and z", whose tag never closes) is the text's
    own: an HTML parser would take "<?" for the start of a processing instruction, and "<y"
    for a tag running to the end, and drop the words after it."""
    if not html:
        return ""
    if "<" in html:
        html = _STRAY_LT.sub("&lt;", html)
    if "<" not in html:
        if "&" in html:
            html = unescape_leftovers(_html.unescape(html))
        text = " ".join(html.split())
        return text if text.isprintable() else " ".join(strip_control_chars(text).split())
    return " ".join(p.text for p in html_to_paragraphs(html, items=False))


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
                    append(None if skip in _INLINE_DROPS else "div")
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
            # A void element has no content to skip: the text after it is the sentence's
            # own ("by <meta itemprop=name content=...>Ann Lee", a microdata tag in a byline).
            append(None)
            append(text)
            continue
        append(name)
        append(text)
    return out


# A table whose longest cell holds more text than this is a layout table: it holds an article
# (or a page) rather than data.
_MAX_DATA_CELL_CHARS = 250
_CELL_NAMES = frozenset(("td", "th"))
# The line numbers a code highlighter prints beside the code, in a <pre> of their own.
_LINE_NUMBERS = re.compile(r"[\d\s]*")
# Inside a data cell these separate words; every other tag is dropped.
_CELL_SPACERS = frozenset((*_BLOCK_NAMES, *("/" + n for n in _BLOCK_NAMES), "br", "td", "th"))


def _read_structure(parts: list) -> list:
    """[text, name, text, …] with each <pre> and data table replaced by what it reads as.

    A ``pre`` element becomes ``_CODE_START`` and its text, verbatim (a ``<br>`` inside is a
    line break); a data table becomes one ``_ROW_START`` and its cells' text per row. Layout
    tables stay as they are, to be read as blocks (a data table nested in one is still read
    as rows).
    """
    out = [parts[0]]
    index, end = 1, len(parts)
    while index < end:
        name = parts[index]
        if name == "pre":
            close = _closing(parts, index, "pre")
            code = "".join(
                ("\n" if parts[i] == "br" else "") + parts[i + 1] for i in range(index, close, 2)
            )
            if _LINE_NUMBERS.fullmatch(code):  # a highlighter's gutter beside the code
                code = ""
            out += [_CODE_START, code, "/pre", parts[close + 1] if close + 1 < end else ""]
            index = close + 2
            continue
        if name == "table":
            close = _closing(parts, index, "table")
            table = _data_table(parts, index, close)
            if table is not None:
                caption, rows = table
                if caption:
                    out += [_CAPTION_START, caption]
                for row in rows:
                    out += [_ROW_START, row]
                out += ["/table", parts[close + 1] if close + 1 < end else ""]
                index = close + 2
                continue
        out += [name, parts[index + 1]]
        index += 2
    return out


# A list and its items. (A <dl> is a list of terms and descriptions, not of items.)
_LISTS = frozenset(("ul", "ol", "menu", "dir"))
_LIST_TAGS = frozenset(("li", *_LISTS, *("/" + name for name in _LISTS)))
# What ends the search for an item's first words: the item ends, or what follows is no text
# of its own (a list inside it, a heading, a code block, a table).
_ITEM_ENDS = frozenset(
    (
        *_LIST_TAGS,
        "/li",
        *(f"h{level}" for level in range(1, 7)),
        *(_CODE_START, _ROW_START, _CAPTION_START, "table", "hr"),
    )
)


# <ol start="6">, <ol reversed>, <li value="3">: where a list's numbers do not simply run 1, 2, 3
_NUMBERING_ATTRIBUTE = re.compile(r' (?:start|value|reversed)="')
# As browsers read an integer attribute (HTML's rules for parsing integers): spaces, a sign,
# then ASCII digits up to the first that is not one, whatever follows ("3rd" is 3, "2.5" is
# 2; "٣", an Arabic-Indic three, is no number, as "three" is not). A number of more than
# nine digits is read as 10⁹ (past what a list's mark holds, like it), not converted whole:
# a hostile page's million digits would cost int() its limit.
_INTEGER_ATTRIBUTE = {
    name: re.compile(rf' {name}="[ \t\n\f\r]*([+-]?)([0-9]+)') for name in ("start", "value")
}


class _NumberedTag(str):
    """A list's tag ("ol" or "li") that says how its numbers run: the same name, for every
    other step, carrying the numbers its attributes give (``_mark_items`` reads them)."""

    number: int | None = None  # an <ol>'s start, an <li>'s value
    reversed: bool = False  # an <ol> that counts down


def _number_from_attributes(tokens: list) -> None:
    """Make the tags of [text, name, attributes, text, …] whose attributes number a list
    otherwise than 1, 2, 3 ``_NumberedTag``s: a list continued after a break in the text (a
    recipe's sixth step after a photo, a top ten from its sixth place) numbers on, as it reads
    on the page."""
    for index in range(1, len(tokens), 3):
        name, attributes = tokens[index], tokens[index + 1]
        if name not in ("ol", "li") or not attributes:
            continue
        found = _INTEGER_ATTRIBUTE["start" if name == "ol" else "value"].search(attributes)
        counts_down = name == "ol" and ' reversed="' in attributes
        if found is None and not counts_down:
            continue
        tag = _NumberedTag(name)
        tag.number = _attribute_number(found) if found else None
        tag.reversed = counts_down
        tokens[index] = tag


def _attribute_number(found: re.Match[str]) -> int:
    sign, digits = found.groups()
    number = int(digits) if len(digits) <= 9 else 10**9
    return -number if sign == "-" else number


def _mark_items(parts: list) -> None:
    """Open the first words of each list item in [text, name, text, …] with its bullet, or its
    number in a numbered list (``shapes.as_list_item``): an item is then one, as the same list
    typed with bullets is, rather than a paragraph like any other (the summariser led a
    release's notes with their second item, the first having no full stop; a short item
    became a heading). Only pages with a list come here, and the loop visits only its tags."""
    # per list open around the tag: the number of its last item and the step to the next
    # (-1 for a list that counts down), or None for a list of bullets
    lists: list[tuple[int, int] | None] = []
    places = [i for i in range(1, len(parts), 2) if parts[i] in _LIST_TAGS]
    own: dict[int, int] | None = None  # each list's own items, counted when first needed
    for index in places:
        name = parts[index]
        if name == "li":
            numbering = lists[-1] if lists else None
            number = None
            if numbering is not None:
                last, step = numbering
                value = getattr(name, "number", None)  # (an <li value="...">)
                number = value if value is not None else last + step
                lists[-1] = (number, step)
            # (a number a list's mark cannot hold, "-2." or "1000.", would not read as an
            # item's: such an item keeps a bullet)
            _mark_item(parts, index, number if number is None or 0 <= number <= 999 else None)
        elif name[0] == "/":
            if lists:
                lists.pop()
        elif name == "ol":
            step = -1 if getattr(name, "reversed", False) else 1
            first = getattr(name, "number", None)
            if first is None and step < 0:
                if own is None:
                    own = _own_items(parts, places)
                first = own[index]
            elif first is None:
                first = 1
            lists.append((first - step, step))
        else:
            lists.append(None)


def _own_items(parts: list, places: list[int]) -> dict[int, int]:
    """How many items each list (by the place of its tag among ``places``, those of the list
    tags) has of its own, not counting those of the lists inside it: where a list that counts
    down starts when it does not say. One pass for them all: counting each list's from its
    tag on cost a page of many such lists (or of such lists nested deep) the square of its
    tags."""
    counts: dict[int, int] = {}
    open_lists: list[list[int]] = []  # per list open around the tag: its place, its items
    for index in places:
        name = parts[index]
        if name == "li":
            if open_lists:
                open_lists[-1][1] += 1
        elif name[0] == "/":
            if open_lists:
                place, count = open_lists.pop()
                counts[place] = count
        else:
            open_lists.append([index, 0])
    for place, count in open_lists:  # (lexbor closes every list; should one stay open)
        counts[place] = count
    return counts


def _mark_item(parts: list, start: int, number: int | None) -> None:
    """Mark the text of the item whose tag is at ``start``: its first words, past the tags of
    blocks and inline elements that open it ("<li><p><b>Fixed</b> ..."); none when it holds
    no text of its own."""
    for position in range(start + 1, len(parts), 2):
        text = parts[position]
        if text and not text.isspace():
            parts[position] = as_list_item(text.lstrip(), number)
            return
        if position + 1 < len(parts) and parts[position + 1] in _ITEM_ENDS:
            return


def _closing(parts: list, start: int, name: str) -> int:
    """The index of the end tag matching the start tag at ``start``; past the end if none."""
    depth = 0
    close = "/" + name
    for index in range(start, len(parts), 2):
        if parts[index] == name:
            depth += 1
        elif parts[index] == close:
            depth -= 1
            if depth == 0:
                return index
    return len(parts)


def _data_table(parts: list, start: int, close: int) -> tuple[str, list[str]] | None:
    """The caption and the rows of the table between ``start`` and ``close``, each row's cells
    joined by the separator; None when it is a layout table (a nested table or a code block
    inside, a long cell, a single column)."""
    rows: list[list[list[str]]] = []
    caption: list[str] = []
    target: list[str] | None = None  # the cell (or caption) text goes to
    for index in range(start + 2, min(close, len(parts)), 2):
        name, text = parts[index], parts[index + 1]
        if name in ("table", "pre"):  # a layout, or a highlighter's code-and-gutter table
            return None
        if name == "tr":
            rows.append([])
            target = None
        elif name in _CELL_NAMES:
            if not rows:
                rows.append([])
            target = []
            rows[-1].append(target)
        elif name == "caption":
            target = caption
        elif name == "/caption":
            target = None
        elif name in _CELL_SPACERS:
            text = " " + text
        if target is not None:
            target.append(text)
    cells = [[" ".join("".join(cell).split()) for cell in row] for row in rows]
    if max((len(row) for row in cells), default=0) < 2 or any(
        len(text) > _MAX_DATA_CELL_CHARS for row in cells for text in row
    ):
        return None
    lines = []
    for row in cells:
        while row and not row[-1]:
            row.pop()
        if row:
            lines.append(CELL_SEPARATOR.join(row))
    return " ".join("".join(caption).split()), lines


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
    out: list[Paragraph] = []
    append = out.append
    for piece in [p for p in marked.split(_BREAK) if p and not p.isspace()]:
        marker = piece[0]
        if marker == _CODE:
            code = _verbatim(piece[1:])
            if code:
                append(Paragraph(code, "code"))
            continue
        heading = marker == _HEADING
        text = piece[1:].strip() if heading or marker == _ROW else piece.strip()
        # Only text with something to fix pays for fixing it (isprintable is one C scan):
        # runs of whitespace, newlines, no-break spaces, control characters.
        if "&" in text:
            text = unescape_leftovers(text)  # a feed that escaped its HTML twice
        if "  " in text or not text.isprintable():
            text = " ".join(text.split())
            if not text.isprintable():  # control characters; gone, they may leave spaces
                text = " ".join(strip_control_chars(text).split())
        if text:
            append(
                Paragraph(text, "heading")
                if heading
                else Paragraph(text, "row")
                if marker == _ROW
                else Paragraph(text)
            )
    return out


def _verbatim(code: str) -> str:
    """A code block's text as written: control characters and trailing blanks dropped, and
    blank lines at either end; indentation and inner blank lines are the content."""
    lines = strip_control_chars(code.replace("\xa0", " ")).split("\n")
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


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


# The fallback below reads the same names as the parsed path: the elements dropped with their
# content (those that have any), the blocks and table cells that end a paragraph, and <br>.
_DROP_BLOCK = re.compile(
    rf"<({'|'.join(sorted(_DROP_NAMES - _VOID_ELEMENTS))})\b.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_HEADING_TAG = re.compile(r"<(/?)h[1-6]\b[^>]*>", re.IGNORECASE)
_BLOCK_TAG = re.compile(
    rf"</?(?:{'|'.join(n for n, act in _TAG_ACTION.items() if act == _BREAK and n[0] != '/')})"
    r"\b[^>]*>",
    re.IGNORECASE,
)
_BR_TAG = re.compile(r"</?br\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*(?:>|$)")


def _paragraphs_by_regex(html: str) -> list[Paragraph]:
    """Linear-time fallback for pathologically deep markup: tags stripped by pattern."""
    # (as there, a dropped block still separates the text around it, an inline one does not)
    html = _DROP_BLOCK.sub(lambda m: " " if m[1].lower() in _INLINE_DROPS else _BREAK, html)
    html = _HEADING_TAG.sub(lambda m: _BREAK if m.group(1) else _BREAK + _HEADING, html)
    html = _BLOCK_TAG.sub(_BREAK, html)
    html = _line_breaks(_BR_TAG.sub(_LINE, html))
    html = _ANY_TAG.sub("", html)
    return _split(_html.unescape(html))
