"""The ``digest`` command line: one function per command; each parses, calls the pipeline, prints.

Exit codes: 0 done (even if some sources failed: their errors are printed and listed in the
digest), 1 the job could not be done, 2 a usage or configuration error, 75 another run holds
the lock (try again later, as sysexits' EX_TEMPFAIL says).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from digest import __version__
from digest.config import Config, ConfigError, default_config, load_config
from digest.model import Article, Source
from digest.state import StateError, StateLockedError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75

log = logging.getLogger("digest")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(getattr(args, "verbose", 0) - getattr(args, "quiet", 0))
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except ConfigError as exc:
        print(f"digest: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StateLockedError as exc:
        print(f"digest: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except StateError as exc:
        print(f"digest: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("digest: interrupted", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c",
        "--config",
        type=Path,
        default=os.environ.get("DIGEST_CONFIG") or None,
        help="TOML config file (default: $DIGEST_CONFIG, else built-in defaults: "
        "read seeds/, write output/)",
    )
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    common.add_argument("-q", "--quiet", action="count", default=0, help="less output")

    parser = argparse.ArgumentParser(
        prog="digest",
        description="Turn many news sources into one calm daily read: an HTML page, "
        "an Atom feed and an email.",
        epilog="Run 'digest COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser(
        "build",
        parents=[common],
        help="build a day's digest into the output folder",
        description="Read every source, clean and summarise new articles, and write the day's "
        "page (YYYY-MM-DD.html), index.html, archive.html and feed.atom into the output "
        "folder. Building the same day again replaces that day's page and feed entry.",
    )
    build.add_argument(
        "--date",
        type=_parse_day,
        help="the day to build, as YYYY-MM-DD (default: today in the configured timezone)",
    )
    build.set_defaults(handler=cmd_build)

    extract = commands.add_parser(
        "extract",
        parents=[common],
        help="print one article's cleaned text",
        description="Clean one article file ('-' reads standard input) the way the digest "
        "does and print its body, paragraphs separated by blank lines.",
    )
    extract.add_argument("input", help="an article file (.txt, .md), or - for standard input")
    extract.add_argument(
        "--json", action="store_true", help="print JSON with title, date, source and summary"
    )
    extract.add_argument(
        "--explain", action="store_true", help="also list each removed span and the rule"
    )
    extract.set_defaults(handler=cmd_extract)

    summarise = commands.add_parser(
        "summarise",
        aliases=["summarize"],
        parents=[common],
        help="print one article's lead sentences, one per line",
        description="Print the summary the digest would show for one article file "
        "('-' reads standard input), one sentence per line.",
    )
    summarise.add_argument("input", help="an article file (.txt, .md), or - for standard input")
    summarise.add_argument(
        "-n", "--sentences", type=int, help="number of lead sentences (default: from config, 3)"
    )
    summarise.add_argument("--chars", type=int, help="character budget (default: config, 600)")
    summarise.set_defaults(handler=cmd_summarise)
    return parser


def _parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-21") from None


def _configure_logging(level: int) -> None:
    logging.basicConfig(
        level=logging.WARNING - 10 * max(-1, min(level, 2)),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def load(args: argparse.Namespace) -> Config:
    return load_config(args.config) if args.config else default_config()


# --- commands ---------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    from digest.pipeline import build

    config = load(args)
    result = build(config, args.date)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for failure in result.digest.failures:
        print(f"source failed: {failure}", file=sys.stderr)
    if not args.quiet:
        print(result.summary_line)
        for path in result.written:
            print(f"  wrote {path}")
    return EXIT_OK


def _read_one_article(args: argparse.Namespace, config: Config) -> Article:
    from digest.pipeline import prepare_article
    from digest.sources.files import read_article_file
    from digest.text.normalise import load_rules

    if args.input == "-":
        import tempfile

        data = sys.stdin.buffer.read()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "stdin.txt"
            path.write_bytes(data)
            raw, warnings = read_article_file(
                path, root=path.parent, source=_STDIN, tz=config.timezone
            )
    else:
        path = Path(args.input)
        if not path.is_file():
            raise SystemExit(f"digest: {path}: no such file")
        raw, warnings = read_article_file(
            path,
            root=path.parent,
            source=Source(path.parent.name or "file", "folder", str(path.parent)),
            tz=config.timezone,
        )
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if raw is None:
        raise SystemExit(f"digest: {args.input}: no article text found")
    return prepare_article(raw, load_rules(config.rules), config)


_STDIN = Source("stdin", "folder", ".")


def cmd_extract(args: argparse.Namespace) -> int:
    config = load(args)
    article = _read_one_article(args, config)
    if args.json:
        data = {
            "title": article.title,
            "date": article.published.isoformat() if article.published else None,
            "source": article.source,
            "url": article.url,
            "summary": list(article.summary),
            "paragraphs": [{"text": p.text, "kind": p.kind} for p in article.paragraphs],
        }
        if args.explain:
            data["removed"] = [
                {"rule": r.rule, "reason": r.reason, "text": r.text} for r in article.removed
            ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    print("\n\n".join(p.text for p in article.paragraphs))
    if args.explain:
        print(f"\n--- removed {len(article.removed)} span(s) ---")
        for removal in article.removed:
            reason = f" ({removal.reason})" if removal.reason else ""
            print(f"[{removal.rule}]{reason}\n    {removal.text}")
    return EXIT_OK


def cmd_summarise(args: argparse.Namespace) -> int:
    config = load(args)
    if args.sentences is not None or args.chars is not None:
        import dataclasses

        config = dataclasses.replace(
            config,
            lead_sentences=args.sentences or config.lead_sentences,
            summary_chars=args.chars or config.summary_chars,
        )
    article = _read_one_article(args, config)
    for sentence in article.summary:
        print(sentence)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
