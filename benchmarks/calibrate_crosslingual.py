"""Fit the answerer's cross-lingual confidence model on English and Kazakh questions.

The questions are in benchmarks/data/report-calibration.jsonl, written for calibration (none
comes from the dev set): each asked of the shipped report, the best sentence's z-score and
cross-lingual word coverage are the features, "the report answers it" the label. Prints the
fitted weights (to copy into answering.CROSS_LINGUAL_WEIGHTS) and, for the weights in the code,
the answered and refused shares on these questions, on a few off-topic ones, and on the dev set's
English and Kazakh ones.

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

from reportqa import ReportQA, Settings  # noqa: E402
from reportqa.answering import CONFIDENCE_WEIGHTS, CROSS_LINGUAL_WEIGHTS  # noqa: E402

ROOT = HERE.parent
DEV = ROOT.parent / "shared" / "eval" / "report-dev.jsonl"


def features(qa: ReportQA, rows: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X, y, fit = [], [], []
    for row in rows:
        hits = qa.retrieve(row["question"])
        best = qa.answerer.evidence(row["question"], hits)[0]
        X.append([best.standout, best.coverage])
        y.append(1.0 if row["answers"] else 0.0)
        fit.append(best.fits)
    return np.array(X), np.array(y), np.array(fit)


def report(
    name: str, X: np.ndarray, y: np.ndarray, fit: np.ndarray, w: np.ndarray, threshold: float
) -> None:
    conf = 1 / (1 + np.exp(-(w[0] + X @ w[1:])))
    answered = fit & (conf >= threshold)
    print(
        f"{name}: {int((y == 1).sum())} answerable, answered {answered[y == 1].mean() if (y == 1).any() else 0:.3f}; "
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
    # Thirty-odd questions are too few to fit slopes (a free fit leans on the z-score alone and
    # then answers junk like "Tell me a joke"). The slopes are those fitted on XQuAD-ru's 2380
    # cases; only the bias is fitted here, for the compressed cross-lingual scores.
    slopes = np.array([CONFIDENCE_WEIGHTS["z"], CONFIDENCE_WEIGHTS["coverage"]])
    x = X[fit] @ slopes
    # The bias is chosen for decisions, not probabilities: the one whose answer/refuse split at
    # the configured threshold has the best balanced accuracy (the middle of the best range).
    threshold = qa.settings.min_confidence
    biases = np.arange(-12.0, 2.0, 0.01)
    pos, neg = y[fit] == 1, y[fit] == 0
    scores = []
    for b in biases:
        answered = 1 / (1 + np.exp(-(b + x))) >= threshold
        scores.append((answered[pos].mean() + 1 - answered[neg].mean()) / 2)
    best = np.flatnonzero(np.isclose(scores, max(scores)))
    bias = float(biases[best[len(best) // 2]])
    w = np.array([bias, *slopes])
    print(
        "fitted CROSS_LINGUAL_WEIGHTS = "
        + json.dumps({"bias": round(bias, 2), "z": slopes[0], "coverage": slopes[1]})
    )
    code = np.array([CROSS_LINGUAL_WEIGHTS[k] for k in ("bias", "z", "coverage")])
    report("calibration en/kk, fitted weights", X, y, fit, w, threshold)
    report("calibration en/kk, weights in code", X, y, fit, code, threshold)
    junk = [
        "Tell me a joke",
        "hello",
        "What is the capital of France?",
        "Who won the football world cup?",
        "<img src=x onerror=alert(1)>",
    ]
    Xj, _, fj = features(qa, [{"question": q, "answers": []} for q in junk])
    report("off-topic questions, fitted weights", Xj, np.zeros(len(junk)), fj, w, threshold)
    if DEV.exists():
        dev = [json.loads(line) for line in open(DEV, encoding="utf-8")]
        Xd, yd, fd = features(qa, [r for r in dev if r["lang"] != "ru"])
        report("dev en/kk (held out), fitted weights", Xd, yd, fd, w, threshold)


if __name__ == "__main__":
    main()
