"""BM25 over the chunks' lexical terms (``store.lexical_terms_of``), rebuilt on load.

Each term's BM25 weight in each chunk that holds it is computed once, when the index is loaded,
and kept as a sparse term-by-chunk matrix in compressed-column form (plain numpy arrays: term
``t``'s chunks are ``chunks[starts[t]:starts[t + 1]]``). Scoring a question adds up the columns of
its terms, so its cost grows with how many chunks hold those terms, not with the corpus; building
is a few vectorised passes over all tokens. 100,000 passages fit in memory and load in seconds
(``benchmarks/bench_archive.py``).

Left out: phrase queries, fuzzy matching. Term statistics come from the indexed chunks only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["BM25"]


class BM25:
    """Okapi BM25 over pre-tokenised documents (here: chunks)."""

    def __init__(
        self,
        docs: Sequence[Sequence[str]],
        k1: float = 1.2,
        b: float = 0.75,
        extra: Sequence[Sequence[str]] = (),
    ) -> None:
        """``extra``, when given, holds more terms for each document that do not count in its
        length (``retrieval.hybrid.source_terms``)."""
        self.k1 = k1
        self.b = b
        self.n_docs = len(docs)
        self.lengths = np.array([len(d) for d in docs], dtype=np.float32)
        self.avg_length = float(self.lengths.mean()) if self.n_docs else 0.0
        if extra:  # a copy of the documents that have more terms only
            docs = [[*d, *e] if e else d for d, e in zip(docs, extra)]
        vocabulary: dict[str, int] = {}
        counted = np.array([len(d) for d in docs], dtype=np.int64)
        ids = np.fromiter(
            (vocabulary.setdefault(t, len(vocabulary)) for d in docs for t in d),
            dtype=np.int64,
            count=int(counted.sum()),
        )
        self._vocabulary = vocabulary
        doc_of = np.repeat(np.arange(self.n_docs, dtype=np.int64), counted)
        # (term, chunk) pairs sorted by term then chunk, with how often each occurs: the
        # matrix's entries in column order.
        pairs, tf = np.unique(ids * max(self.n_docs, 1) + doc_of, return_counts=True)
        term, self._chunks = np.divmod(pairs, max(self.n_docs, 1))
        self._chunks = self._chunks.astype(np.int32)
        counts = np.bincount(term, minlength=len(vocabulary))
        self._starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._df = counts
        idf = np.log(1 + (self.n_docs - counts + 0.5) / (counts + 0.5))
        norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.avg_length, 1e-9))
        tf32 = tf.astype(np.float32)
        self._weights = (
            idf[term].astype(np.float32) * tf32 * (self.k1 + 1) / (tf32 + norm[self._chunks])
        ).astype(np.float32)

    def idf(self, term: str) -> float:
        """Inverse document frequency, never negative; a term absent from every doc gets the
        highest value (it is as rare as can be)."""
        column = self._vocabulary.get(term)
        df = 0 if column is None else int(self._df[column])
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def contains(self, term: str) -> bool:
        return term in self._vocabulary

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens (repeats count once). The terms
        are added in sorted order: float32 sums depend on their order, and a set's order on the
        process's string hash seed, which made some questions' scores differ from run to run."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term in sorted(set(query)):
            column = self._vocabulary.get(term)
            if column is None:
                continue
            start, end = self._starts[column], self._starts[column + 1]
            # A term's chunks are distinct, so += adds each weight once.
            out[self._chunks[start:end]] += self._weights[start:end]
        return out
