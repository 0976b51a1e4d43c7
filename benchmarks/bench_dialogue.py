"""Follow-up questions on the frozen dialogue set: the share of follow-up turns answered with the
gold fact (or rightly refused), per language, beside first turns, and beside the same follow-ups
asked alone (no history: what every channel did before).

    python benchmarks/bench_dialogue.py [FILE.jsonl] [--show] [--json]

FILE defaults to benchmarks/data/report-dialogues.jsonl. That set and report-dialogues-2.jsonl
to -9.jsonl are development data (their turns have been read, and the follow-up model is fitted
on them, ``train_followup.py``); report-dialogues-10.jsonl, measured four times, is development
data now, and so are report-dialogues-16.jsonl (measured three times, then its turns read on
2026-12-02), -18.jsonl and -19.jsonl (their English and Kazakh failures read on 2026-12-03);
report-dialogues-11.jsonl to -15.jsonl, -17.jsonl and -20.jsonl to -24.jsonl are measuring sets
(benchmarks/data/README.md), of which only totals are printed. ``--show`` prints every turn of a
development set: how it was read (``interpreted_as``) and whether it was right. ``--json``
prints one line of counts (with history only), which ``compare.py`` reads.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "report-dialogues.jsonl"
# the measuring sets: totals only, their turns are never shown (the older sets are fitting data
# now, ``evidence_data.DIALOGUE_FIT``; -67 to -72 development sets since 2026-12-04 16:28 UTC)
MEASURING = frozenset({f"report-dialogues-{n}.jsonl" for n in range(73, 135)})


def _counts(name: str, results: Sequence[Any]) -> dict[str, Any]:
    """A dialogue set's counts for ``--json``: turns and right, first turns and follow-ups apart,
    by language, and the short answers of the turns with a gold answer, given and right
    (``evaluate.short_right``)."""
    counts: dict[str, Any] = {"set": name}
    for part, mine in (
        ("first", [r for r in results if not r.followup]),
        ("followup", [r for r in results if r.followup]),
    ):
        by_language: dict[str, int] = {}
        short_by_language: dict[str, int] = {}
        for r in mine:
            by_language[r.language] = by_language.get(r.language, 0) + int(r.correct)
            short_by_language[r.language] = short_by_language.get(r.language, 0) + int(
                bool(r.short_right)
            )
        counts[part] = {
            "turns": len(mine),
            "right": sum(int(r.correct) for r in mine),
            "by_language": dict(sorted(by_language.items())),
            "short_given": sum(r.short_right is not None for r in mine),
            "short_right": sum(bool(r.short_right) for r in mine),
            "short_right_by_language": dict(sorted(short_by_language.items())),
        }
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DATA)
    parser.add_argument("--show", action="store_true", help="print every turn")
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON line: first turns and follow-ups right (with history), by language",
    )
    args = parser.parse_args()
    if args.show and args.file.name in MEASURING:
        parser.error(f"{args.file.name} is a measuring set: only its totals are printed")
    from reportqa import ReportQA, Settings
    from reportqa.evaluate import evaluate_dialogues, read_jsonl

    rows = list(read_jsonl(args.file))
    with tempfile.TemporaryDirectory() as tmp:
        qa = ReportQA.open(Settings(corpus=ROOT / "corpus", index=Path(tmp) / "index"))
        if args.json:
            report = evaluate_dialogues(rows, qa.ask, with_history=True)
            print(json.dumps(_counts(args.file.name, report.results), ensure_ascii=False))
            return
        for label, with_history in (("with history", True), ("alone", False)):
            report = evaluate_dialogues(rows, qa.ask, with_history=with_history)
            totals = report.totals()
            print(f"{args.file.name}, each turn asked {label}:")
            for part in ("first", "followup"):
                t = totals[part]
                langs = ", ".join(
                    f"{lang} {v['accuracy']} ({v['turns']})" for lang, v in t["by_language"].items()
                )
                print(
                    f"   {part:>8}: right {t['accuracy']} of {t['turns']} (answered with gold "
                    f"{t['answered_with_gold']}, unanswerable refused {t['refusal_accuracy']}, "
                    f"read as another question {t['interpreted']}); by language: {langs}"
                )
            print(f"   p50 {totals['p50_ms']} ms, p95 {totals['p95_ms']} ms")
            if args.show and with_history:
                for r in report.results:
                    mark = "ok " if r.correct else "BAD"
                    read = f"  => {r.interpreted_as}" if r.interpreted_as else ""
                    print(f"{mark} {r.dialogue}.{r.turn} {r.question}{read}")
                    if not r.correct:
                        print(f"        {r.answer[:200]}")
            if not args.show:
                continue
            print(json.dumps(totals, ensure_ascii=False))


if __name__ == "__main__":
    main()
