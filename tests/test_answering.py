"""Answer quality with the real model on the shipped report.

The dev questions are read from ../shared/eval, never copied into code: the test asks each and
checks the answer against the file's gold strings.
"""

from __future__ import annotations

import json

import pytest

from reportqa import ReportQA
from reportqa.answering import expected_best

from .conftest import EVAL

DEV = (
    [json.loads(line) for line in open(EVAL / "report-dev.jsonl", encoding="utf-8")]
    if EVAL.exists()
    else []
)


@pytest.mark.skipif(not DEV, reason="../shared/eval is not beside the checkout")
@pytest.mark.parametrize("row", DEV, ids=[r["id"] for r in DEV])
def test_dev_questions(report_qa: ReportQA, row: dict) -> None:
    answer = report_qa.ask(row["question"])
    if row["answers"]:
        assert not answer.refused, answer.answer
        quotes = " ".join(c.quote for c in answer.citations)
        assert any(gold in quotes for gold in row["answers"]), quotes
        assert answer.citations[0].paragraph == row["paragraph"]
    else:
        assert answer.refused, answer.answer
        assert not answer.citations
        assert answer.see_also


def test_citations_quote_the_corpus_verbatim(report_qa: ReportQA) -> None:
    answer = report_qa.ask("Сколько проектов в инвестиционном пуле?")
    text = report_qa.documents[0].text
    assert answer.citations
    for c in answer.citations:
        assert text[c.start : c.end] == c.quote
        p = report_qa.documents[0].paragraphs[c.paragraph - 1]
        assert p.start <= c.start and c.end <= p.end
        assert f"[{c.n}]" in answer.answer
        assert c.quote in answer.answer


@pytest.mark.parametrize(
    "question, intro",
    [
        ("Сколько вузов в области?", "Согласно отчёту:"),
        ("How many universities are in the region?", "According to the report:"),
        ("Облыста неше колледж бар?", "Есеп бойынша:"),
    ],
)
def test_framing_follows_the_question_language(
    report_qa: ReportQA, question: str, intro: str
) -> None:
    answer = report_qa.ask(question)
    assert answer.answer.startswith(intro)
    assert "колледж" in answer.citations[0].quote  # the quote stays Russian


@pytest.mark.parametrize(
    "question, refusal",
    [
        ("Сколько автобусов произведено в 2021 году?", "В отчёте нет ответа"),
        ("How many buses were produced in 2019?", "The report does not say"),
    ],
)
def test_a_year_the_report_gives_no_figure_for_is_refused(
    report_qa: ReportQA, question: str, refusal: str
) -> None:
    answer = report_qa.ask(question)
    assert answer.refused
    assert answer.answer.startswith(refusal)
    assert answer.retrieved and answer.see_also
    assert answer.see_also[0].paragraph == 5  # the buses paragraph is still shown as see-also


def test_retrieved_is_present_and_ranked(report_qa: ReportQA) -> None:
    answer = report_qa.ask("Когда запустят вторую печь Тау-Кен Темир?")
    scores = [h.score for h in answer.retrieved]
    assert scores == sorted(scores, reverse=True)
    assert len(answer.retrieved) == report_qa.settings.k
    assert not answer.refused and "ноябре" in answer.citations[0].quote


def test_expected_best_grows_with_the_number_of_scores() -> None:
    assert expected_best(1) == 0.0
    values = [expected_best(n) for n in (5, 44, 1200, 10_000)]
    assert values == sorted(values)
    assert values[1] == pytest.approx(2.19, abs=0.01)  # the report's 44 sentences
    assert values[2] == pytest.approx(3.28, abs=0.01)  # XQuAD-ru's 1200


def test_confidence_rests_on_how_far_a_sentence_stands_out_beyond_chance(
    report_qa: ReportQA,
) -> None:
    question = "Сколько вузов в области?"
    best = report_qa.answerer.evidence(question, report_qa.retrieve(question))[0]
    n = len(report_qa.data.sentence_vectors)
    assert best.standout == pytest.approx(best.z - expected_best(n))
    assert best.standout > 0  # the answer stands out beyond the best of n unrelated sentences


@pytest.mark.parametrize(
    "question, refusal",
    [
        ("hi, how are you today?", "The report does not say"),
        ("Здравствуйте! Как у вас дела?", "В отчёте нет ответа"),
        ("Сәлем, қалайсыз?", "Есепте бұл сұраққа жауап жоқ"),
        ("Write me a poem about steel", "The report does not say"),
        ("Сочини стих о заводе", "В отчёте нет ответа"),
    ],
)
def test_small_talk_is_refused_in_its_language(
    report_qa: ReportQA, question: str, refusal: str
) -> None:
    answer = report_qa.ask(question)
    assert answer.refused and answer.answer.startswith(refusal)
    assert not answer.citations


def test_a_latin_look_alike_of_a_name_is_not_that_name(report_qa: ReportQA) -> None:
    # "Kazakhstan" is spelt like "Kazakh Invest" but is not it; the report has no capital city
    assert report_qa.ask("What is the capital of Kazakhstan?").refused
    # while the same names, and words near a name in meaning, still count
    answer = report_qa.ask("Which American company is carrying out exploration in the region?")
    assert not answer.refused and "IG Global" in answer.citations[0].quote
    answer = report_qa.ask("How much will QARMET invest by 2028?")
    assert not answer.refused and "1,6 трлн" in answer.citations[0].quote
