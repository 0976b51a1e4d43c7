"""An ``Embedder`` (``embeddings.py``) seen through LangChain's ``Embeddings`` interface.

Apart from ``embeddings.py`` because LangChain takes about a second to import, and indexing and
answering call the embedder itself.

Left out: asynchronous embedding of its own (LangChain runs the synchronous one in a thread).
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from .embeddings import Embedder

__all__ = ["LangChainEmbeddings"]


class LangChainEmbeddings(Embeddings):
    """An ``Embedder`` seen through LangChain's ``Embeddings`` interface."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_queries([text])[0].tolist()
