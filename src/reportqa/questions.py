"""What a question asks for: its language, the kind of answer it wants, the years it names and
its content terms. The answerer checks candidate sentences against this profile.

The kinds are coarse on purpose ("quantity", "date", "place", "person", "other"): they decide
whether a sentence *can* answer, not what the answer is. Patterns exist for Russian, Kazakh and
English question words.

Left out: parsing of the question's syntax; anything a regular expression over question words
cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import content_terms, detect_language

__all__ = [
    "QuestionProfile",
    "profile_question",
    "years_in",
    "has_quantity",
    "has_date",
    "has_proper_name",
    "has_person_or_organisation",
]

_KINDS = {
    "quantity": re.compile(
        r"\bсколько\b|\bна сколько\b|\bкаков[аоы]?\s+(?:\w+\s+)?(?:объ[её]м|размер|сумм|дол|числ|"
        r"площад|мощност|стоимост|запас|количеств|показател|рост|уровень)|"
        r"\bкак(?:ой|ая|ое|ие|ов)\s+(?:\w+\s+)?(?:объ[её]м|процент|сумм|дол|площад|мощност|"
        r"численност|количеств|стоимост|размер)|\bчисленност|"
        r"\bhow\s+(?:much|many|large|big|long|far|high)\b|\bwhat\s+(?:is|was|are|were)\s+the\s+"
        r"(?:amount|number|volume|size|share|value|total|cost|population|capacity|area)\b|"
        r"\bwhat\s+(?:percentage|share|proportion|amount|number)\b|"
        r"\bқанша\b|\bнеше\b|\bқаншалық",
        re.IGNORECASE,
    ),
    "date": re.compile(
        r"\bкогда\b|\bв\s+каком\s+(?:году|месяце)|\bс\s+какого\s+(?:года|времени)|"
        r"\bдо\s+какого\s+года|\bкакого\s+числа|\bв\s+какие\s+годы|"
        r"\bwhen\b|\bwhat\s+(?:year|month|date|time)\b|\bwhich\s+(?:year|month)\b|\bin\s+what\s+year\b|"
        r"\bқашан\b|\bқай\s+жыл",
        re.IGNORECASE,
    ),
    "place": re.compile(
        r"\bгде\b|\bкуда\b|\bоткуда\b|\bв\s+как(?:ом|ой)\s+(?:городе|регионе|районе|месте|стране|"
        r"области)|\bwhere\b|\bwhich\s+(?:city|town|country|region|place)\b|\bin\s+what\s+(?:city|"
        r"country|region)\b|\bқайда\b|\bқай\s+жерде|\bқай\s+қала",
        re.IGNORECASE,
    ),
    "person": re.compile(r"\bкто\b|\bкем\b|\bкого\b|\bwho\b|\bwhom\b|\bкім\b", re.IGNORECASE),
}
_YEAR = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d|2100)(?![\d.,]\d)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NUMBER_WORDS = re.compile(
    r"\b(?:один|одна|одно|одного|одной|два|две|двух|три|трёх|трех|четыре|четырёх|пять|пяти|шесть|"
    r"семь|восемь|девять|десять|десяти|сто|тысяч\w*|миллион\w*|миллиард\w*|половин\w*|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|half)\b",
    re.IGNORECASE,
)
_MONTHS = re.compile(
    r"\b(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"веке|век[аи]?|столети|century|centuries)\w*",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<![.!?…]\s)(?<!^)\b[A-ZА-ЯЁ][\w-]+")
# A person: initials with a surname ("А. С. Пушкин", "Пушкин А.С."), or a capitalised word
# with a Russian or Kazakh surname ending next to another capitalised word.
_INITIALS = re.compile(
    r"\b[А-ЯЁA-Z]\.\s?(?:[А-ЯЁA-Z]\.\s?)?[А-ЯЁA-Z][а-яёa-z]+|\b[А-ЯЁ][а-яё]+\s[А-ЯЁ]\.\s?[А-ЯЁ]?\.?"
)
_SURNAME = re.compile(
    r"\b[А-ЯЁ][а-яёәғқңөұүһі]+(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая|енко|"
    r"ұлы|улы|қызы|кызы|ovich|ova|ov|ev|eva)(?:а|у|ым|ом|ой|е|ым|ым)?\b"
)
_NAME_PAIR = re.compile(r"\b[A-ZА-ЯЁ][a-zа-яё]+\s+[A-ZА-ЯЁ][a-zа-яё]+\b")
# An organisation: a quoted name, an acronym, or a capitalised Latin-script word.
_ORGANISATION = re.compile(
    r"[«\"“][A-ZА-ЯЁ0-9][^»\"”]{1,60}[»\"”]|\b[A-ZА-ЯЁ]{2,}\b|\b[A-Z][a-z]+\b"
)


@dataclass(frozen=True)
class QuestionProfile:
    """What a question asks for."""

    text: str
    language: str
    kind: str  # "quantity", "date", "place", "person" or "other"
    years: frozenset[str]
    numbers: frozenset[str]  # every number written in digits, years included
    terms: tuple[str, ...]  # stemmed content terms


def profile_question(question: str) -> QuestionProfile:
    """The profile of ``question``."""
    kind = "other"
    for name, pattern in _KINDS.items():
        if pattern.search(question):
            kind = name
            break
    return QuestionProfile(
        text=question,
        language=detect_language(question),
        kind=kind,
        years=years_in(question),
        numbers=numbers_in(question),
        terms=tuple(t for t in content_terms(question) if t not in years_in(question)),
    )


def years_in(text: str) -> frozenset[str]:
    """Four-digit years (1800–2100) written in ``text``."""
    return frozenset(_YEAR.findall(text))


def numbers_in(text: str) -> frozenset[str]:
    """The numbers written in digits in ``text``."""
    return frozenset(_NUMBER.findall(text))


def has_quantity(sentence: str, exclude: frozenset[str] = frozenset()) -> bool:
    """Whether ``sentence`` states an amount: a number other than the excluded ones (those the
    question itself writes), or a number word."""
    numbers = [n for n in _NUMBER.findall(sentence) if n not in exclude]
    return bool(numbers) or bool(_NUMBER_WORDS.search(sentence))


def has_date(sentence: str) -> bool:
    """Whether ``sentence`` names a year, a month or a century."""
    return bool(_YEAR.search(sentence) or _MONTHS.search(sentence))


def has_person_or_organisation(sentence: str, question: str = "") -> bool:
    """Whether ``sentence`` names a person (initials, or a surname beside another name) or an
    organisation (a quoted name, an acronym, a Latin-script name) that ``question`` does not
    already name: "Who is the director of QARMET?" is not answered by a sentence whose only name
    is QARMET."""
    asked = question.lower()
    names = [m.group() for m in _INITIALS.finditer(sentence)]
    names += [m.group() for m in _ORGANISATION.finditer(sentence)]
    names += [
        pair.group() for pair in _NAME_PAIR.finditer(sentence) if _SURNAME.search(pair.group())
    ]
    return any(name.strip('«»"“”').lower() not in asked for name in names)


def has_proper_name(sentence: str) -> bool:
    """Whether ``sentence`` holds a capitalised word other than its first."""
    return bool(_CAPITALISED.search(sentence.strip()))
