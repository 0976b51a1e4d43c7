"""Fit the answerer's cross-lingual confidence model on English and Kazakh questions.

The questions are in benchmarks/data/report-calibration.jsonl, written for calibration (none
comes from the dev set): each asked of the shipped report, the best sentence's z-score and
cross-lingual word coverage are the features, "the report answers it" the label. Prints the
fitted weights (to copy into answering.CROSS_LINGUAL_WEIGHTS) and, for the weights in the code,
the answered and refused shares on these questions and on the dev set's English and Kazakh ones.

    python benchmarks/calibrate_crosslingual.py [--index /tmp/reportqa-report-index]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from calibrate_refusal import _fit_logistic  # noqa: E402

from reportqa import ReportQA, Settings  # noqa: E402
from reportqa.answering import CROSS_LINGUAL_WEIGHTS  # noqa: E402

ROOT = HERE.parent
DEV = ROOT.parent / "shared" / "eval" / "report-dev.jsonl"


def features(qa: ReportQA, rows: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X, y, fit = [], [], []
    for row in rows:
        hits = qa.retrieve(row["question"])
        best = qa.answerer.evidence(row["question"], hits)[0]
        X.append([best.z, best.coverage])
        y.append(1.0 if row["answers"] else 0.0)
        fit.append(best.fits)
    return np.array(X), np.array(y), np.array(fit)


def report(
    name: str, X: np.ndarray, y: np.ndarray, fit: np.ndarray, w: np.ndarray, threshold: float
) -> None:
    conf = 1 / (1 + np.exp(-(w[0] + X @ w[1:])))
    answered = fit & (conf >= threshold)
    print(
        f"{name}: {int((y == 1).sum())} answerable, answered {answered[y == 1].mean():.3f}; "
        f"{int((y == 0).sum())} unanswerable, refused {1 - answered[y == 0].mean():.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/reportqa-report-index"))
    args = parser.parse_args()
    qa = ReportQA.open(Settings(corpus=ROOT / "corpus", index=args.index))
    rows = [
        json.loads(line)
        for line in open(HERE / "data" / "report-calibration.jsonl", encoding="utf-8")
    ]
    cross = [r for r in rows if r["lang"] != "ru"]
    X, y, fit = features(qa, cross)
    w = _fit_logistic(X[fit], y[fit], steps=5000)
    print(
        "fitted CROSS_LINGUAL_WEIGHTS = "
        + json.dumps({"bias": round(w[0], 3), "z": round(w[1], 3), "coverage": round(w[2], 3)})
    )
    code = np.array([CROSS_LINGUAL_WEIGHTS[k] for k in ("bias", "z", "coverage")])
    threshold = qa.settings.min_confidence
    report("calibration en/kk, fitted weights", X, y, fit, w, threshold)
    report("calibration en/kk, weights in code", X, y, fit, code, threshold)
    if DEV.exists():
        dev = [json.loads(line) for line in open(DEV, encoding="utf-8")]
        Xd, yd, fd = features(qa, [r for r in dev if r["lang"] != "ru"])
        report("dev en/kk (held out), weights in code", Xd, yd, fd, code, threshold)


if __name__ == "__main__":
    main()
