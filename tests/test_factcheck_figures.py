"""Tests of ``reportqa.check.figures`` and of the fact-checker's word matching
(``check.factcheck.ClaimWords``): figures read in their sentence (context, bound, period), paired
and compared, and words matched. Hand-made sentences and hand-made vectors only, no model: fast
and exact."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportqa.check.factcheck import ClaimWords, same_word
from reportqa.check.figures import (
    Figure,
    compare,
    compatible,
    content_words,
    context_similarity,
    counts_alike,
    read_figures,
    years_of,
)
from reportqa.evidence.crosslingual import CrossLingual
from reportqa.lang.numbers import Quantity, format_quantity, parse_quantities

# Claim and report in one language: words match by lemma, prefix or spelling, never embedded.
STEMS = ClaimWords(CrossLingual(embedder=None), (), (), cross=False)


def figure(text: str, earlier: str = "", year: int | None = None) -> Figure:
    """The single figure of ``text``."""
    found = read_figures(text, earlier, year)
    assert len(found) == 1, [f.text for f in found]
    return found[0]


def by_text(text: str, shown: str, year: int | None = None) -> Figure:
    found = {f.text: f for f in read_figures(text, year=year)}
    assert shown in found, list(found)
    return found[shown]


# --- reading: what a figure counts, its bound, its period ----------------------------------------


def test_context_is_the_words_around_up_to_the_neighbouring_figures() -> None:
    eight, sixty = read_figures("В области 8 вузов и 60 колледжей")
    assert eight.text == "8 вузов" and sixty.text == "60 колледжей"
    assert eight.after == ("вузов",) and sixty.after == ("колледжей",)
    assert sixty.before == ("вузов",)  # nearest first, stop words left out
    assert eight.before == ("области",)


def test_context_stops_at_list_items() -> None:
    text = "производство чугуна увеличилось на 6%, стали — на 6,6%, добыча угля — на 15%."
    six, steel, coal = read_figures(text)
    assert steel.before == ("стали",) and steel.after == ()
    assert coal.before == ("угля", "добыча")
    assert six.after == ()  # "стали" belongs to the next item


def test_years_are_periods_not_figures() -> None:
    found = read_figures("До 2028 года планируется инвестировать 1,6 трлн тенге")
    assert [f.text for f in found] == ["1,6 трлн тенге"]
    assert found[0].years == {2028}
    assert found[0].period is not None and found[0].period.relation == "by"


def test_period_of_each_clause() -> None:
    text = "До 2028 года вложат 1,6 трлн тенге, в том числе 572,9 млрд тенге вложено в 2024 году."
    assert by_text(text, "1,6 трлн тенге").years == {2028}
    assert by_text(text, "572,9 млрд тенге").years == {2024}


def test_a_clause_without_a_year_takes_the_nearest_year_before_it() -> None:
    text = "В 2023 году построили 450 квартир, а в 2024 году — 610 квартир."
    assert by_text(text, "450 квартир").years == {2023}
    assert by_text(text, "610 квартир").years == {2024}
    listed = "Например, в 2024 году произведено 1400 единиц автобусов, 131 тысяча единиц техники."
    assert by_text(listed, "131 тысяча единиц техники").years == {2024}


def test_relative_years_need_the_documents_year() -> None:
    text = "В этом году завершается строительство зон площадью 50 тыс. м²."
    assert figure(text, year=2025).years == {2025}
    assert figure(text).years == frozenset()
    assert figure("В прошлом году выпущено 40 автобусов", year=2025).years == {2024}


def test_a_baseline_year_is_not_the_period() -> None:
    text = (
        "За 7 месяцев текущего года произведено продукции на 2,7 трлн тенге, что на 7,3% больше "
        "по сравнению с аналогичным периодом прошлого года."
    )
    assert by_text(text, "7,3%", year=2025).years == {2025}
    assert (
        years_of(
            "рост на 5% по сравнению с 2023 годом",
            0,
            36,
            parse_quantities("рост на 5% по сравнению с 2023 годом"),
        )[0]
        == frozenset()
    )


def test_years_inherited_from_the_paragraph_are_marked() -> None:
    f = figure("В области 941 предприятие.", earlier="По итогам 2024 года рост составил ")
    assert f.years == {2024} and f.inherited and f.period is None
    own = figure("В 2023 году в области 941 предприятие.", earlier="По итогам 2024 года ")
    assert own.years == {2023} and not own.inherited


@pytest.mark.parametrize(
    "text, bound, shown",
    [
        ("Создано более 1300 постоянных рабочих мест", "min", "более 1300 постоянных"),
        ("объём производства превысил 3 трлн тенге", "min", "превысил 3 трлн тенге"),
        ("Over 1,300 jobs were created", "min", "Over 1,300 jobs"),
        ("менее 5% рынка", "max", "менее 5%"),
        # a bound said as a verb: short of a figure, or past it
        ("объём производства не достиг 3 трлн тенге", "max", "не достиг 3 трлн тенге"),
        ("output fell short of 3 trillion tenge", "max", "fell short of 3 trillion"),
        ("объём производства перевалил за 3 трлн тенге", "min", "перевалил за 3 трлн"),
        ("output topped 3 trillion tenge", "min", "topped 3 trillion"),
        ("около 40% экономики", "about", "около 40%"),
        ("в области 40 колледжей", None, "40 колледжей"),
        ("недоход 40 тенге", None, "40 тенге"),  # "до" inside a word is no bound
        # Kazakh: a postposition after the figure in its case (ablative for more and less)
        ("АЭА-да 20-дан астам қатысушы тіркелген", "min", "20-дан астам"),
        ("өнім көлемі 120 млрд теңгеден асып түсті", "min", "120 млрд теңгеден асып"),
        ("1300-ден аз жұмыс орны", "max", "1300-ден аз"),
        ("1000-ға жуық адам", "about", "1000-ға жуық"),
        # a bound whose word takes the dative: not reaching a figure
        ("көлемі 3 трлн теңгеге жетпеді", "max", "3 трлн теңгеге жетпеді"),
        ("800-ге жетпейтін кәсіпорын", "max", "800-ге жетпейтін"),
        ("шамамен 500 адам", "about", "шамамен 500"),
        ("облыста 20 аз емес", None, "20"),  # no ablative: "аз" is no bound here
        # the postposition inflected, or a particle before it; "not less" is a lower bound
        ("экономиканың 40 пайызынан азын құрайды", "max", "40 пайызынан азын"),
        ("үлесі 40 пайызға да жетпейді", "max", "40 пайызға да жетпейді"),
        ("үлесі 40 пайыздан кем емес", "min", "40 пайыздан кем емес"),
        # a currency code between the bound word and the figure
        ("output stayed below KZT 124 billion", "max", "below KZT 124 billion"),
        ("output topped KZT 120 billion", "min", "topped KZT 120 billion"),
        # the preposition of a change's amount between the bound word and the figure
        ("выпуск вырос более чем на 7%", "min", "более чем на 7%"),
        ("выпуск вырос почти на 7%", "about", "почти на 7%"),
        ("выпуск вырос на 7%", None, "7%"),
    ],
)
def test_bounds(text: str, bound: str | None, shown: str) -> None:
    f = figure(text)
    assert f.bound == bound
    assert f.text.startswith(shown)


@pytest.mark.parametrize(
    "text, parts",
    [
        (
            "До 2028 года планируется инвестировать 1,6 трлн тенге, в том числе 572,9 млрд тенге "
            "уже вложено в 2024 году.",
            [False, True],
        ),
        (
            "Investment will reach KZT 1.6 trillion, including KZT 572.9 billion in 2024",
            [False, True],
        ),
        (
            "1,6 трлн теңге инвестиция, оның ішінде 572,9 млрд теңге 2024 жылы салынды",
            [False, True],
        ),
        # items of a list, not parts of a total
        ("производство чугуна увеличилось на 6%, стали — на 6,6%", [False, False]),
    ],
)
def test_a_figure_after_a_partitive_phrase_is_a_part_of_the_total(
    text: str, parts: list[bool]
) -> None:
    assert [f.part for f in read_figures(text)] == parts


def test_shown_text_keeps_what_is_counted() -> None:
    assert figure("выпущено 131 тысяча единиц бытовой техники").text == (
        "131 тысяча единиц бытовой техники"
    )
    assert figure("planned 29 investment projects in total").text == "29 investment projects"
    assert figure("построят три малых промышленных зоны общей площадью").text == (
        "три малых промышленных зоны"
    )


# --- comparing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claimed, reported, outcome",
    [
        ("2 трлн тенге", "1,6 трлн тенге", "differ"),
        ("1.6 trillion tenge", "1,6 трлн тенге", "match"),
        ("1,6 трлн", "1,6 трлн тенге", "match"),  # the unit left implicit
        ("60 колледжей", "52 колледжа", "differ"),
        ("7%", "7,3%", "differ"),
        ("более 2 трлн тенге", "превысил 3 трлн тенге", "match"),  # follows from the report
        ("3 трлн тенге", "превысил 3 трлн тенге", "match"),  # the figure itself, rounded off
        ("2 трлн тенге", "превысил 3 трлн тенге", "differ"),  # below the bound
        ("3,5 трлн тенге", "превысил 3 трлн тенге", "unclear"),  # allowed, not stated
        ("более 5 трлн тенге", "превысил 3 трлн тенге", "differ"),  # a bound misquoted
        ("менее 2 трлн тенге", "более 3 трлн тенге", "differ"),
        ("менее 3 трлн тенге", "более 3 трлн тенге", "differ"),
        ("около 40%", "42%", "match"),
        ("около 40%", "50%", "differ"),
        ("41%", "почти 40%", "match"),
        ("20-дан астам", "24 участника", "match"),
        ("120 млрд теңгеден асып түсті", "превысил 124 млрд тенге", "match"),
        ("1300-ден аз", "более 1300 постоянных рабочих мест", "differ"),
        ("вырос более чем на 7%", "на 7,3% больше", "match"),
        ("вырос менее чем на 7%", "на 7,3% больше", "differ"),
        # units of one dimension, compared in its base unit
        ("150 000 кВт", "150 МВт", "match"),
        ("200 000 кВт", "150 МВт", "differ"),
        ("0,15 ГВт", "150 МВт", "match"),
        ("150 км²", "15 тыс. гектаров", "match"),
        ("5 гектаров", "50 тыс. м²", "match"),
        ("15 мың гектарлық парк", "15 тыс. гектаров", "match"),  # a Kazakh ending on the unit
        # figures written in words or with a code before them
        ("жүз елу мегаватт", "150 МВт", "match"),
        ("жеті бүтін оннан үш пайыз", "на 7,3% больше", "match"),
        ("topped KZT 120 billion", "124 млрд тенге", "match"),
        ("stayed below KZT 124 billion", "превысил 124 млрд тенге", "differ"),
        ("40 пайызға да жетпейді", "более 40%", "differ"),
    ],
)
def test_compare(claimed: str, reported: str, outcome: str) -> None:
    assert compare(figure(claimed), figure(reported)) == outcome


def test_compare_is_symmetric_for_exact_figures() -> None:
    a, b = figure("60 колледжей"), figure("52 колледжа")
    assert compare(a, b) == compare(b, a) == "differ"


@given(
    value=st.floats(min_value=0.01, max_value=4e12, allow_nan=False, allow_infinity=False),
    unit=st.sampled_from([None, "KZT", "%", "ha", "MW", "t"]),
    lang=st.sampled_from(["ru", "en"]),
)
@settings(max_examples=200, deadline=None)
def test_a_written_figure_matches_itself_and_not_its_double(
    value: float, unit: str | None, lang: str
) -> None:
    kind = "percent" if unit == "%" else "number"
    text = format_quantity(Quantity(value, unit, kind, "", 0, 0), lang)
    written = read_figures(text)
    assert len(written) == 1, text
    f = written[0]
    assert compare(f, f) == "match"
    doubled = format_quantity(Quantity(value * 2, unit, kind, "", 0, 0), lang)
    assert compare(f, read_figures(doubled)[0]) == "differ", (text, doubled)


@pytest.mark.parametrize(
    "claimed, reported, ok",
    [
        ("150 МВт", "150 MW", True),
        ("150 МВт", "150 тонн", False),  # two units
        ("150 000 кВт", "150 МВт", True),  # one dimension
        ("150 000 кг", "150 т", True),
        ("150 кВт", "150 гектаров", False),
        ("5 электростанций", "150 МВт", False),  # a counted noun against a unit
        ("472 млрд", "472 млрд тенге", True),  # no unit against a unit
        ("7,3%", "7,3", False),  # a percent is not a number
        ("60 колледжей", "52 колледжа", True),  # nouns are compared by context, not here
    ],
)
def test_compatible(claimed: str, reported: str, ok: bool) -> None:
    assert compatible(figure(claimed).quantity, figure(reported).quantity) is ok


# --- words: lemmas within a language, embeddings across --------------------------------------------


def test_same_word() -> None:
    assert same_word("колледжей", "колледжа")
    assert same_word("вложат", "вложено")  # one stem starts the other
    assert not same_word("вузов", "колледжа")
    assert same_word("места", "мест")


def test_counts_alike_tells_what_is_counted() -> None:
    sixty = read_figures("В области 8 вузов и 60 колледжей")[1]
    eight, fifty_two, forty = read_figures(
        "В области работают 8 вузов и 52 колледжа, из которых 40 реализуют дуальное обучение."
    )
    assert counts_alike(sixty, fifty_two, STEMS) == 1.0
    assert counts_alike(sixty, eight, STEMS) == 0.0
    assert context_similarity(sixty, fifty_two, STEMS) > context_similarity(sixty, forty, STEMS)


def test_one_word_around_a_figure_is_not_a_full_match() -> None:
    claimed = figure("вложат 2 трлн")  # a single word of context
    reported = read_figures("уже вложено 572,9 млрд")[0]
    assert 0 < context_similarity(claimed, reported, STEMS) < 0.5


class _Vectors:
    """An embedder whose vectors are given by hand, to pin the cross-lingual mapping."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table
        self.calls = 0

    def _rows(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        rows = np.array([self.table[t] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    embed_queries = embed_passages = _rows


def _one_hot(vocabulary: list[str]) -> dict[str, list[float]]:
    return {w: [float(i == j) for j in range(len(vocabulary))] for i, w in enumerate(vocabulary)}


def test_claim_words_across_languages_stand_out_among_the_report_words() -> None:
    report = ["колледжа", "вузов", "автобусов", "шин", "мест", "проектов"]
    report += [f"слово{i}" for i in range(24)]  # z-scores need some words to stand out from
    table = _one_hot(report)
    table["colleges"] = [0.95, 0.3] + [0.0] * (len(report) - 2)  # колледжа, a little вузов
    table["smartphones"] = table["samsung"] = [1.0] * len(report)  # close to none in particular
    embedder = _Vectors(table)
    crosslingual = CrossLingual(embedder)
    words = ClaimWords(crosslingual, ["colleges", "smartphones", "samsung"], report, cross=True)
    assert words.similarity("colleges", "колледжа") == 1.0
    assert words.similarity("colleges", "вузов") == 0.0  # near, but does not stand out
    assert words.similarity("smartphones", "автобусов") == 0.0
    assert words.similarity("samsung", "samsung") == 1.0  # the same spelling needs no vectors
    assert words.similarity("colleges", "not-a-report-word") == 0.0
    calls = embedder.calls
    again = ClaimWords(crosslingual, ["colleges"], report, cross=True)
    assert again.similarity("colleges", "колледжа") == 1.0
    assert embedder.calls == calls  # every word was embedded once, then kept


def test_claim_words_in_one_language_are_never_embedded() -> None:
    embedder = _Vectors(_one_hot(["colleges", "колледжа"]))
    words = ClaimWords(CrossLingual(embedder), ["colleges"], ["колледжа"], cross=False)
    assert words.similarity("colleges", "колледжа") == 0.0  # one language: lemmas only
    assert words.similarity("колледжей", "колледжа") == 1.0
    assert embedder.calls == 0


def test_content_words() -> None:
    assert content_words("В области ещё 8 вузов и ё-моё") == ["области", "вузов", "е-мое"]


def test_a_bound_misquoted_is_a_difference_and_a_weaker_one_follows() -> None:
    (reported,) = read_figures("Создано более 1300 постоянных рабочих мест.")
    (stronger,) = read_figures("Создано более 1500 постоянных рабочих мест.")
    (weaker,) = read_figures("Создано более 1000 постоянных рабочих мест.")
    (value,) = read_figures("Создано 1400 постоянных рабочих мест.")
    assert compare(stronger, reported) == "differ"
    assert compare(weaker, reported) == "match"
    assert compare(value, reported) == "unclear"  # the bound allows it without stating it
