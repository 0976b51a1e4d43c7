"""Fit the answerer's confidence model on XQuAD-ru, and report refusal figures.

Positives: each XQuAD-ru question asked of the full corpus (one file per passage). Negatives: the
same question with its gold passage taken out of the retrieved passages and the sentence
statistics, so the corpus no longer answers it but still holds passages on the same topic.
Prints the fitted weights (to copy into answering.CONFIDENCE_WEIGHTS), and for the weights in
the code: false refusals on positives, refusals on negatives, and how often the chosen sentence
holds the gold answer.

    python benchmarks/calibrate_refusal.py [--limit N] [--work /tmp/reportqa-xquad]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from xquad import EVAL, xquad_qa  # noqa: E402

from reportqa.answering import ExtractiveAnswerer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="questions to use (0: all)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-xquad"))
    parser.add_argument("--dump", type=Path, help="write each case's features here (JSON)")
    args = parser.parse_args()
    qa = xquad_qa(args.work)
    questions = [
        json.loads(line) for line in open(EVAL / "xquad-ru.questions.jsonl", encoding="utf-8")
    ]
    if args.limit:
        questions = questions[: args.limit]
    answerer: ExtractiveAnswerer = qa.extractive
    rows_by_doc: dict[str, list[int]] = {}
    for chunk, rows in zip(qa.data.chunks, qa.data.sentence_rows):
        rows_by_doc.setdefault(chunk.document, []).extend(rows)

    feats, labels, fits, contains = [], [], [], []
    started = time.perf_counter()
    for q in questions:
        gold_doc = q["passage_id"] + ".txt"
        hits = qa.retrieve(q["question"], k=qa.settings.k + 3)
        for positive in (True, False):
            use = (
                hits[: qa.settings.k]
                if positive
                else [h for h in hits if h.chunk.document != gold_doc][: qa.settings.k]
            )
            exclude = () if positive else tuple(rows_by_doc.get(gold_doc, ()))
            ranked = answerer.evidence(q["question"], use, exclude_rows=exclude)
            if not ranked:
                continue
            best = ranked[0]
            cov = 0.5 if best.coverage is None else best.coverage
            feats.append([best.standout, best.cosine, cov])
            labels.append(1.0 if positive else 0.0)
            fits.append(best.fits)
            contains.append(positive and any(a in best.sentence.text for a in q["answers"]))
    seconds = time.perf_counter() - started
    X, y, fit = np.array(feats), np.array(labels), np.array(fits)
    if args.dump:
        cases = [
            {
                "standout": f[0],
                "cosine": f[1],
                "coverage": f[2],
                "answerable": bool(label),
                "fits": bool(ok),
            }
            for f, label, ok in zip(feats, labels, fits)
        ]
        args.dump.write_text(json.dumps(cases), encoding="utf-8")
    # The cosine itself is left out of the fit: its range depends on the question's language
    # (English and Kazakh questions score lower against a Russian report), and XQuAD-ru has
    # Russian questions only. The z-score and the word coverage carry over across languages.
    w = _fit_logistic(X[:, [0, 2]], y)
    w = np.array([w[0], w[1], 0.0, w[2]])
    # For comparison: a model of the z-score alone, to show what word coverage adds. (Questions in
    # another language than the report's get their own model: calibrate_crosslingual.py.)
    wz = _fit_logistic(X[:, [0]], y)
    print(
        "z-only model, for comparison (not used) = "
        + json.dumps({"bias": round(wz[0], 3), "z": round(wz[1], 3)})
    )
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3, 0.5):
        for name, conf in (
            ("z+coverage", 1 / (1 + np.exp(-(w[0] + X @ w[1:])))),
            ("z only", 1 / (1 + np.exp(-(wz[0] + X[:, 0] * wz[1])))),
        ):
            ans = fit & (conf >= threshold)
            print(
                f"  threshold {threshold} {name:10s}: answerable answered {ans[y == 1].mean():.3f}, "
                f"unanswerable refused {1 - ans[y == 0].mean():.3f}"
            )
    print(f"{len(questions)} questions, {len(y)} cases in {seconds:.1f} s")
    print(
        "fitted CONFIDENCE_WEIGHTS = "
        + json.dumps(
            {
                "bias": round(w[0], 3),
                "z": round(w[1], 3),
                "cosine": round(w[2], 3),
                "coverage": round(w[3], 3),
            }
        )
    )
    for name, weights in (("fitted", w), ("in code", _code_weights())):
        conf = 1 / (1 + np.exp(-(weights[0] + X @ weights[1:])))
        answered = fit & (conf >= qa.settings.min_confidence)
        pos, neg = y == 1, y == 0
        print(
            f"{name}: answerable answered {answered[pos].mean():.3f} "
            f"(with a sentence holding the gold answer {np.array(contains)[pos & answered].sum() / pos.sum():.3f}), "
            f"false refusals {1 - answered[pos].mean():.3f}, "
            f"unanswerable refused {1 - answered[neg].mean():.3f}; "
            f"sentence fits the question kind: pos {fit[pos].mean():.3f} neg {fit[neg].mean():.3f}"
        )


def _code_weights() -> np.ndarray:
    from reportqa.answering import CONFIDENCE_WEIGHTS as W

    return np.array([W["bias"], W["z"], 0.0, W["coverage"]])


def _fit_logistic(X: np.ndarray, y: np.ndarray, steps: int = 20000, lr: float = 0.1) -> np.ndarray:
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = (X - mu) / sd
    w = np.zeros(Z.shape[1] + 1)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(w[0] + Z @ w[1:])))
        grad = np.concatenate([[np.mean(p - y)], Z.T @ (p - y) / len(y)]) + 1e-3 * np.concatenate(
            [[0], w[1:]]
        )
        w -= lr * grad
    # Back to the raw feature scale.
    raw = w[1:] / sd
    return np.concatenate([[w[0] - np.sum(w[1:] * mu / sd)], raw])


if __name__ == "__main__":
    main()
