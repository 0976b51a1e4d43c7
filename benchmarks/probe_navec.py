"""What navec's Russian word vectors would add to the evidence: a probe, not a feature.

    python benchmarks/probe_navec.py [--work /tmp/reportqa-train] [--seeds 1,2]

natasha ships navec (news, 250k words, 300 dimensions, product-quantised), which puts
"возобновлена" near "восстановлена" and "шины" near "покрышки". The coverage of the evidence
holds a question word by its key, prefix, spelling or translation, never by a synonym. This probe
adds two columns to the evidence model's fitting cases (``evidence_cases.build_all``, as
``train_evidence.py`` builds them), for a Russian question: the share of its content words a
sentence holds, a word held by its key or written form counting 1 and any other by its best navec
cosine with the sentence's words (clipped to [0, 1]); and the best candidate's share less it
(-1 for other languages). It prints the criterion of ``train_evidence.py`` out of fold with and
without them (``probe_latent_terms.fitting_cases`` and ``compare_columns``).

Run on 2026-12-05 (18:04-18:15 UTC, the cases of the current code, seeds 1 and 2): criterion at
0.1 0.8403 and 0.8444 with the columns (mean 0.8423) against 0.8419 and 0.8426 without (0.8423);
at 0.15, 0.8430 against 0.8415. The gold sentence of XQuAD-ru out of fold at 0.1: 0.784 with and
without them; TyDi-ru's 0.654 against 0.660. Within what the seed alone moves: not made a
feature (it would also load navec, 0.6 s, at a question's first use). Needs ``../shared/eval``
and the ``train`` extra.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def columns(cases: list) -> list[np.ndarray]:
    from natasha.data import NEWS_EMBEDDING
    from navec import Navec

    from reportqa.lang.tokens import content_words

    navec = Navec.load(NEWS_EMBEDDING)
    vectors: dict[str, np.ndarray | None] = {}
    read: dict[str, list[tuple[str, str]]] = {}

    def vector(word: str) -> np.ndarray | None:
        if word not in vectors:
            v = navec.get(word)
            vectors[word] = None if v is None else v / (float(np.linalg.norm(v)) or 1.0)
        return vectors[word]

    def words(text: str) -> list[tuple[str, str]]:
        if text not in read:
            read[text] = [(t.lower, t.key) for t in content_words(text, "ru")]
        return read[text]

    out = []
    for case in cases:
        col = np.full((len(case.labels), 2), -1.0)
        asked = words(case.question) if case.language == "ru" else []
        if asked:
            soft = np.array([_soft(asked, words(s), vector) for s in case.sentences])
            col[:, 0], col[:, 1] = soft, soft.max() - soft
        out.append(col)
    return out


def _soft(asked: list[tuple[str, str]], sentence: list[tuple[str, str]], vector) -> float:
    forms = {w for w, _ in sentence} | {k for _, k in sentence}
    found = [v for v in (vector(w) for w, _ in sentence) if v is not None]
    table = np.stack(found) if found else None
    total = 0.0
    for word, key in asked:
        v = vector(word)
        if word in forms or key in forms:
            total += 1.0
        elif v is not None and table is not None:
            total += float(np.clip((table @ v).max(), 0.0, 1.0))
    return total / len(asked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-train"))
    parser.add_argument("--seeds", default="1,2")
    args = parser.parse_args()
    from probe_latent_terms import compare_columns, fitting_cases

    cases = fitting_cases(args.work)
    seeds = [int(s) for s in args.seeds.split(",")]
    compare_columns(cases, columns(cases), ("navec_coverage", "navec_gap"), "navec", seeds)


if __name__ == "__main__":
    main()
