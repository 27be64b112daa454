"""Score the lead sentences and the derived headlines against hand-written answers.

    python benchmarks/leads_eval.py benchmarks/data/leads_heldout.jsonl [--show]

Each line is one article: ``{"id", "kind", "language", "title", "paragraphs": [...], "lead":
[...]}``, the paragraphs as a scraper or a feed gives them (every one a body paragraph, captions,
bylines and page furniture included) and ``lead`` the sentences a reader should see first, in
order. The summariser runs with the default settings (3 sentences, 600 characters):

- **exact**: what it returns is the first sentences of ``lead``, each one whole (the budget may
  stop it early);
- **first right**: its first sentence is ``lead``'s first (what a story's summary and a derived
  headline open with);
- **headline**: the headline derived from the body (an untitled article's) is the one derived
  from ``lead``'s first sentence.

Each is scored twice: on the paragraphs as given (the summariser alone) and after the
normalise stage has cleaned them with the article's title, as a build does (``--raw``: only
the first).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.model import Article, Paragraph  # noqa: E402
from digest.summarise import derive_headline, lead_sentences  # noqa: E402
from digest.text.headlines import sentence_headline  # noqa: E402
from digest.text.normalise import normalise  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("--show", action="store_true", help="print every article not exact")
    parser.add_argument("--raw", action="store_true", help="score the paragraphs as given only")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.jsonl.read_text("utf-8").splitlines() if line]
    score(rows, cleaned=False, show=args.show)
    if not args.raw:
        score(rows, cleaned=True, show=args.show)
    return 0


def score(rows: list[dict], *, cleaned: bool, show: bool) -> None:
    exact = first = headline = 0
    for row in rows:
        paragraphs = tuple(Paragraph(text) for text in row["paragraphs"])
        if cleaned:
            article = Article(row["id"], "eval", row["title"] or "", paragraphs)
            paragraphs = tuple(normalise(article).paragraphs)
        want = [" ".join(s.split()) for s in row["lead"]]
        got = list(lead_sentences(paragraphs, 3, 600, row["language"]))
        ok = bool(got) and got == want[: len(got)]
        exact += ok
        first += bool(got) and got[0] == want[0]
        derived = derive_headline(paragraphs, language=row["language"])
        hed_ok = derived == sentence_headline(want[0])
        headline += hed_ok
        if show and not (ok and hed_ok):
            print(f"--- {row['id']} ({row['kind']}, {row['language']})")
            for k, sentence in enumerate(got):
                mark = "=" if k < len(want) and sentence == want[k] else "!"
                print(f"  {mark} {sentence}")
            if not ok:
                print(f"  want: {want[0]}")
            print(f"  headline{'' if hed_ok else ' (!)'}: {derived}")
    n = len(rows)
    label = "cleaned as a build cleans" if cleaned else "as given"
    print(
        f"{label}, {n} articles: exact {exact} ({exact / n:.0%}), first sentence right {first} "
        f"({first / n:.0%}), derived headline right {headline} ({headline / n:.0%})"
    )


if __name__ == "__main__":
    sys.exit(main())
