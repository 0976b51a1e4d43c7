"""The fact-checker's ``supported`` threshold on claim sets the verdict model was never fitted on:
for each threshold, the verdicts right and the claims wrongly called supported, and the cost the
threshold is chosen by (a wrong "supported" counts as ``train_verdicts.SUPPORTED_COST`` errors).

    python benchmarks/bench_verdict_threshold.py [--sets test19,test20,test21]

The verdict model (``check/verdict_model.json``) was fitted on the claim sets up to test18 and its
threshold chosen on test19 to test21 (``train_verdicts.py --threshold-on``, which prints the same
table); this script shows the table for the shipped model on any sets. Each claim is checked once,
with the class probabilities recorded, and every threshold decides from the same probabilities.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_verdicts import SUPPORTED_COST  # noqa: E402

THRESHOLDS = (0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="test19,test20,test21")
    args = parser.parse_args()
    from reportqa import ReportQA, Settings
    from reportqa.check import verdict_model
    from reportqa.evaluate import read_jsonl

    seen: list[np.ndarray] = []
    decide = verdict_model.VerdictModel.decide

    def recording(self: verdict_model.VerdictModel, probabilities: np.ndarray) -> str:
        seen.append(np.asarray(probabilities))
        return decide(self, probabilities)

    verdict_model.VerdictModel.decide = recording  # type: ignore[method-assign]
    rows = [
        row
        for name in args.sets.split(",")
        for row in read_jsonl(ROOT / "benchmarks" / "data" / f"report-claims-{name}.jsonl")
    ]
    checked: list[tuple[str, np.ndarray | None, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        qa = ReportQA.open(Settings(corpus=ROOT / "corpus", index=Path(tmp) / "index"))
        for row in rows:
            seen.clear()
            given = qa.check(row["claim"]).verdict
            checked.append((row["verdict"], seen[-1] if seen else None, given))
    print(f"{len(rows)} claims of {args.sets}; a wrong 'supported' costs {SUPPORTED_COST} errors")
    for threshold in THRESHOLDS:
        right = wrongly_supported = 0
        for expected, p, given in checked:
            verdict = given
            if p is not None:
                verdict = verdict_model.CLASSES[int(np.argmax(p))]
                if verdict == "supported" and p[0] < threshold:
                    verdict = "not_found"
            right += verdict == expected
            wrongly_supported += verdict == "supported" and expected != "supported"
        cost = len(rows) - right + (SUPPORTED_COST - 1) * wrongly_supported
        print(
            f"threshold {threshold}: right {right} of {len(rows)}, wrongly supported "
            f"{wrongly_supported}, cost {cost}"
        )


if __name__ == "__main__":
    main()
