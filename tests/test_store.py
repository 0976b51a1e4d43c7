from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from reportqa.errors import IndexCorruptError, IndexMismatchError, IndexWriteError
from reportqa.index.analysis import analyse_chunks
from reportqa.index.chunking import chunk_documents
from reportqa.index.corpus import load_corpus
from reportqa.index.store import FORMAT_VERSION, build_index, load_index
from reportqa.lang.tokens import lexical_terms

from .conftest import CORPUS, FakeEmbedder


def chunks():
    return chunk_documents(load_corpus(CORPUS))


def test_build_then_load_round_trips_chunks_and_vectors(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    built = build_index(tmp_path, chunks(), fake_embedder, {"corpus_hash": "h"})
    loaded = load_index(tmp_path, expect_embedding="fake:word-lengths")
    assert loaded.chunks == built.chunks == tuple(chunks())
    assert loaded.chunk_index.ntotal == 10
    vectors = loaded.chunk_index.reconstruct_n(0, 10)
    np.testing.assert_allclose(
        vectors, fake_embedder.embed_passages([c.text for c in chunks()]), atol=1e-6
    )
    assert loaded.sentence_vectors.shape == (44, fake_embedder.dim)
    m = loaded.manifest
    assert m["format"] == FORMAT_VERSION == 3
    assert m["embedding"] == "fake:word-lengths" and m["dimension"] == 8
    assert m["corpus_hash"] == "h"
    assert {"python", "faiss", "numpy"} <= set(m["versions"])
    assert set(m["files"]) == {"chunks.faiss", "sentences.npy", "chunks.jsonl", "word-keys.json"}
    assert m["counts"] == {"chunks": 10, "sentences": 44}


def test_index_round_trips_each_chunks_analysis(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ru.txt").write_text(
        "Компания «Северсталь» построит завод в Новосибирске.\n\nQARMET-те 52 колледжа.",
        encoding="utf-8",
    )
    (corpus / "kk.txt").write_text("Облыста 52 колледждер бар.", encoding="utf-8")
    made = chunk_documents(load_corpus(corpus))
    languages = {"ru.txt": "ru", "kk.txt": "kk"}
    build_index(tmp_path / "index", made, fake_embedder, {}, languages=languages)
    loaded = load_index(tmp_path / "index")

    assert loaded.analyses == tuple(analyse_chunks(made, languages))
    by_doc = {(c.document, c.paragraph): a for c, a in zip(loaded.chunks, loaded.analyses)}
    ru_first, ru_second, kk = by_doc["ru.txt", 1], by_doc["ru.txt", 2], by_doc["kk.txt", 1]
    text = load_corpus(corpus)[1].text  # ru.txt
    for t in ru_first.tokens + ru_second.tokens:
        assert text[t.start : t.end] == t.text  # offsets into the document, not the chunk
    assert [t.key for t in ru_second.tokens if t.kind == "word"] == ["qarmet", "тот", "колледж"]
    found = {(e.kind, e.text) for e in ru_first.entities}
    assert {("ORG", "Северсталь"), ("LOC", "Новосибирске"), ("NAME", "Северсталь")} <= found
    assert [t.key for t in kk.tokens if t.kind == "word"] == ["облыс", "колледж", "бар"]
    assert kk.entities == ()  # no Russian NER for a Kazakh document, and nothing quoted
    # BM25 terms are the chunk's lexical terms in its document's language.
    for chunk, terms in zip(loaded.chunks, loaded.tokens):
        assert terms == tuple(lexical_terms(chunk.text, languages[chunk.document]))


def test_index_holds_no_pickle(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    build_index(tmp_path, chunks(), fake_embedder, {})
    names = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert not any(n.endswith((".pkl", ".pickle")) for n in names)
    for npy in tmp_path.rglob("*.npy"):
        np.load(npy, allow_pickle=False)  # would raise for object arrays


def test_unchanged_text_reuses_stored_vectors(tmp_path: Path) -> None:
    first = FakeEmbedder()
    data = build_index(tmp_path, chunks(), first, {})
    counts = data.manifest["counts"]
    assert first.embedded == counts["chunks"] + counts["sentences"]
    second = FakeEmbedder()
    build_index(tmp_path, chunks(), second, {})
    assert second.embedded == 0


def test_failed_build_leaves_previous_index_usable(tmp_path: Path) -> None:
    build_index(tmp_path, chunks(), FakeEmbedder(), {"corpus_hash": "old"})

    class Exploding(FakeEmbedder):
        def embed_passages(self, texts: list[str]) -> np.ndarray:
            raise RuntimeError("disk full")

    other = chunk_documents(load_corpus(CORPUS), max_chars=150)
    with pytest.raises(RuntimeError, match="disk full"):
        build_index(tmp_path, other, Exploding(), {"corpus_hash": "new"})
    loaded = load_index(tmp_path)
    assert loaded.manifest["corpus_hash"] == "old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_old_versions_are_removed_after_a_successful_build(tmp_path: Path) -> None:
    build_index(tmp_path, chunks(), FakeEmbedder(), {})
    build_index(tmp_path, chunks(), FakeEmbedder(), {})
    versions = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(versions) == 1
    assert (tmp_path / "CURRENT").read_text().strip() == versions[0].name


def test_truncated_faiss_file_is_detected(tmp_path: Path) -> None:
    data = build_index(tmp_path, chunks(), FakeEmbedder(), {})
    faiss_file = data.path / "chunks.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexCorruptError, match="damaged"):
        load_index(tmp_path)


def test_manifest_from_another_model_is_a_mismatch(tmp_path: Path) -> None:
    build_index(tmp_path, chunks(), FakeEmbedder(name="fake:other"), {})
    with pytest.raises(
        IndexMismatchError, match="built with model fake:other, settings ask for fake:word-lengths"
    ):
        load_index(tmp_path, expect_embedding="fake:word-lengths")


def test_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(IndexCorruptError, match="reportqa index"):
        load_index(tmp_path / "none")


def test_damaged_manifest_is_corrupt_not_a_crash(tmp_path: Path) -> None:
    data = build_index(tmp_path, chunks(), FakeEmbedder(), {})
    (data.path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError):
        load_index(tmp_path)
    (data.path / "manifest.json").write_text(json.dumps([1, 2]), encoding="utf-8")
    with pytest.raises(IndexCorruptError):
        load_index(tmp_path)


def test_unwritable_index_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "ix"
    blocker.write_text("a file where the index folder should be")
    with pytest.raises(IndexWriteError, match="cannot write the index"):
        build_index(blocker, chunks(), FakeEmbedder(), {})
    assert blocker.read_text().startswith("a file")


def test_each_distinct_text_is_embedded_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # A one-sentence paragraph is its own sentence; the same paragraph in two files is one text.
    (corpus / "a.txt").write_text(
        "Одно предложение.\n\nДва слова. Три слова тут.", encoding="utf-8"
    )
    (corpus / "b.txt").write_text("Одно предложение.", encoding="utf-8")
    made = chunk_documents(load_corpus(corpus))
    embedder = FakeEmbedder()
    data = build_index(tmp_path / "index", made, embedder, {})
    texts = {c.text for c in made} | {s.text for c in made for s in c.sentences}
    assert embedder.embedded == len(texts) == 4
    assert data.manifest["counts"] == {"chunks": 3, "sentences": 4}
    # Every chunk and sentence still has its own vector, the same as embedding it alone.
    for chunk, rows in zip(data.chunks, data.sentence_rows):
        vector = data.chunk_index.reconstruct(chunk.id)
        np.testing.assert_allclose(vector, FakeEmbedder().embed_passages([chunk.text])[0])
        for sentence, row in zip(chunk.sentences, rows):
            np.testing.assert_allclose(
                data.sentence_vectors[row], FakeEmbedder().embed_passages([sentence.text])[0]
            )


def test_without_sentence_vectors_only_chunks_are_embedded(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    data = build_index(tmp_path, chunks(), embedder, {"sentence_vectors": False})
    assert embedder.embedded == len({c.text for c in chunks()}) == 10
    assert data.manifest["sentence_vectors"] is False
    assert load_index(tmp_path).sentence_vectors.shape == (44, embedder.dim)
    for rows in data.sentence_rows:
        for row in rows:  # the first chunk holding a sentence lends it its vector
            owner = next(c for c, rs in zip(data.chunks, data.sentence_rows) if row in rs)
            np.testing.assert_allclose(
                data.sentence_vectors[row], data.chunk_index.reconstruct(owner.id)
            )
    # Turned on again, sentences are embedded: their stand-in vectors are not reused.
    again = FakeEmbedder()
    data = build_index(tmp_path, chunks(), again, {})
    sentences = {s.text for c in chunks() for s in c.sentences} - {c.text for c in chunks()}
    assert again.embedded == len(sentences)
    row = data.sentence_rows[0][0]
    np.testing.assert_allclose(
        data.sentence_vectors[row],
        FakeEmbedder().embed_passages([data.chunks[0].sentences[0].text])[0],
    )


def test_index_without_stored_terms_works_them_out(tmp_path: Path) -> None:
    # As written before the BM25 terms were stored: the same terms, from the analyses.
    import hashlib

    data = build_index(tmp_path, chunks(), FakeEmbedder(), {})
    path = data.path / "chunks.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(r["terms"] for r in records)
    path.write_text(
        "".join(json.dumps({k: v for k, v in r.items() if k != "terms"}) + "\n" for r in records),
        encoding="utf-8",
    )
    manifest = json.loads((data.path / "manifest.json").read_text())
    raw = path.read_bytes()
    manifest["files"]["chunks.jsonl"] = {
        "size": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    (data.path / "manifest.json").write_text(json.dumps(manifest))
    (data.path / "manifest.sha256").unlink()
    assert load_index(tmp_path).tokens == data.tokens
