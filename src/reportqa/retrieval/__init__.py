"""Retrieval: dense and lexical search fused by a fitted model, behind a LangChain retriever."""

from .hybrid import HybridRetriever, HybridSearcher, hit_to_document

__all__ = ["HybridSearcher", "HybridRetriever", "hit_to_document"]
