"""Score the headlines derived from lead sentences against hand-written answers.

    python benchmarks/headlines_eval.py benchmarks/data/headlines_heldout.jsonl [--show]

Each line is one lead sentence: ``{"id", "language", "kind", "sentence", "want": [...],
"note"}``, ``want`` being the headlines a sub-editor would accept from it (the cut points
that keep a whole clause and its verb; when no clause fits the limit, the first whole
clause, however long). ``sentence_headline`` runs with the default limit, once told the
sentence's language (as an article with a known language is) and once not (``--unknown``
only: a feed that declares none). A headline is **right** when it is one of ``want``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.text.headlines import sentence_headline  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("--show", action="store_true", help="print every headline not right")
    parser.add_argument("--unknown", action="store_true", help="score with no language only")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.jsonl.read_text("utf-8").splitlines() if line]
    if not args.unknown:
        score(rows, known=True, show=args.show)
    score(rows, known=False, show=args.show)
    return 0


def score(rows: list[dict], *, known: bool, show: bool) -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in rows:
        language = row["language"] if known else None
        got = sentence_headline(row["sentence"], language=language)
        ok = got in row["want"]
        right[row["language"]] += ok
        total[row["language"]] += 1
        if show and not ok:
            print(f"--- {row['id']} ({row['language']}{'' if known else ', unknown'})")
            print(f"  got:  {got}")
            for want in row["want"]:
                print(f"  want: {want}")
    label = "language known" if known else "language unknown"
    per = ", ".join(f"{lang} {right[lang]}/{total[lang]}" for lang in total)
    print(f"{label}: right {sum(right.values())} of {sum(total.values())} ({per})")


if __name__ == "__main__":
    sys.exit(main())
