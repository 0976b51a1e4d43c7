"""Words matched across languages through the embedding model: "tourists" finds "туристы",
"колледждер" finds "колледжа".

Each content word of the question is embedded as a query, each word of the candidate sentences as
a passage (kept once embedded: the vocabulary of a corpus is embedded word by word as questions
need it, never all at once). A sentence holds a question word when its closest word stands out
from all the candidate words as close to it: a z-score against that question word's similarities
to every candidate word, mapped from ``LOW`` (ordinary: the best of a sentence's words is about
that far above the mean by chance) to ``HIGH`` (clearly the same word) onto [0, 1].

A word in the minority script of the candidate words (Latin words in a Russian report) is a name,
found by its spelling (``lang.names``); meaning alone gives it at most half a match
("Kazakhstan" is close in meaning to "Kazakh Invest", but not that name).

Left out: phrases (each word is matched alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from threading import Lock
from typing import Any

import numpy as np

__all__ = ["CrossLingual"]

LOW, HIGH = 1.5, 4.5
_NAME_CAP = 0.5
_MAX_CACHED = 200_000


class CrossLingual:
    """Cross-lingual word matching with one embedder. Safe to share between threads."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self._passages: dict[str, np.ndarray] = {}
        self._queries: dict[str, np.ndarray] = {}
        self._lock = Lock()

    def _vectors(self, words: Sequence[str], query: bool) -> np.ndarray:
        cache = self._queries if query else self._passages
        with self._lock:
            missing = [w for w in dict.fromkeys(words) if w not in cache]
        if missing:
            embed = self.embedder.embed_queries if query else self.embedder.embed_passages
            vectors = []
            for i in range(0, len(missing), 256):
                vectors.append(embed(missing[i : i + 256]))
            fresh = np.concatenate(vectors)
            with self._lock:
                if len(cache) > _MAX_CACHED:
                    cache.clear()
                cache.update(zip(missing, fresh))
        with self._lock:
            return np.stack([cache[w] for w in words])

    def scores(
        self, question_words: Sequence[str], sentences: Sequence[Sequence[str]]
    ) -> np.ndarray:
        """How far each sentence (a list of its lower-cased content words) holds each question
        word, from 0 to 1: an array of shape (question words, sentences)."""
        out = np.zeros((len(question_words), len(sentences)))
        vocabulary = list(dict.fromkeys(w for words in sentences for w in words))
        if not question_words or not vocabulary:
            return out
        q = self._vectors(list(question_words), query=True)
        v = self._vectors(vocabulary, query=False)
        sims = q @ v.T
        z = (sims - sims.mean(axis=1, keepdims=True)) / (sims.std(axis=1, keepdims=True) + 1e-6)
        match = np.clip((z - LOW) / (HIGH - LOW), 0.0, 1.0)
        latin = np.array([w[:1].isascii() and w[:1].isalpha() for w in vocabulary])
        names = latin if latin.sum() * 2 < len(latin) else ~latin
        match[:, names] = np.minimum(match[:, names], _NAME_CAP)
        column = {w: i for i, w in enumerate(vocabulary)}
        for j, words in enumerate(sentences):
            if words:
                out[:, j] = match[:, [column[w] for w in words]].max(axis=1)
        return out
