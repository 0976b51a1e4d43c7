from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest

from reportqa import IndexMismatchError, InputError, ReportQA, Settings, pipeline
from reportqa.index.store import load_index
from reportqa.inputs import clean_question
from tests.conftest import fake_index


def test_first_open_builds_then_reuses(report_corpus: Path, tmp_path: Path) -> None:
    messages: list[str] = []
    settings = Settings(corpus=report_corpus, index=tmp_path / "ix")
    qa = ReportQA.open(settings, progress=messages.append)
    assert any("no index yet" in m for m in messages)
    assert qa.notices
    messages.clear()
    again = ReportQA.open(settings, progress=messages.append)
    assert messages == [] and again.notices == ()


def test_corpus_words_embedded_ahead_leave_answers_and_verdicts_as_they_were(
    report_corpus: Path, tmp_path: Path, report_qa: ReportQA, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``embed_corpus_words``, English and Kazakh questions and claims embed no word of
    the report (their own words only), and answer as a pipeline that embeds them at first use."""
    questions = ["How many tyres were made in 2024?", "Облыста неше колледж бар?"]
    claim = "The region produced 1400 buses in 2024."
    expected = [report_qa.ask(q).answer for q in questions], report_qa.check(claim).verdict
    settings = Settings(corpus=report_corpus, index=tmp_path / "ix")
    qa = ReportQA.open(settings)
    assert qa.embed_corpus_words(limit=10) is None  # over the limit: nothing ahead
    assert not (tmp_path / "ix" / "word-vectors.npz").exists()
    embedded = qa.embed_corpus_words()
    assert embedded is not None and embedded > 100
    assert (tmp_path / "ix" / "word-vectors.npz").exists()
    fresh = ReportQA.open(settings)
    passages: list[str] = []
    embed = fresh.embedder.embed_passages

    def counted(texts: list[str]) -> Any:
        passages.extend(texts)
        return embed(texts)

    monkeypatch.setattr(fresh.embedder, "embed_passages", counted)
    got = [fresh.ask(q).answer for q in questions], fresh.check(claim).verdict
    assert passages == []
    assert got == expected


def test_corpus_words_embedded_later_in_a_thread_and_a_failure_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    documents, data, embedder = fake_index(
        tmp_path / "corpus", tmp_path / "ix", info={"corpus_hash": "kamensk"}
    )
    settings = Settings(corpus=tmp_path / "corpus", index=tmp_path / "ix")
    qa = ReportQA(settings, tuple(documents), data, embedder)
    qa.embed_corpus_words_later().join(60)
    assert (tmp_path / "ix" / "word-vectors.npz").exists()

    def broken(limit: int | None = None) -> int:
        raise OSError("disk gone")

    monkeypatch.setattr(qa, "embed_corpus_words", broken)
    with caplog.at_level(logging.WARNING, logger="reportqa.pipeline"):
        qa.embed_corpus_words_later().join(60)
    assert "not embedded ahead" in caplog.text and "disk gone" in caplog.text
    with pytest.raises(InputError, match="word_vectors_ahead"):
        Settings.from_env(env={"REPORTQA_WORD_VECTORS_AHEAD": "-1"})


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("REPORTQA_CHUNK_OVERLAP", "-1", "chunk_overlap must be 0 to 10 sentences"),  # skipped some
        ("REPORTQA_CHUNK_OVERLAP", "5000", "chunk_overlap must be 0 to 10 sentences"),
        ("REPORTQA_PORT", "99999", "port must be 1 to 65535"),  # served on 99999 mod 65536
        ("REPORTQA_PORT", "0", "port must be 1 to 65535"),
        ("REPORTQA_LLM_TIMEOUT", "inf", "llm_timeout must be a positive number"),  # overflowed
    ],
)
def test_a_setting_out_of_range_is_a_clear_error(variable: str, value: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        Settings.from_env(env={variable: value})
    Settings.from_env(env={variable: {"REPORTQA_PORT": "8080"}.get(variable, "2")})


def test_changed_corpus_is_detected_rebuilt_and_reuses_vectors(
    report_corpus: Path, tmp_path: Path
) -> None:
    settings = Settings(corpus=report_corpus, index=tmp_path / "ix")
    ReportQA.open(settings)
    (report_corpus / "extra.md").write_text(
        "# Дополнение\n\nВ области открыт новый аэропорт.", encoding="utf-8"
    )
    messages: list[str] = []
    qa = ReportQA.open(settings, progress=messages.append)
    assert any("the corpus changed" in m for m in messages)
    # Everything of the report is reused; only the new file's chunk, sentence and words are new.
    assert any(re.search(r"embedded [1-9]\d? new texts", m) for m in messages), messages
    assert {d.id for d in qa.documents} == {"karaganda-industry.txt", "extra.md"}
    answer = qa.ask("Что открыто в области?")
    assert answer.retrieved[0].chunk.document == "extra.md"


def test_an_index_of_another_word_analysis_is_rebuilt_and_the_user_told(
    report_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index stores each word's key; when the language tables or the analysers that work keys
    out change, its keys are not the code's any more, so it is stale, as for a changed corpus."""
    settings = Settings(corpus=report_corpus, index=tmp_path / "ix")
    ReportQA.open(settings)
    assert load_index(settings.index).manifest["analysis"] == pipeline.analysis_version()
    monkeypatch.setattr(pipeline, "analysis_version", lambda: "another analysis")
    messages: list[str] = []
    qa = ReportQA.open(settings, progress=messages.append)
    assert any("the word analysis changed" in m for m in messages), messages
    assert load_index(settings.index).manifest["analysis"] == "another analysis"
    assert not qa.ask("Сколько вузов в области?").refused
    messages.clear()
    ReportQA.open(settings, progress=messages.append)
    assert messages == []


def test_truncated_index_is_rebuilt_and_the_user_told(report_corpus: Path, tmp_path: Path) -> None:
    settings = Settings(corpus=report_corpus, index=tmp_path / "ix")
    ReportQA.open(settings)
    faiss_file = load_index(settings.index).path / "chunks.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:50])
    messages: list[str] = []
    qa = ReportQA.open(settings, progress=messages.append)
    assert any("unusable" in m and "damaged" in m for m in messages)
    assert not qa.ask("Сколько вузов в области?").refused


def test_index_from_another_model_is_a_clear_error(report_corpus: Path, tmp_path: Path) -> None:
    settings = Settings(corpus=report_corpus, index=tmp_path / "ix")
    ReportQA.open(settings)
    other = settings.replace(embedding="sentence-transformers:/some/other-model")
    with pytest.raises(IndexMismatchError, match="run `reportqa index`"):
        ReportQA.open(other)


def test_an_index_asked_to_build_with_another_model_is_rebuilt_with_it(
    report_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``reportqa index --embedding …`` (``switch_embedding``) rebuilds an index of another
    model; a plain open still refuses it."""
    from tests.conftest import FakeEmbedder

    monkeypatch.setattr(pipeline, "load_embedder", lambda spec: FakeEmbedder(name=spec))
    settings = Settings(corpus=report_corpus, index=tmp_path / "ix", embedding="fake:a")
    ReportQA.open(settings)
    other = settings.replace(embedding="fake:b")
    with pytest.raises(IndexMismatchError):
        ReportQA.open(other)
    messages: list[str] = []
    qa = ReportQA.open(other, switch_embedding=True, progress=messages.append)
    assert qa.data.manifest["embedding"] == "fake:b"
    assert any("embedding model changed to fake:b" in m for m in messages)
    ReportQA.open(other)  # the index is now the model's


@pytest.mark.parametrize("bad", ["", "   \n\t ", "\x00\x01", None, 42])
def test_empty_or_non_text_questions_are_rejected(bad: object) -> None:
    with pytest.raises(InputError):
        clean_question(bad, 2000)


def test_overlong_question_is_rejected_with_the_limit() -> None:
    with pytest.raises(InputError, match="limit is 2000"):
        clean_question("вопрос " * 20000, 2000)


def test_control_characters_are_stripped() -> None:
    assert clean_question("Сколько\x00 вузов\x1b?\u200b\n", 2000) == "Сколько вузов ?"


def test_ask_rejects_bad_input_with_a_project_error(report_qa: ReportQA) -> None:
    with pytest.raises(InputError):
        report_qa.ask("  ")
    with pytest.raises(InputError):
        report_qa.ask("x" * 100_000)


@pytest.mark.parametrize(
    "typed, clean",
    [
        ("Сколько ш\u00adин произведено?", "Сколько шин произведено?"),  # a soft hyphen
        ("Сколько шин\u202e произведено?", "Сколько шин произведено?"),  # a direction override
        ("Сколько\u2060шин?", "Сколькошин?"),  # a word joiner joins
        ("Cколько шин?", "Сколько шин?"),  # a Latin C in a Cyrillic word
        ("Сколько вузов в oбласти?", "Сколько вузов в области?"),
        ("Қанша бiлiм беру ұйымы бар?", "Қанша білім беру ұйымы бар?"),  # Kazakh with a Latin i
        ("How much did Qаrmet invest?", "How much did Qarmet invest?"),  # a Cyrillic а
        ("QARMET и Кармет", "QARMET и Кармет"),  # one script a word: left as typed
        ("Сколько шин? (Шrift)", "Сколько шин? (Шrift)"),  # neither script spells it all
    ],
)
def test_invisible_characters_and_mixed_scripts_are_what_the_reader_sees(
    typed: str, clean: str
) -> None:
    assert clean_question(typed, 2000) == clean


def test_undecodable_argument_bytes_are_replaced_not_fatal() -> None:
    assert clean_question("Сколько\udcff вузов?", 2000) == "Сколько\ufffd вузов?"


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("көмір өндіру қанша пайызға өсті", "комир ондиру канша пайызга ости"),
        ("Картехке ақша қай жылдары бөлінеді", "картехке акша кай жылдары болинеди"),
    ],
    ids=["coal-output-rise", "techhub-funding-years"],
)
def test_kazakh_typed_on_a_russian_keyboard_is_answered_as_written(
    report_qa: ReportQA, written: str, typed: str
) -> None:
    # a phone's Russian keyboard has no ө, і, қ: the question means the same and gets the same
    # answer (before, the first was answered from another sentence and the second refused)
    as_written, as_typed = report_qa.ask(written), report_qa.ask(typed)
    assert not as_written.refused and not as_typed.refused
    assert as_typed.language == "kk"
    assert as_typed.answer == as_written.answer
