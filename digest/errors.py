"""The one shape of digest's errors: what went wrong (``problem``) and what to do (``advice``).

Whoever reads an error is usually looking at a cron mail hours after the fact, so every error
a user can meet says both, and every layer shows them the same way: the command line prints
the problem, then the advice; a build's report lists failed sources with both (the digest's
footer, which its readers see, names each with a short reason only: see ``SourceFailure``).
"""

from __future__ import annotations

import errno
import re


class DigestError(Exception):
    """Something digest could not do: ``problem`` says what happened, ``advice`` what to do."""

    def __init__(self, problem: str, advice: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.problem} ({self.advice})" if self.advice else self.problem


def file_advice(exc: OSError) -> str:
    """What to do about a file or folder that could not be written or read, as ``exc`` says
    what went wrong: a full disk needs space, a file where a folder should be needs moving,
    and telling the user the one when it is the other sends them the wrong way."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "free some space on its disk (or raise this user's quota there)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "let this user write there, or choose a place it may write in the config"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return (
            "a file stands where the path needs a folder (or a folder where it needs a file): "
            "move it, or choose another path in the config"
        )
    return "check that this user may write there and that its disk has space"


def as_toml(text: str) -> str:
    """``text`` as a TOML file writes it, for a message that quotes what the user wrote there
    (a pattern, a filter rule): a literal string with its backslashes as written
    (``'\\bad\\b'``), or a basic string when it holds a quote or a control character, which a
    literal string cannot. Python's repr would double every backslash."""
    if "'" not in text and not any(_control(c) for c in text):
        return f"'{text}'"
    escaped = (_TOML_ESCAPES.get(c, f"\\u{ord(c):04x}" if _control(c) else c) for c in text)
    return '"' + "".join(escaped) + '"'


_TOML_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _control(char: str) -> bool:
    return char < " " or char == "\x7f"


def toml_mistake(text: str, error: Exception) -> str:
    """What tomllib found wrong in ``text``, for someone about to fix it by hand: its message
    with the line it points at quoted, and what that mistake usually is ("Invalid value" is
    most often a text value written without its quotes)."""
    message = str(error)
    # tomllib counts lines by "\n" alone (it reads "\r\n" as one), so the line it names is
    # found the same way: str.splitlines would also break at U+2028, NEL or a form feed inside
    # a value and quote a line above the mistake
    lines = [line.rstrip("\r") for line in text.split("\n")]
    found = _TOML_AT.search(message)
    if found is not None:
        number = int(found["line"])
    elif message.endswith(_TOML_AT_END) and text and not text.endswith("\n"):
        # a mistake on the last line of a file without a final newline ('name = "Tech'):
        # tomllib says "at end of document", which is that line
        number = len(lines)
    else:
        return message
    line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    quoted = f": {_shortened(line)}" if line else ""
    what = _TOML_AT.sub("", message).removesuffix(_TOML_AT_END).strip()
    hint = next((h for cue, h in _TOML_HINTS if cue in what), "")
    bare = _BARE_VALUE.match(line)
    if what.startswith("Invalid value") and bare is not None:
        value = _shortened(bare["value"].rstrip())
        hint = f'a text value is written in quotes: {bare["key"]} = "{value}"'
    return f"line {number}{quoted} ({what}{'; ' + hint if hint else ''})"


def _shortened(text: str) -> str:
    return f"{text[:80]}{'…' if len(text) > 80 else ''}"


_TOML_AT = re.compile(r"\s*\(at line (?P<line>\d+), column \d+\)")
_TOML_AT_END = " (at end of document)"
# "name = Tech": a key and a value that is neither quoted, a number, a date, a list nor a table
# (its trailing spaces are stripped after the match: a lazy value followed by \s* would take
# time quadratic in a long run of spaces)
_BARE_VALUE = re.compile(r"^\s*(?P<key>[\w.-]+)\s*=\s*(?P<value>[^\s\"'\[{\d+-][^#]*)(?:#.*)?$")
# tomllib's messages, and what the mistake behind each usually is
_TOML_HINTS = (
    ("Illegal character '\\n'", "a quoted value is not closed on its line"),
    ("Invalid value", 'a text value is written in quotes: name = "Tech"'),
    ("Expected '=' after a key", "each line is key = value"),
    ("Cannot overwrite a value", "a key is given twice"),
    ("Cannot declare", "a table is given twice"),
    ("Unclosed array", "a list [ ... ] is not closed"),
    ("Expected ']' at the end of a table declaration", "a [table] name is not closed"),
)


def toml_key_line(text: str, at: tuple[str | int, ...]) -> int | None:
    """The line of ``text`` (a TOML document) where the key ``at`` is written, for a message
    about its value: tomllib keeps no positions, and "line 14" finds a key in a long file at
    once, as a syntax error's line does (``toml_mistake``). ``at`` is the key's place: its
    tables' names, an array of tables' entry by its index from 0, and the key
    (``("sources", 1, "full_text")``); a place ending in a table or an entry gives its header's
    line, and a key written as a table's header (the unknown key ``source`` of a
    ``[[source]]``) that header's line, when it is not assigned. None when it cannot be told
    (an inline table, a dotted key).

    Lines are counted as tomllib counts them (by "\\n" alone), and lines inside a multi-line
    string are never taken for a key or a header."""
    *tables, key = at if at and isinstance(at[-1], str) else (*at, None)
    header: tuple[str | int, ...] = ()
    entries: dict[tuple[str | int, ...], int] = {}
    in_string = ""
    as_table: int | None = None  # the line of the key's own header, if it is a table
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if in_string:
            if line.count(in_string) % 2:
                in_string = ""
            continue
        found = _TOML_HEADER.match(line)
        if found is not None:
            names = tuple(_TOML_QUOTES.sub("", part.strip()) for part in found["name"].split("."))
            if found["open"] == "[[":
                index = entries[names] = entries.get(names, -1) + 1
                header = (*names, index)
            else:
                header = names
            if key is None and header == tuple(tables):
                return number
            if as_table is None and key is not None and header[: len(at)] == at:
                as_table = number
            continue
        assigned = _TOML_KEY.match(line)
        if assigned is not None:
            if header == tuple(tables) and _TOML_QUOTES.sub("", assigned["key"]) == key:
                return number
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2:
                    in_string = quotes
    return as_table


# "[fetch]", "[[sources]]", '[ "a" . b ]' (a comment may follow)
_TOML_HEADER = re.compile(r"^(?P<open>\[\[?)\s*(?P<name>[^\]\[]+?)\s*\]\]?\s*(?:#.*)?$")
# a key (bare or quoted, not dotted) and its "="
_TOML_KEY = re.compile(r"""^(?P<key>[\w-]+|"[^"]*"|'[^']*')\s*=""")
_TOML_QUOTES = re.compile(r"""^["']|["']$""")
