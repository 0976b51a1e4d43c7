from __future__ import annotations

from pathlib import Path

import pytest

from reportqa.errors import CorpusError
from reportqa.index.corpus import corpus_hash, load_corpus, split_paragraphs

from .conftest import CORPUS, REPORT, SHARED, needs_shared


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


def test_invalid_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes("строка\nещё строка\n".encode() + b"\xff\xfe broken")
    with pytest.raises(CorpusError, match=r"bad\.txt is not valid UTF-8 \(line 3"):
        load_corpus(tmp_path)


def test_control_characters_in_a_corpus_file_are_named(tmp_path: Path) -> None:
    (tmp_path / "ctl.txt").write_text("текст\x07 с сигналом", encoding="utf-8")
    with pytest.raises(CorpusError, match="control character"):
        load_corpus(tmp_path)


def test_corpus_hash_changes_with_text_and_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Текст.", encoding="utf-8")
    h1 = corpus_hash(load_corpus(tmp_path))
    (tmp_path / "a.meta.json").write_text('{"date": "2025"}', encoding="utf-8")
    h2 = corpus_hash(load_corpus(tmp_path))
    (tmp_path / "a.txt").write_text("Текст!", encoding="utf-8")
    h3 = corpus_hash(load_corpus(tmp_path))
    assert len({h1, h2, h3}) == 3
