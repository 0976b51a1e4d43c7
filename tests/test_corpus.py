from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from reportqa.config import Settings
from reportqa.errors import CorpusError
from reportqa.index.chunking import chunk_documents
from reportqa.index.corpus import (
    Skipped,
    corpus_hash,
    load_corpus,
    read_corpus,
    split_paragraphs,
)
from reportqa.index.store import build_index
from reportqa.messages import notice_text, read_notices
from reportqa.switching import load_serving

from .conftest import CORPUS, KAMENSK, REPORT, SHARED, FakeEmbedder, needs_shared


@needs_shared("report/karaganda-industry.txt")
def test_shipped_report_is_the_source_verbatim() -> None:
    assert REPORT.read_bytes() == (SHARED / "report" / "karaganda-industry.txt").read_bytes()


def test_report_paragraphs_numbered_from_one_in_body_order() -> None:
    (doc,) = load_corpus(CORPUS)
    assert doc.id == "karaganda-industry.txt"
    assert len(doc.paragraphs) == 10
    assert doc.paragraphs[0].number == 1
    assert doc.paragraphs[0].text.startswith("В Карагандинской области последовательно")
    assert doc.paragraphs[9].text.startswith("В рамках Года рабочих профессий")
    for p in doc.paragraphs:
        assert doc.text[p.start : p.end] == p.text


def test_metadata_lives_beside_the_body() -> None:
    (doc,) = load_corpus(CORPUS)
    assert doc.source == "BAQ.kz"
    assert doc.language == "ru"
    assert doc.date == "2025"
    assert doc.title and doc.title not in doc.text
    assert doc.text == REPORT.read_text(encoding="utf-8")


def test_other_text_files_are_indexed_and_meta_json_is_not(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Первый абзац.\n\nВторой абзац.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("# Заголовок\n\nТекст.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"title": "A"}', encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y", encoding="utf-8")
    docs = load_corpus(tmp_path)
    assert [d.id for d in docs] == ["a.txt", "sub/b.md"]
    assert docs[0].title == "A"
    assert docs[1].title == "Заголовок"
    assert [p.number for p in docs[0].paragraphs] == [1, 2]


def test_paragraph_split_tolerates_crlf_and_blank_lines_with_spaces() -> None:
    text = "один\r\n\r\nдва\n   \n\n три "
    assert [p.text for p in split_paragraphs(text)] == ["один", "два", "три"]
    for p in split_paragraphs(text):
        assert text[p.start : p.end] == p.text


def test_empty_corpus_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="holds no text"):
        load_corpus(tmp_path)


def test_missing_corpus_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_invalid_utf8_is_left_out_and_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Первый абзац.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes("строка\nещё строка\n".encode() + b"\xff\xfe broken")
    corpus = read_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["a.txt"]
    (skipped,) = corpus.skipped
    assert skipped.document == "bad.txt"
    assert skipped.reason.startswith("is not valid UTF-8 (line 3, byte 33): convert it")
    # The all-or-nothing form still stops at it, with the file's path.
    with pytest.raises(CorpusError, match=r"bad\.txt is not valid UTF-8 \(line 3"):
        load_corpus(tmp_path)


def test_every_unreadable_kind_of_file_is_left_out_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("# Отчёт\n\nТекст.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text(" \n\n", encoding="utf-8")
    (tmp_path / "ctl.txt").write_text("текст\x07 с сигналом", encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"not a pdf at all")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 broken")
    (tmp_path / "meta.txt").write_text("Текст.", encoding="utf-8")
    (tmp_path / "meta.txt.meta.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "big.txt").write_text("Абзац.\n\n" * 2000, encoding="utf-8")
    (tmp_path / "c1.txt").write_text(
        "Директор \x85 Иван Петров.", encoding="utf-8"
    )  # cp1252 read as latin-1
    (tmp_path / "typed.txt").write_text("Текст.", encoding="utf-8")
    (tmp_path / "typed.txt.meta.json").write_text('{"title": {"a": 1}}', encoding="utf-8")
    (tmp_path / "bell.txt").write_text("Текст.", encoding="utf-8")
    (tmp_path / "bell.txt.meta.json").write_text('{"title": "A\\u0007"}', encoding="utf-8")
    os.mkdir(tmp_path / "named")
    (tmp_path / "named" / os.fsdecode(b"caf\xe9.txt")).write_text("Текст.", encoding="utf-8")
    corpus = read_corpus(tmp_path, max_mb=0.01)
    assert [d.id for d in corpus.documents] == ["good.md"]
    reasons = {s.document: s.reason for s in corpus.skipped}
    assert list(reasons) == sorted(reasons)  # in path order, as the documents
    assert reasons["empty.txt"] == "holds no text: put text in it or remove it"
    assert reasons["ctl.txt"].startswith("holds a control character (U+0007) on line 1")
    assert reasons["broken.pdf"].startswith("cannot be read as a PDF")
    assert reasons["broken.docx"].startswith("cannot be read as a DOCX")
    assert reasons["meta.txt"].startswith("has unusable metadata: ")
    assert "meta.txt.meta.json is not valid JSON" in reasons["meta.txt"]
    assert reasons["big.txt"].startswith("is 0.0 MB, over the limit of 0.01 MB")
    assert reasons["c1.txt"].startswith("holds a control character (U+0085) on line 1")
    assert 'typed.txt.meta.json: "title" must be text, got {"a": 1}' in reasons["typed.txt"]
    assert 'bell.txt.meta.json: "title" holds a control character' in reasons["bell.txt"]
    # a name the file system holds in bytes that are not UTF-8 (from a zip, a Windows copy)
    assert reasons["named/caf\ufffd.txt"] == "its name is not valid UTF-8: rename the file"


def test_a_folder_of_unreadable_files_is_an_error_naming_each(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\xff")
    (tmp_path / "broken.pdf").write_bytes(b"not a pdf at all")
    with pytest.raises(CorpusError) as caught:
        read_corpus(tmp_path)
    message = str(caught.value)
    assert "holds no text that can be read: bad.txt is not valid UTF-8 (line 1" in message
    assert "; broken.pdf cannot be read as a PDF" in message


def test_a_skipped_file_is_a_coded_notice_in_every_language() -> None:
    skipped = Skipped("bad.txt", "is not valid UTF-8 (line 3, byte 34): convert it to UTF-8")
    english = notice_text(skipped.notice, "en")
    assert english == (
        "bad.txt was left out of the corpus because it is not valid UTF-8 (line 3, byte 34): "
        "convert it to UTF-8"
    )
    assert read_notices(english) == (skipped.notice,)
    assert notice_text(skipped.notice, "ru").startswith("файл bad.txt не включён в корпус")
    assert notice_text(skipped.notice, "kk").startswith("bad.txt файлы корпусқа енгізілмеді")


def test_the_server_s_load_leaves_a_broken_file_out_and_logs_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder, index = tmp_path / "corpus", tmp_path / "index"
    folder.mkdir()
    (folder / "kamensk.txt").write_text(KAMENSK, encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    corpus = read_corpus(folder)
    embedder = FakeEmbedder()
    info = {"corpus_hash": corpus_hash(corpus.documents)}
    build_index(index, chunk_documents(corpus.documents), embedder, info)
    settings = Settings(corpus=folder, index=index, embedding=embedder.name)
    with caplog.at_level(logging.WARNING, logger="reportqa.switching"):
        qa = load_serving(settings, embedder)
    assert [d.id for d in qa.documents] == ["kamensk.txt"]
    assert [s.document for s in qa.skipped] == ["broken.pdf"]
    (notice,) = qa.notices
    assert notice.startswith("broken.pdf was left out of the corpus because it cannot be read")
    logged = [r for r in caplog.records if r.name == "reportqa.switching"]
    assert [(r.levelname, r.getMessage()) for r in logged] == [("WARNING", notice)]


def test_control_characters_in_a_corpus_file_are_named(tmp_path: Path) -> None:
    (tmp_path / "ctl.txt").write_text("текст\x07 с сигналом", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"ctl\.txt holds a control character"):
        load_corpus(tmp_path)


def test_corpus_hash_changes_with_text_and_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Текст.", encoding="utf-8")
    h1 = corpus_hash(load_corpus(tmp_path))
    (tmp_path / "a.meta.json").write_text('{"date": "2025"}', encoding="utf-8")
    h2 = corpus_hash(load_corpus(tmp_path))
    (tmp_path / "a.txt").write_text("Текст!", encoding="utf-8")
    h3 = corpus_hash(load_corpus(tmp_path))
    assert len({h1, h2, h3}) == 3
