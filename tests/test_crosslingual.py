"""Cross-lingual word matching keeps the corpus's word vectors on disk, and the lexicon spares the
model call for the words it translates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reportqa.evidence import crosslingual as module
from reportqa.evidence.crosslingual import CrossLingual
from tests.conftest import FakeEmbedder

REPORT = [["колледжа", "вузов"], ["автобусов", "шин", "производство"]]


@pytest.fixture(autouse=True)
def _write_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "SAVE_EVERY", 0.0)


def test_a_new_process_reads_the_word_vectors_instead_of_embedding_them(tmp_path: Path) -> None:
    store = tmp_path / "word-vectors.npz"
    first = FakeEmbedder()
    expected = CrossLingual(first, store).scores(["colleges"], REPORT)
    assert first.calls == 2 and store.exists()  # the question's words, then the report's
    again = FakeEmbedder()
    scores = CrossLingual(again, store).scores(["colleges"], REPORT)
    assert again.calls == 1  # only the question's words
    assert np.allclose(scores, expected)


def test_the_first_new_words_are_written_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-question process ends within seconds: its vocabulary must not wait for the next
    write."""
    monkeypatch.setattr(module, "SAVE_EVERY", 3600.0)
    store = tmp_path / "word-vectors.npz"
    CrossLingual(FakeEmbedder(), store).scores(["colleges"], REPORT)
    assert store.exists()


def test_flush_writes_the_words_a_recent_write_held_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "SAVE_EVERY", 3600.0)
    store = tmp_path / "word-vectors.npz"
    matcher = CrossLingual(FakeEmbedder(), store)
    matcher.scores(["colleges"], REPORT[:1])  # written at once: the first new words
    matcher.scores(["colleges"], REPORT[1:])  # held back: the last write is too recent
    assert len(CrossLingual(FakeEmbedder(), store)._passages) == 2
    matcher.flush()
    assert len(CrossLingual(FakeEmbedder(), store)._passages) == 5


def test_the_corpus_words_embedded_ahead_spare_every_later_model_call_but_the_questions(
    tmp_path: Path,
) -> None:
    store = tmp_path / "word-vectors.npz"
    embedder = FakeEmbedder()
    matcher = CrossLingual(embedder, store)
    assert matcher.embed_corpus([w for words in REPORT for w in words] + ["вузов"]) == 5
    assert embedder.calls == 1 and store.exists()
    assert matcher.embed_corpus(REPORT[0]) == 0 and embedder.calls == 1
    expected = CrossLingual(FakeEmbedder()).scores(["colleges"], REPORT)
    again = FakeEmbedder()
    scores = CrossLingual(again, store).scores(["colleges"], REPORT)
    assert again.calls == 1  # the question's words only
    assert np.allclose(scores, expected)


def test_another_models_vectors_are_not_used(tmp_path: Path) -> None:
    store = tmp_path / "word-vectors.npz"
    CrossLingual(FakeEmbedder(), store).scores(["colleges"], REPORT)
    other = FakeEmbedder(name="fake:another-model")
    CrossLingual(other, store).scores(["colleges"], REPORT)
    assert other.calls == 2


def test_a_damaged_file_is_embedded_again_and_replaced(tmp_path: Path) -> None:
    store = tmp_path / "word-vectors.npz"
    store.write_bytes(b"not an npz file")
    embedder = FakeEmbedder()
    CrossLingual(embedder, store).scores(["colleges"], REPORT)
    assert embedder.calls == 2
    assert CrossLingual(FakeEmbedder(), store)._passages  # a readable file took its place


@pytest.mark.parametrize("damage", ["truncated", "empty", "bytes changed"])
def test_a_written_file_damaged_later_is_embedded_again_and_replaced(
    tmp_path: Path, damage: str
) -> None:
    """A zip cut short, emptied or with changed bytes is read as no vectors, not an error that
    stops every command."""
    store = tmp_path / "word-vectors.npz"
    CrossLingual(FakeEmbedder(), store).scores(["colleges"], REPORT)
    data = store.read_bytes()
    if damage == "truncated":
        store.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        store.write_bytes(b"")
    else:  # inside the stored array, so that the zip's checksum no longer holds
        at = len(data) // 2
        store.write_bytes(data[:at] + bytes(b ^ 0xFF for b in data[at : at + 16]) + data[at + 16 :])
    embedder = FakeEmbedder()
    CrossLingual(embedder, store).scores(["colleges"], REPORT)
    assert embedder.calls == 2  # the corpus's words again, and the question's
    assert CrossLingual(FakeEmbedder(), store)._passages


def test_a_folder_it_cannot_write_keeps_the_vectors_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    embedder = FakeEmbedder()
    matcher = CrossLingual(embedder, blocker / "word-vectors.npz")  # a file is in the way
    matcher.scores(["colleges"], REPORT)
    matcher.scores(["colleges"], REPORT)
    assert embedder.calls == 2


def test_a_claim_word_the_lexicon_translates_is_not_embedded() -> None:
    from reportqa.check.factcheck import ClaimWords

    embedder = FakeEmbedder()
    report = ["шин", "производство", "автобусов"]
    words = ClaimWords(CrossLingual(embedder), ["tyres"], report, True, ("en", "ru"))
    assert embedder.calls == 0
    assert words.similarity("tyres", "шин") == 1.0
    assert words.similarity("tyres", "автобусов") == 0.0
    produced = ClaimWords(CrossLingual(embedder), ["producing"], report, True, ("en", "ru"))
    assert produced.similarity("producing", "производство") == 1.0  # a derivation, by prefix


def test_word_vectors_kept_as_rows_return_each_words_latest_vector() -> None:
    """Words come in batches (the matrix grows), a word may come again with a new vector, and
    every word's vector is the last one it came with, however they are taken."""
    kept = module._Vectors()
    rng = np.random.default_rng(5)
    latest: dict[str, np.ndarray] = {}
    for batch in range(6):
        words = [f"w{(batch * 7 + i) % 25}" for i in range(batch + 3)]
        vectors = rng.normal(size=(len(words), 4)).astype(np.float32)
        kept.update(words, vectors)
        latest.update(zip(words, vectors))
    asked = sorted(latest, reverse=True) + ["w3", "w3"]
    assert np.array_equal(kept.take(asked), np.stack([latest[w] for w in asked]))
    words, vectors = kept.every()
    assert sorted(words) == sorted(latest) and len(kept) == len(latest)
    assert np.array_equal(vectors, np.stack([latest[w] for w in words]))
    kept.update([], np.zeros((0, 4)))
    assert len(kept) == len(latest)
