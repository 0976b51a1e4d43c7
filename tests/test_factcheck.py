"""Fact-check mode: verdicts, their evidence and explanations.

With the real model, claims invented for these tests, in Russian, Kazakh and English, about the
shipped report and about a small report written here (``city_qa``), so the rules are checked on
sentences they were not tuned on. With the fake embedder (``zone_qa``), the mechanisms the
evidence layer lends the fact-checker: a sentence about another named zone is no evidence
(``name_conflict``), and a sentence of the opposite direction contradicts (``direction_conflict``).

Accuracy over the dev claims of ``../shared/eval`` is a benchmark figure (``reportqa eval``), not
a test here.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from reportqa import InputError, ReportQA, Settings, Verdict, verdict_to_dict
from reportqa.check.claim_features import CLAIM_FEATURES, claim_features
from reportqa.check.factcheck import MIN_STATED, RETRIEVE_K
from reportqa.check.verdict_model import VerdictModel, load_verdict_model
from reportqa.cli import main
from reportqa.errors import ReportQAError
from reportqa.evaluate import evaluate_claims
from reportqa.evidence.features import Candidate
from reportqa.inputs import clean_claim
from reportqa.lang.numbers import parse_quantities, quantities_match
from reportqa.models import Citation, Comparison
from reportqa.serialize import citation_to_dict

from .conftest import CORPUS, fake_index

CITY = """\
В городе Каменск работают 12 школ и 3 больницы. Городская библиотека открыта с 1998 года.

В 2023 году в городе построили 450 квартир, а в 2024 году — 610 квартир. Средняя площадь квартиры \
составила 54 м².

Бюджет города на 2025 год составляет 18,5 млрд тенге, из них 6,2 млрд тенге направлено на \
образование.

Население города превысило 95 тысяч человек. В этом году открыт новый парк площадью 12 гектаров.

В городе открыт завод по выпуску велосипедов. Компания «Вело-Каменск» производит 40 тысяч \
велосипедов в год.

За год выпуск молока вырос на 5%, мяса — на 8%, хлеба — на 2%.
"""


@pytest.fixture(scope="module")
def city_qa(tmp_path_factory: pytest.TempPathFactory) -> ReportQA:
    """A small report written for these tests, dated 2025 (for "в этом году")."""
    folder = tmp_path_factory.mktemp("city")
    (folder / "kamensk.txt").write_text(CITY, encoding="utf-8")
    meta = {"title": "Каменск в цифрах", "language": "ru", "date": "2025"}
    (folder / "kamensk.meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    return ReportQA.open(Settings(corpus=folder, index=folder.parent / "city-index"))


def numbers_stated(text: str, quote: str) -> bool:
    """Whether every number of ``text`` is stated in ``quote`` (same value, any wording). A year
    in brackets is what a relative year of the quote means ("в этом году (2025)")."""
    text = re.sub(r"\(\d{4}\)", " ", text)
    stated = parse_quantities(quote)
    return all(
        any(quantities_match(q, s) or q.value == s.value for s in stated)
        for q in parse_quantities(text)
    )


def assert_well_formed(verdict: Verdict, document_text: str) -> None:
    """Quotes verbatim at their offsets, numbered from 1, and each comparison's reported figure
    (and its year) stated in the quote it cites."""
    assert verdict.verdict in ("supported", "contradicted", "not_found")
    assert [c.n for c in verdict.evidence] == list(range(1, len(verdict.evidence) + 1))
    for c in verdict.evidence:
        assert document_text[c.start : c.end] == c.quote
    for comparison in verdict.comparisons:
        if comparison.citation is not None:
            assert comparison.reported is not None
            quote = verdict.evidence[comparison.citation - 1].quote
            assert numbers_stated(comparison.reported, quote), (comparison, quote)
            assert f"[{comparison.citation}]" in verdict.explanation


# --- invented claims about the shipped report ------------------------------------------------------

REPORT_CLAIMS = [
    # (claim, verdict, a reported figure the explanation must give, or None)
    ("В 2024 году в QARMET вложено 572,9 млрд тенге", "supported", "572,9 млрд тенге"),
    (
        "Индустриальная зона «Сарань» привлекла 211 млрд тенге инвестиций",
        "contradicted",
        "472 млрд тенге",
    ),
    (
        "Площадь промышленного парка в Темиртау составит 25 тыс. гектаров",
        "contradicted",
        "15 тыс. гектаров",
    ),
    ("Создано более 1300 постоянных рабочих мест", "supported", "более 1300"),
    (
        "Объём промышленного производства в 2024 году составил 2 трлн тенге",
        "contradicted",
        "превысил 3 трлн тенге",
    ),
    ("В июне была запущена одна из печей Тау-Кен Темир", "contradicted", None),
    ("Финансирование технохаба «Картех» предусмотрено в 2025–2027 годах", "supported", None),
    (
        "В Саранском колледже с 2020 года готовят специалистов для шинного производства",
        "contradicted",
        None,
    ),
    ("В области начато производство телевизоров и стиральных машин Samsung", "supported", None),
    ("В области работают 5 аэропортов", "not_found", None),
    ("В Караганде построят метро", "not_found", None),
    ("В 2024 году в области произвели 500 тысяч смартфонов", "not_found", None),
    ("QARMET will invest 2 trillion tenge by 2028", "contradicted", "1,6 трлн тенге"),
    ("The region has 8 universities and 52 colleges", "supported", "52 колледжа"),
    ("The wind farm will have a capacity of 300 MW", "contradicted", "150 МВт"),
    ("R&D funding was 16.3 billion tenge", "supported", "16,3 млрд тенге"),
    ("Samsung has started producing TVs and washing machines in the region", "supported", None),
    ("A smartphone factory has opened in the region", "not_found", None),
    ("The mayor of Karaganda is John Smith", "not_found", None),
    ("The region produced 500 electric cars in 2024", "not_found", None),
    ("Облыста 52 колледж жұмыс істейді", "supported", "52 колледжа"),
]


@pytest.mark.parametrize(
    "claim, expected, reported", REPORT_CLAIMS, ids=[c[0][:40] for c in REPORT_CLAIMS]
)
def test_invented_claims(
    report_qa: ReportQA, claim: str, expected: str, reported: str | None
) -> None:
    # the rules' verdict; the verdict model's is checked over the whole table below
    assert rules_verdict(report_qa, claim) == expected
    verdict = report_qa.check(claim)
    assert_well_formed(verdict, report_qa.documents[0].text)
    if reported is not None:
        assert any(c.reported and c.reported.startswith(reported) for c in verdict.comparisons), (
            verdict.comparisons
        )
    if verdict.verdict != "not_found":
        assert verdict.evidence


def rules_verdict(qa: ReportQA, claim: str) -> str:
    """The verdict of the fact-checker's rules alone (a feature of the verdict model)."""
    hits = qa.retrieve(claim, max(qa.settings.k, RETRIEVE_K))
    return qa.checker.assess(claim, hits).verdict


@pytest.mark.parametrize(
    ("claim", "replaced"),
    [
        ("В городе открыт завод по выпуску самолётов", True),  # bicycles in the report
        ("Население города составляет 80 тысяч человек", True),  # "превысило" in the report
        ("В городе открыт завод по выпуску велосипедов", False),  # as the report says
        ("В городе работают 3 больницы", False),
        ("An aircraft factory has opened in the city", False),  # word order across languages
    ],
)
def test_a_word_put_for_another_is_a_feature_of_the_verdict(
    city_qa: ReportQA, claim: str, replaced: bool
) -> None:
    """A claim word that the sentence lacks, where the sentence has a word of its own next to a
    word both share, is what a claim made by changing one word of the report looks like."""
    assessment = city_qa.checker.assess(claim, city_qa.retrieve(claim, RETRIEVE_K))
    x = claim_features(assessment, MIN_STATED)
    assert x[CLAIM_FEATURES.index("replaced")] == float(replaced)


def test_the_verdict_model_agrees_with_the_invented_claims_and_never_supports_wrongly(
    report_qa: ReportQA, city_qa: ReportQA
) -> None:
    """The invented claims of both reports were written for the rules; the verdict model, fitted
    on other claims, must give their verdict for most of them and call none of the others
    supported."""
    given = [(report_qa.check(c).verdict, e) for c, e, _ in REPORT_CLAIMS]
    given += [(city_qa.check(c).verdict, e) for c, e, _ in CITY_CLAIMS]
    assert not [g for g in given if g[0] == "supported" != g[1]]
    assert sum(g == e for g, e in given) >= 0.85 * len(given)


@pytest.mark.parametrize(
    "claim, claimed_year, reported_year",
    [
        ("В 2025 году произведено 1400 единиц автобусов и спецтехники", "2025", "2024"),
        ("In 2025, 131 thousand household appliances were produced", "2025", "2024"),
        ("Industrial production in 2023 exceeded 3 trillion tenge", "2023", "2024"),
    ],
)
def test_the_right_figure_for_the_wrong_year_is_contradicted(
    report_qa: ReportQA, claim: str, claimed_year: str, reported_year: str
) -> None:
    verdict = report_qa.check(claim)
    assert verdict.verdict == "contradicted", verdict.explanation
    (comparison,) = verdict.comparisons
    assert comparison.match is False and comparison.reason == "period"
    assert claimed_year in comparison.claimed and reported_year in (comparison.reported or "")
    assert numbers_stated(comparison.reported or "", verdict.evidence[0].quote)


@pytest.mark.parametrize(
    "claim, opening",
    [
        (
            "До 2028 года в QARMET вложат 2 трлн тенге",
            "Опровергается: утверждается 2 трлн тенге до 2028 года; в отчёте 1,6 трлн тенге до 2028 года [1].",
        ),
        (
            "QARMET will invest 2 trillion tenge by 2028",
            "Contradicted: claimed 2 trillion tenge by 2028; the report says 1,6 трлн тенге by 2028 [1].",
        ),
        ("Облыста 8 жоғары оқу орны және 60 колледж жұмыс істейді", "Теріске шығарылады:"),
        ("В области открыли завод по производству смартфонов", "В отчёте этого нет:"),
        ("A smartphone factory has opened in the region", "Not found in the report:"),
    ],
)
def test_explanations_follow_the_claims_language(
    report_qa: ReportQA, claim: str, opening: str
) -> None:
    verdict = report_qa.check(claim)
    assert verdict.explanation.startswith(opening), verdict.explanation


def test_multi_figure_claim_pairs_each_figure_with_its_own(report_qa: ReportQA) -> None:
    verdict = report_qa.check("В области 8 вузов и 60 колледжей")
    pairs = {c.claimed: (c.reported, c.match) for c in verdict.comparisons}
    assert pairs == {"8 вузов": ("8 вузов", True), "60 колледжей": ("52 колледжа", False)}
    assert len(verdict.evidence) == 1  # both from the one sentence, cited once


def test_timings_are_recorded(report_qa: ReportQA) -> None:
    verdict = report_qa.check("В области работают 52 колледжа")
    assert set(verdict.timings) == {"retrieve_ms", "check_ms"}


# --- a report written here ------------------------------------------------------------------------

CITY_CLAIMS = [
    ("В городе работают 15 школ", "contradicted", "12 школ"),
    ("В городе 12 больниц", "contradicted", "3 больницы"),  # not the 12 schools
    ("В городе работают 3 больницы", "supported", "3 больницы"),
    ("В 2024 году построили 610 квартир", "supported", "610 квартир"),
    ("В 2022 году построили 450 квартир", "contradicted", "450 квартир"),
    ("На образование направлено 8 млрд тенге", "contradicted", "6,2 млрд тенге"),
    ("Население города превысило 90 тысяч человек", "supported", None),  # follows from > 95 000
    ("Население города составляет 80 тысяч человек", "contradicted", None),
    ("Население города составляет 100 тысяч человек", "not_found", None),  # allowed, not stated
    ("В 2024 году открыт новый парк площадью 12 гектаров", "contradicted", "12 гектаров"),
    ("В 2025 году открыт новый парк площадью 12 гектаров", "supported", "12 гектаров"),
    ("Городская библиотека открыта с 2005 года", "contradicted", None),
    ("В городе открыт завод по выпуску велосипедов", "supported", None),
    ("В городе открыт завод по выпуску самолётов", "not_found", None),
    ("В городе работают 7 стадионов", "not_found", None),
    ("The city has 12 schools and 3 hospitals", "supported", "3 больницы"),
    ("The city budget for 2025 is 18.5 billion tenge", "supported", "18,5 млрд тенге"),
    ("An aircraft factory has opened in the city", "not_found", None),
    # the items of a list: each figure is of the item before it
    ("Выпуск хлеба вырос на 2%", "supported", "2%"),
    ("Выпуск мяса вырос на 2%", "contradicted", None),  # bread's figure, not meat's
    ("Выпуск молока вырос на 8%", "contradicted", "5%"),
]


@pytest.mark.parametrize(
    "claim, expected, reported", CITY_CLAIMS, ids=[c[0][:40] for c in CITY_CLAIMS]
)
def test_claims_about_another_report(
    city_qa: ReportQA, claim: str, expected: str, reported: str | None
) -> None:
    assert rules_verdict(city_qa, claim) == expected
    verdict = city_qa.check(claim)
    assert_well_formed(verdict, city_qa.documents[0].text)
    if reported is not None:
        assert any(c.reported and c.reported.startswith(reported) for c in verdict.comparisons)


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, message",
    [
        ("", "the claim is empty"),
        ("  \n\t ", "the claim is empty"),
        ("x" * 100_000, "the claim is 100000 characters long; the limit is 2000"),
        ("???", "nothing to check"),
        ("hello", "nothing to check"),
        ("42", "nothing to check"),
        ("В 2024 году", "nothing to check"),
        ("Сколько вузов в области?", "is a question, not a claim"),
        (None, "the claim must be text"),
    ],
)
def test_bad_claims_raise_input_errors(report_qa: ReportQA, claim: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        report_qa.check(claim)
    with pytest.raises(InputError, match=message):
        clean_claim(claim, 2000)


def test_a_question_that_states_a_claim_is_checked(report_qa: ReportQA) -> None:
    assert report_qa.check("Правда ли, что в области 60 колледжей?").verdict == "contradicted"


# --- JSON and CLI --------------------------------------------------------------------------------------


def test_verdict_json_shape(report_qa: ReportQA) -> None:
    data = verdict_to_dict(report_qa.check("До 2028 года в QARMET вложат 2 трлн тенге"))
    json.dumps(data)
    assert set(data) == {
        "claim",
        "verdict",
        "language",
        "explanation",
        "evidence",
        "comparisons",
        "retrieved",
    }
    assert data["verdict"] == "contradicted" and data["language"] == "ru"
    citation_keys = set(citation_to_dict(Citation(1, "d", "t", 1, "q", 0, 1, 0.5)))
    assert all(set(e) == citation_keys for e in data["evidence"])
    assert data["comparisons"] == [
        {
            "claimed": "2 трлн тенге до 2028 года",
            "reported": "1,6 трлн тенге до 2028 года",
            "match": False,
            "citation": 1,
            "reason": "value",
        }
    ]


@pytest.fixture
def run(report_index: Path):
    runner = CliRunner()

    def invoke(*args: str, input: bytes | str | None = None):
        return runner.invoke(
            main, [*args, "--corpus", str(CORPUS), "--index", str(report_index)], input=input
        )

    return invoke


def test_check_prints_the_explanation_and_the_quotes(run) -> None:
    result = run("check", "В области 8 вузов и 60 колледжей")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("Опровергается:") and "52 колледжа [1]" in lines[0]
    assert lines[1].startswith("  [1] «В области работают 8 вузов и 52 колледжа")
    assert "karaganda-industry.txt, абзац 10" in lines[2]


def test_check_json(run) -> None:
    result = run("check", "The region has 8 universities and 52 colleges", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["verdict"] == "supported" and data["evidence"][0]["paragraph"] == 10
    assert data["comparisons"][0]["match"] is True


@pytest.mark.parametrize(
    "claim, message",
    [("", "the claim is empty"), ("???", "nothing to check"), ("x" * 100_000, "limit is 2000")],
)
def test_check_bad_claim_exits_non_zero_with_one_line(run, claim: str, message: str) -> None:
    result = run("check", claim)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_check_batch_reports_bad_lines_as_error_objects(run) -> None:
    lines = (
        "В области 8 вузов и 60 колледжей\n\n".encode()
        + b"\xff\xfe\n"
        + b"???\n"
        + b"QARMET will invest 2 trillion tenge by 2028\n"
        + b"x" * 5000
        + b"\n"
    )
    result = run("check", "--json", "-", input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(rows) == 6
    assert rows[0]["verdict"] == "contradicted"
    assert rows[1] == {"line": 2, "error": "the claim is empty: type a claim about the report"}
    assert rows[2]["line"] == 3 and "UTF-8" in rows[2]["error"]
    assert rows[3]["line"] == 4 and "nothing to check" in rows[3]["error"]
    assert rows[4]["verdict"] == "contradicted" and rows[4]["language"] == "en"
    assert rows[5]["line"] == 6 and "limit" in rows[5]["error"]
    assert "4 line(s) could not be checked" in result.output


CLAIMS = [
    {"id": "c1", "claim": "В области работают 8 вузов и 52 колледжа", "verdict": "supported",
     "paragraph": 10},
    {"id": "c2", "claim": "QARMET will invest 2 trillion tenge by 2028", "verdict": "contradicted",
     "paragraph": 3},
    {"id": "c3", "claim": "В Караганде построят метро", "verdict": "not_found", "paragraph": None},
    {"id": "c4", "claim": "???", "verdict": "not_found", "paragraph": None},
]  # fmt: skip


def test_eval_command_reports_accuracy_and_confusion(run, tmp_path: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in CLAIMS), encoding="utf-8"
    )
    result = run("eval", str(claims))
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    totals = json.loads(lines[-1])
    assert totals["claims"] == len(CLAIMS)
    marks = [line for line in lines if line[:3] in ("ok ", "BAD")]
    assert [m.split()[1] for m in marks] == ["c1", "c2", "c3", "c4"]
    assert totals["verdict_accuracy"] == round(sum(m.startswith("ok ") for m in marks) / 4, 3)
    # rows of the confusion are the expected verdicts, each claim counted once; "???" is an error
    expected = {v: sum(r["verdict"] == v for r in CLAIMS) for v in totals["confusion"]}
    assert {v: sum(row.values()) for v, row in totals["confusion"].items()} == expected
    assert totals["confusion"]["not_found"]["error"] == 1
    assert totals["figures_quoted"] == 0.75  # every compared figure is quoted; "???" quotes none
    header = next(line for line in lines if line.startswith("expected / given"))
    assert header.split()[-4:] == ["supported", "contradicted", "not_found", "error"]


def test_eval_rejects_a_bad_claims_file_before_loading_anything(tmp_path: Path) -> None:
    bad = tmp_path / "claims.jsonl"
    bad.write_text('{"id": "x1", "claim": "В области 8 вузов", "verdict": "true"}\n', "utf-8")
    index = tmp_path / "index"
    result = CliRunner().invoke(
        main, ["eval", str(bad), "--corpus", str(CORPUS), "--index", str(index)]
    )
    assert result.exit_code == 1
    assert result.output == (
        "Error: row x1: 'verdict' must be one of supported, contradicted, not_found, got 'true'\n"
    )
    assert not index.exists()  # no index was built for a file that cannot be scored


# --- evaluation arithmetic, without the model ------------------------------------------------------


def test_evaluate_claims_counts_and_keeps_going_after_a_refused_claim() -> None:
    given = {"a": "supported", "b": "not_found", "c": "contradicted"}
    quote = "До 2028 года планируется инвестировать 1,6 трлн тенге."

    def check(claim: str) -> Verdict:
        if claim == "bad":
            raise InputError("nothing to check")
        citation = Citation(1, "d", "t", 3, quote, 0, len(quote), 0.9)
        comparison = Comparison("2 трлн тенге", "1,6 трлн тенге до 2028 года", False, 1, "value")
        return Verdict(claim, given[claim], "ru", "…", (citation,), (comparison,))

    rows = [
        {"id": "1", "claim": "a", "verdict": "supported", "paragraph": 3},
        {"id": "2", "claim": "b", "verdict": "contradicted", "paragraph": 4},
        {"id": "3", "claim": "c", "verdict": "contradicted", "paragraph": None},
        {"id": "4", "claim": "bad", "verdict": "not_found", "paragraph": None},
    ]
    report = evaluate_claims(rows, check)
    totals = report.totals()
    assert totals["verdict_accuracy"] == 0.5
    assert totals["evidence_hit"] == 0.5  # row 1 cites paragraph 3, row 2 does not cite 4
    assert totals["figures_quoted"] == 0.75  # the refused claim quotes nothing
    assert report.confusion() == {
        "supported": {"supported": 1, "contradicted": 0, "not_found": 0, "error": 0},
        "contradicted": {"supported": 0, "contradicted": 1, "not_found": 1, "error": 0},
        "not_found": {"supported": 0, "contradicted": 0, "not_found": 0, "error": 1},
    }
    assert report.results[3].explanation == "nothing to check"


# --- what the evidence layer lends the fact-checker (fake embedder, a report written here) -----


@pytest.fixture
def zone_qa(tmp_path: Path) -> ReportQA:
    """``KAMENSK`` indexed with the fake embedder: the features decide, not the embedding model."""
    folder, index = tmp_path / "zones", tmp_path / "zones-index"
    documents, data, embedder = fake_index(folder, index, info={"corpus_hash": "zones"})
    return ReportQA(Settings(corpus=folder, index=index), documents, data, embedder)


def evidence(qa: ReportQA, claim: str, starts: str) -> Candidate:
    """The sentence starting with ``starts`` as evidence for ``claim`` (every passage retrieved)."""
    found = [
        e
        for e in qa.extractive.evidence(claim, qa.retrieve(claim, 4))
        if e.sentence.text.startswith(starts)
    ]
    assert len(found) == 1
    return found[0]


def test_a_figure_of_one_named_zone_does_not_support_a_claim_on_another(zone_qa: ReportQA) -> None:
    other = "В индустриальной зоне «Сарань» зарегистрировано 24 участника"
    # "В ней" speaks of the zone named in the sentence before it, «Сарыарка»
    assert evidence(zone_qa, other, "В ней").feature("name_conflict") == 1.0
    assert rules_verdict(zone_qa, other) == "not_found"
    # the model weighs it as the claim sets label it, the figure given to another zone: never
    # supported, and with no figure of the sentence matched to it
    verdict = zone_qa.check(other)
    assert verdict.verdict in ("not_found", "contradicted"), verdict.explanation
    assert not any(c.match for c in verdict.comparisons)
    # the same figure for the zone the report names is supported, from that sentence
    same = "В СЭЗ «Сарыарка» зарегистрировано 24 участника"
    assert evidence(zone_qa, same, "В ней").feature("name_conflict") == 0.0
    supported = zone_qa.check(same)
    assert supported.verdict == "supported"
    assert supported.evidence[0].quote == "В ней зарегистрировано 24 участника."


def test_the_opposite_direction_contradicts_matching_figures(zone_qa: ReportQA) -> None:
    steel = "В 2024 году производство"
    fell = "Производство стали упало на 6,6%"
    assert evidence(zone_qa, fell, steel).feature("direction_conflict") == 1.0
    verdict = zone_qa.check(fell)
    assert verdict.verdict == "contradicted", verdict.explanation
    assert (verdict.comparisons[0].reported or "").startswith("6,6%")  # the same figure
    assert verdict.evidence[0].quote.startswith("В 2024 году производство стали увеличилось")
    rose = "Производство стали увеличилось на 6,6%"
    assert evidence(zone_qa, rose, steel).feature("direction_conflict") == 0.0
    assert zone_qa.check(rose).verdict == "supported"


def test_a_part_of_a_total_is_no_other_item_of_a_list(report_qa: ReportQA) -> None:
    """ "572,9 млрд" follows "в том числе" after "инвестировать 1,6 трлн": a part of that total.
    An English claim whose word "investment" names the total is paired with the part whose
    figure and year it gives, not passed over to the total (the part is no other list item)."""
    claim = "QARMET received KZT 572.9 billion of investment in 2024."
    assessment = report_qa.checker.assess(claim, report_qa.retrieve(claim, 4))
    (finding,) = assessment.findings
    assert finding.reported is not None and finding.reported.text == "572,9 млрд тенге"
    assert finding.outcome == "match"


def test_the_other_zones_figure_contradicts(report_qa: ReportQA) -> None:
    verdict = report_qa.check("В индустриальной зоне «Сарань» зарегистрировано 24 участника")
    assert verdict.verdict != "supported"
    assert all("Сарыарка" not in e.quote for e in verdict.evidence)


def test_matching_figures_do_not_vouch_for_what_the_report_never_says(report_qa: ReportQA) -> None:
    verdict = report_qa.check(
        "Ветроэлектростанцию мощностью 150 МВт в области строит китайская компания"
    )
    assert verdict.verdict == "not_found"
    assert verdict.comparisons[0].match is True  # the figure itself is right ...
    assert "китайская" in verdict.explanation  # ... the builder is what the report lacks
    # a verb the report words otherwise is not held against a claim
    supported = report_qa.check("После начала модернизации QARMET добыча угля выросла на 15%")
    assert supported.verdict == "supported"


# --- the verdict model ----------------------------------------------------------------------------


def test_the_verdict_model_gives_what_scikit_learn_gives() -> None:
    pytest.importorskip("sklearn")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from train_verdicts import fit, model_of

    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, len(CLAIM_FEATURES)))
    y = (X[:, 0] > 0.5).astype(int) + (X[:, 1] > 0.5).astype(int)  # three classes
    model = model_of(X, y, 1.0, 0.7, {})
    mean, scale, fitted = fit(X, y, 1.0)
    rows = rng.normal(size=(50, len(CLAIM_FEATURES)))
    expected = fitted.predict_proba((rows - mean) / scale)
    given = np.array([model.probabilities(row) for row in rows])
    assert given == pytest.approx(expected, abs=1e-9)
    # it survives its JSON form, and "supported" needs the threshold
    again = VerdictModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.probabilities(rows[0]) == pytest.approx(given[0], abs=1e-5)
    assert again.decide(np.array([0.6, 0.3, 0.1])) == "not_found"
    assert again.decide(np.array([0.7, 0.2, 0.1])) == "supported"
    assert again.decide(np.array([0.3, 0.6, 0.1])) == "contradicted"


def test_the_verdict_trees_give_what_lightgbm_gives() -> None:
    """The multiclass trees, evaluated class by class with numpy and a softmax, give LightGBM's
    own probabilities, through their JSON form too."""
    lgb = pytest.importorskip("lightgbm")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from train_verdicts import TREES, model_of

    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, len(CLAIM_FEATURES)))
    # three classes that need interactions of features
    y = (X[:, 0] * X[:, 1] > 0).astype(int) + ((X[:, 2] > 0.5) & (X[:, 3] < 0)).astype(int)
    model = model_of(X, y, (8, 30), 0.7, {}, "trees")
    booster = lgb.train(
        {"verbose": -1, "num_threads": 2, **TREES, "num_leaves": 8},
        lgb.Dataset(X, y),
        num_boost_round=30,
    )
    rows = rng.normal(size=(100, len(CLAIM_FEATURES)))
    given = np.array([model.probabilities(row) for row in rows])
    assert given == pytest.approx(booster.predict(rows), abs=1e-9)
    again = VerdictModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.kind == "trees" and again.shapes_fit()
    assert again.probabilities(rows[0]) == pytest.approx(given[0], abs=1e-12)
    # as written: one flat forest per class, the same probabilities to the last digit
    flat = VerdictModel.from_json(json.loads(json.dumps(model.flattened().to_json())))
    assert "trees" not in flat.params and len(flat.params["forests"]) == 3 and flat.shapes_fit()
    assert all((flat.probabilities(r) == model.probabilities(r)).all() for r in rows)
    assert "forests" in load_verdict_model().params  # the shipped one is stored so too
    assert model.mean == pytest.approx(X.mean(0), abs=1e-6)


def test_a_verdict_model_of_other_features_is_refused(tmp_path: Path) -> None:
    data = load_verdict_model().to_json()
    data["features"] = data["features"][:-1] + ["something_else"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReportQAError, match="refit it"):
        load_verdict_model(path)


def test_the_shipped_verdict_model_weighs_the_rules_findings_the_right_way() -> None:
    """A refit that took a figure that differs for a sign of support, or a matching one for a
    sign of contradiction, would be wrong whatever its out-of-fold figure. The features are
    correlated, so single weights mean little: the claims compared differ only in the findings,
    everything else at a typical fitting claim (``VerdictModel.reference``, the median: trees
    are read at a point like those they were fitted on, not at a mean of flags)."""
    model = load_verdict_model()

    def probabilities(**values: float) -> np.ndarray:
        x = model.reference.copy()
        for name, value in values.items():
            x[CLAIM_FEATURES.index(name)] = value
        return model.probabilities(x)

    # the findings of one claimed figure: (rules' verdict, matched, differs, unpaired, value
    # found in the candidates, value found in the retrieved sentences, another value in the best
    # sentence, a figure of its kind there)
    names = (
        "rule_supported",
        "matched",
        "differ_value",
        "unpaired",
        "value_anywhere",
        "all_values_anywhere",
        "value_differs_top",
        "kind_in_top",
    )
    cases = {
        "matched": (1, 1, 0, 0, 1, 1, 0, 1),
        "differs": (0, 0, 1, 0, 0, 0, 1, 1),
        "unpaired": (0, 0, 0, 1, 0, 0, 0, 0),
    }
    # a figure paired with none has no finding's confidence (``claim_features``): the median's
    # would describe a claim the checker cannot produce
    matched, differs, unpaired = (
        probabilities(
            has_figures=1.0,
            figures=0.25,
            rule_contradicted=float(case == "differs"),
            **dict(zip(names, map(float, values))),
            **({"finding_confidence": 0.0} if case == "unpaired" else {}),
        )
        for case, values in cases.items()
    )
    supported, contradicted, not_found = range(3)
    assert model.decide(matched) == "supported"
    assert model.decide(differs) == "contradicted"
    assert model.decide(unpaired) == "not_found"
    assert differs[contradicted] > matched[contradicted]
    assert unpaired[not_found] > max(matched[not_found], differs[not_found])
    assert (
        model.provenance["out_of_fold"]["model"]["wrongly_supported"]
        <= (model.provenance["out_of_fold"]["rules"]["wrongly_supported"])
    )


def test_the_checker_ranks_with_its_own_evidence_model(
    zone_qa: ReportQA, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdict model was fitted on the probabilities of the evidence model pinned beside it:
    an evidence model refit for ``ask`` moves no assessment."""
    claim = "В СЭЗ «Сарыарка» зарегистрировано 24 участника"
    hits = zone_qa.retrieve(claim, RETRIEVE_K)
    before = zone_qa.checker.assess(claim, hits)
    assert [e.probability for e in before.ranked]  # there is something to rank

    class Flat:  # an answerer's model that scores every sentence alike
        threshold = 0.5

        def probabilities(self, matrix: np.ndarray) -> np.ndarray:
            return np.full(len(matrix), 0.5)

    monkeypatch.setattr(zone_qa.extractive, "model", Flat())
    assert {e.probability for e in zone_qa.extractive.evidence(claim, hits)} == {0.5}
    after = zone_qa.checker.assess(claim, hits)
    assert [e.probability for e in after.ranked] == [e.probability for e in before.ranked]
    assert [e.sentence.text for e in after.ranked] == [e.sentence.text for e in before.ranked]
    assert after.verdict == before.verdict
