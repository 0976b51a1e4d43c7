"""From corpus files to an index on disk: documents, chunks, embeddings, word analysis, BM25
statistics and the versioned store."""

from .chunking import chunk_documents
from .corpus import corpus_hash, load_corpus
from .embeddings import load_embedder
from .store import IndexData, build_index, load_index, verify_index

__all__ = [
    "load_corpus",
    "corpus_hash",
    "chunk_documents",
    "load_embedder",
    "IndexData",
    "build_index",
    "load_index",
    "verify_index",
]
