"""A folder of article files (``.txt`` / ``.md``), one article per file, read recursively.

A file may open with a header block of ``Key: value`` lines (Title, Source, URL, Date, Author)
followed by a blank line. Without one the title is the first line when it reads like a headline,
the date is the file's modification time and the source is the name of the folder holding it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from digest.model import Article, Source
from digest.sources.errors import SourceError, missing_path
from digest.text.dates import parse_date
from digest.text.decode import decode_bytes
from digest.text.plain import text_to_paragraphs

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HEADER_KEYS = frozenset({"title", "source", "url", "date", "author"})
# Larger files are not articles (logs, dumps); reading them would only slow the run down.
MAX_FILE_BYTES = 2 * 1024 * 1024

_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z-]{0,20}):[ \t]*(.*)$")
_FRONT_MATTER = re.compile(r"---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]{0,40})[ \t]*:(?:[ \t]+(.*))?[ \t]*$")
_HEADLINE_MAX_CHARS = 150
_HEADLINE_MAX_WORDS = 20


@dataclass(frozen=True)
class FolderResult:
    articles: tuple[Article, ...]
    warnings: tuple[str, ...]


def read_folder(source: Source, tz: dt.tzinfo = dt.UTC) -> FolderResult:
    """Read every article file under the source's folder, in path order. Undated header dates
    use ``tz``. The source's ``max_items`` and ``category`` are ingest's to apply.

    A missing folder raises SourceError; a single unreadable or undecodable file is skipped
    with a warning so one bad file never costs the rest of the folder. A link to a file
    outside the folder is skipped too: whoever may add files to the folder must not be able
    to publish any file the user running digest may read.
    """
    root = Path(source.location)
    if not root.exists():
        raise missing_path(root, "folder")
    if not root.is_dir():
        raise SourceError(f"{root} is not a folder", "check the source's 'path' in the config")
    articles: list[Article] = []
    warnings: list[str] = []
    real_root = root.resolve()
    for path in _article_files(root):
        if not path.resolve().is_relative_to(real_root):
            warnings.append(f"{path}: a link to a file outside the folder; skipped")
            continue
        try:
            article, file_warnings = read_article_file(path, root=root, source=source, tz=tz)
        except OSError as exc:
            warnings.append(f"{path}: cannot read the file ({exc.strerror or exc}); skipped")
            continue
        warnings.extend(file_warnings)
        if article is not None:
            articles.append(article)
    return FolderResult(tuple(articles), tuple(warnings))


def _article_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue  # editor swap files, .git, .DS_Store
        if path.suffix.lower() in ARTICLE_SUFFIXES and path.is_file():
            yield path


def read_article_file(
    path: Path, *, root: Path, source: Source, tz: dt.tzinfo = dt.UTC
) -> tuple[Article | None, list[str]]:
    """Read one article file into a raw (not yet normalised) Article, plus any warnings."""
    stat = path.stat()
    if stat.st_size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return None, [f"{path}: larger than {limit} MB, so not read as an article; skipped"]
    return parse_article_text(
        path.read_bytes(),
        key=f"file:{source.scope}/{path.relative_to(root).as_posix()}",
        # the name the config gives the folder; unnamed, the (sub-)folder the file is in
        default_source=source.name if source.named else (path.parent.name or root.name),
        fallback_date=dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC),
        markdown=path.suffix.lower() != ".txt",
        label=str(path),
        tz=tz,
    )


def parse_article_text(
    data: bytes,
    *,
    key: str,
    default_source: str,
    fallback_date: dt.datetime,
    markdown: bool = False,
    label: str = "article",
    tz: dt.tzinfo = dt.UTC,
) -> tuple[Article | None, list[str]]:
    """An article from the bytes of a text file: header block, title, date, paragraphs.

    ``fallback_date`` (the file's modification time) serves when the header has no usable
    date; ``label`` names the input in warnings.
    """
    warnings: list[str] = []
    text = decode_bytes(data).replace("\r\n", "\n").replace("\r", "\n")
    header, body = split_header(text)

    paragraphs = text_to_paragraphs(body, markdown=markdown)
    if not any(p.text for p in paragraphs):
        return None, [f"{label}: no article text; skipped"]

    title = header.get("title", "")
    if (
        not title
        and paragraphs
        and not paragraphs[0].verbatim
        and (
            paragraphs[0].kind == "heading"
            or _reads_like_headline(paragraphs[0].text, more_follows=len(paragraphs) > 1)
        )
    ):
        title, paragraphs = paragraphs[0].text, paragraphs[1:]

    published = None
    if "date" in header:
        published = parse_date(header["date"], tz)
        if published is None:
            warnings.append(
                f"{label}: Date '{header['date']}' is not a date digest understands; using the "
                "file's modification time instead (write e.g. 2026-11-21 or "
                "2026-11-21T08:00:00+01:00)"
            )

    url = header.get("url") or None
    if url and not re.match(r"^https?://\S+$", url, re.I):
        warnings.append(f"{label}: URL '{url}' is not an http(s) address; ignored")
        url = None

    return (
        Article(
            key=key,
            source=header.get("source") or default_source,
            title=title,
            paragraphs=tuple(paragraphs),
            url=url,
            published=published or fallback_date,
            author=header.get("author") or None,
            publisher_unknown=not header.get("source") and not url,
        ),
        warnings,
    )


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Split an optional ``Key: value`` header block (ended by a blank line) from the body.

    The block counts as a header only if every line is ``Key: value``, at least one key is a
    known one, and a blank line ends it: a body that opens "Update: talks resumed…" is text.
    """
    text = text.lstrip("\n")
    front = _front_matter(text)
    if front is not None:
        return front
    head, sep, rest = text.partition("\n\n")
    if not sep:
        return {}, text
    fields: dict[str, str] = {}
    for line in head.split("\n"):
        match = _HEADER_LINE.match(line.strip())
        if not match:
            return {}, text
        key = match[1].lower()
        if key in HEADER_KEYS:
            fields[key] = match[2].strip()
    if not fields:
        return {}, text
    return fields, rest


def _front_matter(text: str) -> tuple[dict[str, str], str] | None:
    """A Markdown front matter block ("---", top-level ``key: value`` lines, "---"), as
    static-site generators and note apps write it: its known keys and the text after it.
    None unless every top-level line of the block is a key (nested lines, list items and
    comments belong to the key above), so prose between two rules stays text."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None
    fields: dict[str, str] = {}
    for line in (match[1] or "").split("\n"):
        if not line.strip() or line[0] in " \t-#":
            continue
        key = _FRONT_MATTER_KEY.match(line)
        if key is None:
            return None
        name, value = key[1].lower(), (key[2] or "").strip()
        if name in HEADER_KEYS and value:
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            fields[name] = value
    return fields, text[match.end() :]


def _reads_like_headline(text: str, *, more_follows: bool) -> bool:
    text = text.strip()
    return (
        more_follows
        and 0 < len(text) <= _HEADLINE_MAX_CHARS
        and len(text.split()) <= _HEADLINE_MAX_WORDS
        and not text.endswith((".", ",", ";", ":"))
        and not text.endswith('."')
        # a line opening in lowercase reads on from something, unless its first word is a
        # name spelt that way (iPhone, eBay, h5n1): a capital or a digit inside it
        and not (text[0].islower() and not any(c.isupper() or c.isdigit() for c in text.split()[0]))
    )
