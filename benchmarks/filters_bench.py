"""How much do include/exclude rules cost a build?

Checks a day of news articles (``data/news30.jsonl`` and ``seeds/``, replicated to
``--articles``, 1000 by default) against lists of exclude rules of growing length, as a build
does after cleaning, and prints the cost per article: once with ``digest.filters`` as it is
(each word or phrase rule runs its pattern only on a field holding its longest word), once
running every rule's pattern on every field it names (what the cheap test saves). No rule
matches, so every rule is tried on every article: the worst case.

    python benchmarks/filters_bench.py [--articles 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.filters import FIELDS, Filters, field_text, parse_rule, verdict  # noqa: E402
from digest.model import Article, Paragraph  # noqa: E402

# Words and phrases people filter out of news, none of which the articles below contain.
WORDS = [
    "sponsored", "advertorial", "giveaway", "horoscope", "crossword", "celebrity gossip",
    "deal of the day", "black friday", "promo code", "paid partnership", "affiliate link",
    "betting tips", "lottery results", "royal baby", "reality tv", "influencer", "sudoku",
    "quiz of the week", "recipe of the day", "shopping guide",
]  # fmt: skip
REGEXES = ["title:re:^(Watch|Listen|Live):", "url:re:/(podcasts?|video)/", "re:\\bpromo\\w*\\b"]


def load_articles(count: int) -> list[Article]:
    texts = [
        json.loads(line)["article"]
        for line in (ROOT / "benchmarks" / "data" / "news30.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    texts += [path.read_text("utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    articles = []
    for number in range(count):
        text = texts[number % len(texts)]
        paragraphs = tuple(Paragraph(p) for p in text.split("\n") if p.strip())
        articles.append(
            Article(
                key=str(number),
                source="bench",
                title=text.split(".")[0][:90],
                paragraphs=paragraphs,
                summary=tuple(text.split(". ")[:3]),
                url=f"https://example.org/news/{number}",
                author="Staff",
            )
        )
    return articles


def patterns_alone(article: Article, filters: Filters) -> bool:
    texts = {field: field_text(article, field) for field in FIELDS}
    return any(
        rule.pattern.search(texts[field]) for rule in filters.exclude for field in rule.fields
    )


def per_article_ms(articles: list[Article], check, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        for article in articles:
            check(article)
        timings.append((time.perf_counter() - started) / len(articles) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    articles = load_articles(args.articles)
    size = statistics.mean(len(a.body_text) for a in articles)
    print(f"{len(articles)} articles, {size / 1000:.1f} kB of text each on average")
    print(f"{'rules':>6} {'digest.filters':>15} {'patterns alone':>15}   (ms per article)")
    for count in (5, 20, 80):
        words = [f"{w} {n}" if n else w for n in range(4) for w in WORDS][: count - 3]
        rules = tuple(parse_rule(rule) for rule in [*words, *REGEXES])
        filters = Filters(exclude=rules)
        assert all(verdict(a, [filters]) is None for a in articles), "a rule matched"
        sifted = per_article_ms(articles, lambda a, f=filters: verdict(a, [f]), args.runs)
        alone = per_article_ms(articles, lambda a, f=filters: patterns_alone(a, f), args.runs)
        print(f"{count:>6} {sifted:>15.3f} {alone:>15.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
