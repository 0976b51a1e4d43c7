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
    "subject_text",
    "name_key",
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
    # "Who", "what is the name of", and which company or agency: answered by someone's name or
    # an organisation's. ("Как называется ..." is not here: it often asks for a common noun.)
    "person": re.compile(
        r"\bкто\b|\bкем\b|\bкого\b|\bwho\b|\bwhom\b|\bкім\b|"
        r"\bкак\s+(?:зовут|звали|фамилия)|\bназовите\s+(?:имя|фамилию)|"
        r"\bкак(?:ая|ие|ой|ого|ую)\s+(?:\w+\s+)?(?:компани|организаци|фирм|агентств|инвестор)\w*|"
        r"\bwhat\s+is\s+(?:the\s+)?name\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}(?:person|man|woman|"
        r"director|head|investor|owner|company|firm|organi[sz]ation|agency)\b|"
        r"\bwhich\s+(?:\w+\s+){0,2}(?:company|companies|firm|organi[sz]ation|agency|investor)\b|"
        r"\bесімі\b|\bаты\s+кім|\bқай\s+(?:\w+\s+)?(?:компания|ұйым|агентт)",
        re.IGNORECASE,
    ),
}
_YEAR = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d|2100)(?![\d.,]\d)")
# A year the question bounds ("до 2028 года", "after 2010") rather than names: no sentence need
# repeat it.
_BOUNDED_YEAR = re.compile(
    r"\b(?:до|после|с|со|от|к|before|after|since|until|by|from)\s+(1[89]\d\d|20\d\d|2100)\b",
    re.IGNORECASE,
)
# Any written date: a year of three or four digits with "год"/"г." or a preposition, a century,
# a clock time.
_DATE = re.compile(
    r"\b\d{3,4}\s*(?:год|г\.|гг\.)|\b(?:в|с|до|in|since|by)\s+\d{3,4}\b|\b\d{1,2}:\d{2}\b|"
    r"\b[IVXLC]+\s+(?:век|в\.)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NUMBER_WORDS = re.compile(
    r"\b(?:один|одна|одно|одного|одной|два|две|двух|три|трёх|трех|четыре|четырёх|пять|пяти|шесть|"
    r"семь|восемь|девять|десять|десяти|сто|тысяч\w*|миллион\w*|миллиард\w*|половин\w*|"
    r"\w+кратн\w*|перв\w+|втор\w+|трет\w+|четв[её]рт\w+|пят\w+|шест\w+|седьм\w+|восьм\w+|"
    r"девят\w+|десят\w+|много|несколько|нескольких|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|half|"
    r"first|second|third|\w+th|several|many|once|twice)\b",
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


# Words that name the kind of answer wanted rather than its subject: "какую долю", "на какую
# сумму", "what percentage", "қанша пайызға". The fit check asks for the amount they stand for; a
# sentence need not repeat them ("Промышленность формирует более 40% экономики" answers "Какую
# долю экономики занимает промышленность?").
_ANSWER_TYPE = re.compile(
    r"(?<!\w)(?:дол[яиюей]|част[ьи]|процент\w*|сумм[аыуе]|количеств[оау]|числ[оа]|"
    r"share|percentage|percent|proportion|amount|number|"
    r"үлес\w*|пайыз\w*|саны|мөлшер\w*)(?!\w)",
    re.IGNORECASE,
)


def subject_text(question: str) -> str:
    """``question`` without the words that only name the kind of answer it wants: the words a
    sentence must share with it to be about the same thing."""
    return _ANSWER_TYPE.sub(" ", question)


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


def named_years(question: str) -> frozenset[str]:
    """The years ``question`` asks about, less those it only uses as a bound ("до 2028")."""
    return years_in(question) - frozenset(_BOUNDED_YEAR.findall(question))


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
    return bool(_YEAR.search(sentence) or _MONTHS.search(sentence) or _DATE.search(sentence))


def has_person_or_organisation(sentence: str, question: str = "") -> bool:
    """Whether ``sentence`` names someone (a person or an organisation: initials with a surname,
    a quoted name, an acronym, a name of two capitalised words, a capitalised noun past the
    first word) that ``question`` does not already name: "Who is the director of QARMET?" is not
    answered by a sentence whose only name is QARMET. Names are compared by their first five
    letters in Latin transliteration, so inflection and script do not matter. Capitalised titles
    of office ("Президента") and adjectives made from place names ("Карагандинской") are not
    names of anyone."""
    asked = {_latin(w)[:5] for w in re.findall(r"\w+", question.lower())}
    names = [m.group() for m in _INITIALS.finditer(sentence)]
    names += [m.group() for m in _ORGANISATION.finditer(sentence)]
    names += [m.group() for m in _NAME_PAIR.finditer(sentence) if not _is_title(m.group())]
    names += [
        m.group()
        for m in _CAPITALISED.finditer(sentence.strip())
        if not _is_title(m.group()) and not _ADJECTIVE.search(m.group())
    ]
    for name in names:
        words = re.findall(r"\w+", name.lower())
        if words and not all(_latin(w)[:5] in asked for w in words):
            return True
    return False


# Capitalised in Russian officialese, but titles and institutions, not anyone's name.
_TITLES = re.compile(
    r"^(?:президент|послани|правительств|министерств|министр|парламент|мажилис|сенат|совет|"
    r"год[ауе]?\b|конституц|республик|государств|кабинет|аким|глав[аы]|указ|закон|кодекс|"
    r"программ|стратеги|концепци|национальн|федерац)",
    re.IGNORECASE,
)
_ADJECTIVE = re.compile(
    r"(?:ий|ый|ой|ая|яя|ое|ее|ие|ые|ого|его|ому|ему|ом|ем|ую|юю|ых|их|ым|им|ыми|ими)$"
)
_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "ә": "a",
        "ғ": "g",
        "қ": "k",
        "ң": "n",
        "ө": "o",
        "ұ": "u",
        "ү": "u",
        "һ": "h",
        "і": "i",
    }
)


def _latin(word: str) -> str:
    return word.translate(_TRANSLIT)


def name_key(name: str) -> str:
    """A name compared across inflection and script: its first five letters, transliterated
    ("Сарань", "Сарани" and "Saran" are "saran")."""
    return "".join(ch for ch in _latin(name.lower()) if ch.isalpha())[:5]


def _is_title(name: str) -> bool:
    return all(_TITLES.match(w) for w in re.findall(r"\w+", name))


def has_proper_name(sentence: str) -> bool:
    """Whether ``sentence`` holds a capitalised word other than its first."""
    return bool(_CAPITALISED.search(sentence.strip()))
