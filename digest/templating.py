"""The Jinja environment every output renders with: the HTML pages (``digest.render``), the
Atom feeds (``digest.atom``) and the email (``digest.mail``).

A user's ``templates`` folder is searched first, so copying one file there overrides just that
file; the built-in templates (``present.default_templates_dir``) are the fallback, and stay
reachable as ``builtin/<name>``. Everything that comes from an article is text: autoescape is
on for every ``*.html.j2`` template, and every printed string loses the characters no HTML or
XML document may hold. Templates are compiled once and kept between runs (Jinja's bytecode
cache, in its private per-user folder).

Every environment speaks one language (``digest.language``): its templates' ``_()`` and
``ngettext()`` calls (and ``{% trans %}`` blocks) read that language's catalogue, and its date
and number filters are that language's own, so they write as it does, whatever the process
locale; the other filters (links, reading time, text) come from ``digest.present``. Templates
find the language as ``language`` (``language.tag`` for ``lang`` attributes); code, with
``language_of(env)``.

A template of the user's that cannot be compiled or rendered (a syntax error, an undefined
name, a filter that fails) raises ``TemplateError``, naming the template, its line and Jinja's
message, wherever it is used (pages, feeds, email); an error in a built-in template is a bug
in digest and keeps its traceback.

Apart from ``digest.present`` so that a run that writes no page (most cron runs find nothing
new) never loads Jinja.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import types
from pathlib import Path
from typing import Any, NoReturn

import jinja2
import jinja2.bccache
from markupsafe import Markup

from digest import __version__
from digest.errors import DigestError
from digest.language import Language, english, language
from digest.present import (
    adds_to,
    day_filename,
    default_templates_dir,
    failure_reason,
    figure_kind,
    http_url,
    iso_datetime,
    lang_attr,
    localtime,
    lower_first,
    plural,
    reading_minutes,
    upper_first,
    xml_text,
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
        failure_reason=functools.partial(failure_reason, speaking=lang),
    )
    env.tests["adding_to"] = adds_to
    return env


def compile_user_templates(templates: Path) -> None:
    """Compile every template in the user's ``templates`` folder (its ``*.j2`` files), as the
    build that renders with them will: raises ``TemplateError`` for the first that cannot be
    (a syntax error), so that ``digest check`` finds what would stop every build. An error
    only rendering can find (an undefined name) is the build's to say."""
    env = make_environment(templates)
    for path in sorted(templates.rglob("*.j2")):
        env.get_template(path.relative_to(templates).as_posix())


def language_of(env: jinja2.Environment) -> Language:
    """The language ``env`` speaks (``make_environment``'s ``speaking``)."""
    lang = env.globals.get("language")
    return lang if isinstance(lang, Language) else english()


def _finalize(value: Any) -> Any:
    """Drop characters no HTML or XML document may hold from every printed string."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return xml_text(value)
    return value
