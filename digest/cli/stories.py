"""``digest stories``: how the day's articles are grouped into stories, and why."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from digest import usecases
from digest.cli.console import error, note, progress_reporter, report_problems
from digest.cli.exits import EXIT_OK, EXIT_USAGE
from digest.cli.options import load, parse_day
from digest.config import Config
from digest.filters import Filtered
from digest.model import Digest, Story


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    stories = commands.add_parser(
        "stories",
        parents=[common],
        help="show how the day's articles are grouped into stories",
        description="Read the sources as 'digest build' does, without writing anything (but "
        "a source renamed in the config, renamed in the state as a build would rename it), and "
        "print each story of the day with its articles, their sources and how alike each is "
        "to the story's first report, then each new article the include/exclude rules would "
        "take out, and the rule that did. With --jsonl, group articles given as JSON Lines "
        'instead (one {"id", "title", "text", "source", "date"} object per line; '
        'source and date may be null) and print one {"id", "cluster"} line per article.',
    )
    stories.add_argument("--date", type=parse_day, help="the day, as YYYY-MM-DD (default: today)")
    output = stories.add_mutually_exclusive_group()
    output.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per article: id, title, source, cluster, headline, similarity, "
        "also_today; an article the filters take out has no cluster and says why in 'filtered'",
    )
    output.add_argument(
        "--jsonl",
        metavar="FILE",
        help="group the articles in FILE (JSON Lines; - for standard input) instead of the "
        "configured sources",
    )
    stories.set_defaults(handler=cmd_stories)


def cmd_stories(args: argparse.Namespace) -> int:
    config = load(args)
    if args.jsonl is not None:
        return _jsonl(config, args.jsonl)
    try:
        found = usecases.stories_of_day(
            config, args.date, progress=progress_reporter(args.quiet > 0)
        )
    except usecases.DayError as exc:
        error(f"--date {exc.problem}; {exc.advice}")
        return EXIT_USAGE
    report_problems(
        (), found.warnings, found.unread_pages, verbose=args.verbose > 0, command="digest stories"
    )
    if not args.quiet:
        for line in found.notes:
            note(line)
    digest = found.digest
    # the stories past the day's limits are the day's too: listed in Also today, and shown
    listed = [(story, False) for story in digest.stories]
    listed += [(story, True) for story in digest.also_today]
    if args.json:
        for story, also_today in listed:
            for article in story.articles:
                row = _article_json(story, article.key, found) | {"also_today": also_today}
                print(json.dumps(row, ensure_ascii=False))
        for filtered in found.filtered:
            print(json.dumps(_filtered_json(filtered), ensure_ascii=False))
        return EXIT_OK
    print(_heading(digest, len(found.filtered)))
    for number, (story, also_today) in enumerate(listed, start=1):
        _print_story(number, story, found.similarity, also_today)
    for more in digest.more:
        print(f"\n+{more.count} more from {more.source} (past Also today's limit, counted only)")
    if found.filtered:
        print("\nFiltered out:")
        for filtered in found.filtered:
            print(f"   {filtered}")
    return EXIT_OK


def _heading(digest: Digest, filtered: int) -> str:
    """The day's count of stories as the build, the page and the email give it
    (``Digest.story_count``: the stories past Also today's limit included), then what of it
    is listed here: those past the limit are counted by source, with no articles to show."""
    from digest.present import plural

    listed = (*digest.stories, *digest.also_today)
    articles = sum(len(story.articles) for story in listed)
    past = digest.story_count - len(listed)
    parts = [f"{len(digest.also_today)} in Also today"] if digest.also_today else []
    if past:
        parts.append(f"{past} past its limit, counted only")
    line = f"{digest.day.isoformat()}: {plural(digest.story_count, 'story', 'stories')}"
    if parts:
        line += f" ({', '.join(parts)})"
    if past:
        line += f"; the {len(listed)} listed below hold {plural(articles, 'article', 'articles')}"
    elif listed:
        line += f" from {plural(articles, 'article', 'articles')}"
    return f"{line}, {filtered} filtered out" if filtered else line


def _print_story(
    number: int, story: Story, similarity: dict[str, float], also_today: bool = False
) -> None:
    from digest.present import plural  # (with the templates' engine: not for every command)

    reports = len(story.reports)
    where = "  (Also today)" if also_today else ""
    print(f"\n{number}. {story.headline}  [{story.id}]{where}")
    if reports > 1 or story.copies:
        copies = f", {plural(len(story.copies), 'copy', 'copies')}" if story.copies else ""
        print(f"   {plural(reports, 'report', 'reports')}{copies} from {', '.join(story.sources)}")
    for index, article in enumerate(story.articles):
        role = "copy" if article in story.copies else f"{index + 1}"
        score = "" if index == 0 else f"  similarity {similarity.get(article.key, 0.0):.2f}"
        print(f"   {role:>4}. {article.source}: {article.title}{score}")
    for disagreement in story.disagreements:
        figures = " · ".join(f"{f.text} [{f.report + 1}]" for f in disagreement.figures)
        print(f"   figures differ, {disagreement.kind}: {figures}")
    if story.earlier:
        earlier = story.earlier
        print(f"   continues {earlier.day.isoformat()}: {earlier.headline}  [{earlier.story_id}]")


def _article_json(story: Story, key: str, found: usecases.DayStories) -> dict[str, object]:
    article = next(a for a in story.articles if a.key == key)
    return {
        "id": article.key,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "cluster": story.id,
        "headline": story.headline,
        "report": article in story.reports,
        "similarity": found.similarity.get(article.key),
    }


def _filtered_json(filtered: Filtered) -> dict[str, object]:
    article = filtered.article
    return {
        "id": article.key,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "cluster": None,
        "headline": None,
        "report": False,
        "similarity": None,
        "also_today": False,
        "filtered": {"rule": filtered.rule, "where": filtered.where, "reason": filtered.reason},
    }


def _jsonl(config: Config, name: str) -> int:
    from digest.jsonl import JsonlError

    label, lines = read_lines(name)
    if lines is None:
        return EXIT_USAGE
    try:
        grouped = usecases.group_jsonl(config, lines, label)
    except JsonlError as exc:
        error(f"{exc}")
        return EXIT_USAGE
    for item_id, cluster in grouped:
        print(json.dumps({"id": item_id, "cluster": cluster}, ensure_ascii=False))
    return EXIT_OK


def read_lines(name: str) -> tuple[str, list[str] | None]:
    """The lines of the file ``name`` (``-``: standard input), or None after saying why not."""
    label = "<stdin>" if name == "-" else name
    try:
        if name == "-":
            return label, sys.stdin.read().splitlines()
        return label, Path(name).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        error(f"cannot read {label} ({exc}); give a UTF-8 JSON Lines file, or - for stdin")
        return label, None
