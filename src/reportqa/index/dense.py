"""The FAISS index of chunk vectors: exact search for a report, approximate (HNSW) for an archive.

Below ``ANN_THRESHOLD`` chunks the index is ``IndexFlatIP``: exact, and a search over a few
thousand vectors costs less than a millisecond. From ``ANN_THRESHOLD`` on it is
``IndexHNSWFlat`` (inner product), whose search cost grows with the logarithm of the size; its
settings (``M``, ``EF_CONSTRUCTION``, ``EF_SEARCH``) keep recall@50 at or above 0.99 of exact
search (``benchmarks/bench_archive.py`` measures both the recall and where the two cross). The
choice and its settings are recorded in the manifest (``dense_spec``) and applied again on load,
since FAISS does not store ``efSearch``.

Left out: IVF and product quantisation. HNSW keeps the full vectors (1.5 KB a chunk with
multilingual-e5-small), which is affordable up to a few hundred thousand chunks in memory; an IVF
index needs training, and quantised vectors cost recall that the fusion model would have to
learn around.
"""

from __future__ import annotations

from typing import Any

import faiss
import numpy as np

__all__ = ["ANN_THRESHOLD", "dense_spec", "make_dense_index", "configure_dense_index"]

# Chunks from which HNSW replaces exact search: one exact search of 50 neighbours costs more than
# HNSW's from between 5,000 and 10,000 chunks on (benchmarks/bench_archive.py --ann-only, two runs
# on a loaded 2-core machine: 2,000 chunks exact 0.5-1.4 ms, HNSW 0.7-2.1 ms; 5,000 2.8 / 3.8 ms;
# 10,000 27-97 / 3.5-5.7 ms; 100,000 50 / 1.2 ms; recall@50 0.9935-0.9998).
ANN_THRESHOLD = 10_000
M = 32
EF_CONSTRUCTION = 200
EF_SEARCH = 128


def dense_spec(n: int, threshold: int = ANN_THRESHOLD) -> dict[str, Any]:
    """What kind of index ``n`` chunks get (recorded in the manifest)."""
    if n < threshold:
        return {"type": "flat", "ann_threshold": threshold}
    return {
        "type": "hnsw",
        "ann_threshold": threshold,
        "m": M,
        "ef_construction": EF_CONSTRUCTION,
        "ef_search": EF_SEARCH,
    }


def make_dense_index(vectors: np.ndarray, dim: int, spec: dict[str, Any]) -> faiss.Index:
    """An inner-product index of ``vectors`` of the kind ``spec`` names."""
    index: faiss.Index
    if spec["type"] == "hnsw":
        hnsw = faiss.IndexHNSWFlat(dim, int(spec["m"]), faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = int(spec["ef_construction"])
        index = hnsw
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    configure_dense_index(index, spec)
    return index


def configure_dense_index(index: faiss.Index, spec: dict[str, Any]) -> faiss.Index:
    """Apply the search settings of ``spec`` to a loaded index (FAISS does not store them)."""
    if spec.get("type") == "hnsw":
        hnsw: Any = faiss.downcast_index(index)
        hnsw.hnsw.efSearch = int(spec["ef_search"])
    return index
