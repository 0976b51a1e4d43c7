"""Questions on who published the report: every row of the report's development and fitting
question sets whose gold answers hold the source of the report's metadata ("BAQ.kz"), asked
alone, by language: how many are answered with it.

    python benchmarks/bench_source.py

The measuring rounds frozen on 2026-12-03 from 14:40 UTC on (test32 to test34) are left out, so
that this never shows their questions (``bench_report.py`` measures them, totals only).
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
MEASURING = ("test32-", "test33-", "test34-")


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from reportqa import ReportQA, Settings

    right: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        qa = ReportQA.open(Settings(corpus=ROOT / "corpus", index=Path(tmp) / "index"))
        source = next(d.source for d in qa.documents if d.source)
        for path in sorted(DATA.glob("report-*.jsonl")):
            if (
                "claims" in path.name
                or "dialogues" in path.name
                or any(m in path.name for m in MEASURING)
            ):
                continue
            for line in open(path, encoding="utf-8"):
                row = json.loads(line)
                gold = row.get("answers") or []
                if not any(source in a for a in gold):
                    continue
                answer = qa.ask(row["question"])
                short = answer.short_answer.text if answer.short_answer else ""
                quoted = " ".join([short, *(c.quote for c in answer.citations)])
                asked[row["lang"]] += 1
                right[row["lang"]] += not answer.refused and any(g in quoted for g in gold)
    by = ", ".join(f"{lang} {right[lang]} of {asked[lang]}" for lang in sorted(asked))
    print(
        f"questions on the source ({source}): {sum(right.values())} of {sum(asked.values())} right ({by})"
    )


if __name__ == "__main__":
    main()
