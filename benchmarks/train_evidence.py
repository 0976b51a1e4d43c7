"""Fit the evidence model and write it, with its provenance, to
``src/reportqa/evidence/evidence_model.json``.

    python benchmarks/train_evidence.py [--work /tmp/reportqa-train] [--dry-run] [--seeds 1,2,3]

``--seeds`` repeats the out-of-fold figures with other seeds of the trees and prints their mean
and each seed's criterion (the model written is fitted with the first seed). The seed alone
moves them: on 2026-12-05 (07:30 UTC) main's features gave a criterion of 0.8458, 0.8416 and
0.8421 with seeds 1, 2 and 3, TyDi-ru's gold 0.666, 0.656 and 0.640, so candidates are compared
on the mean of several seeds.

Data (``evidence_data.py``): XQuAD-ru, TyDi-ru half A and the report's fitting sets, each
answerable question as asked and with its gold passage removed, and off-topic negatives: every
fourth question of XQuAD-ru and TyDi-ru A asked of the report, which answers none of them, and
the off-topic questions of ``evidence_data.OFFTOPIC_SETS`` in ru, en and kk, each weighted
``OFFTOPIC_WEIGHT`` (``--no-offtopic`` leaves them out, as the models before 2026-12-03 did;
``--offtopic-sources xquad,tydi,sets`` keeps some of them; ``--tydi-weight`` weighs TyDi-ru's cases). The development dialogues' follow-up turns, completed as the pipeline completes them
(``evidence_data.DIALOGUE_FIT``), are report questions of their own weight (``FOLLOWUP_WEIGHT``);
``--no-followups`` leaves them out, as the models before 2026-12-03 06:54 UTC did. The model is a logistic regression
over ``evidence.features.FEATURES`` (standardised), with report cases weighted ``REPORT_WEIGHT``
times: they are the only English and Kazakh data. Out-of-fold figures come from 5-fold
cross-validation grouped by article (XQuAD, TyDi) and by question set (report), so no article or
set is scored by a model that saw it. The threshold is the one that maximises the mean of five
out-of-fold accuracies: the report's in each of its three languages (the mean of answered with
the gold sentence and refused when the report cannot answer), and XQuAD-ru's and TyDi-ru's
answered with the gold sentence (every question there is answerable, so a refusal is an error),
among the thresholds at which every report language refuses at least ``REFUSAL_TARGET`` of its
unanswerable questions out of fold.

The model is gradient-boosted trees (LightGBM, ``--kind trees``, the default): out of fold it
beats the logistic regression (``--kind logistic``) by about 0.05 on that criterion, since the
features act together (a missing noun matters for an amount question, a year conflict only where
a year is asked). Its settings were chosen out of fold on the same data among a dozen; the
features of ``RAISING`` and ``LOWERING`` are held monotone.
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
from evidence_cases import build_all  # noqa: E402
from evidence_data import (  # noqa: E402
    DIALOGUE_FIT,
    DIALOGUE_PREFIX,
    OFFTOPIC_SETS,
    REPORT_FIT,
    ROOT,
    fit_logistic,
    fit_trees,
    per_case,
    write_model,
)

from reportqa.evidence.features import FEATURES  # noqa: E402
from reportqa.evidence.model import MODEL_FILE, EvidenceModel  # noqa: E402

# Chosen out of fold when the report's fitting sets grew to test17 (6150 report cases): criterion
# 0.813, 0.812 and 0.807 for 1, 1.5 and 3 (3 was chosen when the report had 2910 cases).
REPORT_WEIGHT = 1.5
# Questions the report cannot answer, written as such, are the scarce hard negatives (an attribute
# the report never gives, another zone's figure, a year it does not cover): weighted this much more.
# Chosen out of fold among 1, 2, 3, 4, 6, 10 and 16 (criterion 0.786, 0.793, 0.796, 0.798, 0.800,
# 0.803, 0.805): the best among those that refuse the test suite's unanswerable examples. With 1,
# an off-topic question ("Сколько стоит билет в кино?") got P 0.25 from a sentence holding none of
# its words; with 16, "Сколько автобусов произведено в 2021 году?" got the 2024 figure.
UNANSWERABLE_WEIGHT = 10.0
C = 1.0
# The weight of an off-topic negative (``--offtopic``): chosen out of fold among 1, 3 and 10
# (criterion 0.810, 0.812, 0.807; off-topic refused 0.973, 0.983, 0.985).
OFFTOPIC_WEIGHT = 3.0
# Where the off-topic negatives come from (``--offtopic-sources``): XQuAD-ru's and TyDi-ru A's
# questions asked of the report, and the off-topic sets written for it (``OFFTOPIC_SETS``).
OFFTOPIC_SOURCES = ("xquad", "tydi", "sets")
# TyDi-ru A's cases weigh this much (``--tydi-weight``).
TYDI_WEIGHT = 1.0
# Tried on 2026-12-04 (the session from 20:43 UTC), for TyDi-ru's answers (0.678 holding gold end
# to end, under the 0.70, since the off-topic negatives came in): out of fold, the
# criterion and TyDi-ru's gold sentence were 0.841 and 0.628 as shipped; 0.842 and 0.652 with
# off-topic weight 1 (threshold 0.1; the report's unanswerable refused 0.88-0.90 against
# 0.90-0.94); 0.844 and 0.635 without TyDi's questions among the negatives; 0.842 and 0.628 with
# the written sets alone; 0.842 and 0.642 with TyDi weighted 2. End to end (``bench_answers.py
# --work``, in sample), weight 1 gave TyDi-ru 0.720 (refused 0.069) and XQuAD-ru 0.846 (0.021),
# but on the frozen report sets 16 fewer claims right (13 with the verdict model refit on it) with
# one more wrongly supported, and 5 fewer follow-ups: not shipped. TyDi weighted 2 answered "How
# many buses were produced in 2019?" (a test): not shipped. benchmarks/data/README.md has the rule.
# A follow-up case's weight, times the report's. Tried on 2026-12-03: out-of-fold criterion
# 0.809, 0.815 and 0.810 for 0.3, 0.6 and 1 (0.811 without). On the fresh test19 and
# report-dialogues-20, weights 1 and 0.6 got 65 and 63 of 81 follow-ups right (62 without) but
# 170 and 167 of 189 single questions (173 without): not shipped then. With the report's sets up
# to test21 fitted on (06:54 UTC), weight 1 got 135 of 162 follow-ups of the fresh
# report-dialogues-25 and -26 right (129 before, 125 without follow-ups) and 175 of the 189
# questions of report-test23 (173 before, 175 without): shipped, and refitted when a year
# compared with stopped being a year asked about and when a pro-form's fragment kept its noun.
# With every development dialogue up to -30 fitted on (4089 follow-up cases, 09:40 UTC), out of
# fold 0.8197, 0.8224, 0.8158 and 0.8114 for 0.3, 0.5, 1 and 2 (the unanswerable weight 6
# against 10: 0.8143 against 0.8158): 0.5.
FOLLOWUP_WEIGHT = 0.5
# Directions the evidence can only push: more of the question's words held never lowers P(it
# answers), a missing word or a conflict never raises it. Out of fold the constraints cost
# little (0.778 against 0.781), and they keep a sparse corner of feature space from answering
# an off-topic question because a missing noun happened to score well there.
RAISING = ("coverage", "coverage_window", "own_coverage")
LOWERING = (
    "missing",
    "asked_noun_missing",
    "year_conflict",
    "name_conflict",
    "measure_conflict",
    "direction_conflict",
    # Held monotone since 2026-12-04 (10:55 UTC): left free, the trees read a question none of
    # whose words the report has as more likely answered (Kazakh questions with words no table
    # translates are answered by their embedding), and answered "Сколько стоит билет в кино?".
    "unknown_words",
)


def monotone(features: tuple[str, ...]) -> list[int]:
    """LightGBM's ``monotone_constraints`` for ``features``: +1 for ``RAISING``, -1 for
    ``LOWERING``, else 0."""
    return [1 if f in RAISING else -1 if f in LOWERING else 0 for f in features]


TREES = {
    "learning_rate": 0.05,
    "num_leaves": 32,
    "max_depth": 7,
    "min_data_in_leaf": 200,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 1,
    "monotone_constraints": monotone(FEATURES),
}
# Tried on 2026-12-03 with the fitting data grown to about 12,600 cases (the report's sets up to
# test21, the development follow-ups): out of fold, 300, 600, 1000 and 2000 rounds gave a
# criterion of 0.8135, 0.8213, 0.8271 and 0.8284 (TyDi-ru 0.616, 0.647, 0.652, 0.661). 1000 was
# shipped for an hour and taken back: it answered an off-topic question ("Сколько стоит билет в
# кино?") with P 0.24 from an R&D sentence, and the verdict model refit on its probabilities
# called an unpaired figure contradicted (both caught by tests). More trees fit the report's
# few sentences closely, which the report's sets, grouped by set but all about one report,
# cannot show out of fold.
ROUNDS = 300
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.61, 0.05))
# Thresholds whose criterion is within this of the best are a tie, broken toward answering (the
# lowest): on 2026-12-03 (07:45 UTC) 0.15 and 0.2 gave 0.8175 and 0.8189, a difference that
# moves with a feature's refit (the criterion moved by 0.006 when a few development follow-ups
# were completed differently), while 0.2 refused more of the answerable questions (report
# 0.065-0.093 against 0.084-0.113, TyDi-ru 0.116 against 0.147) where false refusals already
# miss their target (0.05)
TIE = 0.002
# The share of the report's unanswerable questions, out of fold and in each language, that a
# threshold must refuse to be chosen (the answer-model issue's target): a journalist needs "the
# report does not say" more than a guess. On 2026-12-03 (18:10 UTC) the criterion alone chose
# 0.1 (0.8289 against 0.8257 at 0.15), where Kazakh unanswerable questions were refused 0.832
# out of fold (0.878 at 0.15) and an off-topic question ("Сколько стоит билет в кино?") was
# answered with P 0.117 (a test caught it).
REFUSAL_TARGET = 0.85


def criterion(s: dict[str, dict[str, float | None]]) -> float:
    """The mean of the five accuracies: the report's in each language (answered with gold and
    unanswerable refused, averaged), XQuAD-ru's and TyDi-ru's answered with gold."""
    report = [s[k] for k in s if k.startswith("report-")]
    return float(
        np.mean(
            [np.mean([r["gold"], r["unanswerable_refused"]]) for r in report]
            + [s["xquad"]["gold"], s["tydi"]["gold"]]
        )
    )


def offtopic_source(group: str) -> str:
    """Which of ``OFFTOPIC_SOURCES`` an off-topic case came from, by its group's prefix."""
    parts = group.split(":")  # "offtopic:xquad-ru:Super_Bowl_50", "offtopic:offtopic-fit:en:0"
    source = {"xquad-ru": "xquad", "tydiqa-ru-a": "tydi"}
    return next((source[p] for p in parts if p in source), "sets")


def fit(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    kind: str,
    seed: int,
    features: tuple[str, ...] = FEATURES,
) -> dict:
    """The model's ``params``; trees hold ``RAISING`` and ``LOWERING`` of ``features`` monotone
    (``FEATURES`` unless a probe adds columns)."""
    if kind == "trees":
        settings = {**TREES, "seed": seed, "monotone_constraints": monotone(features)}
        return fit_trees(X, y, w, settings, ROUNDS)
    return fit_logistic(X, y, w, C)


def out_of_fold(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    groups: np.ndarray,
    kind: str,
    seed: int,
    features: tuple[str, ...] = FEATURES,
) -> np.ndarray:
    """Every row's probability from a model fitted without its group's fold (5 folds)."""
    from sklearn.model_selection import GroupKFold

    oof = np.zeros(len(y))
    for train, test in GroupKFold(5).split(X, y, groups):
        params = fit(X[train], y[train], w[train], kind, seed, features)
        oof[test] = EvidenceModel(kind, features, 0.5, params, {}).probabilities(X[test])
    return oof


def case_weights(
    cases,
    owner: np.ndarray,
    report_weight: float = REPORT_WEIGHT,
    unanswerable_weight: float = UNANSWERABLE_WEIGHT,
    offtopic_weight: float = OFFTOPIC_WEIGHT,
    tydi_weight: float = TYDI_WEIGHT,
    followup_weight: float = FOLLOWUP_WEIGHT,
) -> np.ndarray:
    """Each candidate row's weight, by its case (``owner``: the index of the row's case): an
    off-topic case weighs ``offtopic_weight``; the others their dataset's weight, times
    ``unanswerable_weight`` for a real question that has no answer."""

    def weight(case) -> float:
        if case.dataset == "offtopic":
            return offtopic_weight
        dataset = {
            "followups": report_weight * followup_weight,
            "report": report_weight,
            "tydi": tydi_weight,
        }.get(case.dataset, 1.0)
        return dataset * (unanswerable_weight if _real_unanswerable(case) else 1.0)

    weights = np.array([weight(c) for c in cases])
    return weights[owner]


def _mean_tables(tables: list[dict[str, dict[str, float | None]]]) -> dict[str, dict]:
    """The figures of ``scores`` averaged over several out-of-fold runs (seeds)."""
    out: dict[str, dict[str, float | None]] = {}
    for key in tables[0]:
        out[key] = {}
        for metric in tables[0][key]:
            values = [t[key][metric] for t in tables if t[key][metric] is not None]
            out[key][metric] = round(float(np.mean(values)), 3) if values else None
    return out


def scores(cases, probabilities, threshold: float) -> dict[str, dict[str, float]]:
    """Per dataset (and language for the report): answered with gold, false refusals, wrong
    answers among answerable questions as asked; refusals among unanswerable real questions and
    among gold-removed cases."""
    out: dict[str, dict[str, list[float]]] = {}
    for case, p in zip(cases, probabilities):
        key = case.dataset + ("-" + case.language if case.dataset == "report" else "")
        s = out.setdefault(
            key,
            {
                "gold": [],
                "refused": [],
                "wrong": [],
                "unanswerable_refused": [],
                "removed_refused": [],
            },
        )
        top = int(np.argmax(p))
        answered = p[top] >= threshold
        if case.asked_answerable:
            s["gold"].append(answered and case.labels[top] == 1)
            s["refused"].append(not answered)
            s["wrong"].append(answered and case.labels[top] != 1)
        elif case.variant == "asked":
            s["unanswerable_refused"].append(not answered)
        else:
            s["removed_refused"].append(not answered)
    return {
        k: {m: round(float(np.mean(v)), 3) if v else None for m, v in s.items()}
        for k, s in out.items()
    }


def _real_unanswerable(case) -> bool:
    return case.variant == "asked" and not case.asked_answerable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-train"))
    parser.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    parser.add_argument("--report-weight", type=float, default=REPORT_WEIGHT)
    parser.add_argument("--unanswerable-weight", type=float, default=UNANSWERABLE_WEIGHT)
    parser.add_argument("--kind", choices=("trees", "logistic"), default="trees")
    parser.add_argument(
        "--offtopic",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="off-topic negatives: every 4th XQuAD-ru and TyDi-ru question asked of the report"
        " (--no-offtopic leaves them out)",
    )
    parser.add_argument("--offtopic-weight", type=float, default=OFFTOPIC_WEIGHT)
    parser.add_argument(
        "--offtopic-sources",
        default=",".join(OFFTOPIC_SOURCES),
        help="which off-topic negatives to fit on, of " + ", ".join(OFFTOPIC_SOURCES),
    )
    parser.add_argument("--tydi-weight", type=float, default=TYDI_WEIGHT)
    parser.add_argument(
        "--followups",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the development dialogues' follow-ups, completed as the pipeline completes them,"
        " as report questions (evidence_data.DIALOGUE_FIT)",
    )
    parser.add_argument("--followup-weight", type=float, default=FOLLOWUP_WEIGHT)
    parser.add_argument(
        "--seeds",
        default=str(TREES["seed"]),
        help="the trees' seeds for the out-of-fold figures, comma-separated: the figures are "
        "their mean, each seed's criterion is printed (the model written uses the first)",
    )
    args = parser.parse_args()
    names = (
        ("report", "xquad", "tydi")
        + (("offtopic",) if args.offtopic else ())
        + (("followups",) if args.followups else ())
    )
    data = build_all(args.work, names=names, sets={"followups": DIALOGUE_FIT})
    sources = tuple(args.offtopic_sources.split(",")) if args.offtopic_sources else ()
    if unknown := set(sources) - set(OFFTOPIC_SOURCES):
        parser.error(f"unknown off-topic sources: {', '.join(sorted(unknown))}")
    cases = [
        c
        for name in names
        for c in data[name]
        if name != "offtopic" or offtopic_source(c.group) in sources
    ]
    X = np.concatenate([c.features for c in cases])
    y = np.concatenate([c.labels for c in cases])
    owner = np.concatenate([[i] * len(c.labels) for i, c in enumerate(cases)])
    groups = np.array([cases[i].group for i in owner])
    w = case_weights(
        cases,
        owner,
        args.report_weight,
        args.unanswerable_weight,
        args.offtopic_weight,
        args.tydi_weight,
        args.followup_weight,
    )
    seeds = [int(x) for x in args.seeds.split(",")] if args.kind == "trees" else [0]
    runs: list[dict[float, dict]] = []  # each seed's figures by threshold
    for seed in seeds:
        oof = out_of_fold(X, y, w, groups, args.kind, seed)
        by_case = per_case(oof, [len(c.labels) for c in cases])
        runs.append({t: scores(cases, by_case, t) for t in THRESHOLDS})
    table = {t: _mean_tables([run[t] for run in runs]) for t in THRESHOLDS}
    by_seed = {t: [criterion(run[t]) for run in runs] for t in THRESHOLDS}
    by_threshold = {t: float(np.mean(by_seed[t])) for t in THRESHOLDS}
    # the thresholds at which the report's unanswerable questions are refused as often as the
    # target asks in every language (all of them when none is)
    eligible = [
        t
        for t in THRESHOLDS
        if all(
            (v["unanswerable_refused"] or 0.0) >= REFUSAL_TARGET
            for k, v in table[t].items()
            if k.startswith("report-")
        )
    ] or list(THRESHOLDS)
    top = max(by_threshold[t] for t in eligible)
    # the lowest threshold within TIE of the best: a refusal of an answerable question is an
    # error the criterion weighs no more than another, and false refusals miss their target
    best = min(t for t in eligible if by_threshold[t] >= top - TIE)
    best_score = by_threshold[best]
    print(
        "criterion (mean of the five accuracies) by threshold: "
        + ", ".join(f"{t} {c:.4f}" for t, c in by_threshold.items())
    )
    print(f"criterion (mean of the five accuracies) at the chosen threshold: {best_score:.3f}")
    if len(seeds) > 1:
        print(
            f"over seeds {args.seeds}: criterion at {best} "
            + ", ".join(f"{c:.4f}" for c in by_seed[best])
            + "; TyDi-ru gold "
            + ", ".join(f"{run[best]['tydi']['gold']:.3f}" for run in runs)
            + "; XQuAD-ru gold "
            + ", ".join(f"{run[best]['xquad']['gold']:.3f}" for run in runs)
        )
    for t in THRESHOLDS:
        mark = " <- chosen" if t == best else ""
        print(f"threshold {t}{mark}")
        for k, v in sorted(table[t].items()):
            print(f"  {k:10s} " + ", ".join(f"{m} {x}" for m, x in v.items()))
    params = fit(X, y, w, args.kind, seeds[0])
    dialogues = ", ".join(name.removeprefix(DIALOGUE_PREFIX) for name in DIALOGUE_FIT)
    model = EvidenceModel(
        args.kind,
        FEATURES,
        best,
        params,
        {
            "command": "python benchmarks/train_evidence.py"
            + ("" if args.kind == "trees" else " --kind logistic")
            + ("" if args.offtopic else " --no-offtopic")
            + ("" if args.followups else " --no-followups")
            + (
                ""
                if sources == OFFTOPIC_SOURCES or not args.offtopic
                else f" --offtopic-sources {','.join(sources)}"
            )
            + ("" if args.tydi_weight == TYDI_WEIGHT else f" --tydi-weight {args.tydi_weight:g}")
            + (
                ""
                if args.offtopic_weight == OFFTOPIC_WEIGHT or not args.offtopic
                else f" --offtopic-weight {args.offtopic_weight:g}"
            ),
            "date": datetime.date.today().isoformat(),
            "data": {
                "xquad": "../shared/eval/xquad-ru.*: every question as asked and with its gold passage removed",
                "tydi": "../shared/eval/tydiqa-ru-a.*: the same",
                **(
                    {
                        "offtopic": "; ".join(
                            {
                                "xquad": "every 4th question of XQuAD-ru asked of the report",
                                "tydi": "every 4th question of TyDi-ru A asked of the report",
                                "sets": "benchmarks/data: " + ", ".join(OFFTOPIC_SETS),
                            }[source]
                            for source in sources
                        )
                        + " (unanswerable there)"
                    }
                    if args.offtopic
                    else {}
                ),
                "report": f"benchmarks/data: {', '.join(REPORT_FIT)} (as asked; answerable ones"
                " also with their gold paragraph removed)",
                **(
                    {
                        "followups": f"benchmarks/data: the follow-up turns of {dialogues},"
                        " completed as the pipeline completes them"
                    }
                    if args.followups
                    else {}
                ),
            },
            "cases": {name: sum(1 for c in cases if c.dataset == name) for name in names},
            "report_weight": args.report_weight,
            "unanswerable_weight": args.unanswerable_weight,
            **(
                {"offtopic_weight": args.offtopic_weight, "offtopic_sources": list(sources)}
                if args.offtopic
                else {}
            ),
            "tydi_weight": args.tydi_weight,
            **({"followup_weight": args.followup_weight} if args.followups else {}),
            **({"trees": TREES, "rounds": ROUNDS} if args.kind == "trees" else {"C": C}),
            "out_of_fold": {
                "grouped_by": "article (XQuAD, TyDi), question set (report); 5 folds",
                "threshold": best,
                "tie": TIE,
                "refusal_target": REFUSAL_TARGET,
                "criterion": {str(t): round(c, 4) for t, c in by_threshold.items()},
                "figures": table[best],
            },
        },
    )
    if args.kind == "logistic":
        weights = dict(zip(FEATURES, params["weights"]))
        print("weights (standardised):", json.dumps(weights, ensure_ascii=False))
    if not args.dry_run:
        path = write_model(model, MODEL_FILE)
        print(f"wrote {path.relative_to(ROOT)} (threshold {best})")


if __name__ == "__main__":
    main()
