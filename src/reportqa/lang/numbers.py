"""Numbers in Russian, English and Kazakh: amounts with scale and unit, percents, years, periods.

``parse_quantities`` finds every numeric expression of a text ("1,6 трлн тенге", "2,400 buses",
"в 2024 году", "за 7 месяцев", "двух конвертеров") and normalises it to a ``Quantity``: the value
with its scale applied, a canonical unit, and what kind of number it is. ``quantities_match`` says
whether two quantities state the same figure, allowing for rounding; ``format_quantity`` writes one
back in Russian or English. The fact-check mode and the answer verifier build on these three.

Ambiguity rules (each one a choice, pinned by the tests):

- Decimal comma or thousands comma. A single comma followed by exactly three digits, after one to
  three leading digits that are not "0" ("2,400"), is a thousands separator unless the nearest
  letter after the number (failing that, before it) is Cyrillic; then it is a decimal comma, as
  Russian writes it ("1,300 млрд тенге" is 1.3e9). With no letter nearby it is thousands. Any
  other single comma is decimal ("2,7 трлн", "0,500"). A dot is decimal unless it repeats
  ("1.234.567"); with both a dot and a comma, the last one is decimal ("1,234.5", "1.234,5").
  Digits grouped by spaces (plain, no-break, narrow no-break or thin) are one number ("1 300"),
  and a comma or dot after such groups is decimal.
- Years. A plain four-digit number from 1900 to 2100 is a year when "год…", "г.", "гг." or "year"
  follows it (an earlier one from 100 on too: "около 817 года", "в 1147 году"), or when a
  preposition (в, во, до, с, со, к, за, in, by, since, until, from, for ...), "по итогам",
  "year" or a month name comes right before it and no scale, unit, percent or period
  follows, or a part of a year ("за 7 месяцев 2025", "the first half of 2025"). So "до 2000
  тонн" and "произведено 1400 единиц" are amounts, and so is "2024 тонны".
  A bare year after a Russian preposition is taken as a year even before a noun ("с 2000
  сотрудниками" is misread); reports write "с 2000 года". Two such years joined by a dash, the
  second later, are a year range ("2025–2027 годах").
- Number words are cardinals in their common case forms ("двух", "трёх", "одна", "полтора",
  "twenty-five", "a thousand", Kazakh "алты", "төрт жүз"), from the resource tables
  ``number_words`` and ``hundred_words`` of every language. Ordinals ("второй", "the second", "2-й", "3rd") are not quantities.
  "One" and "одна" are read as 1 even as pronouns ("одна из печей"). The ``number_parts`` tables
  add a fraction ("семь целых три десятых", "жеті бүтін оннан үш", "seven point three": 7.3,
  as precise as written), a half ("два с половиной", "бір жарым", "two and a half") and Kazakh
  "он" (ten) before another Kazakh number word ("он бес", 15; "Он два года" is Russian "he").
  A scale, a smaller number and a smaller scale are one number ("бір триллион алты жүз
  миллиард", 1.6 trillion). A currency code may stand before a figure ("KZT 124 billion").
- Rounding. A figure is taken as rounded at its last written digit ("1,6 трлн" is 1.6 ± 0.05
  трлн), but never more loosely than at its second significant digit: "1.6 trillion" matches
  1 612 000 000 000, "2 трлн" does not match "1,6 трлн", and "7%" does not match "7,3%".
- Units. A number without a unit matches the same number with any unit (the unit was left
  implicit: "1,6 трлн" and "1,6 трлн тенге"); two different units never match. Nouns and year
  relations are reported for callers but not compared.
- Dates. ``value`` is the month (1–12) for a month name ("в мае", "in May", "мамыр айында" are 5) and YYYYMMDD for a numeric
  date ("12.05.2024"). A day before a month name ("15 мая") is read as the number 15.

Left out: arithmetic and ranges of amounts ("5–7 лет" gives 5 and 7), fractions as ratios
("три четверти") and ordinals, Roman numerals, times of day, numbers glued to letters ("5G",
"COVID-19"), digit strings longer than 15 digits (identifiers, not amounts), and Kazakh units
beyond "теңге", "пайыз", "мың", "жыл", "шаршы метр" and the durations "ай", "апта", "күн"
("дана", pieces, is a counted noun like "единиц").
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace

__all__ = [
    "Quantity",
    "format_quantity",
    "in_base_unit",
    "parse_quantities",
    "quantities_match",
]


@dataclass(frozen=True)
class Quantity:
    """One numeric expression of a text, normalised; ``text`` is ``source[start:end]``."""

    value: float  # scale applied: "1,6 трлн" -> 1.6e12, "7,3%" -> 7.3, a year -> 2024.0
    unit: str | None  # "KZT", "USD", "%", "pp", "ha", "m2", "MW", "t", "pcs", "month", ...
    kind: str  # "number", "percent", "year", "year_range", "duration" or "date"
    text: str
    start: int
    end: int
    noun: str | None = None  # the counted word after a unitless number, lowercased
    relation: str | None = None  # years and dates: "in", "by", "since", "for" or None
    end_value: float | None = None  # the last year of a year range
    step: float = 0.0  # value of the last written digit ("1,6 трлн" -> 1e11); 0 means exact


_SP = r"[^\S\n]"  # a blank within a line; \s covers no-break and narrow no-break spaces
_GROUP_SPACES = " \u00a0\u202f\u2009"
_YEAR = r"(?:19[0-9]{2}|20[0-9]{2}|2100)"


def _number_words() -> tuple[dict[str, float], frozenset[str]]:
    """Cardinal words of every language (the ``number_words`` and ``hundred_words`` resource
    tables): their values, and the words that multiply the number before them ("four hundred",
    "төрт жүз")."""
    from . import resources

    values: dict[str, float] = {}
    hundreds: set[str] = set()
    for language in resources.LANGUAGES:
        table = resources.raw(language)
        for number, forms in table["number_words"].items():
            values.update((form, float(number)) for form in forms.split())
        hundreds.update(table["hundred_words"])
    return values, frozenset(hundreds)


def _number_parts(group: str) -> re.Pattern[str]:
    """The words of one group of the ``number_parts`` tables of every language, right after a
    blank (a pattern that never matches when no language has one)."""
    from . import resources

    words = resources.alternation("number_parts", group) or "(?!)"
    return re.compile(rf"[^\S\n]+(?:{words})(?!\w)", re.IGNORECASE)


# "семью" (also "family") and "нуля" ("с нуля", from scratch) are left out of the tables on
# purpose; Kazakh "он" (ten; Russian "he") is a number only before another Kazakh number word
# (``number_parts``' ``ten_before_number``: "он бес" is 15).
_WORD_VALUES, _HUNDREDS = _number_words()

_WORDS = "|".join(sorted(_WORD_VALUES, key=len, reverse=True))
_A = r"a(?=[^\S\n]+(?:hundred|thousand|million|billion|trillion)\b)"  # "a thousand"


def _ten_before_number() -> str:
    """The words that are a number only before a number word of their own language's table
    (``number_parts``' ``ten_before_number``: Kazakh "он бес" is 15, Russian "Он два года" is
    "he" and 2), as an alternation with that look-ahead."""
    from . import resources

    found = []
    for language in resources.LANGUAGES:
        table = resources.raw(language)
        tens = table["number_parts"]["ten_before_number"]
        own = {form for forms in table["number_words"].values() for form in forms.split()}
        if tens and own:
            ahead = "|".join(sorted(map(re.escape, own), key=len, reverse=True))
            words = "|".join(map(re.escape, tens))
            found.append(rf"(?:{words})(?=[^\S\n]+(?:{ahead})(?!\w))")
    return "|".join(found) or "(?!)"


_TEN = _ten_before_number()
_HUNDRED = "|".join(sorted(_HUNDREDS))
_WORD_TOKEN = re.compile(rf"(?<!\w)(?:{_WORDS}|{_HUNDRED}|{_A}|{_TEN})(?!\w)", re.IGNORECASE)
# A fraction written in words after a whole number: "семь целых три десятых", "жеті бүтін оннан
# үш", "seven point three"; a half: "два с половиной", "бір жарым", "two and a half"
_POINT = _number_parts("point")
_DENOMINATORS = ((10, _number_parts("tenths")), (100, _number_parts("hundredths")))
_HALF = _number_parts("half")
_DIGIT_WORD = re.compile(rf"[^\S\n]+({_WORDS})(?!\w)", re.IGNORECASE)


def _months() -> tuple[dict[str, tuple[str, ...]], str, str]:
    """The months of the ``month_names`` tables: each language's names (the first form of each
    month), a pattern of every form of every language, and the same with each month a group
    named by its language and number ("ru5"), to tell which it is. A form ending in "*" takes up
    to six letters of ending; one written with a capital is matched only so ("May", not
    "may")."""
    from . import resources

    names: dict[str, tuple[str, ...]] = {}
    plain: list[str] = []
    named: list[str] = []
    for language in resources.LANGUAGES:
        months = resources.raw(language)["month_names"]
        names[language] = tuple(forms.split()[0].rstrip("*") for forms in months)
        for number, forms in enumerate(months, start=1):
            patterns = "|".join(
                f"(?-i:{re.escape(form)})"
                if form[:1].isupper()
                else resources.as_pattern(form, r"\w{0,6}")
                for form in forms.split()
            )
            plain.append(patterns)
            named.append(f"(?P<{language}{number}>{patterns})")
    return names, "(?:" + "|".join(plain) + r")(?!\w)", "(?:" + "|".join(named) + r")(?!\w)"


_MONTH_NAMES, _MONTH, _MONTH_NUMBERED = _months()

# currency codes that may stand before a figure ("KZT 124 billion")
_CURRENCY_CODES = ("KZT", "USD", "EUR", "RUB", "GBP")
_CODES = "|".join(_CURRENCY_CODES)
_MASTER = re.compile(
    rf"""(?<![\w.,])(?:
      (?P<date>(?P<dd>0?[1-9]|[12][0-9]|3[01])\.(?P<mm>0?[1-9]|1[0-2])\.(?P<yyyy>{_YEAR}))(?![0-9])
    | (?P<y1>{_YEAR}){_SP}?[-–—]{_SP}?(?P<y2>{_YEAR})(?![0-9])
    | (?P<neg>[−-])?(?:(?P<cur>US\$|[$€₸₽£]|(?:{_CODES})(?={_SP})){_SP}?)?(?P<num>
          [0-9]{{1,3}}(?:[ \u00a0\u202f\u2009][0-9]{{3}})+(?:[.,][0-9]+)?
        | [0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]+)?
        | [0-9]{{1,3}}(?:\.[0-9]{{3}})+,[0-9]+
        | [0-9]{{1,3}}(?:\.[0-9]{{3}}){{2,}}
        | [0-9]+(?:[.,][0-9]+)?
        )(?![0-9]|[.,][0-9])
    | (?P<word>(?:{_WORDS}|{_A}|{_TEN})(?!\w)  # at most six words, so reading stays linear
        (?:(?:{_SP}+(?:and{_SP}+)?|-)(?:{_WORDS}|{_HUNDRED}|{_A}|{_TEN})(?!\w)){{0,5}})
    | (?P<month>{_MONTH})
    )""",
    re.VERBOSE | re.IGNORECASE,
)

_SCALE = re.compile(
    rf"""{_SP}*(?:(?P<s3>тыс(?:\.|яч[а-яё]*)?|thousand|мың\w*)
      | (?P<s6>млн|миллион[а-яё]*|million|mn)
      | (?P<s9>млрд|миллиард[а-яё]*|billion|bn)
      | (?P<s12>трлн|триллион[а-яё]*|trillion|tn))(?!\w)
    | (?<=[0-9])(?P<s3k>k)(?!\w)""",
    re.VERBOSE | re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"""{_SP}*(?:(?P<pp>п\.{_SP}?п\.|процентн[а-яё]*{_SP}+пункт[а-яё]*
                       |percentage{_SP}+points?(?!\w)|pp(?!\w)|p\.{_SP}?p\.)
      | % | (?:процент[а-яё]*|пайыз\w*|per{_SP}?cent|pct)(?!\w))""",
    re.VERBOSE | re.IGNORECASE,
)


def _period_words(group: str) -> str:
    """The ``period_words`` of ``group`` ("month", "week", "part", ...) of every language, as an
    alternation: "*" for any ending."""
    from . import resources

    return resources.alternation("period_words", group)


_DURATION = re.compile(
    rf"""{_SP}*(?:(?P<month>{_period_words("month")})
      | (?P<year>{_period_words("year")})
      | (?P<week>{_period_words("week")})
      | (?P<day>{_period_words("day")}))(?!\w)""",
    re.VERBOSE | re.IGNORECASE,
)
_UNITS = (
    ("KZT", r"тенге|теңге\w*|тг\.?|tenge|KZT|₸"),  # Kazakh inflects units: "теңгені", "гектарлық"
    ("USD", r"доллар\w*(?:\s+США)?|долл\.|USD|US\$|\$|dollars?"),
    ("EUR", r"евро|euros?|EUR|€"),
    ("RUB", r"рубл[а-яё]*|руб\.|roubles?|rubles?|RUB|₽"),
    ("GBP", r"GBP|£"),
    ("km2", r"кв\.\s?км|км²|км2|квадратн\w*\s+километр\w*|km²|km2|square\s+kilomet\w+"),
    (
        "m2",
        r"кв\.\s?м\.?|м²|м2|квадратн\w*\s+метр\w*|шаршы\s+метр\w*|m²|m2|sq\.?\s?m|square\s+met\w+",
    ),
    ("ha", r"гектар\w*|га|hectares?|ha"),
    ("km", r"км|километр\w*|km|kilomet(?:re|er)s?"),
    ("m", r"метр\w*|м|met(?:re|er)s?"),
    ("GW", r"ГВт|гигаватт\w*|GW|gigawatts?"),
    ("MW", r"МВт|мегаватт\w*|MW|megawatts?"),
    ("kW", r"кВт|киловатт\w*|kW|kilowatts?"),
    ("kg", r"кг|килограмм\w*|kg|kilograms?"),
    ("t", r"тонн\w*|тн|т(?!\.\s?[а-яё]\.)|tonnes?|tons?"),  # but not "т.е.", "т. д."
    ("pcs", r"штук[а-яё]*|шт\.|pcs\.?|pieces?"),
)
# A unit after a blank, or after a hyphen in an English compound ("a 0.15-gigawatt plant", "a
# 15,000-hectare park"); never a hyphen before one letter ("2024-м" is an ordinal)
_UNIT = re.compile(
    rf"(?:{_SP}*|-(?=\w\w))(?:"
    + "|".join(f"(?P<u{i}>{p})" for i, (_, p) in enumerate(_UNITS))
    + r")(?!\w)",
    re.IGNORECASE,
)
_CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "₸": "KZT", "₽": "RUB", "£": "GBP"}
_CURRENCY_SYMBOLS.update((code, code) for code in _CURRENCY_CODES)

_YEAR_WORD = re.compile(
    rf"(?:-[а-яё]{{1,2}})?{_SP}*(?:год[а-яё]*|гг?(?:\.|(?!\w))|year(?!\w)|(?P<kk>жыл\w*))",
    re.IGNORECASE,
)
# A number from 1900 to 2100 is a year with a year word after it or a preposition before it; an
# earlier one (from 100 on: "около 817 года", "в 1147 году") only with a year word after it, in
# a form that is not a duration (``_early_year``: "817 лет", "102 года", "100 years" and Kazakh
# "500 жыл" are durations)
_PLAIN_YEARS = 1900
_EARLIEST_YEAR = 100
_YEARS_WORD = re.compile(
    rf"{_SP}*(?:год[а-яё]*|гг?(?:\.|(?!\w))|years?(?!\w)|жыл\w*)", re.IGNORECASE
)
_ORDINAL = re.compile(r"-(?:й|я|е|го|му|м|ой|ом|ый|ий|ая|ое|ые|ых|ым|ю)(?!\w)", re.IGNORECASE)
_PREV_WORD = re.compile(r"([^\W\d_]+)[^\S\n]*\Z")
_NEXT_WORD = re.compile(r"[^\S\n]+([^\W\d_]+(?:-[^\W\d_]+)*)")


def _year_relations() -> tuple[
    dict[str, str | None], frozenset[str], dict[str, str], tuple[tuple[str, str], ...]
]:
    """The ``year_relations`` tables of every language: the words before a number that make it
    a year, with the relation each gives it ("до 2028" is "by"); those of them that alone leave
    it an amount ("на 2000 больше"); those that make it a year only where its clause ends
    ("runs to 2035.", but "rose to 2000 units"); and the forms of a year word after it that
    carry the relation, longest first (Kazakh "2028 жылға дейін", "2023 жылдан бері")."""
    from . import resources

    relations: dict[str, str | None] = {}
    amounts: set[str] = set()
    at_end: dict[str, str] = {}
    endings: list[tuple[str, str]] = []
    for language in resources.LANGUAGES:
        table = resources.raw(language)["year_relations"]
        for relation in ("in", "by", "since", "for"):
            relations.update((w, relation) for w in table[relation])
            endings.extend((w, relation) for w in table.get(f"year_word_{relation}", ()))
        relations.update((w, None) for w in table["mark"])
        amounts.update(table["amount_too"])
        at_end.update((w, "by") for w in table["by_at_clause_end"])
    endings.sort(key=lambda e: -len(e[0]))
    return relations, frozenset(relations) - amounts, at_end, tuple(endings)


_RELATIONS, _YEAR_TRIGGERS, _YEAR_TRIGGERS_AT_END, _KAZAKH_YEAR_RELATIONS = _year_relations()
_CLAUSE_ENDS = re.compile(rf"{_SP}*(?:[^\w\s]|\n|\Z)")
# A part of a year right before a number makes it the year: "за 7 месяцев 2025", "the first seven
# months of 2025", "в первом полугодии 2025", "жеті айда 2025".
_PERIOD_BEFORE = re.compile(
    rf"(?<!\w)(?:{_period_words('month')}|{_period_words('part')}|{_period_words('week')})"
    rf"(?:[^\S\n]+(?:{_period_words('link')}))?[^\S\n]+\Z",
    re.IGNORECASE,
)


def _not_counted() -> frozenset[str]:
    """The words after a number that are not what it counts: the ``not_counted`` tables."""
    from . import resources

    return frozenset(
        w for language in resources.LANGUAGES for w in resources.raw(language)["not_counted"]
    )


_NOT_NOUNS = _not_counted()
_ADJECTIVE_ENDINGS = (
    "ых",
    "их",
    "ое",
    "ее",
    "ый",
    "ая",
    "яя",
    "ого",
    "его",
    "ому",
    "ему",
    "ую",
    "юю",
    "ыми",
    "ими",
    "ые",
)


def parse_quantities(text: str) -> list[Quantity]:
    """Every quantity of ``text`` in reading order; the spans never overlap."""
    found: list[Quantity] = []
    pos = 0
    while (m := _MASTER.search(text, pos)) is not None:
        quantity, resume = _read(text, m)
        if quantity is not None:
            found.append(quantity)
        pos = max(resume, m.start() + 1)
    return found


def _read(text: str, m: re.Match[str]) -> tuple[Quantity | None, int]:
    start = m.start()
    if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
        return None, m.end()  # a name such as "COVID-19", "Ил-76"
    if m.group("date"):
        value = int(m.group("yyyy")) * 10000 + int(m.group("mm")) * 100 + int(m.group("dd"))
        return _fixed(text, start, m.end(), float(value), "date"), m.end()
    if m.group("y1"):
        return _read_year_range(text, m)
    if m.group("word"):
        return _read_words(text, m)
    if m.group("month"):
        return _fixed(text, start, m.end(), float(_month_number(m.group("month"))), "date"), m.end()
    raw = m.group("num")
    if sum(ch.isdigit() for ch in raw) > 15:
        return None, m.end()
    mantissa, decimals = _normalise(raw, text, m.start("num"), m.end("num"))
    currency = _CURRENCY_SYMBOLS.get((m.group("cur") or "").upper())
    neg = m.group("neg") is not None
    may_be_year = raw.isdigit() and _EARLIEST_YEAR <= int(raw) <= 2100 and not raw.startswith("0")
    may_be_year = may_be_year and not (neg or currency)
    return _amount(text, start, m.end(), mantissa, decimals, neg, currency, may_be_year)


def _fixed(
    text: str,
    start: int,
    end: int,
    value: float,
    kind: str,
    end_value: float | None = None,
    relation: str | None = None,
) -> Quantity:
    """A year, year range or date: exact, unitless, with the relation its preposition gives."""
    relation = relation or _RELATIONS.get(_prev_word(text, start).lower())
    return Quantity(
        value, None, kind, text[start:end], start, end, relation=relation, end_value=end_value
    )


def _read_year_range(text: str, m: re.Match[str]) -> tuple[Quantity | None, int]:
    first, last = int(m.group("y1")), int(m.group("y2"))
    years = _YEARS_WORD.match(text, m.end())
    if last <= first or (years is None and _suffix_follows(text, m.end())):
        # not a period but amounts ("2000-2500 тонн"): read the first one alone
        return _amount(text, m.start(), m.end("y1"), m.group("y1"), 0, may_be_year=True)
    end = years.end() if years else m.end()
    return _fixed(text, m.start(), end, float(first), "year_range", float(last)), end


def _read_words(text: str, m: re.Match[str]) -> tuple[Quantity | None, int]:
    total, end = _words_value(text, m.start(), m.end())
    if end == m.start():
        return None, m.end()
    total, end, decimals = _fraction(text, total, end)
    # "бір мың төрт жүз", "one thousand four hundred", "одна тысяча четыреста": a scale word, then
    # a smaller number in words, is one number; so is "бір триллион алты жүз миллиард", whose
    # second scale is smaller than the first (1600 billions), while a larger one takes the whole
    scale = _SCALE.match(text, end)
    if scale and scale.lastgroup != "s3k" and decimals == 0:
        exponent = int((scale.lastgroup or "s0")[1:])
        rest = _words_at(text, scale.end())
        if rest is not None and 0 < rest[0] < 10**exponent:
            part, part_end = rest
            following = _SCALE.match(text, part_end)
            then = 0
            if following and following.lastgroup != "s3k":
                then = int((following.lastgroup or "s0")[1:])
            if then >= exponent:  # "one thousand four hundred million": the whole takes it
                then = 0
            total, end = total * 10 ** (exponent - then) + part, part_end
    mantissa = f"{total:.{decimals}f}"
    return _amount(text, m.start(), end, mantissa, decimals)


def _words_at(text: str, pos: int) -> tuple[float, int] | None:
    """The value of the number words that start after the blanks at ``pos``, and where they
    end; None when no number word starts there."""
    blanks = len(text[pos:]) - len(text[pos:].lstrip(" \t\u00a0"))
    found = _MASTER.match(text, pos + blanks)
    if found is None or not found.group("word"):
        return None
    value, end = _words_value(text, found.start(), found.end())
    return (value, end) if end > found.start() else None


def _fraction(text: str, total: float, end: int) -> tuple[float, int, int]:
    """``total`` with the fraction written in words after it at ``end`` ("целых три десятых",
    "бүтін оннан үш", "point three", "с половиной"), where the number ends, and its decimals."""
    if total != int(total):  # "полтора"
        return total, end, 1
    if half := _HALF.match(text, end):
        return total + 0.5, half.end(), 1
    point = _POINT.match(text, end)
    if point is None:
        return total, end, 0
    for denominator, pattern in _DENOMINATORS:  # Kazakh names it first: "бүтін оннан үш"
        if named := pattern.match(text, point.end()):
            rest = _words_at(text, named.end())
            if rest is not None and 0 < rest[0] < denominator and rest[0] == int(rest[0]):
                return total + rest[0] / denominator, rest[1], len(str(denominator)) - 1
            return total, end, 0
    rest = _words_at(text, point.end())
    if rest is None:
        return total, end, 0
    for denominator, pattern in _DENOMINATORS:  # Russian after: "целых три десятых"
        if (named := pattern.match(text, rest[1])) and 0 < rest[0] < denominator:
            return total + rest[0] / denominator, named.end(), len(str(denominator)) - 1
    digits, pos = "", point.end()  # English, digit by digit: "point two five"
    while (word := _DIGIT_WORD.match(text, pos)) and len(digits) < 6:
        value = _WORD_VALUES.get(word.group(1).lower())
        if value is None or value != int(value) or not 0 <= value <= 9:
            break
        digits, pos = digits + str(int(value)), word.end()
    if not digits:
        return total, end, 0
    return total + int(digits) / 10 ** len(digits), pos, len(digits)


def _words_value(text: str, start: int, stop: int) -> tuple[float, int]:
    """The value of the number words from ``start`` (before ``stop``), and where they end."""
    total, last, end = 0.0, 0.0, start
    # no endpos: the lookahead of "a" ("a thousand") must see past the match
    for token in _WORD_TOKEN.finditer(text, start):
        if token.start() >= stop:
            break
        word = token.group().lower()
        if word in _HUNDREDS and not (end == start and word in _WORD_VALUES):
            # "four hundred", "twenty-five hundred": what came before counts in hundreds
            if not 1 <= total <= 99 or total != int(total):
                break
            total, last = total * 100, 100.0
        else:
            value = 1.0 if word == "a" else _WORD_VALUES.get(word, 10.0)  # else "он"
            # each further word must fit in the zeros of the one before: "сто двадцать пять"
            if end > start and (value == 0 or value >= _room(last)):
                break
            total, last = total + value, value
        end = token.end()
    return total, end


def _room(last: float) -> float:
    """How large the next number word may be: 10 after "двадцать", 100 after "сто", 0 after 1.5."""
    if last != int(last) or last == 0:
        return 0.0
    room = 1
    while int(last) % (room * 10) == 0:
        room *= 10
    return float(room)


def _amount(
    text: str,
    start: int,
    pos: int,
    mantissa: str,
    decimals: int,
    neg: bool = False,
    currency: str | None = None,
    may_be_year: bool = False,
) -> tuple[Quantity | None, int]:
    """Read what follows a number (scale, percent, period, unit, noun) from ``pos`` on."""
    recent = may_be_year and float(mantissa) >= _PLAIN_YEARS
    if may_be_year:
        year_word = _YEAR_WORD.match(text, pos)
        if year_word and not recent and not _early_year(int(mantissa), year_word, text, start):
            year_word = None
        if year_word:
            kazakh = (year_word.group("kk") or "").lower()
            relation = next((r for w, r in _KAZAKH_YEAR_RELATIONS if kazakh.startswith(w)), None)
            return _fixed(
                text, start, year_word.end(), float(mantissa), "year", relation=relation
            ), year_word.end()
        before = _prev_word(text, start)
        triggered = before.lower() in _YEAR_TRIGGERS or _month_number(before)
        ending = before.lower() in _YEAR_TRIGGERS_AT_END and _CLAUSE_ENDS.match(text, pos)
        if (
            recent
            and (triggered or ending or _PERIOD_BEFORE.search(text, max(0, start - 40), start))
            and not (_suffix_follows(text, pos) or (pos < len(text) and text[pos].isalpha()))
        ):
            relation = _YEAR_TRIGGERS_AT_END.get(before.lower()) if ending else None
            return _fixed(text, start, pos, float(mantissa), "year", relation=relation), pos
    if pos < len(text) and text[pos].isalpha() and not _suffix_follows(text, pos):
        while pos < len(text) and text[pos].isalnum():
            pos += 1
        return None, pos  # glued to a word: "5G", "3rd", a code
    if ordinal := _ORDINAL.match(text, pos):
        return None, ordinal.end()
    exponent = 0
    if scale := _SCALE.match(text, pos):
        exponent, pos = int((scale.lastgroup or "s0")[1:].rstrip("k")), scale.end()
    value = float(f"{'-' if neg else ''}{mantissa}e{exponent}")
    step = float(f"1e{exponent - decimals}")
    kind, unit, noun = "number", currency, None
    if percent := _PERCENT.match(text, pos):
        kind, unit, pos = "percent", "pp" if percent.group("pp") else "%", percent.end()
    elif period := _DURATION.match(text, pos):
        kind, unit, pos = "duration", period.lastgroup, period.end()
    elif named := _UNIT.match(text, pos):
        unit, pos = _UNITS[int((named.lastgroup or "u0")[1:])][0], named.end()
    elif unit is None:
        noun = _noun(text, pos)
    return Quantity(value, unit, kind, text[start:pos], start, pos, noun=noun, step=step), pos


def _early_year(value: int, year_word: re.Match[str], text: str, start: int) -> bool:
    """Whether a number before 1900 with a year word after it is a year rather than a length: the
    word is in a form a length of ``value`` years never takes ("817 года", "в 102 году", "1147
    жылы"), where "102 года", "101 год", "500 жыл" are lengths; an abbreviation ("в 988 г.")
    only after a preposition ("500 г." is also grams); English "year" never ("a 102 year old")."""
    kazakh = year_word.group("kk")
    if kazakh:
        return kazakh.lower() != "жыл"  # "500 жылы" the year 500, "500 жыл" five hundred years
    word = year_word.group(0).lower().split()[-1]
    if not word.startswith("год"):
        return word.startswith("г") and _prev_word(text, start).lower() in _YEAR_TRIGGERS
    last, tens = value % 10, value % 100 // 10
    if word == "год":  # a length: "101 год", "21 год"
        return not (last == 1 and tens != 1)
    if word == "года":  # a length: "102 года", "23 года"
        return not (2 <= last <= 4 and tens != 1)
    return True  # "году", "годах", "годов": never a length after a number


def _suffix_follows(text: str, pos: int) -> bool:
    """Whether a scale, percent, period or unit comes right after ``pos``."""
    return any(p.match(text, pos) for p in (_SCALE, _PERCENT, _DURATION, _UNIT))


def _normalise(raw: str, text: str, start: int, end: int) -> tuple[str, int]:
    """Digits as Python reads them ("1300", "1.6") and how many decimals were written."""
    spaced = any(ch in _GROUP_SPACES for ch in raw)
    digits = "".join(ch for ch in raw if ch not in _GROUP_SPACES)
    if spaced:
        digits = digits.replace(",", ".")
    elif "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        group = "." if decimal == "," else ","
        digits = digits.replace(group, "").replace(decimal, ".")
    elif digits.count(",") > 1 or digits.count(".") > 1:
        digits = digits.replace(",", "").replace(".", "")
    elif "," in digits:
        head, tail = digits.split(",")
        thousands = len(tail) == 3 and len(head) <= 3 and not head.startswith("0")
        if thousands and not _cyrillic_nearby(text, start, end):
            digits = head + tail
        else:
            digits = f"{head}.{tail}"
    return digits, len(digits.partition(".")[2])


def _cyrillic_nearby(text: str, start: int, end: int) -> bool:
    """Whether the nearest letter after the number (else before it, same line) is Cyrillic."""
    after = text[end : end + 30].split("\n", 1)[0]
    before = text[max(0, start - 30) : start].rsplit("\n", 1)[-1]
    for ch in (*after, *reversed(before)):
        if ch.isalpha():
            return unicodedata.name(ch, "").startswith("CYRILLIC")
    return False


def _prev_word(text: str, start: int) -> str:
    m = _PREV_WORD.search(text, max(0, start - 40), start)
    return m.group(1) if m else ""


def _month_number(word: str) -> int:
    """1–12 for a month name in any case form, 0 for anything else."""
    m = re.fullmatch(_MONTH_NUMBERED, word, re.IGNORECASE)
    return int(m.lastgroup[2:]) if m and m.lastgroup else 0


def _noun(text: str, pos: int) -> str | None:
    """The counted word after a number, past up to three adjectives ("малых промышленных зон")."""
    for _ in range(4):
        m = _NEXT_WORD.match(text, pos)
        if m is None:
            return None
        word = m.group(1).lower()
        if word in _NOT_NOUNS or word in _WORD_VALUES or word.endswith(("ся", "сь")):
            return None
        following = _NEXT_WORD.match(text, m.end())
        adjective = len(word) >= 5 and word.endswith(_ADJECTIVE_ENDINGS)
        if not (adjective and following and following.group(1).lower() not in _NOT_NOUNS):
            return word
        pos = m.end()
    return None


# Units of one dimension that are compared in another: "150 000 кВт" is "150 МВт", "15 тыс.
# гектаров" is "150 км²". Each unit's base unit and how many of the base one it makes.
_BASE_UNITS = {
    "kW": ("MW", 1e-3),
    "GW": ("MW", 1e3),
    "kg": ("t", 1e-3),
    "km2": ("ha", 100.0),
    "m2": ("ha", 1e-4),
}


def in_base_unit(q: Quantity) -> Quantity:
    """``q`` in the base unit of its dimension (``_BASE_UNITS``), its value, end value and
    step converted; ``q`` itself when its unit is a base unit or none."""
    if q.unit not in _BASE_UNITS:
        return q
    unit, factor = _BASE_UNITS[q.unit]
    end_value = None if q.end_value is None else q.end_value * factor
    return replace(q, value=q.value * factor, unit=unit, end_value=end_value, step=q.step * factor)


def quantities_match(a: Quantity, b: Quantity) -> bool:
    """Whether ``a`` and ``b`` state the same figure: same kind, compatible unit, equal value
    allowing for rounding at the coarser one's last written digit (see the module docstring).
    Units of one dimension are compared in its base unit ("150 000 кВт" is "150 МВт")."""
    a, b = in_base_unit(a), in_base_unit(b)
    if a.kind != b.kind or (a.unit != b.unit and a.unit is not None and b.unit is not None):
        return False
    if (a.end_value is None) != (b.end_value is None):
        return False
    if (
        a.end_value is not None
        and b.end_value is not None
        and not _close(a.end_value, a.step, b.end_value, b.step)
    ):
        return False
    return _close(a.value, a.step, b.value, b.step)


def _close(x: float, x_step: float, y: float, y_step: float) -> bool:
    slack = 1e-9 * max(abs(x), abs(y), 1.0)  # float noise of "1.6e12" against 1.6 * 1e12
    return abs(x - y) <= max(_tolerance(x, x_step), _tolerance(y, y_step)) + slack


def _tolerance(value: float, step: float) -> float:
    if step <= 0 or not math.isfinite(value):
        return 0.0
    if value:  # never looser than the second significant digit: "2 трлн" is not 1,6 трлн
        step = min(step, 10.0 ** (math.floor(math.log10(abs(value))) - 1))
    return step / 2


_SCALE_WORDS = {
    3: ("тыс.", "thousand"),
    6: ("млн", "million"),
    9: ("млрд", "billion"),
    12: ("трлн", "trillion"),
}
_RU_FORMS = {
    "KZT": ("тенге",) * 3,
    "USD": ("доллар", "доллара", "долларов"),
    "EUR": ("евро",) * 3,
    "RUB": ("рубль", "рубля", "рублей"),
    "GBP": ("£",) * 3,
    "ha": ("гектар", "гектара", "гектаров"),
    "m2": ("м²",) * 3,
    "km2": ("км²",) * 3,
    "km": ("км",) * 3,
    "m": ("м",) * 3,
    "GW": ("ГВт",) * 3,
    "MW": ("МВт",) * 3,
    "kW": ("кВт",) * 3,
    "kg": ("кг",) * 3,
    "t": ("тонна", "тонны", "тонн"),
    "pcs": ("штука", "штуки", "штук"),
    "month": ("месяц", "месяца", "месяцев"),
    "year": ("год", "года", "лет"),
    "week": ("неделя", "недели", "недель"),
    "day": ("день", "дня", "дней"),
}
_EN_FORMS = {
    "KZT": ("tenge", "tenge"),
    "RUB": ("rouble", "roubles"),
    "ha": ("hectare", "hectares"),
    "m2": ("m²", "m²"),
    "km2": ("km²", "km²"),
    "km": ("km", "km"),
    "m": ("metre", "metres"),
    "GW": ("GW", "GW"),
    "MW": ("MW", "MW"),
    "kW": ("kW", "kW"),
    "kg": ("kg", "kg"),
    "t": ("tonne", "tonnes"),
    "pcs": ("piece", "pieces"),
    "month": ("month", "months"),
    "year": ("year", "years"),
    "week": ("week", "weeks"),
    "day": ("day", "days"),
}
_EN_PREFIXES = {"USD": "$", "EUR": "€", "GBP": "£"}
_RU_YEARS = {"in": "в {} году", "by": "до {} года", "since": "с {} года", "for": "за {} год"}


def format_quantity(q: Quantity, lang: str = "ru") -> str:
    """``q`` written for people in ``lang`` ("ru" or "en"): 1.6e12 KZT -> "1,6 трлн тенге".

    At most two decimals are written (three significant digits below 1), so the text read back
    with ``parse_quantities`` matches ``q`` by ``quantities_match``. A noun in the other script
    than ``lang`` is dropped, since it would change how "2,400" reads.
    """
    if lang not in ("ru", "en"):
        raise ValueError(f"lang must be 'ru' or 'en', not {lang!r}")
    en = lang == "en"
    if q.kind == "year":
        year = int(q.value)
        if en:
            known = q.relation in ("in", "by", "since", "for")
            return f"{q.relation} {year}" if known else f"the year {year}"
        return _RU_YEARS.get(q.relation or "", "{} год").format(year)
    if q.kind == "year_range":
        last = int(q.end_value if q.end_value is not None else q.value)
        return f"{int(q.value)}–{last}" + ("" if en else " годы")
    if q.kind == "date":
        if 1 <= q.value <= 12:
            return _MONTH_NAMES["en" if en else "ru"][int(q.value) - 1]
        day = int(q.value)
        return f"{day % 100:02d}.{day // 100 % 100:02d}.{day // 10000}"
    exponent = 0
    if q.kind == "number":
        exponent = next((e for e in (12, 9, 6) if abs(q.value) >= 10.0**e), 0)
        if not exponent and abs(q.value) >= 1e4 and q.value == round(q.value, -2):
            exponent = 3  # "15 тыс. гектаров", but "1 300 мест" and "131 523"
    digits = _format_digits(q.value / 10.0**exponent, en)
    number = f"{digits} {_SCALE_WORDS[exponent][en]}" if exponent else digits
    if q.kind == "percent":
        return f"{number}%" if q.unit != "pp" else f"{number} {'pp' if en else 'п. п.'}"
    if en and q.unit in _EN_PREFIXES:
        sign, number = ("-", number[1:]) if number.startswith("-") else ("", number)
        return f"{sign}{_EN_PREFIXES[q.unit]}{number}"
    if q.unit is not None:
        if en:
            forms = _EN_FORMS.get(q.unit, (q.unit, q.unit))
            return f"{number} {forms[0] if digits == '1' and not exponent else forms[1]}"
        return f"{number} {_ru_form(_RU_FORMS.get(q.unit, (q.unit,) * 3), digits, exponent)}"
    if q.noun and _is_cyrillic(q.noun) != en:
        return f"{number} {q.noun}"
    return number


def _format_digits(x: float, en: bool) -> str:
    ax = abs(x) if abs(x) >= 1e-6 else 0.0  # below that, "0" reads back within rounding
    places = 2 if ax >= 1 or ax == 0 else 2 - math.floor(math.log10(ax))  # 3 significant
    text = f"{ax:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if not en:
        text = text.replace(",", "\u00a0").replace(".", ",")
    return f"-{text}" if x < 0 and text.strip("0,.\u00a0") else text


def _ru_form(forms: tuple[str, ...], digits: str, exponent: int) -> str:
    """The form a Russian noun takes after ``digits``: 1 гектар, 2 гектара, 5 гектаров."""
    if exponent:
        return forms[2]  # "15 тыс. гектаров", "1,6 трлн тенге"
    if "," in digits:
        return forms[1]  # "2,5 гектара"
    n = int(digits.replace("\u00a0", "").lstrip("-"))
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    return forms[1] if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else forms[2]


def _is_cyrillic(word: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CYRILLIC") for ch in word)
