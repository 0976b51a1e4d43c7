from __future__ import annotations

import pytest

from reportqa.text import (
    detect_language,
    is_composition_request,
    is_small_talk,
    lexical_terms,
    split_sentences,
    tokenize,
)


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Создано 15 тыс. гектаров. Рост продолжится.",
            ["Создано 15 тыс. гектаров.", "Рост продолжится."],
        ),
        ("Построено 50 тыс. м². Далее — склады.", ["Построено 50 тыс. м².", "Далее — склады."]),
        ("Вложено 572,9 млрд тенге. Это много.", ["Вложено 572,9 млрд тенге.", "Это много."]),
        (
            "Вложено 5 млрд. тенге в 2024 г. Дальше больше.",
            ["Вложено 5 млрд. тенге в 2024 г. Дальше больше."],
        ),
        (
            "Памятник А. С. Пушкину открыт в г. Караганде. Второе.",
            ["Памятник А. С. Пушкину открыт в г. Караганде.", "Второе."],
        ),
        (
            "Рост составил 7,3%. «Хороший итог», — сказал он.",
            ["Рост составил 7,3%.", "«Хороший итог», — сказал он."],
        ),
        ("Вопрос? Ответ! Ещё… Конец.", ["Вопрос?", "Ответ!", "Ещё…", "Конец."]),
        (
            "It grew by 7.3 percent. Mr. Smith agreed.",
            ["It grew by 7.3 percent.", "Mr. Smith agreed."],
        ),
        ("одно предложение без точки", ["одно предложение без точки"]),
    ],
)
def test_sentence_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_offsets_are_shifted_and_exact() -> None:
    text = "  Первое.  Второе предложение.  "
    spans = split_sentences(text, offset=100)
    assert [(s - 100, e - 100) for s, e in spans] == [(2, 9), (11, 30)]


def test_tokens_fold_case_yo_and_russian_inflection() -> None:
    assert tokenize("Колледжей") == tokenize("колледжа") == tokenize("КОЛЛЕДЖИ")
    assert tokenize("объём") == tokenize("объем")
    assert "1,6" in tokenize("1,6 трлн")


def test_kazakh_and_english_terms_are_not_cut_by_the_russian_stemmer() -> None:
    # A Russian stemmer would strip "-тар" style endings wrongly or not at all; Kazakh words keep
    # a fixed prefix, English words get the English stemmer.
    assert tokenize("жұмыстар") == ["жұмыст"]
    assert tokenize("colleges") == ["colleg"]
    assert tokenize("QARMET") == ["qarmet"]


def test_lexical_terms_add_prefixes_but_not_for_numbers() -> None:
    assert lexical_terms("шинного 2023") == ["шин", "~шинно", "2023"]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Сколько вузов?", "ru"),
        ("How many colleges?", "en"),
        ("Облыста қанша жоғары оқу орны бар?", "kk"),
        ("Облыста неше колледж бар?", "kk"),  # no Kazakh-only letter
        ("Сколько денег вложено в бар?", "ru"),  # a Kazakh word, outvoted
        ("2024", "ru"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    "text, small_talk",
    [
        ("hi, how are you today?", True),
        ("Здравствуйте! Как у вас дела?", True),
        ("Сәлем, қалайсыз?", True),
        ("Спасибо!", True),
        ("Как дела в промышленности?", False),  # a word to look up
        ("Good morning! How many buses were made?", False),
        ("Сколько вузов?", False),
        ("?", False),
    ],
)
def test_small_talk(text: str, small_talk: bool) -> None:
    assert is_small_talk(text) is small_talk


@pytest.mark.parametrize(
    "text, request_",
    [
        ("Write me a poem about steel", True),
        ("Сочини стих о заводе", True),
        ("Болат туралы өлең жаз", True),
        ("Tell me about Samsung production", False),
        ("Tell me a joke", True),
        ("Tell me the story of QARMET's modernisation", False),  # a summary, not fiction
        ("Расскажи о заводе Samsung", False),
        ("Напиши, сколько вузов в области", False),
    ],
)
def test_composition_requests(text: str, request_: bool) -> None:
    assert is_composition_request(text) is request_


def test_a_quoted_kazakh_name_leaves_a_russian_sentence_russian() -> None:
    assert detect_language("На программу «Жұмыс тап» выделено 3 млрд тенге") == "ru"
    assert detect_language("Облыста қанша жоғары оқу орны бар?") == "kk"
    assert detect_language("Облыста неше колледж бар?") == "kk"  # no Kazakh-only letter
