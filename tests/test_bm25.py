"""The sparse BM25 against a plain reference (the dictionary-of-postings version it replaced)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from reportqa.index.bm25 import BM25
from reportqa.index.chunking import chunk_documents
from reportqa.index.corpus import load_corpus
from reportqa.lang.tokens import lexical_terms

from .conftest import CORPUS


def reference_scores(docs: Sequence[Sequence[str]], query: Sequence[str]) -> np.ndarray:
    k1, b = 1.2, 0.75
    n = len(docs)
    avg = sum(len(d) for d in docs) / n
    df = Counter(t for d in docs for t in set(d))
    out = np.zeros(n)
    for i, doc in enumerate(docs):
        tf = Counter(doc)
        for term in set(query):
            if tf[term]:
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                norm = k1 * (1 - b + b * len(doc) / avg)
                out[i] += idf * tf[term] * (k1 + 1) / (tf[term] + norm)
    return out


def test_sparse_scores_equal_the_reference_on_the_report() -> None:
    docs = [lexical_terms(c.text) for c in chunk_documents(load_corpus(CORPUS))]
    bm25 = BM25(docs)
    for question in ("Сколько колледжей в области?", "инвестиции в металлургию", "вуз вуз"):
        query = lexical_terms(question)
        expected = reference_scores(docs, query)
        got = bm25.scores(query)
        assert expected.max() > 0
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
        assert list(np.argsort(-got, kind="stable")) == list(np.argsort(-expected, kind="stable"))


def test_idf_and_vocabulary() -> None:
    bm25 = BM25([["a", "b", "a"], ["a"], []])
    assert bm25.contains("a") and not bm25.contains("zzz")
    assert bm25.idf("zzz") > bm25.idf("b") > bm25.idf("a") >= 0
    assert bm25.idf("a") == math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    scores = bm25.scores(["a", "a", "zzz"])  # repeats count once, unknown terms add nothing
    assert scores[2] == 0 and scores[0] > 0 and scores[1] > 0
    expected = reference_scores([["a", "b", "a"], ["a"], []], ["a"])
    np.testing.assert_allclose(scores, expected, rtol=1e-5)


def test_empty_corpus_scores_nothing() -> None:
    bm25 = BM25([])
    assert bm25.scores(["a"]).shape == (0,)
    assert not bm25.contains("a")


def test_scores_are_the_same_whatever_the_hash_seed() -> None:
    """A question's BM25 scores are float32 sums, whose last bits depend on the order the terms
    are added in: that order must not be a set's, which moves with the process's string hash
    seed (the same Kazakh question once got a different passage score from run to run)."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from reportqa.index.bm25 import BM25\n"
        "words = [f'w{i}' for i in range(40)]\n"
        "docs = [[w for j, w in enumerate(words) if (j * k) % 7 < 5] * (k % 3 + 1)"
        " for k in range(1, 30)]\n"
        "print(BM25(docs).scores(words).tobytes().hex())\n"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, src],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(1, 9)
    }
    assert len(outputs) == 1
