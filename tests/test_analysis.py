"""What the index records of each chunk's words: tokens with keys, entities and quoted names, with
offsets into the document, stored as JSON and read back unchanged."""

from __future__ import annotations

import json

import pytest

from reportqa.index.analysis import (
    ChunkAnalysis,
    analyse_chunks,
    analysis_from_record,
    analysis_record,
    quoted_spans,
)
from reportqa.lang.ner import Entity
from reportqa.lang.tokens import Token
from reportqa.models import Chunk


def chunk(text: str, start: int = 0, document: str = "d.txt") -> Chunk:
    return Chunk(0, document, "t", 1, start, start + len(text), text, ())


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in quoted_spans(text)]


@pytest.mark.parametrize(
    "text, names",
    [
        ("город «Сарань» и компания “Samsung”", ["Сарань", "Samsung"]),
        ('завод "Кастинг" открыт', ["Кастинг"]),
        ("без кавычек", []),
        ("«»", []),  # nothing inside
        ("открыта « и не закрыта", []),
        ("«" + "а" * 60 + "»", ["а" * 60]),
        ("«" + "а" * 61 + "» и «б»", ["б"]),  # too long for a name: left out
    ],
)
def test_quoted_spans(text: str, names: list[str]) -> None:
    assert quoted(text) == names


def test_an_inner_quote_of_the_same_kind_closes_the_span() -> None:
    (name,) = quoted('УК "СЭЗ "Сарыарка"')
    assert name.startswith("СЭЗ") and "Сарыарка" not in name


def test_a_record_survives_json_unchanged() -> None:
    text = "X «Qarmet-те» 52"
    offset = 100
    analysis = ChunkAnalysis(
        tokens=(
            Token("X", 100, 101, "word", "en", "x"),
            Token("«", 102, 103, "punct", "", ""),
            Token("Qarmet", 103, 109, "word", "en", "qarmet"),
            Token("те", 110, 112, "word", "kk", "те"),
            Token("»", 112, 113, "punct", "", ""),
            Token("52", 114, 116, "number", "", "52"),
        ),
        entities=(Entity("ORG", 103, 109, "Qarmet"), Entity("NAME", 103, 112, "Qarmet-те")),
    )
    record = json.loads(json.dumps(analysis_record(analysis), ensure_ascii=False))
    assert analysis_from_record(record, text, offset) == analysis
    # A token's text is not stored twice: it is read back from the chunk's text by offset.
    assert record["tokens"][2] == [103, 109, "w", "en", "qarmet"]
    assert record["entities"][1] == ["NAME", 103, 112]


def test_analysis_offsets_are_into_the_document() -> None:
    text = "Облыста 52 колледждер бар."
    (analysis,) = analyse_chunks([chunk(text, start=40, document="kk.txt")], {"kk.txt": "kk"})
    document = " " * 40 + text
    for t in analysis.tokens:
        assert document[t.start : t.end] == t.text
    assert [(t.kind, t.key) for t in analysis.tokens] == [
        ("word", "облыс"),
        ("number", "52"),
        ("word", "колледж"),
        ("word", "бар"),
        ("punct", ""),
    ]


def test_a_document_not_in_russian_gets_quoted_names_and_no_ner() -> None:
    text = "Samsung and «Saryarka» opened a plant in Karaganda."
    (analysis,) = analyse_chunks([chunk(text, start=5)], {"d.txt": "en"})
    assert analysis.entities == (Entity("NAME", 18, 26, "Saryarka"),)
    assert all(t.language == "en" for t in analysis.tokens if t.kind == "word")


@pytest.mark.slow
def test_a_russian_chunk_gets_ner_entities_and_quoted_names_in_order() -> None:
    text = "Компания «Северсталь» построит завод в Новосибирске."
    (analysis,) = analyse_chunks([chunk(text, start=10)], {})  # Russian by default
    found = [(e.kind, e.text) for e in analysis.entities]
    assert ("LOC", "Новосибирске") in found
    assert ("NAME", "Северсталь") in found
    assert [e.start for e in analysis.entities] == sorted(e.start for e in analysis.entities)
    document = " " * 10 + text
    for e in analysis.entities:
        assert document[e.start : e.end] == e.text
