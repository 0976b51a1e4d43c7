"""Fit the follow-up model (does a question continue the conversation?) and write it, with its
provenance, to ``src/reportqa/dialogue/followup_model.json``.

    python benchmarks/train_followup.py [--dry-run]

Data, all of it development data (``benchmarks/data/README.md``):

- **follow-ups** (label 1): every turn but the first of the development dialogues
  (``report-dialogues.jsonl`` and ``report-dialogues-2.jsonl`` to ``-9.jsonl``: sets 3 to 9
  were frozen to measure and joined once their turns had been read), read against the turns
  before it;
- **new topics** (label 0): the first question of a dialogue read after the whole of another
  dialogue of its language (``PAIRS`` of them each), and every question of the fitting sets
  (``report-fit-{ru,en,kk}.jsonl``) read after one dialogue of its language drawn at random.

A turn's features are those ``dialogue.followup`` computes against the thread it would have at
run time; that thread depends on how the earlier turns were read, so the fit is done twice, the
second time with the threads the first fit gives. The model is a logistic regression (classes
weighted to balance) over ``followup.FEATURES``; its ``C`` is the one of ``CS`` with the best
out-of-fold balanced accuracy, with 5-fold cross-validation grouped by conversation (a pair is
in the group of the dialogue its history comes from, a follow-up in its own dialogue's), so no
conversation is scored by a model that saw it. The threshold stays 0.5. The figures written are
out of fold.

``--through N`` fits on the dialogue sets 1 to N instead (the development and fitting sets reach
-72; -73 on measure), and ``--all-singles`` takes the new topics from every fitting question set
of the evidence model (``evidence_data.REPORT_FIT``), not only ``report-fit-*``. Neither is the
default: refitted on -1 to -72 (with or without every single), the model reads more follow-ups
as such out of fold (0.864 against the shipped model's 0.755 on the same cases) but keeps fewer
new topics (0.896 against 0.968), and over the measuring dialogues -73 to -90 it got 1285 and
1286 follow-ups right against the shipped model's 1287 (2026-12-04, 23:10 UTC): the reading of
follow-ups is not what loses them.

Never fitted on: the frozen measuring sets (``report-dialogues-10.jsonl``, ``-11.jsonl``,
``report-test*``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"


def dialogue_sets(through: int) -> tuple[str, ...]:
    """The dialogue sets 1 to ``through``."""
    return (
        "report-dialogues.jsonl",
        *(f"report-dialogues-{n}.jsonl" for n in range(2, through + 1)),
    )


DIALOGUES = dialogue_sets(9)
SINGLES = ("report-fit-ru.jsonl", "report-fit-en.jsonl", "report-fit-kk.jsonl")
PAIRS = 2
CS = (0.1, 0.3, 1.0, 3.0, 10.0)
FOLDS = 5
SEED = 7
THRESHOLD = 0.5


def _rows(name: str) -> list[dict[str, Any]]:
    with open(DATA / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _history(questions: list[str]) -> list[Any]:
    from reportqa.dialogue.turns import Turn

    out: list[Any] = []
    for q in questions:
        out += [Turn("user", q), Turn("assistant", "…")]
    return out


def cases(
    sets: tuple[str, ...] = DIALOGUES, singles: tuple[str, ...] = SINGLES
) -> list[dict[str, Any]]:
    """Every labelled (question, history) pair, with its language and group."""
    rng = random.Random(SEED)
    dialogues = [row for name in sets for row in _rows(name)]
    by_lang: dict[str, list[dict[str, Any]]] = {}
    for row in dialogues:
        by_lang.setdefault(row["lang"], []).append(row)
    out: list[dict[str, Any]] = []
    for row in dialogues:
        questions = [t["question"] for t in row["turns"]]
        for i in range(1, len(questions)):
            out.append(_case(questions[i], questions[:i], 1, row["lang"], row["id"], "follow-up"))
        others = [o for o in by_lang[row["lang"]] if o["id"] != row["id"]]
        for other in rng.sample(others, PAIRS):
            before = [t["question"] for t in other["turns"]]
            out.append(_case(questions[0], before, 0, row["lang"], other["id"], "first turn"))
    for name in singles:
        for single in _rows(name):
            other = rng.choice(by_lang[single["lang"]])
            before = [t["question"] for t in other["turns"]]
            out.append(_case(single["question"], before, 0, single["lang"], other["id"], "single"))
    return out


def _case(question: str, before: list[str], label: int, lang: str, group: str, kind: str) -> dict:
    return {
        "question": question,
        "before": before,
        "label": label,
        "lang": lang,
        "group": group,
        "kind": kind,
    }


def features(all_cases: list[dict[str, Any]]) -> np.ndarray:
    from reportqa.dialogue import followup

    followup._step.cache_clear()
    followup._model.cache_clear()
    rows = []
    for case in all_cases:
        read = followup.resolve(case["question"], _history(case["before"]))
        # a question decided without the model (one on the document itself) has no features:
        # a row of NaN, left out of the fit
        rows.append([read.features.get(name, np.nan) for name in followup.FEATURES])
    return np.array(rows, dtype=float)


def _fit(X: np.ndarray, y: np.ndarray, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=1000).fit(X, y)


def out_of_fold(X: np.ndarray, y: np.ndarray, groups: list[str], c: float) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    p = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=FOLDS).split(X, y, groups):
        p[test] = _fit(X[train], y[train], c).predict_proba(X[test])[:, 1]
    return p


def figures(all_cases: list[dict[str, Any]], p: np.ndarray) -> dict[str, Any]:
    """Out-of-fold shares: follow-ups read as such, new topics read as they stand; by language
    and by kind of new topic; and their mean (balanced accuracy)."""
    said = p >= THRESHOLD
    out: dict[str, Any] = {}
    for lang in ("ru", "en", "kk", None):
        pick = [lang is None or c["lang"] == lang for c in all_cases]
        pos = [s for s, c, k in zip(said, all_cases, pick) if k and c["label"] == 1]
        neg = [not s for s, c, k in zip(said, all_cases, pick) if k and c["label"] == 0]
        recall, kept = float(np.mean(pos)), float(np.mean(neg))
        out[lang or "all"] = {
            "follow_ups_read_as_such": round(recall, 3),
            "new_topics_kept": round(kept, 3),
            "balanced": round((recall + kept) / 2, 3),
            "follow_ups": len(pos),
            "new_topics": len(neg),
        }
    for kind in ("first turn", "single"):
        kept_kind = [not s for s, c in zip(said, all_cases) if c["kind"] == kind]
        out["all"][f"{kind.replace(' ', '_')}s_kept"] = round(float(np.mean(kept_kind)), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print, do not write the model")
    parser.add_argument("--through", type=int, default=9, help="dialogue sets 1 to N [9]")
    parser.add_argument(
        "--all-singles",
        action="store_true",
        help="new topics from every fitting question set of the evidence model, not only "
        "report-fit-*",
    )
    args = parser.parse_args()
    from reportqa.dialogue import followup

    sets = dialogue_sets(args.through)
    singles = SINGLES
    if args.all_singles:
        from evidence_data import REPORT_FIT

        singles += tuple(f"{n}.jsonl" for n in REPORT_FIT if n.startswith("report-test"))
    all_cases = cases(sets, singles)
    y = np.array([c["label"] for c in all_cases])
    groups = [c["group"] for c in all_cases]
    path = ROOT / "src" / "reportqa" / "dialogue" / followup.MODEL_FILE
    original = path.read_text(encoding="utf-8")
    model: dict[str, Any] = {}
    try:
        for round_ in (1, 2):
            X = features(all_cases)
            if round_ == 1:  # which questions the model decides does not depend on the model
                kept = ~np.isnan(X).any(axis=1)
                all_cases = [c for c, k in zip(all_cases, kept) if k]
                y, groups, X = y[kept], [g for g, k in zip(groups, kept) if k], X[kept]
                print(f"{len(all_cases)} cases ({int((~kept).sum())} decided without the model)")
            scored = {c: figures(all_cases, out_of_fold(X, y, groups, c)) for c in CS}
            best = max(CS, key=lambda c: (scored[c]["all"]["balanced"], -c))
            final = _fit(X, y, best)
            model = {
                "kind": "logistic",
                "features": list(followup.FEATURES),
                "weights": [round(float(w), 4) for w in final.coef_[0]],
                "bias": round(float(final.intercept_[0]), 4),
                "threshold": THRESHOLD,
                "provenance": {
                    "how": "fitted: logistic regression, classes balanced, C chosen by grouped "
                    "cross-validation (benchmarks/train_followup.py docstring)",
                    "command": "python benchmarks/train_followup.py",
                    "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                    "data": {
                        "follow_ups": [f"benchmarks/data/{n}" for n in sets],
                        "new_topics": [f"benchmarks/data/{n}" for n in (*sets, *singles)],
                        "cases": len(all_cases),
                        "follow_up_cases": int(y.sum()),
                    },
                    "C": best,
                    "out_of_fold": scored[best],
                    "out_of_fold_by_C": {str(c): scored[c]["all"]["balanced"] for c in CS},
                },
            }
            # The next round reads the earlier turns with this model, as run time will.
            path.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", "utf-8")
            print(f"round {round_}: C={best}", json.dumps(scored[best], ensure_ascii=False))
    finally:
        if args.dry_run:
            path.write_text(original, "utf-8")
    print(json.dumps({k: model[k] for k in ("features", "weights", "bias")}, ensure_ascii=False))
    print("dry run: not written" if args.dry_run else f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
