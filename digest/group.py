"""Group articles into stories. One article per story until same-event grouping lands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from digest.model import Article, Story

_NO_DATE = dt.datetime.min.replace(tzinfo=dt.UTC)


def group_stories(articles: Iterable[Article]) -> tuple[Story, ...]:
    """One story per article, newest first (undated last), ties kept in input order."""
    ordered = sorted(articles, key=lambda a: a.published or _NO_DATE, reverse=True)
    return tuple(Story(headline=a.title, articles=(a,), summary=a.summary) for a in ordered)
