"""Retrieval: dense and lexical search fused by a fitted model, behind a LangChain retriever.

The retriever (``retriever.py``) is imported on first use: LangChain takes about a second to
import, and answering a question does not need it.
"""

from typing import TYPE_CHECKING, Any

from .hybrid import HybridSearcher

if TYPE_CHECKING:
    from .retriever import HybridRetriever, hit_to_document

__all__ = ["HybridSearcher", "HybridRetriever", "hit_to_document"]


def __getattr__(name: str) -> Any:
    if name in ("HybridRetriever", "hit_to_document"):
        from . import retriever

        return getattr(retriever, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
