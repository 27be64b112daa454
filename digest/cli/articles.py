"""``digest extract`` and ``digest summarise``: one article, cleaned or summed up, as the
digest would show it."""

from __future__ import annotations

import argparse
import dataclasses
import json

from digest import usecases
from digest.cli.console import error, warn
from digest.cli.exits import EXIT_OK, EXIT_USAGE
from digest.cli.options import load, positive_int
from digest.config import Config
from digest.model import Article, Removal

INPUT_HELP = "an article file (.txt, .md, .html), a URL, or - for standard input"


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    extract = commands.add_parser(
        "extract",
        parents=[common],
        help="print one article's cleaned text",
        description="Clean one article (a text or HTML file, a URL, or '-' for standard "
        "input) the way the digest does and print its body, paragraphs separated by blank "
        "lines.",
    )
    extract.add_argument("input", help=INPUT_HELP)
    extract.add_argument(
        "--json", action="store_true", help="print JSON with title, date, source and summary"
    )
    extract.add_argument(
        "--explain",
        action="store_true",
        help="also list each removed span and the rule that removed it, and what was "
        "suspected but kept (candidates)",
    )
    extract.set_defaults(handler=cmd_extract)

    summarise = commands.add_parser(
        "summarise",
        aliases=["summarize"],
        parents=[common],
        help="print one article's lead sentences, one per line",
        description="Print the summary the digest would show for one article (a text or "
        "HTML file, a URL, or '-' for standard input), one sentence per line.",
    )
    summarise.add_argument(
        "input",
        nargs="?",
        help=INPUT_HELP + " (with --story: the story's articles as JSON Lines)",
    )
    summarise.add_argument(
        "--story",
        metavar="FILE",
        help="summarise one story from several articles, given as JSON Lines in FILE (- for "
        'standard input; one {"id", "title", "text", "source", "date"} object per line): '
        "each fact once, the most complete report's lead first",
    )
    summarise.add_argument(
        "--words", type=positive_int, help="with --story: a budget in words instead of characters"
    )
    summarise.add_argument(
        "-n",
        "--sentences",
        type=positive_int,
        help="number of lead sentences (default: from config, 3)",
    )
    summarise.add_argument(
        "--chars", type=positive_int, help="character budget (default: config, 600)"
    )
    summarise.set_defaults(handler=cmd_summarise)


def cmd_extract(args: argparse.Namespace) -> int:
    article = usecases.read_one_article(load(args), args.input, warn=warn)
    if args.json:
        print(json.dumps(_as_json(article, explain=args.explain), ensure_ascii=False, indent=2))
        return EXIT_OK
    print("\n\n".join(p.text for p in article.paragraphs))
    if args.explain:
        if article.extraction:
            print(f"\n--- extracted by {article.extraction} ---")
        print(f"\n--- removed {len(article.removed)} span(s) ---")
        _print_spans(article.removed)
        if article.candidates:
            print(f"\n--- kept {len(article.candidates)} candidate(s): suspected, not cut ---")
            _print_spans(article.candidates)
    return EXIT_OK


def _print_spans(spans: tuple[Removal, ...]) -> None:
    for span in spans:
        reason = f" ({span.reason})" if span.reason else ""
        print(f"[{span.rule}]{reason}\n    {span.text}")


def _as_json(article: Article, *, explain: bool) -> dict[str, object]:
    data: dict[str, object] = {
        "title": article.title,
        "date": article.published.isoformat() if article.published else None,
        "source": article.source,
        "url": article.url,
        "summary": list(article.summary),
        "paragraphs": [{"text": p.text, "kind": p.kind} for p in article.paragraphs],
    }
    if explain:
        if article.extraction:
            data["extraction"] = article.extraction
        data["removed"] = [
            {"rule": r.rule, "reason": r.reason, "text": r.text} for r in article.removed
        ]
        data["candidates"] = [
            {"rule": r.rule, "reason": r.reason, "text": r.text} for r in article.candidates
        ]
    return data


def cmd_summarise(args: argparse.Namespace) -> int:
    config = load(args)
    if args.story is not None:
        return _summarise_story(config, args)
    if args.input is None:
        error("give an article to summarise (a file, a URL, or -), or --story FILE")
        return EXIT_USAGE
    if args.words is not None:
        error("--words goes with --story; for one article use --chars or --sentences")
        return EXIT_USAGE
    if args.sentences is not None or args.chars is not None:
        config = dataclasses.replace(
            config,
            lead_sentences=args.sentences or config.lead_sentences,
            summary_chars=args.chars or config.summary_chars,
        )
    article = usecases.read_one_article(config, args.input, warn=warn)
    for sentence in article.summary:
        print(sentence)
    return EXIT_OK


def _summarise_story(config: Config, args: argparse.Namespace) -> int:
    from digest.cli.stories import read_lines
    from digest.jsonl import JsonlError

    if args.input is not None:
        error("give either an article or --story FILE, not both")
        return EXIT_USAGE
    label, lines = read_lines(args.story)
    if lines is None:
        return EXIT_USAGE
    try:
        sentences = usecases.summarise_story_jsonl(
            config, lines, words=args.words, chars=args.chars, label=label
        )
    except JsonlError as exc:
        error(str(exc))
        return EXIT_USAGE
    for sentence in sentences:
        print(sentence)
    return EXIT_OK
