"""The fact-checker's confidence thresholds against its verdicts on the fitting claim sets.

    python benchmarks/tune_factcheck.py [--subject 0.15,0.25,0.35,0.45] [--stated 0.5]

For each pair of ``MIN_SUBJECT`` (the evidence model's probability from which a sentence speaks
of a claim's subject) and ``MIN_STATED`` (from which it states a claim without figures), prints
the share of verdicts right, per language, and the claims called supported that the report
contradicts or does not state. The claims are retrieved once; only the verdicts are redone.
Sets: ``FIT`` (``benchmarks/data``: the claim sets written before ``report-claims-test5``,
which is never used here).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from evidence_data import CLAIM_SETS, DATA, ROOT  # noqa: E402

FIT = CLAIM_SETS[: CLAIM_SETS.index("report-claims-test5")]


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject", type=_floats, default=[0.15, 0.25, 0.35, 0.45])
    parser.add_argument("--stated", type=_floats, default=[0.5])
    args = parser.parse_args()
    import reportqa.check.factcheck as factcheck
    from reportqa import ReportQA, Settings
    from reportqa.inputs import clean_claim

    claims = [
        json.loads(line)
        for name in FIT
        for line in open(DATA / f"{name}.jsonl", encoding="utf-8")
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        qa = ReportQA.open(Settings(corpus=ROOT / "corpus", index=Path(tmp) / "index"))
        k = max(qa.settings.k, factcheck.RETRIEVE_K)
        prepared = []
        for row in claims:
            clean = clean_claim(row["claim"], qa.settings.max_question_chars)
            prepared.append((row, clean, qa.retrieve(clean, k)))
        print(f"{len(prepared)} claims of {', '.join(FIT)}")
        for subject in args.subject:
            for stated in args.stated:
                factcheck.MIN_SUBJECT, factcheck.MIN_STATED = subject, stated
                right, total, wrongly_supported = Counter(), Counter(), 0
                for row, clean, hits in prepared:
                    verdict = qa.checker.check(clean, hits).verdict
                    total[row["lang"]] += 1
                    right[row["lang"]] += verdict == row["verdict"]
                    wrongly_supported += verdict == "supported" != row["verdict"]
                share = sum(right.values()) / len(prepared)
                by_language = ", ".join(f"{k} {right[k] / total[k]:.3f}" for k in sorted(total))
                print(
                    f"MIN_SUBJECT {subject} MIN_STATED {stated}: right {share:.3f} ({by_language}); "
                    f"wrongly supported {wrongly_supported}"
                )


if __name__ == "__main__":
    main()
