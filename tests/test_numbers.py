"""Tests of ``reportqa.lang.numbers``: reading, matching and writing numbers in Russian and English."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportqa.lang.numbers import Quantity, format_quantity, parse_quantities, quantities_match

REPORT = Path(__file__).resolve().parents[1] / "corpus" / "karaganda-industry.txt"
NBSP, NNBSP = "\u00a0", "\u202f"


def only(text: str) -> Quantity:
    """The single quantity of ``text``; fails when there are none or several."""
    found = parse_quantities(text)
    assert len(found) == 1, found
    assert text[found[0].start : found[0].end] == found[0].text
    return found[0]


def q(
    value: float,
    unit: str | None = None,
    kind: str = "number",
    *,
    noun: str | None = None,
    relation: str | None = None,
    end_value: float | None = None,
    step: float = 0.0,
) -> Quantity:
    """A quantity built by hand, as a caller would from a claim."""
    return Quantity(value, unit, kind, "", 0, 0, noun, relation, end_value, step)


# --- amounts: value, unit, kind, noun ------------------------------------------------------------

RUSSIAN = [
    ("1,6 трлн тенге", 1.6e12, "KZT", "number", None, "1,6 трлн тенге"),
    ("572,9 млрд", 572.9e9, None, "number", None, "572,9 млрд"),
    ("3 трлн", 3e12, None, "number", None, "3 трлн"),
    ("2,7 трлн тенге", 2.7e12, "KZT", "number", None, "2,7 трлн тенге"),
    ("131 тысяча единиц", 131_000, None, "number", "единиц", "131 тысяча"),
    ("372 тысячи шин", 372_000, None, "number", "шин", "372 тысячи"),
    ("15 тыс. гектаров", 15_000, "ha", "number", None, "15 тыс. гектаров"),
    ("50 тыс. м²", 50_000, "m2", "number", None, "50 тыс. м²"),
    ("50 тыс. кв. м", 50_000, "m2", "number", None, "50 тыс. кв. м"),
    ("7,3%", 7.3, "%", "percent", None, "7,3%"),
    ("7,3 %", 7.3, "%", "percent", None, "7,3 %"),
    ("25 процентов", 25, "%", "percent", None, "25 процентов"),
    ("на 2 процентных пункта", 2, "pp", "percent", None, "2 процентных пункта"),
    ("150 МВт", 150, "MW", "number", None, "150 МВт"),
    ("28,2 млн тонн", 28.2e6, "t", "number", None, "28,2 млн тонн"),
    ("более 1300 постоянных рабочих мест", 1300, None, "number", "мест", "1300"),
    ("1 300 человек", 1300, None, "number", "человек", "1 300"),
    (f"1{NBSP}300 человек", 1300, None, "number", "человек", f"1{NBSP}300"),
    (f"1{NNBSP}300 человек", 1300, None, "number", "человек", f"1{NNBSP}300"),
    ("1 234 567,8 тенге", 1_234_567.8, "KZT", "number", None, "1 234 567,8 тенге"),
    ("941 производственное предприятие", 941, None, "number", "предприятие", "941"),
    ("24 участника", 24, None, "number", "участника", "24"),
    ("12 зарегистрированных участников", 12, None, "number", "участников", "12"),
    ("полтора миллиарда долларов", 1.5e9, "USD", "number", None, "полтора миллиарда долларов"),
    ("5 млн долларов США", 5e6, "USD", "number", None, "5 млн долларов США"),
    ("-3,2%", -3.2, "%", "percent", None, "-3,2%"),
    ("120 км", 120, "km", "number", None, "120 км"),
    ("40 тыс. штук", 40_000, "pcs", "number", None, "40 тыс. штук"),
    ("3 млрд ₸", 3e9, "KZT", "number", None, "3 млрд ₸"),
]

ENGLISH = [
    ("1.6 trillion tenge", 1.6e12, "KZT", "number", None, "1.6 trillion tenge"),
    ("572.9 billion", 572.9e9, None, "number", None, "572.9 billion"),
    ("2,400 buses", 2400, None, "number", "buses", "2,400"),
    ("1,300", 1300, None, "number", None, "1,300"),
    ("1,300,000 tonnes", 1_300_000, "t", "number", None, "1,300,000 tonnes"),
    ("$5 million", 5e6, "USD", "number", None, "$5 million"),
    ("US$5 bn", 5e9, "USD", "number", None, "US$5 bn"),
    ("€2.5 million", 2.5e6, "EUR", "number", None, "€2.5 million"),
    ("7.3 percent", 7.3, "%", "percent", None, "7.3 percent"),
    ("7.3 per cent", 7.3, "%", "percent", None, "7.3 per cent"),
    ("150 MW", 150, "MW", "number", None, "150 MW"),
    ("50,000 m²", 50_000, "m2", "number", None, "50,000 m²"),
    ("15 thousand hectares", 15_000, "ha", "number", None, "15 thousand hectares"),
    ("28.2 million tonnes", 28.2e6, "t", "number", None, "28.2 million tonnes"),
    ("5k", 5000, None, "number", None, "5k"),
    ("3 bn", 3e9, None, "number", None, "3 bn"),
    ("1,234.5", 1234.5, None, "number", None, "1,234.5"),
]


@pytest.mark.parametrize(("text", "value", "unit", "kind", "noun", "span"), RUSSIAN + ENGLISH)
def test_amounts(
    text: str, value: float, unit: str | None, kind: str, noun: str | None, span: str
) -> None:
    found = only(text)
    assert (found.value, found.unit, found.kind, found.noun, found.text) == (
        value,
        unit,
        kind,
        noun,
        span,
    )


# --- decimal comma or thousands separator --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,7 трлн", 2.7e12),  # Russian decimal comma, never 27e11
        ("1,6", 1.6),
        ("572,9", 572.9),
        ("1,300 млрд тенге", 1.3e9),  # three digits after the comma, Cyrillic next: decimal
        ("выпущено 1,300", 1.3),  # Cyrillic word before it
        ("1,300 tenge", 1300),  # Latin next: thousands
        ("sold 2,400.", 2400),
        ("1,300", 1300),  # no letter at all: thousands
        ("0,500", 0.5),  # a group never starts with 0
        ("1300,000", 1300.0),  # four leading digits cannot be a thousands group
        ("1.300", 1.3),  # a single dot is decimal
        ("1.234.567", 1_234_567),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("1 234.5", 1234.5),
    ],
)
def test_separators(text: str, value: float) -> None:
    assert only(text).value == value


def test_written_precision_is_kept() -> None:
    assert only("1,6 трлн").step == 1e11
    assert only("2 трлн").step == 1e12
    assert only("1 600 млрд").step == 1e9
    assert only("7,25%").step == pytest.approx(0.01)


# --- number words --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "noun", "span"),
    [
        ("заменены корпуса двух конвертеров", 2, "конвертеров", "двух"),
        ("строительство трёх малых промышленных зон", 3, "зон", "трёх"),
        ("трех зон", 3, "зон", "трех"),
        ("одна из печей", 1, None, "одна"),
        ("Пять проектов", 5, "проектов", "Пять"),
        ("двадцать пять участников", 25, "участников", "двадцать пять"),
        ("сто двадцать тысяч тонн", 120_000, None, "сто двадцать тысяч тонн"),
        ("две тысячи", 2000, None, "две тысячи"),
        ("three plants", 3, "plants", "three"),
        ("Twenty-one buses", 21, "buses", "Twenty-one"),
        ("two hundred and fifty thousand", 250_000, None, "two hundred and fifty thousand"),
        ("a thousand jobs", 1000, "jobs", "a thousand"),
        ("one of the furnaces", 1, None, "one"),
        # a scale word, then a smaller number in words: one number
        ("бір мың төрт жүз автобус", 1400, "автобус", "бір мың төрт жүз"),
        ("one thousand four hundred buses", 1400, "buses", "one thousand four hundred"),
        ("одна тысяча четыреста автобусов", 1400, "автобусов", "одна тысяча четыреста"),
        ("twenty-five hundred jobs", 2500, "jobs", "twenty-five hundred"),
    ],
)
def test_number_words(text: str, value: float, noun: str | None, span: str) -> None:
    found = only(text)
    assert (found.value, found.kind, found.noun, found.text) == (value, "number", noun, span)


def test_unrelated_number_words_stay_apart() -> None:
    assert [x.value for x in parse_quantities("пять шесть")] == [5, 6]
    assert [x.value for x in parse_quantities("one two")] == [1, 2]
    # a larger number after a scale word is another number
    assert [x.value for x in parse_quantities("three thousand people, four hundred cars")] == [
        3000,
        400,
    ]
    # and the whole takes the scale after it
    assert [x.value for x in parse_quantities("one thousand four hundred million")] == [1.4e9]


@pytest.mark.parametrize(
    "text",
    [
        "в ноябре ожидается запуск второй",  # ordinals are not quantities (the month is a date)
        "the second furnace",
        "2-й этап",
        "3rd place",
        "COVID-19",
        "5G network",
        "нет чисел вообще",
        "",
        "a lot of plants and a few more",
    ],
)
def test_no_amounts(text: str) -> None:
    assert [x for x in parse_quantities(text) if x.kind == "number"] == []


def test_text_without_numbers_gives_nothing() -> None:
    assert parse_quantities("Регион демонстрирует устойчивый рост, передает BAQ.kz.") == []
    assert parse_quantities("") == []


# --- years, periods, dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "kind", "relation", "end_value", "span"),
    [
        ("в 2024 году", 2024, "year", "in", None, "2024 году"),
        ("По итогам 2024 года", 2024, "year", "in", None, "2024 года"),
        ("До 2028 года", 2028, "year", "by", None, "2028 года"),
        ("с 2023 года", 2023, "year", "since", None, "2023 года"),
        ("к 2030 г.", 2030, "year", "by", None, "2030 г."),
        ("за 2024 год", 2024, "year", "for", None, "2024 год"),
        ("в 2024-м году", 2024, "year", "in", None, "2024-м году"),
        ("2024 год", 2024, "year", None, None, "2024 год"),
        ("in 2024", 2024, "year", "in", None, "2024"),
        ("by 2028", 2028, "year", "by", None, "2028"),
        ("since 2023", 2023, "year", "since", None, "2023"),
        ("until 2030,", 2030, "year", "by", None, "2030"),
        ("в 2025–2027 годах", 2025, "year_range", "in", 2027, "2025–2027 годах"),
        ("2025-2027", 2025, "year_range", None, 2027, "2025-2027"),
        ("за 7 месяцев", 7, "duration", None, None, "7 месяцев"),
        ("for 7 months", 7, "duration", None, None, "7 months"),
        ("in the first 7 months", 7, "duration", None, None, "7 months"),
        ("за 3 года", 3, "duration", None, None, "3 года"),
        ("10 лет", 10, "duration", None, None, "10 лет"),
        ("в мае", 5, "date", "in", None, "мае"),
        ("в ноябре", 11, "date", "in", None, "ноябре"),
        ("12.05.2024", 20240512, "date", None, None, "12.05.2024"),
    ],
)
def test_years_and_periods(
    text: str,
    value: float,
    kind: str,
    relation: str | None,
    end_value: float | None,
    span: str,
) -> None:
    found = only(text)
    assert (found.value, found.kind, found.relation, found.end_value, found.text) == (
        value,
        kind,
        relation,
        end_value,
        span,
    )


def test_duration_units() -> None:
    assert only("за 7 месяцев").unit == "month"
    assert only("for 2 years").unit == "year"
    assert only("5 лет").unit == "year"


def test_year_is_not_an_amount_and_amount_is_not_a_year() -> None:
    year, amount = parse_quantities("в 2024 году произведено 1400 единиц")
    assert (year.kind, year.value, year.relation) == ("year", 2024, "in")
    assert (amount.kind, amount.value, amount.noun) == ("number", 1400, "единиц")
    assert only("1400 единиц").kind == "number"
    assert only("2024 тонны").kind == "number"  # a year-like amount with a unit
    assert only("до 2000 тонн").kind == "number"
    assert only("2 024 тонны").kind == "number"
    assert only("2000 years").kind == "duration"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # before 1900, a number is a year only with a year word in a form that is not a length
        ("Базилика построена около 817 года", "year", 817),
        ("Москва основана в 1147 году", "year", 1147),
        ("Крещение Руси в 988 г.", "year", 988),
        ("1147 жылы салынған", "year", 1147),
        ("городу 817 лет", "duration", 817),
        ("дереву 102 года", "duration", 102),  # the form of a length of 102 years
        ("ему 101 год", "duration", 101),
        ("в 112 году", "year", 112),
        ("500 г. муки", "number", 500),  # an abbreviation needs a preposition before it
        ("за 300 лет", "duration", 300),
        ("500 жыл бойы", "number", 500),
        ("в 1147 метрах", "number", 1147),
        ("с 300 сотрудниками", "number", 300),  # no year word: only 1900 to 2100 go by "с"
    ],
)
def test_an_earlier_year_needs_its_year_word(text: str, kind: str, value: float) -> None:
    found = only(text)
    assert (found.kind, found.value) == (kind, value)


@pytest.mark.parametrize(
    ("text", "month"),
    [("мамыр айында іске қосылды", 5), ("наурызда", 3), ("шілдеден бастап", 7), ("в мае", 5)],
)
def test_month_names_in_kazakh_and_russian(text: str, month: int) -> None:
    assert [(q.kind, q.value) for q in parse_quantities(text)] == [("date", month)]
    assert parse_quantities("Қазақстан") == []  # a name that begins like "қазан" (October)


def test_to_or_through_before_a_number_makes_it_a_year_only_where_its_clause_ends() -> None:
    assert [(q.kind, q.value, q.relation) for q in parse_quantities("The pool runs to 2035.")] == [
        ("year", 2035, "by")
    ]
    start, end = parse_quantities("from 2025 through 2027")
    assert (start.kind, start.relation, end.kind, end.value, end.relation) == (
        "year",
        "since",
        "year",
        2027,
        "by",
    )
    assert only("output rose to 2000 units").kind == "number"  # a noun follows: an amount


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("a 0.15-gigawatt wind farm", 0.15, "GW"),
        ("a 150-MW plant", 150, "MW"),
        ("a 15,000-hectare park", 15000, "ha"),
        ("a 15 thousand-hectare park", 15000, "ha"),
    ],
)
def test_a_unit_joined_to_its_number_by_a_hyphen(text: str, value: float, unit: str) -> None:
    found = only(text)
    assert (found.value, found.unit) == (value, unit)
    assert quantities_match(only("a 0.15-gigawatt wind farm"), only("150 МВт"))


def test_a_hyphen_before_one_letter_is_no_unit() -> None:
    assert (only("в 2024-м").kind, only("в 2024-м").value) == ("year", 2024)


def test_month_name_then_year() -> None:
    month, year = parse_quantities("in May 2024")
    assert (month.kind, month.value, year.kind, year.value) == ("date", 5, "year", 2024)
    assert parse_quantities("you may 2024")[0].kind == "number"  # the verb is not a month


@pytest.mark.parametrize(
    "text",
    [
        "сколько выпустили за 7 месяцев 2025?",
        "for the first seven months of 2025",
        "в первом полугодии 2025",
        "жеті айда 2025",
    ],
)
def test_a_part_of_a_year_then_a_bare_year(text: str) -> None:
    assert [(q.kind, q.value) for q in parse_quantities(text)][-1] == ("year", 2025)
    assert parse_quantities("за 7 месяцев 2000 тонн")[-1].kind == "number"  # a unit follows


# --- the report ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> tuple[str, list[Quantity]]:
    text = REPORT.read_text(encoding="utf-8")
    return text, parse_quantities(text)


def test_report_spans_are_exact_and_ordered(report: tuple[str, list[Quantity]]) -> None:
    text, found = report
    assert found
    for quantity in found:
        assert text[quantity.start : quantity.end] == quantity.text
    assert all(a.end <= b.start for a, b in pairwise(found))


REPORT_AMOUNTS = [
    (3e12, "KZT"), (2.7e12, "KZT"), (941, None), (36, None), (67, None), (838, None),
    (1.6e12, "KZT"), (572.9e9, "KZT"), (15_000, "ha"), (24, None), (211e9, "KZT"),
    (258e9, "KZT"), (1300, None), (472e9, "KZT"), (12, None), (5, None), (7, None),
    (50_000, "m2"), (1400, None), (131_000, None), (372_000, None), (120, None),
    (4.5e12, "KZT"), (29, None), (15, None), (173e9, "KZT"), (150, "MW"), (28.2e6, "t"),
    (124e9, "KZT"), (16.3e9, "KZT"), (8, None), (52, None), (40, None),
]  # fmt: skip
REPORT_PERCENTS = [7.3, 40, 6, 6.6, 4.3, 15, 25]


def test_report_numbers_are_all_found(report: tuple[str, list[Quantity]]) -> None:
    _, found = report
    amounts = [(x.value, x.unit) for x in found if x.kind == "number"]
    for expected in REPORT_AMOUNTS:
        assert expected in amounts, expected
        amounts.remove(expected)  # each listed figure is a distinct occurrence
    percents = [x.value for x in found if x.kind == "percent"]
    assert sorted(percents) == sorted(REPORT_PERCENTS)


def test_report_years(report: tuple[str, list[Quantity]]) -> None:
    _, found = report
    years = [(x.value, x.relation) for x in found if x.kind == "year"]
    assert years == [
        (2024, "in"), (2028, "by"), (2024, "in"), (2024, "in"), (2030, "by"), (2025, "in"),
        (2023, "since"),
    ]  # fmt: skip
    assert [(x.value, x.end_value) for x in found if x.kind == "year_range"] == [(2025, 2027)]
    assert [(x.value, x.unit) for x in found if x.kind == "duration"] == [(7, "month")]
    amounts = [x.value for x in found if x.kind == "number"]
    assert not {2023, 2024, 2025, 2028, 2030} & set(amounts)


def test_report_nouns(report: tuple[str, list[Quantity]]) -> None:
    _, found = report
    nouns = {x.value: x.noun for x in found if x.kind == "number" and x.unit is None}
    assert nouns[941] == "предприятие"
    assert nouns[1300] == "мест"
    assert nouns[131_000] == "единиц"
    assert nouns[52] == "колледжа"
    assert nouns[3] == "зон"


# --- matching ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1,6 трлн тенге", "1.6 trillion tenge"),
        ("1,6 трлн", "1 600 млрд"),
        ("1,6 трлн тенге", "1.6 trillion"),  # a unit left out is compatible
        ("3 трлн", "3.0 trillion"),
        ("1.6 trillion", "1 612 000 000 000"),  # rounded at its last digit
        ("572,9 млрд", "572.9 billion"),
        ("131 тысяча единиц", "131,000 units"),
        ("7,3%", "7.3 percent"),
        ("15 тыс. гектаров", "15 thousand hectares"),
        ("50 тыс. м²", "50,000 m²"),
        ("1300", "1,3 тыс."),
        ("в 2024 году", "in 2024"),
        ("до 2028 года", "in 2028"),  # relations are not compared
        ("2025–2027 годах", "2025-2027"),
        ("за 7 месяцев", "for 7 months"),
        ("двух конвертеров", "two converters"),
        ("$5 million", "5 млн долларов"),
    ],
)
def test_quantities_match(left: str, right: str) -> None:
    a, b = only(left), only(right)
    assert quantities_match(a, b)
    assert quantities_match(b, a)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("2 трлн", "1,6 трлн"),
        ("2 trillion", "1.6 trillion"),
        ("1,6 трлн", "1,7 трлн"),
        ("1.6 trillion", "1 660 000 000 000"),
        ("7%", "7,3%"),
        ("6%", "6 тонн"),  # a percent is not an amount
        ("6 тонн", "6 МВт"),  # different units
        ("5 млн долларов", "5 млн тенге"),
        ("2,5%", "2,5 п.п."),
        ("в 2024 году", "2024 тонны"),  # a year is not an amount
        ("в 2024 году", "в 2025 году"),
        ("2025–2027 годах", "2025–2028"),
        ("2025–2027 годах", "в 2025 году"),
        ("за 7 месяцев", "7 лет"),
        ("1300", "1312"),
        ("941", "942"),
    ],
)
def test_quantities_do_not_match(left: str, right: str) -> None:
    a, b = only(left), only(right)
    assert not quantities_match(a, b)
    assert not quantities_match(b, a)


def test_match_hand_built_quantities() -> None:
    assert quantities_match(q(1.6e12, "KZT", step=1e11), q(1.612e12, "KZT"))
    assert not quantities_match(q(1.6e12, "KZT"), q(1.612e12, "KZT"))  # both exact
    assert not quantities_match(q(float("nan")), q(float("nan")))


# --- formatting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "ru", "en"),
    [
        (q(1.6e12, "KZT"), "1,6 трлн тенге", "1.6 trillion tenge"),
        (q(572.9e9), "572,9 млрд", "572.9 billion"),
        (q(15_000, "ha"), "15 тыс. гектаров", "15 thousand hectares"),
        (q(1300, noun="мест"), f"1{NBSP}300 мест", "1,300"),
        (q(2400, noun="buses"), f"2{NBSP}400", "2,400 buses"),
        (q(1, "ha"), "1 гектар", "1 hectare"),
        (q(3, "t"), "3 тонны", "3 tonnes"),
        (q(2.5, "t"), "2,5 тонны", "2.5 tonnes"),
        (q(11, "t"), "11 тонн", "11 tonnes"),
        (q(5e6, "USD"), "5 млн долларов", "$5 million"),
        (q(-5e6, "USD"), "-5 млн долларов", "-$5 million"),
        (q(7.3, "%", "percent"), "7,3%", "7.3%"),
        (q(2.5, "pp", "percent"), "2,5 п. п.", "2.5 pp"),
        (q(7, "month", "duration"), "7 месяцев", "7 months"),
        (q(2024, kind="year", relation="in"), "в 2024 году", "in 2024"),
        (q(2028, kind="year", relation="by"), "до 2028 года", "by 2028"),
        (q(2024, kind="year"), "2024 год", "the year 2024"),
        (q(2025, kind="year_range", end_value=2027), "2025–2027 годы", "2025–2027"),
        (q(5, kind="date"), "май", "May"),
        (q(1234.567), f"1{NBSP}234,57", "1,234.57"),
        (q(0.004, "%", "percent"), "0,004%", "0.004%"),
    ],
)
def test_format_quantity(quantity: Quantity, ru: str, en: str) -> None:
    assert format_quantity(quantity) == ru
    assert format_quantity(quantity, "ru") == ru
    assert format_quantity(quantity, "en") == en


def test_format_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="lang"):
        format_quantity(q(1), "de")


# --- properties ----------------------------------------------------------------------------------

AMOUNT_UNITS = [None, "KZT", "USD", "EUR", "RUB", "GBP", "ha", "m2", "km2", "km", "m", "MW", "kW",
                "GW", "kg", "t", "pcs"]  # fmt: skip
decimal_values = st.builds(
    lambda n, places, exponent: n / 10**places * 10**exponent,
    st.integers(-999_999, 999_999),
    st.integers(0, 3),
    st.sampled_from([0, 0, 3, 6, 9, 12]),
)
amounts = st.builds(
    q,
    st.one_of(decimal_values, st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False)),
    st.sampled_from(AMOUNT_UNITS),
)
percents = st.builds(
    q,
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from(["%", "pp"]),
    st.just("percent"),
)
durations = st.builds(
    q,
    st.one_of(
        st.integers(1, 5000).map(float), st.floats(0.01, 1e4, allow_nan=False, allow_infinity=False)
    ),
    st.sampled_from(["month", "year", "week", "day"]),
    st.just("duration"),
)
years = st.builds(
    lambda year, relation: q(float(year), kind="year", relation=relation),
    st.integers(1900, 2100),
    st.sampled_from([None, "in", "by", "since", "for"]),
)
year_ranges = st.builds(
    lambda first, length: q(float(first), kind="year_range", end_value=float(first + length)),
    st.integers(1900, 2099),
    st.integers(1, 10),
).filter(lambda x: x.end_value is not None and x.end_value <= 2100)
dates = st.one_of(
    st.integers(1, 12).map(lambda month: q(float(month), kind="date")),
    st.dates()
    .filter(lambda d: 1900 <= d.year <= 2100)
    .map(lambda d: q(float(d.year * 10000 + d.month * 100 + d.day), kind="date")),
)
quantities = st.one_of(amounts, percents, durations, years, year_ranges, dates)
# No example database: the tests write nothing into the source tree; no deadline on a busy CI box.
FAST = settings(deadline=None, database=None)


@settings(FAST, max_examples=200)
@given(quantities, st.sampled_from(["ru", "en"]))
def test_format_round_trip(original: Quantity, lang: str) -> None:
    text = format_quantity(original, lang)
    (parsed,) = parse_quantities(text)
    assert text.endswith(parsed.text), text  # only a preposition may be left out: "в 2024 году"
    assert parsed.kind == original.kind
    assert quantities_match(parsed, original), (text, parsed)


@settings(FAST, max_examples=50)
@given(st.sampled_from(["мест", "единиц", "buses", "plants"]), st.integers(1, 10**9))
def test_format_round_trip_keeps_nouns_of_the_language(noun: str, value: int) -> None:
    lang = "en" if noun.isascii() else "ru"
    (parsed,) = parse_quantities(format_quantity(q(float(value), noun=noun), lang))
    assert quantities_match(parsed, q(float(value)))
    assert parsed.noun == noun


PIECES = [
    "1", "2024", "2,400", "1,6", "1 300", NBSP, NNBSP, "\u2009", " ", ",", ".", "-", "–", "—",
    "%", "$", "₸", "€", "трлн", "млрд", "тыс.", "тысячи", "million", "k", "в", "году", "года",
    "до", "с", "in", "by", "since", "месяцев", "months", "тенге", "м²", "МВт", "т", "т.е.",
    "двух", "двадцать", "one", "hundred", "a", "and", "thousand", "мая", "May", "-й", "COVID",
    "\n", "12.05.", "п.п.", "процентов", "x", "я", "0", "9", "19", "21",
]  # fmt: skip


def check_spans(text: str) -> None:
    found = parse_quantities(text)
    previous_end = 0
    for quantity in found:
        assert 0 <= previous_end <= quantity.start < quantity.end <= len(text)
        assert text[quantity.start : quantity.end] == quantity.text
        assert quantity.value == quantity.value  # not NaN
        previous_end = quantity.end


@settings(FAST, max_examples=200)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_parsing_report_like_noise_is_safe(text: str) -> None:
    check_spans(text)


@settings(FAST, max_examples=100)
@given(st.text(max_size=200))
def test_parsing_any_text_is_safe(text: str) -> None:
    check_spans(text)


def test_long_runs_of_number_words_are_read_in_linear_time() -> None:
    # each word stands alone; an unbounded word pattern made this quadratic (minutes, not ms)
    assert len(parse_quantities("двадцать " * 3000)) == 3000


@pytest.mark.parametrize(
    "text, value, unit, kind, relation",
    [
        ("211 млрд теңгені құрады", 211e9, "KZT", "number", None),
        ("285 млрд теңгеге жетті", 285e9, "KZT", "number", None),
        ("15 пайызға артты", 15.0, "%", "percent", None),
        ("2021 жылдан бері", 2021.0, None, "year", "since"),
        ("2028 жылға дейін", 2028.0, None, "year", "by"),
        ("2024 жылы", 2024.0, None, "year", "in"),
        ("ауданы 50 000 шаршы метр", 50_000.0, "m2", "number", None),
        ("алғашқы 7 айында", 7.0, "month", "duration", None),
        ("5 күн ішінде", 5.0, "day", "duration", None),
    ],
)
def test_kazakh_units_and_years_carry_their_case_endings(
    text: str, value: float, unit: str | None, kind: str, relation: str | None
) -> None:
    (q,) = parse_quantities(text)
    assert (q.value, q.unit, q.kind, q.relation) == (value, unit, kind, relation)


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("алты пайызға өсті", 6.0, "percent"),
        ("үш конвертердің корпусы", 3.0, "number"),
        ("төрт жүз автобус", 400.0, "number"),
        ("екі жүз елу мың теңге", 250_000.0, "number"),
    ],
)
def test_kazakh_number_words_come_from_the_resource_table(text, value, kind):
    (quantity,) = parse_quantities(text)
    assert (quantity.value, quantity.kind) == (value, kind)


@pytest.mark.parametrize(
    ("text", "value", "unit", "kind", "span"),
    [
        # a hundred alone starts a Kazakh number ("жүз" is 100 as "сто" is)
        ("қуаты жүз елу мегаватт", 150.0, "MW", "number", "жүз елу мегаватт"),
        # Kazakh "он" (ten) before another number word
        ("он бес жоба", 15.0, None, "number", "он бес"),
        ("он мың гектар", 10_000.0, "ha", "number", "он мың гектар"),
        # a fraction in words: Kazakh names the denominator first, Russian after, English by digit
        ("жеті бүтін оннан үш пайызға өсті", 7.3, "%", "percent", "жеті бүтін оннан үш пайызға"),
        (
            "на семь целых три десятых процента",
            7.3,
            "%",
            "percent",
            "семь целых три десятых процента",
        ),
        ("seven point three percent", 7.3, "%", "percent", "seven point three percent"),
        ("one point six trillion tenge", 1.6e12, "KZT", "number", "one point six trillion tenge"),
        ("екі бүтін жүзден он бес пайыз", 2.15, "%", "percent", "екі бүтін жүзден он бес пайыз"),
        # a half after a number
        ("бір жарым трлн теңге", 1.5e12, "KZT", "number", "бір жарым трлн теңге"),
        (
            "два с половиной миллиарда тенге",
            2.5e9,
            "KZT",
            "number",
            "два с половиной миллиарда тенге",
        ),
        (
            "two and a half billion dollars",
            2.5e9,
            "USD",
            "number",
            "two and a half billion dollars",
        ),
        # a smaller scale after the first one's number: 1 600 billions, not 1 000 000 600 billions
        (
            "бір триллион алты жүз миллиард теңге",
            1.6e12,
            "KZT",
            "number",
            "бір триллион алты жүз миллиард теңге",
        ),
        (
            "one trillion six hundred billion tenge",
            1.6e12,
            "KZT",
            "number",
            "one trillion six hundred billion tenge",
        ),
        # a currency code before the figure, as English news writes it; "тг" without its dot
        ("stayed below KZT 124 billion", 1.24e11, "KZT", "number", "KZT 124 billion"),
        ("USD 1.2 billion of investment", 1.2e9, "USD", "number", "USD 1.2 billion"),
        ("выделили 5 млрд тг", 5e9, "KZT", "number", "5 млрд тг"),
    ],
)
def test_numbers_written_in_words_and_with_a_code_before_them(
    text: str, value: float, unit: str | None, kind: str, span: str
) -> None:
    (q,) = parse_quantities(text)
    assert (q.value, q.unit, q.kind, q.text) == (pytest.approx(value), unit, kind, span)


def test_a_fraction_in_words_is_as_precise_as_it_is_written() -> None:
    (tenths,) = parse_quantities("жеті бүтін оннан үш пайыз")
    (digits,) = parse_quantities("seven point three percent")
    assert tenths.step == digits.step == pytest.approx(0.1)
    assert quantities_match(tenths, parse_quantities("7,3%")[0])
    assert not quantities_match(tenths, parse_quantities("7%")[0])


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("он сказал два слова", [2.0]),  # Russian "он" (he) before a word of another table
        ("Он работал пять лет", [5.0]),
        ("Он два года работал на заводе", [2.0]),  # before a number word of another table
        ("он один из лучших", [1.0]),
        ("бүтін ел бойынша 5 зауыт", [5.0]),  # "бүтін" (whole) with no number before it
        ("жеті бүтін", [7.0]),  # no fraction after it: the whole number alone
    ],
)
def test_number_parts_need_the_number_words_around_them(text: str, values: list[float]) -> None:
    assert [q.value for q in parse_quantities(text)] == values


@pytest.mark.parametrize(
    ("text", "value"),
    [("свыше тысячи рабочих мест", 1000.0), ("две тысячи тонн", 2000.0), ("мыңнан астам", 1000.0)],
)
def test_a_thousand_alone_is_a_number_and_after_a_number_a_scale(text: str, value: float) -> None:
    assert [q.value for q in parse_quantities(text)] == [value]


def test_kazakh_month_word_is_not_read_inside_other_words():
    # "аймақ" (region) and "айлық" (monthly) begin with "ай" (month)
    assert [(q.value, q.unit) for q in parse_quantities("3 аймақ, 12 айлық")] == [
        (3.0, None),
        (12.0, None),
    ]


def test_kazakh_ten_is_not_read_in_russian_text():
    # "он" is Kazakh ten and Russian "he": the table leaves it out
    assert [q.value for q in parse_quantities("он сказал два слова")] == [2.0]
