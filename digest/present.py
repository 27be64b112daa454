"""Presentation shared by every output: the Jinja environment, its filters, and file names.

The HTML pages (``render``), the Atom feeds (``atom``) and the email (``mail``) all take their
templates, dates and links from here, so a day reads the same in each of them.

Templates live in ``templates/`` at the top of the repository (shipped as the
``digest.templates`` package); a user's ``templates`` folder is searched first, so copying one
file there overrides just that file. Everything that comes from an article is text: autoescape
is on for every ``*.html.j2`` template, and every printed string loses the characters no HTML
or XML document may hold.

Every environment speaks one language (``digest.language``): its templates' ``_()`` and
``ngettext()`` calls (and ``{% trans %}`` blocks) read that language's catalogue, and its
date, number and plural filters write as that language does, whatever the process locale.
Templates find it as ``language`` (``language.tag`` for ``lang`` attributes); code, with
``language_of(env)``.

A template of the user's that cannot be compiled or rendered (a syntax error, an undefined
name, a filter that fails) raises ``TemplateError``, naming the template, its line and Jinja's
message, wherever it is used (pages, feeds, email); an error in a built-in template is a bug
in digest and keeps its traceback.
Nothing here reads the clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import math
import os
import re
import types
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2
import jinja2.bccache
from markupsafe import Markup

from digest import __version__
from digest.config import Config
from digest.errors import DigestError
from digest.language import Language, english, language, primary_subtag
from digest.model import Article, DayRecord

# The output folder's fixed names. Every link between pages is relative (``index.html``,
# ``archive.html``, ``2026-11-21.html``, ``feed.atom``), so the output works opened from disk
# or served from any sub-path.
INDEX_FILENAME = "index.html"
ARCHIVE_FILENAME = "archive.html"
FEED_FILENAME = "feed.atom"
ARTICLES_FEED_FILENAME = "articles.atom"

# Code points that are not allowed in XML 1.0 or are control characters in HTML: a stray one in
# an article would make the feed unserialisable and the page invalid.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

_WORDS_PER_MINUTE = 230


# ---------------------------------------------------------------- templates and environment


def default_templates_dir() -> Path:
    """The built-in templates: the ``digest.templates`` package, else the source tree's folder.

    A wheel installs ``templates/`` as ``digest/templates``; an editable install cannot map a
    package directory like that, so the ``templates/`` folder next to the ``digest`` package
    (the repository checkout) is the fallback.
    """
    candidates: list[Any] = []
    for package, sub in (("digest.templates", None), ("digest", "templates")):
        try:
            root = resources.files(package)
        except (ModuleNotFoundError, TypeError, ValueError):
            continue
        candidates.append(root / sub if sub else root)
    candidates.append(Path(__file__).resolve().parent.parent / "templates")
    for candidate in candidates:
        try:
            # a namespace package is a MultiplexedPath, whose children are real Paths; a zipped
            # install is not a folder Jinja can read, so it is skipped
            marker = candidate / "base.html.j2"
            if isinstance(marker, Path) and marker.is_file():
                return marker.parent
        except (OSError, TypeError, ValueError):
            continue
    raise FileNotFoundError(
        "the built-in templates are missing: reinstall calm-digest "
        "(they ship as the digest.templates package)"
    )


_SYNTAX: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    # gettext that fills in (and escapes) its own variables: _("Read at %(source)s", source=s)
    "extensions": ["jinja2.ext.i18n"],
}
_NEWSTYLE_GETTEXT = True


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs, in Jinja's private per-user cache folder.

    Compiling the templates is a good part of a small build's time. Jinja recompiles a
    template whose source changed; the file names also carry digest's version and syntax
    options, which the cached code depends on too. A cache that cannot be read or written
    is passed over, never an error; a damaged file (cut off, or overwritten) is removed and
    the template compiled again.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()
            return
        except Exception:  # pickle and marshal raise all sorts on damaged data
            damaged = True
        else:  # marshal may also read junk as a number or a string
            damaged = bucket.code is not None and not isinstance(bucket.code, types.CodeType)
        if damaged:
            bucket.reset()
            with contextlib.suppress(OSError):
                os.remove(self._get_cache_filename(bucket))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@functools.cache
def _compiled_templates() -> jinja2.BytecodeCache | None:
    if os.environ.get("DIGEST_NO_TEMPLATE_CACHE"):
        return None
    options = f"{__version__} {sorted(_SYNTAX.items())} newstyle={_NEWSTYLE_GETTEXT}"
    version = hashlib.sha256(options.encode()).hexdigest()[:16]
    try:
        return _CompiledTemplates(pattern=f"digest-{version}-%s.cache")
    except (OSError, RuntimeError):  # no private cache folder can be made: compile each run
        return None


class TemplateError(DigestError):
    """A template in the user's ``templates`` folder that cannot be compiled or rendered."""


class _Environment(jinja2.Environment):
    """Jinja's environment, telling the user which of their templates failed, and where."""

    user_templates: Path | None = None

    def handle_exception(self, source: str | None = None) -> NoReturn:
        try:
            super().handle_exception(source)
        except TemplateError:
            raise
        except Exception as exc:
            error = _template_error(exc, self.user_templates)
            if error is None:
                raise
            raise error from exc


def _template_error(exc: Exception, user_templates: Path | None) -> TemplateError | None:
    """``exc``, raised compiling or rendering a template, as the user's ``TemplateError``; None
    when no template of theirs is involved. Jinja gives a syntax error its template and line;
    for an error while rendering, its rewritten traceback holds them, innermost last."""
    if user_templates is None:
        return None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = [(exc.filename or exc.name or "?", exc.lineno)]
        message = exc.message or str(exc)
    else:
        where = []
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                where.append((filename, tb.tb_lineno))
            tb = tb.tb_next
        name = type(exc).__name__
        message = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{name}: {exc}"
    mine = [(f, line) for f, line in where if _inside(f, user_templates)]
    if not mine:
        return None
    filename, line = mine[-1]
    return TemplateError(
        f"template {Path(filename).name} ({filename}), line {line}: {message}",
        f"fix it, or remove it from {user_templates} to use the built-in template",
    )


def _inside(filename: str, folder: Path) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(folder)
    except (OSError, ValueError):
        return False


def make_environment(
    templates: Path | None = None, speaking: Language | str | None = None
) -> jinja2.Environment:
    """A Jinja environment: the user's ``templates`` folder first, the built-ins as fallback,
    speaking ``speaking`` (a ``Language`` or a tag; English by default).

    A user template can also extend or include a built-in one by its ``builtin/`` name, e.g.
    ``{% extends "builtin/day.html.j2" %}``, to change one block and keep the rest.
    """
    lang = speaking if isinstance(speaking, Language) else language(speaking or "en")
    builtin = jinja2.FileSystemLoader(str(default_templates_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates)))
    loaders += [builtin, jinja2.PrefixLoader({"builtin": builtin})]
    env = _Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2", "htm.j2", "xml.j2"),
            default_for_string=True,
            default=False,
        ),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        bytecode_cache=_compiled_templates(),
        **_SYNTAX,
    )
    # _("Read at %(source)s", source=...) and ngettext("%(num)s story", "%(num)s stories", n):
    # the count in a plural message is written as the language writes numbers
    env.user_templates = templates.resolve() if templates is not None else None
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lang.gettext, lang.ngettext, newstyle=_NEWSTYLE_GETTEXT
    )
    env.globals["language"] = lang
    env.filters.update(
        http_url=http_url,
        localtime=localtime,
        iso_datetime=iso_datetime,
        long_date=lang.long_date,
        day_month_year=lang.day_month_year,
        month_year=lang.month_year,
        short_date=lang.short_date,
        human_datetime=lang.date_time,
        human_time=lang.time,
        number=lang.number,
        reading_minutes=reading_minutes,
        plural=plural,
        day_filename=day_filename,
        lower_first=lower_first,
        upper_first=upper_first,
        lang_attr=functools.partial(lang_attr, page=lang),
        figure_kind=functools.partial(figure_kind, speaking=lang),
    )
    env.tests["adding_to"] = adds_to
    return env


def language_of(env: jinja2.Environment) -> Language:
    """The language ``env`` speaks (``make_environment``'s ``speaking``)."""
    lang = env.globals.get("language")
    return lang if isinstance(lang, Language) else english()


def _finalize(value: Any) -> Any:
    """Drop characters no HTML or XML document may hold from every printed string."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return xml_text(value)
    return value


def base_context(config: Config) -> dict[str, Any]:
    """The variables every page and feed-entry template gets: the site and its links."""
    return {
        "config": config,
        "site_title": config.title,
        "tz": config.timezone,
        "index_href": INDEX_FILENAME,
        "archive_href": ARCHIVE_FILENAME,
        "feed_href": FEED_FILENAME,
    }


# ---------------------------------------------------------------- filters and text


def xml_text(text: str) -> str:
    """``text`` without the characters no HTML or XML document may hold."""
    return _FORBIDDEN_CHARS.sub("", text)


def one_line(text: str) -> str:
    """``text`` on one line: every run of white space (line breaks too) is one space."""
    return " ".join(str(text).split())


def http_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: only those become links."""
    if not url:
        return None
    url = url.strip()
    if _FORBIDDEN_CHARS.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def reading_minutes(article: Article) -> int:
    """Minutes a calm reader needs for the article's full text (at least 1)."""
    words = sum(len(p.text.split()) for p in article.paragraphs)
    return max(1, math.ceil(words / _WORDS_PER_MINUTE))


def plural(count: int, one: str, many: str) -> str:
    """``1 story`` / ``5 stories``: English, for what digest tells its operator (the command
    line, the log). What the reader sees goes through ``Language.ngettext``."""
    return f"{count} {one if count == 1 else many}"


# The full text is worth a "Full text" disclosure only when it holds this much more than the
# summary: a feed that carries only a teaser would otherwise show it twice.
MORE_THAN_SUMMARY_CHARS = 40


def adds_to(article: Article, summary: str) -> bool:
    """True when ``article``'s text says more than ``summary`` (a story's summary text)."""
    body = " ".join(p.text for p in article.paragraphs if p.kind != "heading" and p.text.strip())
    return len(" ".join(body.split())) > len(" ".join(summary.split())) + MORE_THAN_SUMMARY_CHARS


def upper_first(text: str) -> str:
    """``samedi 21 novembre`` → ``Samedi 21 novembre``: a date that stands alone (a heading,
    a list item) starts with a capital, as CLDR's context rules ask, even in the languages
    that write day and month names in lower case mid-sentence."""
    return text[:1].upper() + text[1:]


def lang_attr(tag: str | None, page: Language | None = None) -> Markup:
    """`` lang="de"`` for text in ``tag``'s language on a page in another (``page``); nothing
    when the languages are the same or the text's is not known."""
    page_tag = (page or english()).tag
    if not tag or primary_subtag(tag) == primary_subtag(page_tag):
        return Markup("")
    return Markup(' lang="{}"').format(tag)


# The kinds of count whose figures may differ between reports (``digest.text.figures``), as
# the catalogues translate them: marked here so that extraction finds them.
def N_(message: str) -> str:
    """gettext's name for "mark for translation, translate later"."""
    return message


# TRANSLATORS: the kinds of count whose figures differ: "Figures differ · killed: 80¹ · 83²";
# a plural noun reads best ("dead", "injured")
FIGURE_KINDS = {
    "killed": N_("killed"),
    "injured": N_("injured"),
    "arrested": N_("arrested"),
    "missing": N_("missing"),
    "evacuated": N_("evacuated"),
    "rescued": N_("rescued"),
}


def figure_kind(kind: str, speaking: Language | None = None) -> str:
    """``killed`` as the reader's language labels that count (``Tote``)."""
    if kind not in FIGURE_KINDS:
        return kind
    return (speaking or english()).gettext(FIGURE_KINDS[kind])


def lower_first(text: str) -> str:
    """``More than 80`` → ``more than 80``, for a phrase quoted mid-sentence; an acronym
    (``US``, ``AP``) keeps its capitals."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def day_filename(day: dt.date) -> str:
    """The day page's file name: ``2026-11-21.html``."""
    return f"{day.isoformat()}.html"


# ---------------------------------------------------------------- dates and times


def localtime(moment: dt.datetime, tz: ZoneInfo | dt.tzinfo) -> dt.datetime:
    """An aware datetime in the reader's timezone (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz)


def utc_seconds(moment: dt.datetime) -> dt.datetime:
    """Aware UTC to the second (a naive one is taken as UTC): ``2026-11-21T05:00:00+00:00``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def iso_datetime(moment: dt.datetime) -> str:
    """For ``<time datetime>``: ``2026-11-21T08:30:00+01:00``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds")


def human_datetime(moment: dt.datetime, reference: dt.date | None = None) -> str:
    """``Sat 21 Nov, 08:30`` (with the year when it is not ``reference``'s), in English: for
    what digest tells its operator. Templates have the reader's (``human_datetime`` filter)."""
    return english().date_time(moment, reference)


# ---------------------------------------------------------------- the built days


def newest_first(days: Iterable[DayRecord]) -> list[DayRecord]:
    """One record per day (the most recently updated if the caller passed two), newest first."""
    by_day: dict[dt.date, DayRecord] = {}
    for record in days:
        kept = by_day.get(record.day)
        if kept is None or utc_seconds(record.updated) > utc_seconds(kept.updated):
            by_day[record.day] = record
    return [by_day[d] for d in sorted(by_day, reverse=True)]
