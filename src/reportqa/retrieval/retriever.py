"""The LangChain face of retrieval: ``HybridSearcher`` as a ``BaseRetriever``, whose documents
carry their provenance in their metadata.

Apart from ``hybrid.py`` because LangChain takes about a second to import: answering a question
runs the searcher itself, and only a caller that composes LangChain runnables pays for this.

Left out: asynchronous retrieval of its own (LangChain runs the synchronous one in a thread).
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ..models import Hit
from .hybrid import HybridSearcher

__all__ = ["HybridRetriever", "hit_to_document"]


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
