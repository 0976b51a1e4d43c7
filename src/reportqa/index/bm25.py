"""BM25 over stemmed tokens (see ``text.tokenize``), kept small enough to rebuild on load.

Left out: phrase queries, fuzzy matching. Term statistics come from the indexed chunks only.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

__all__ = ["BM25"]


class BM25:
    """Okapi BM25 over pre-tokenised documents (here: chunks)."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.n_docs = len(docs)
        self.lengths = np.array([len(d) for d in docs], dtype=np.float32)
        self.avg_length = float(self.lengths.mean()) if self.n_docs else 0.0
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                postings.setdefault(term, []).append((i, tf))
        self._postings = {
            term: (
                np.array([i for i, _ in p], dtype=np.int64),
                np.array([tf for _, tf in p], dtype=np.float32),
            )
            for term, p in postings.items()
        }
        self._norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.avg_length, 1e-9))

    def idf(self, term: str) -> float:
        """Inverse document frequency, never negative; a term absent from every doc gets the
        highest value (it is as rare as can be)."""
        df = len(self._postings[term][0]) if term in self._postings else 0
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def contains(self, term: str) -> bool:
        return term in self._postings

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens (repeats count once)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term in set(query):
            posting = self._postings.get(term)
            if posting is None:
                continue
            ids, tf = posting
            out[ids] += self.idf(term) * tf * (self.k1 + 1) / (tf + self._norm[ids])
        return out
