"""Fit the sentence ranker and write it, with its provenance, to
``src/reportqa/evidence/ranker_model.json``.

    python benchmarks/train_ranker.py [--work /tmp/reportqa-train] [--dry-run] [--seed 1]

The evidence model (``train_evidence.py``) is fitted on each candidate sentence alone and decides
whether a question is answered. Which sentence answers is a comparison among a question's
sentences, so the ranker is fitted as one: LightGBM's ``lambdarank`` over the same features and
cases (``evidence_cases.py``), one group per question with a gold sentence among its
candidates; a question without one teaches no order and is left out. The answerer quotes the
ranker's first sentence whenever the evidence model answers.

Out of fold (the evidence model's five folds, grouped by article and question set), the script
prints, at the shipped evidence model's threshold, each dataset's share answered with the gold
sentence when the evidence model chooses the sentence and when the ranker does, both answering
by the evidence model's out-of-fold probabilities, so the refusals are the same in both columns.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from evidence_cases import build_all  # noqa: E402
from evidence_data import DIALOGUE_FIT, REPORT_FIT, fit_trees, per_case, write_model  # noqa: E402
from train_evidence import case_weights, criterion, out_of_fold  # noqa: E402

from reportqa.evidence.features import FEATURES  # noqa: E402
from reportqa.evidence.model import RANKER_FILE, EvidenceModel, load_model  # noqa: E402

NAMES = ("report", "xquad", "tydi", "offtopic", "followups")
# The evidence model's tree settings, with leaves of 50 rows (a group's rows are few) and
# LambdaDCG truncated at 5: only the first sentence is quoted for sure.
RANKER = {
    "objective": "lambdarank",
    "learning_rate": 0.05,
    "num_leaves": 32,
    "max_depth": 7,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "lambdarank_truncation_level": 5,
    "seed": 1,
}
ROUNDS = 300


def fit_ranker(cases, seed: int) -> dict:
    """The ranker's ``params``, fitted on the ``cases`` that hold a gold sentence."""
    ranked = [c for c in cases if c.labels.max() > 0]
    X = np.concatenate([c.features for c in ranked])
    y = np.concatenate([c.labels for c in ranked]).astype(int)
    groups = [len(c.labels) for c in ranked]
    return fit_trees(X, y, None, {**RANKER, "seed": seed}, ROUNDS, group=groups)


def chosen_gold(cases, probabilities, ranks, threshold: float) -> dict[str, dict[str, float]]:
    """Per dataset (the report by language): answered with the gold sentence when the evidence
    model chooses (``model``) and when the ranker does (``ranker``), and unanswerable questions
    refused (the same for both)."""
    out: dict[str, dict[str, list[float]]] = {}
    for case, p, r in zip(cases, probabilities, ranks):
        key = case.dataset + ("-" + case.language if case.dataset == "report" else "")
        s = out.setdefault(key, {"model": [], "ranker": [], "unanswerable_refused": []})
        answered = p.max() >= threshold
        if case.asked_answerable:
            s["model"].append(answered and case.labels[int(np.argmax(p))] == 1)
            s["ranker"].append(answered and case.labels[int(np.argmax(r))] == 1)
        elif case.variant == "asked":
            s["unanswerable_refused"].append(not answered)
    return {
        k: {m: round(float(np.mean(v)), 4) if v else None for m, v in s.items()}
        for k, s in out.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-train"))
    parser.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    parser.add_argument("--seed", type=int, default=RANKER["seed"])
    args = parser.parse_args()
    from sklearn.model_selection import GroupKFold

    data = build_all(args.work, names=NAMES, sets={"followups": DIALOGUE_FIT})
    cases = [c for name in NAMES for c in data[name]]
    X = np.concatenate([c.features for c in cases])
    y = np.concatenate([c.labels for c in cases])
    owner = np.concatenate([[i] * len(c.labels) for i, c in enumerate(cases)])
    groups = np.array([cases[i].group for i in owner])
    model = load_model()
    # the evidence model's own out-of-fold probabilities, fitted as train_evidence.py fits it
    evidence = out_of_fold(X, y, case_weights(cases, owner), groups, "trees", args.seed)
    ranks = np.zeros(len(y))
    for train, test in GroupKFold(5).split(X, y, groups):
        fold = [cases[i] for i in sorted(set(owner[train]))]
        params = fit_ranker(fold, args.seed)
        ranks[test] = EvidenceModel("trees", FEATURES, 0.0, params, {}).probabilities(X[test])
    sizes = [len(c.labels) for c in cases]
    per_p, per_r = per_case(evidence, sizes), per_case(ranks, sizes)
    table = chosen_gold(cases, per_p, per_r, model.threshold)
    summary = {}
    for column in ("model", "ranker"):
        view = {
            k: {"gold": v[column], "unanswerable_refused": v["unanswerable_refused"]}
            for k, v in table.items()
        }
        summary[column] = round(criterion(view), 4)
    print(f"out of fold at the evidence model's threshold {model.threshold}:")
    print(
        f"  criterion (mean of the five accuracies): the evidence model choosing "
        f"{summary['model']}, the ranker choosing {summary['ranker']}"
    )
    for k, v in sorted(table.items()):
        print(f"  {k:10s} " + ", ".join(f"{m} {x}" for m, x in v.items()))
    if args.dry_run:
        return
    params = fit_ranker(cases, args.seed)
    dialogues = ", ".join(DIALOGUE_FIT)
    ranker = EvidenceModel(
        "trees",
        FEATURES,
        0.0,  # not a threshold: the ranker orders, the evidence model decides
        params,
        {
            "command": "python benchmarks/train_ranker.py"
            + ("" if args.seed == RANKER["seed"] else f" --seed {args.seed}"),
            "date": datetime.date.today().isoformat(),
            "data": {
                "xquad": "../shared/eval/xquad-ru.*: the questions with a gold sentence among "
                "their candidates",
                "tydi": "../shared/eval/tydiqa-ru-a.*: the same",
                "report": f"benchmarks/data: {', '.join(REPORT_FIT)}: the same",
                "followups": f"benchmarks/data: the follow-up turns of {dialogues}, completed"
                " as the pipeline completes them: the same",
            },
            "groups": sum(1 for c in cases if c.labels.max() > 0),
            "trees": RANKER,
            "rounds": ROUNDS,
            "out_of_fold": {
                "grouped_by": "article (XQuAD, TyDi), question set (report); 5 folds",
                "threshold": model.threshold,
                "criterion": summary,
                "by_dataset": table,
            },
        },
    )
    print(f"wrote {write_model(ranker, RANKER_FILE)}")


if __name__ == "__main__":
    main()
