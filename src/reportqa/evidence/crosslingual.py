"""Words matched across languages through the embedding model: "tourists" finds "туристы",
"колледждер" finds "колледжа".

Each content word of the question is embedded as a query, each word of the candidate sentences as
a passage (kept once embedded: the vocabulary of a corpus is embedded as questions need it, or
all at once ahead of them when it is small: ``embed_corpus``). A sentence holds a question word
when its closest word stands out from all the candidate words as close to it: a z-score against
that question word's similarities to every candidate word, mapped from ``LOW`` (ordinary: the
best of a sentence's words is about that far above the mean by chance) to ``HIGH`` (clearly the
same word) onto [0, 1].

A word in the minority script of the candidate words (Latin words in a Russian report) is a name,
found by its spelling (``lang.names``); meaning alone gives it at most half a match
("Kazakhstan" is close in meaning to "Kazakh Invest", but not that name).

The corpus's word vectors are kept on disk beside the index when a ``store`` file is given
(written at most every ``SAVE_EVERY`` seconds, atomically, and read back at start), so that a
new process does not embed the vocabulary again. A missing, damaged or other model's file is
ignored: the words are embedded again.

Left out: phrases (each word is matched alone); the question words (what users typed) are kept
in memory only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from threading import Lock
from typing import Any

import numpy as np

__all__ = ["CrossLingual"]

LOW, HIGH = 1.5, 4.5
_NAME_CAP = 0.5
_MAX_CACHED = 200_000
SAVE_EVERY = 5.0  # seconds between writes of the word vectors' file
_log = logging.getLogger(__name__)


class _Vectors:
    """Word vectors as the rows of one matrix, so that a question's hundreds of candidate words
    are taken in one step. Not locked: ``CrossLingual`` holds its lock around every use."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    def __contains__(self, word: str) -> bool:
        return word in self.rows

    def __len__(self) -> int:
        return len(self.rows)

    def update(self, words: Sequence[str], vectors: np.ndarray) -> None:
        """Keep ``vectors`` (one row per word; a word kept before gets its new row)."""
        if not len(words):
            return
        vectors = np.asarray(vectors, dtype=np.float32)
        rows = [self.rows.setdefault(w, len(self.rows)) for w in words]
        if len(self.rows) > len(self._matrix):  # room for as many again
            grown = np.zeros((2 * len(self.rows), vectors.shape[1]), dtype=np.float32)
            if len(self._matrix):
                grown[: len(self._matrix)] = self._matrix
            self._matrix = grown
        self._matrix[rows] = vectors

    def take(self, words: Sequence[str]) -> np.ndarray:
        return self._matrix.take([self.rows[w] for w in words], axis=0)

    def every(self) -> tuple[list[str], np.ndarray]:
        """Every word, and their vectors in that order."""
        return list(self.rows), self._matrix[: len(self.rows)].copy()

    def clear(self) -> None:
        self.rows.clear()
        self._matrix = np.zeros((0, 0), dtype=np.float32)


class CrossLingual:
    """Cross-lingual word matching with one embedder. Safe to share between threads."""

    def __init__(self, embedder: Any, store: Path | None = None) -> None:
        self.embedder = embedder
        self._passages = _Vectors()
        self._queries = _Vectors()
        self._lock = Lock()
        self._store = store
        self._model = f"{getattr(embedder, 'name', '')}@{getattr(embedder, 'version', '')}"
        if store is not None:
            self._load(store)
        self._saved = len(self._passages)
        self._last_save = -SAVE_EVERY  # the first new words are written at once

    def _load(self, store: Path) -> None:
        try:
            with np.load(store, allow_pickle=False) as f:
                if str(f["model"]) != self._model:
                    return
                words, vectors = f["words"].tolist(), f["vectors"]
            if vectors.ndim != 2 or len(vectors) != len(words):
                return
            self._passages.update(words, vectors)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as error:
            if store.exists():
                _log.warning("word vectors in %s not read (%s); embedding them again", store, error)

    def _save(self, force: bool = False) -> None:
        """Write the corpus's word vectors when new ones came and the last write is old (or
        ``force``)."""
        if self._store is None:
            return
        with self._lock:
            now = time.monotonic()
            if len(self._passages) == self._saved:
                return
            if not force and now - self._last_save < SAVE_EVERY:
                return
            words, vectors = self._passages.every()
            self._saved, self._last_save = len(words), now
        tmp = self._store.with_name(f"{self._store.name}.{os.getpid()}.tmp.npz")
        try:
            self._store.parent.mkdir(parents=True, exist_ok=True)
            np.savez(tmp, words=np.array(words), vectors=vectors, model=np.array(self._model))
            os.replace(tmp, self._store)
        except OSError as error:  # a read-only index folder: keep them in memory only
            _log.info("word vectors not written to %s: %s", self._store, error)
            with contextlib.suppress(OSError):
                tmp.unlink()

    def flush(self) -> None:
        """Write the corpus's word vectors now if any came since the last write."""
        self._save(force=True)

    def embed_corpus(self, words: Sequence[str]) -> int:
        """Embed now those of the corpus's ``words`` not embedded yet, and write the file: what
        ``ReportQA.embed_corpus_words`` does ahead of the questions. Returns how many it
        embedded. The vectors are the ones a question's first use would embed (a word alone,
        as a passage), so no answer changes."""
        missing = self._embed_missing(words, query=False)
        if missing:
            self.flush()
        return len(missing)

    def missing_queries(self, words: Sequence[str]) -> list[str]:
        """Those of ``words`` (question words) not embedded yet, once each."""
        return self._missing(self._queries, words)

    def _missing(self, cache: _Vectors, words: Sequence[str]) -> list[str]:
        with self._lock:
            return [w for w in dict.fromkeys(words) if w not in cache]

    def remember_queries(self, words: Sequence[str], vectors: np.ndarray) -> None:
        """Question words embedded elsewhere (with their question, in one model call: see
        ``retrieval.hybrid``), as ``scores`` would have embedded them."""
        self._remember(self._queries, list(words), vectors)

    def _remember(self, cache: _Vectors, words: list[str], vectors: np.ndarray) -> None:
        with self._lock:
            if len(cache) > _MAX_CACHED:
                cache.clear()
                self._saved = -1
            cache.update(words, vectors)

    def _embed_missing(self, words: Sequence[str], query: bool) -> list[str]:
        """Embed and keep those of ``words`` not embedded yet; returns them."""
        cache = self._queries if query else self._passages
        missing = self._missing(cache, words)
        if missing:
            embed = self.embedder.embed_queries if query else self.embedder.embed_passages
            vectors = []
            for i in range(0, len(missing), 256):
                vectors.append(embed(missing[i : i + 256]))
            self._remember(cache, missing, np.concatenate(vectors))
            if not query:
                self._save()
        return missing

    def _vectors(self, words: Sequence[str], query: bool) -> np.ndarray:
        self._embed_missing(words, query)
        cache = self._queries if query else self._passages
        with self._lock:
            return cache.take(words)

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
        # each sentence's best word: a maximum over its run of columns
        column = {w: i for i, w in enumerate(vocabulary)}
        held = [j for j, words in enumerate(sentences) if words]
        runs = [column[w] for j in held for w in sentences[j]]
        starts = np.cumsum([0] + [len(sentences[j]) for j in held[:-1]])
        out[:, held] = np.maximum.reduceat(match[:, runs], starts, axis=1)
        return out
