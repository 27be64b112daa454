"""The HTML pages: a built digest becomes its day page, the index and the archive.

Pages are Jinja templates from ``templating.make_environment``: a user's ``templates`` folder is
searched first, autoescape is on for every ``*.html.j2`` template, and no template marks
article data ``|safe``. All links between pages are relative (``index.html``,
``archive.html``, ``2026-11-21.html``, ``feed.atom``) so the output works opened from disk or
served from any sub-path.

The day's stories are rendered once, as a fragment that holds nothing volatile: it is both the
story list of the day page and the content of the day's feed entry (see ``atom``), so an
unchanged day hashes the same.
"""

from __future__ import annotations

from collections.abc import Sequence

import jinja2
from markupsafe import Markup

from digest.config import Config
from digest.model import DayRecord, Digest
from digest.present import base_context, localtime, newest_first
from digest.templating import language_of

DAY_TEMPLATE = "day.html.j2"
ARCHIVE_TEMPLATE = "archive.html.j2"
FRAGMENT_TEMPLATE = "fragment.html.j2"


def render_fragment(digest: Digest, config: Config, env: jinja2.Environment) -> str:
    """The day's stories as an HTML fragment: the Atom entry content and ``content_html``.

    It holds nothing volatile (no generation time), so an unchanged day hashes the same.
    """
    template = env.get_template(FRAGMENT_TEMPLATE)
    return template.render(base_context(config), digest=digest).strip() + "\n"


def render_day_page(
    digest: Digest,
    config: Config,
    env: jinja2.Environment,
    days: Sequence[DayRecord],
    fragment: str | None = None,
) -> str:
    """``YYYY-MM-DD.html``: the day's digest, with links to the previous and next days.

    ``fragment`` is the day's ``render_fragment``, when the caller has it already: the story
    list is then not rendered a second time.
    """
    return _render_day(digest, config, env, days, is_index=False, fragment=fragment)


def render_index(
    digest: Digest,
    config: Config,
    env: jinja2.Environment,
    days: Sequence[DayRecord],
    fragment: str | None = None,
) -> str:
    """``index.html``: the latest digest, linking to the earlier days and the archive."""
    return _render_day(digest, config, env, days, is_index=True, fragment=fragment)


def render_archive(config: Config, env: jinja2.Environment, days: Sequence[DayRecord]) -> str:
    """``archive.html``: every day, newest first, grouped by month, with its story count."""
    records = newest_first(days)
    lang = language_of(env)
    months: list[tuple[str, list[DayRecord]]] = []
    for record in records:
        label = lang.month_year(record.day)
        if not months or months[-1][0] != label:
            months.append((label, []))
        months[-1][1].append(record)
    template = env.get_template(ARCHIVE_TEMPLATE)
    return template.render(
        base_context(config),
        days=records,
        months=months,
        latest=records[0] if records else None,
    )


def _render_day(
    digest: Digest,
    config: Config,
    env: jinja2.Environment,
    days: Sequence[DayRecord],
    *,
    is_index: bool,
    fragment: str | None = None,
) -> str:
    others = {record.day for record in days} - {digest.day}
    previous = max((d for d in others if d < digest.day), default=None)
    following = min((d for d in others if d > digest.day), default=None)
    template = env.get_template(DAY_TEMPLATE)
    return template.render(
        base_context(config),
        digest=digest,
        is_index=is_index,
        previous_day=previous,
        next_day=following,
        generated_at=localtime(digest.generated_at, config.timezone),
        sources=list(digest.sources),
        # our own autoescaped output, so it may go in as markup
        fragment_html=Markup(fragment.rstrip("\n")) if fragment is not None else None,
    )
