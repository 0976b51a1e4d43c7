"""Hybrid retrieval: FAISS dense search fused with BM25 (its LangChain ``BaseRetriever`` face is
``retriever.py``).

The candidates are the dense top-N united with the lexical top-N. Each gets the features of
``FUSION_FEATURES``: the cosine of the passage vector and of its best sentence's vector (a question
is usually answered by one sentence), and BM25 over lemmas and prefixes, each rescaled to [0, 1]
over the candidates and as a z-score over the whole index; and how far lexical matching can work
at all for this question: whether it is in another language than the passage, the share of its
words the index has ever seen, and the share it has seen as written or translated. A fitted
model (gradient-boosted trees, ``fusion_model.json``, fitted by ``benchmarks/train_fusion.py``)
mixes them, so the weight of BM25 depends on the question's language and on how much of it can
match: an English question over a Russian report leans on the vectors unless its words translate
into the report's, a Russian one with the report's own words on both. It is fitted with
questions no passage answers as negatives too, so its score of the best passage stays low for a
question the corpus has nothing on (the evidence model reads that score).

Fixed weights (``dense_weight``, ``sentence_weight``; BM25 gets the rest) replace the model when
given: the benchmarks rank by one signal alone this way.

Left out: re-ranking with a cross-encoder (none ships offline here).
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any, Protocol

import numpy as np

from ..evidence.model import EvidenceModel, load_model
from ..index.bm25 import BM25
from ..index.corpus import names_source
from ..index.store import IndexData
from ..lang import resources
from ..lang.detect import detect_language
from ..lang.lexicon import translations
from ..lang.tokens import lexical_terms
from ..models import Hit

__all__ = ["HybridSearcher", "QueryCompanion", "FUSION_FEATURES", "FUSION_FILE"]

_MIN_CANDIDATES = 50
_POPULATION_SAMPLE = 4096  # chunks whose cosines stand for all of an archive's (z-scores)
FUSION_FILE = "fusion_model.json"
FUSION_FEATURES = (
    "dense",
    "sentence",
    "lexical",
    "dense_z",
    "sentence_z",
    "lexical_share",
    "cross_lingual",
    "matchable",
    "lexical_cross",
    "lexical_matchable",
    "dense_cross",
    "dense_rank",
    "sentence_rank",
    "lexical_rank",
    "reachable",
    "lexical_reachable",
)


class QueryCompanion(Protocol):
    """Query texts that go with a question into its embedding's model call
    (``HybridSearcher.companion``; the evidence layer's ``EvidenceBuilder``)."""

    def companions(self, question: str) -> list[str]:
        """The texts to embed with ``question`` (none already embedded)."""
        ...

    def remember(self, texts: list[str], vectors: np.ndarray) -> None:
        """Their query vectors, in their order."""
        ...


class HybridSearcher:
    """Dense + lexical search over one loaded index."""

    def __init__(
        self,
        data: IndexData,
        embedder: Any,
        dense_weight: float | None = None,
        sentence_weight: float | None = None,
        languages: dict[str, str] | None = None,
        fusion: EvidenceModel | None = None,
        sources: dict[str, str] | None = None,
    ) -> None:
        self.data = data
        self.embedder = embedder
        self.weights = None
        if dense_weight is not None or sentence_weight is not None:
            self.weights = (dense_weight or 0.0, sentence_weight or 0.0)
        # read at the first search: candidates alone (what train_fusion.py fits on) need none
        self._fusion = fusion
        self.languages = languages or {}
        self._chunk_languages = np.array(
            [self.languages.get(c.document, "ru") for c in data.chunks], dtype=object
        )
        self._chunk_documents = np.array([c.document for c in data.chunks], dtype=object)
        self._corpus_languages = frozenset(self._chunk_languages.tolist())
        self.bm25 = BM25(data.tokens, extra=source_terms(data, sources or {}))
        n = data.chunk_index.ntotal
        self.chunk_vectors = (
            data.chunk_index.reconstruct_n(0, n) if n else np.zeros((0, embedder.dim), np.float32)
        )
        # An archive's index is approximate (index/dense.py): there a question's cosine is
        # computed for its candidates only, and the z-scores' mean and spread come from an even
        # sample of the chunks rather than from all of them.
        self._sample: np.ndarray | None = None
        if data.manifest.get("dense_index", {}).get("type", "flat") != "flat":
            self._sample = np.unique(np.linspace(0, n - 1, min(n, _POPULATION_SAMPLE)).astype(int))
        # What else the answer step will embed for a question (the evidence layer's
        # cross-lingual words), set by the pipeline: in the question's model call they cost
        # their tokens, in a call of their own as much again as the question (on a busy
        # machine a call's fixed cost, its threads' every wait, is most of a short text's).
        # Only for an embedder whose vector of a text does not depend on the others in its call.
        self.companion: QueryCompanion | None = None
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._sentence_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()

    @property
    def fusion(self) -> EvidenceModel:
        """The fitted fusion model (``fusion_model.json`` unless one was given)."""
        if self._fusion is None:
            self._fusion = load_model(FUSION_FILE, FUSION_FEATURES)
        return self._fusion

    def query_vector(self, question: str) -> np.ndarray:
        """The question's embedding, cached: the retriever and the answerer both need it. The
        ``companion``'s texts for the question are embedded in the same model call."""
        with self._lock:
            cached = self._query_cache.get(question)
            if cached is not None:
                self._query_cache.move_to_end(question)
                return cached
        companion = self.companion
        extra = companion.companions(question) if companion is not None else []
        vectors = self.embedder.embed_queries([question, *extra])
        if companion is not None and extra:
            companion.remember(extra, vectors[1:])
        vector = vectors[0].copy()
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

    def _reachable(self, words: list[str], language: str) -> float:
        """The share of the question's word keys that the index has seen as written or as one
        of their translations into its other languages: how far BM25 can match at all once the
        question's words are translated ("кремний" of a Kazakh question in a Russian report),
        where ``matchable`` counts the words as written only."""
        if not words:
            return 0.0
        return sum(
            self.bm25.contains(w)
            or any(self.bm25.contains(k) for k in self._translated_terms([w], language))
            for w in words
        ) / len(words)

    def _translated_terms(self, terms: list[str], language: str) -> list[str]:
        """The keys of the words the question's words translate to in the corpus's other
        languages (``lang.lexicon``): "tyres" looks for "шина" in a Russian report."""
        out: list[str] = []
        for target in sorted(self._corpus_languages - {language}):
            table = translations(language, target)
            # keys only: a translation's prefix term is too loose for retrieval ("колледж" ->
            # "колледж" -> "~колле" would find "коллекция")
            out.extend(k for t in terms for k in sorted(table.get(t, ())))
        return out

    def candidates(
        self, question: str, k: int, documents: frozenset[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """The candidate chunk ids for ``question`` (only of ``documents`` when given), their
        fusion features (in the order of ``FUSION_FEATURES``) and the raw signals ("dense",
        "sentence", "lexical")."""
        n = len(self.data.chunks)
        qv = self.query_vector(question)
        language = detect_language(question)
        terms = lexical_terms(question, language)
        lexical = self.bm25.scores(terms + self._translated_terms(terms, language))
        n_cand = min(n, max(_MIN_CANDIDATES, 10 * k))
        if self._sample is None:
            dense_all = self.chunk_vectors @ qv
            population = dense_all
        else:
            population = self.chunk_vectors[self._sample] @ qv
        if documents is None:
            _, dense_ids = self.data.chunk_index.search(qv[None, :].astype(np.float32), n_cand)
            candidates = set(int(i) for i in dense_ids[0] if i >= 0)
            candidates.update(int(i) for i in _top(lexical, n_cand, self._sample is not None))
        else:  # the best of the chosen documents' chunks by either signal
            rows = np.flatnonzero(np.isin(self._chunk_documents, list(documents)))
            dense_rows = dense_all[rows] if self._sample is None else self.chunk_vectors[rows] @ qv
            candidates = set(int(i) for i in rows[np.argsort(-dense_rows)[:n_cand]])
            candidates.update(int(i) for i in rows[np.argsort(-lexical[rows])[:n_cand]])
            if not candidates:
                return np.zeros(0, np.int64), np.zeros((0, len(FUSION_FEATURES))), {}
        ids = np.array(sorted(candidates), dtype=np.int64)
        dense = dense_all[ids] if self._sample is None else self.chunk_vectors[ids] @ qv
        sentence_scores = self.sentence_scores(question)
        best_sentence = np.array(
            [sentence_scores[list(self.data.sentence_rows[i])].max(initial=-1.0) for i in ids]
        )
        lex = lexical[ids]
        words = [t for t in terms if not t.startswith("~")]
        matchable = sum(self.bm25.contains(t) for t in words) / len(words) if words else 0.0
        reachable = self._reachable(words, language)
        cross = (self._chunk_languages[ids] != language).astype(np.float64)
        top = float(lexical.max()) if len(lexical) else 0.0
        features = np.column_stack(
            [
                _minmax(dense),
                _minmax(best_sentence),
                _minmax(lex),
                _z(dense, population),
                _z(best_sentence, sentence_scores),
                lex / top if top > 0 else np.zeros(len(ids)),
                cross,
                np.full(len(ids), matchable),
                _minmax(lex) * cross,
                _minmax(lex) * matchable,
                _minmax(dense) * cross,
                _reciprocal_rank(dense),
                _reciprocal_rank(best_sentence),
                _reciprocal_rank(lex) * (lex > 0),
                np.full(len(ids), reachable),
                _minmax(lex) * reachable,
            ]
        )
        return ids, features, {"dense": dense, "sentence": best_sentence, "lexical": lex}

    def search(self, question: str, k: int, documents: frozenset[str] | None = None) -> list[Hit]:
        """The ``k`` best chunks for ``question``, best first; only chunks of ``documents``
        (ids, paths relative to the corpus folder) when given."""
        if not self.data.chunks:
            return []
        ids, features, raw = self.candidates(question, k, documents)
        if not len(ids):
            return []
        if self.weights is not None:
            dense_weight, sentence_weight = self.weights
            fused = (
                dense_weight * features[:, 0]
                + sentence_weight * features[:, 1]
                + (1 - dense_weight - sentence_weight) * features[:, 2]
            )
        else:
            fused = self.fusion.probabilities(features)
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            Hit(
                chunk=self.data.chunks[int(ids[i])],
                score=round(float(fused[i]), 4),
                dense=round(float(raw["dense"][i]), 4),
                sentence=round(float(raw["sentence"][i]), 4),
                lexical=round(float(raw["lexical"][i]), 4),
            )
            for i in order
        ]


def source_terms(data: IndexData, sources: dict[str, str]) -> list[list[str]]:
    """More BM25 terms for each chunk: for a chunk that names its document's source
    (``sources``, by document id: the ``source`` of its metadata), the words that ask for a
    source in every language (the ``source_words`` tables), so that "which outlet", "какое
    издание" and "қай басылым" find the chunk that says "передает BAQ.kz"; none for the
    others."""
    if not sources:
        return []
    extra = sorted(resources.every_language_keys("source_words"))
    return [
        extra if names_source(chunk.text, sources.get(chunk.document)) else []
        for chunk in data.chunks
    ]


def _top(values: np.ndarray, n: int, partial: bool) -> np.ndarray:
    """The ids of the ``n`` highest ``values``; with ``partial`` without sorting them all (an
    archive's hundred thousand BM25 scores), in no particular order."""
    if not partial or n >= len(values):
        return np.argsort(-values)[:n]
    return np.argpartition(-values, n - 1)[:n]


def _reciprocal_rank(values: np.ndarray) -> np.ndarray:
    """1 for the best candidate by ``values``, 1/2 for the second, ... (as in reciprocal rank
    fusion)."""
    ranks = np.empty(len(values))
    ranks[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
    return 1.0 / ranks


def _z(values: np.ndarray, population: np.ndarray) -> np.ndarray:
    std = float(population.std()) or 1.0
    return (values - float(population.mean())) / std


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-9:
        return np.zeros_like(x) if hi <= 0 else np.ones_like(x)
    return (x - lo) / (hi - lo)
