"""An archive's index: approximate dense search above a threshold, damage found by size on load
and by checksum on demand (``verify_index``)."""

from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np
import pytest

from reportqa.errors import IndexCorruptError
from reportqa.index.chunking import chunk_documents
from reportqa.index.corpus import load_corpus
from reportqa.index.dense import dense_spec, make_dense_index
from reportqa.index.store import build_index, load_index, verify_index
from reportqa.retrieval import HybridSearcher

from .conftest import CORPUS, FakeEmbedder


def chunks():
    return chunk_documents(load_corpus(CORPUS))


def test_hnsw_finds_what_exact_search_finds() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(40, 32))
    vectors = centres[rng.integers(40, size=3000)] + 0.4 * rng.normal(size=(3000, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    queries = vectors[rng.integers(3000, size=100)] + 0.05 * rng.normal(size=(100, 32))
    queries = queries.astype(np.float32)
    exact = make_dense_index(vectors, 32, dense_spec(3000, threshold=10**9))
    approximate = make_dense_index(vectors, 32, dense_spec(3000, threshold=1000))
    assert type(exact).__name__ == "IndexFlatIP"
    assert type(approximate).__name__ == "IndexHNSWFlat"
    _, want = exact.search(queries, 50)
    _, got = approximate.search(queries, 50)
    recall = np.mean([len(set(w) & set(g)) / 50 for w, g in zip(want, got)])
    assert recall >= 0.99


def test_index_above_the_threshold_is_approximate_and_ranks_as_exact(tmp_path: Path) -> None:
    exact = build_index(tmp_path / "exact", chunks(), FakeEmbedder(), {})
    build_index(tmp_path / "ann", chunks(), FakeEmbedder(), {}, ann_threshold=5)
    ann = load_index(tmp_path / "ann")
    assert exact.manifest["dense_index"]["type"] == "flat"
    assert ann.manifest["dense_index"] == dense_spec(10, threshold=5)
    assert ann.manifest["dense_index"]["type"] == "hnsw"
    loaded = faiss.downcast_index(ann.chunk_index)
    assert type(loaded).__name__ == "IndexHNSWFlat" and loaded.ntotal == 10
    assert loaded.hnsw.efSearch == 128  # FAISS does not store it: applied again on load
    fake = FakeEmbedder()
    for question in ("Сколько колледжей в области?", "инвестиции в металлургию", "шины"):
        want = HybridSearcher(exact, fake, dense_weight=0.5, sentence_weight=0.2)
        got = HybridSearcher(ann, fake, dense_weight=0.5, sentence_weight=0.2)
        assert [h.chunk.id for h in got.search(question, 5)] == [
            h.chunk.id for h in want.search(question, 5)
        ]
        assert [h.score for h in got.search(question, 5)] == [
            h.score for h in want.search(question, 5)
        ]


def test_build_records_where_its_time_went(tmp_path: Path) -> None:
    data = build_index(tmp_path, chunks(), FakeEmbedder(), {})
    seconds = data.manifest["build_seconds"]
    assert {"embed", "analyse", "dense_index", "write"} <= set(seconds)
    assert all(v >= 0 for v in seconds.values())


def test_a_flipped_byte_is_found_by_verify_not_by_load(tmp_path: Path) -> None:
    data = build_index(tmp_path, chunks(), FakeEmbedder(), {})
    path = data.path / "sentences.npy"
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0x40  # inside the last vector: same size, another value
    path.write_bytes(bytes(raw))
    load_index(tmp_path)  # sizes agree: the quick check does not read the file's bytes
    with pytest.raises(IndexCorruptError, match="sentences.npy is damaged"):
        verify_index(tmp_path)


def test_verify_accepts_an_intact_index(tmp_path: Path) -> None:
    build_index(tmp_path, chunks(), FakeEmbedder(), {})
    assert verify_index(tmp_path).chunk_index.ntotal == 10


def test_an_edited_manifest_fails_its_checksum(tmp_path: Path) -> None:
    data = build_index(tmp_path, chunks(), FakeEmbedder(), {})
    manifest_path = data.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["chunks.faiss"]["size"] += 1
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match="checksum differs from manifest.sha256"):
        load_index(tmp_path)


def test_an_index_without_a_manifest_checksum_is_hashed_in_full(tmp_path: Path) -> None:
    # As written before manifest.sha256 existed: a flipped byte is found on load.
    data = build_index(tmp_path, chunks(), FakeEmbedder(), {})
    (data.path / "manifest.sha256").unlink()
    load_index(tmp_path)
    path = data.path / "chunks.jsonl"
    raw = bytearray(path.read_bytes())
    raw[10] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(IndexCorruptError, match="chunks.jsonl is damaged"):
        load_index(tmp_path)


def test_index_verify_command_reports_damage(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportqa.cli import main
    from reportqa.config import Settings

    # Named as the default model: --verify loads no model, so a fake one's vectors will do.
    index = tmp_path / "ix"
    data = build_index(index, chunks(), FakeEmbedder(name=Settings().embedding), {})
    args = ["index", "--verify", "--corpus", str(CORPUS), "--index", str(index)]
    ok = CliRunner().invoke(main, args)
    assert ok.exit_code == 0 and "is intact (10 chunks, flat dense search)" in ok.output
    path = data.path / "chunks.faiss"
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0x10
    path.write_bytes(bytes(raw))
    bad = CliRunner().invoke(main, args)
    assert bad.exit_code == 1
    assert "chunks.faiss is damaged" in bad.output and "reportqa index" in bad.output
