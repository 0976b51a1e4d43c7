"""Hybrid retrieval: FAISS dense search fused with BM25, as a LangChain ``BaseRetriever``.

Three signals are rescaled to [0, 1] over the candidate set (the dense top-N united with the
lexical top-N) and mixed linearly: the cosine of the passage vector, the cosine of its best
sentence's vector (a question is usually answered by one sentence), and BM25 over stems and
prefixes. Min-max scaling keeps the strongest passage of each signal at 1, so neither the cosine
range of the model nor the length of the question decides the mix.

Left out: re-ranking with a cross-encoder (none ships offline here).
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ..index.bm25 import BM25
from ..index.store import IndexData
from ..lang.detect import detect_language
from ..lang.tokens import lexical_terms
from ..models import Hit

__all__ = ["HybridSearcher", "HybridRetriever", "hit_to_document"]

_MIN_CANDIDATES = 50


class HybridSearcher:
    """Dense + lexical search over one loaded index."""

    def __init__(
        self,
        data: IndexData,
        embedder: Any,
        dense_weight: float = 0.3,
        sentence_weight: float = 0.3,
    ) -> None:
        self.data = data
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.sentence_weight = sentence_weight
        self.bm25 = BM25(data.tokens)
        n = data.chunk_index.ntotal
        self.chunk_vectors = (
            data.chunk_index.reconstruct_n(0, n) if n else np.zeros((0, embedder.dim), np.float32)
        )
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._sentence_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()

    def query_vector(self, question: str) -> np.ndarray:
        """The question's embedding, cached: the retriever and the answerer both need it."""
        with self._lock:
            cached = self._query_cache.get(question)
            if cached is not None:
                self._query_cache.move_to_end(question)
                return cached
        vector = self.embedder.embed_queries([question])[0]
        with self._lock:
            self._query_cache[question] = vector
            while len(self._query_cache) > 256:
                self._query_cache.popitem(last=False)
        return vector

    def clear_cache(self) -> None:
        """Forget cached query vectors and scores (benchmarks time questions as if new)."""
        with self._lock:
            self._query_cache.clear()
            self._sentence_cache.clear()

    def sentence_scores(self, question: str) -> np.ndarray:
        """Cosine of the question with every sentence of the index, by sentence row. Cached
        like the query vector: retrieval and the answerer both need it."""
        with self._lock:
            cached = self._sentence_cache.get(question)
        if cached is not None:
            return cached
        scores = self.data.sentence_vectors @ self.query_vector(question)
        with self._lock:
            self._sentence_cache[question] = scores
            while len(self._sentence_cache) > 64:
                self._sentence_cache.popitem(last=False)
        return scores

    def search(self, question: str, k: int) -> list[Hit]:
        """The ``k`` best chunks for ``question``, best first."""
        n = len(self.data.chunks)
        if n == 0:
            return []
        qv = self.query_vector(question)
        lexical = self.bm25.scores(lexical_terms(question, detect_language(question)))
        n_cand = min(n, max(_MIN_CANDIDATES, 10 * k))
        _, dense_ids = self.data.chunk_index.search(qv[None, :].astype(np.float32), n_cand)
        candidates = set(int(i) for i in dense_ids[0] if i >= 0)
        candidates.update(int(i) for i in np.argsort(-lexical)[:n_cand])
        ids = np.array(sorted(candidates), dtype=np.int64)
        dense = self.chunk_vectors[ids] @ qv
        sentence_scores = self.sentence_scores(question)
        best_sentence = np.array(
            [sentence_scores[list(self.data.sentence_rows[i])].max(initial=-1.0) for i in ids]
        )
        lex = lexical[ids]
        fused = (
            self.dense_weight * _minmax(dense)
            + self.sentence_weight * _minmax(best_sentence)
            + (1 - self.dense_weight - self.sentence_weight) * _minmax(lex)
        )
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            Hit(
                chunk=self.data.chunks[int(ids[i])],
                score=round(float(fused[i]), 4),
                dense=round(float(dense[i]), 4),
                sentence=round(float(best_sentence[i]), 4),
                lexical=round(float(lex[i]), 4),
            )
            for i in order
        ]


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-9:
        return np.zeros_like(x) if hi <= 0 else np.ones_like(x)
    return (x - lo) / (hi - lo)


def hit_to_document(hit: Hit) -> LCDocument:
    """A hit as a LangChain document; its metadata carries the provenance."""
    c = hit.chunk
    return LCDocument(
        page_content=c.text,
        metadata={
            "chunk_id": c.id,
            "document": c.document,
            "title": c.title,
            "paragraph": c.paragraph,
            "start": c.start,
            "end": c.end,
            "score": hit.score,
            "dense": hit.dense,
            "lexical": hit.lexical,
        },
    )


class HybridRetriever(BaseRetriever):
    """LangChain face of ``HybridSearcher``: returns documents with provenance metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        return [hit_to_document(h) for h in self.searcher.search(query, self.k)]
