"""The figures of a claim, read in their sentence, and how they compare with the report's.

A *figure* is an amount, percent, duration or date of ``numbers.parse_quantities`` seen in its
sentence. Years are not figures here: they are the *period* the figures near them are stated for.

- Context: the words after a figure up to the next number (at most four) and before it back to
  the previous number (at most three), within its item of a list (cut at ", ", "; ", ": "),
  stop words left out, nearest first: "60 колледжей", "472 млрд тенге инвестиций", "Сарань
  привлекла 472 млрд".
- Period: the years of the figure's clause (its sentence cut at ", ", "; ", " — ", ": "), else
  the nearest year before it in its sentence ("в 2023 году 450, а в 2024 году — 610"), else the
  years of its sentence, else of the sentences before it in its paragraph; those last ones are
  *inherited*, a weaker statement. "В этом году", "текущего года", "this year" are the document's
  year, "прошлого года" the year before (a claim has no date: there they are ignored). A year
  after "по сравнению с", "compared to" is a baseline, not a period ("на 7,3% больше ...
  прошлого года" is this year's growth).
- Bound: "более", "свыше", "превысил", "over", "more than" before a figure make it a lower bound;
  "менее", "до", "under", "up to" an upper bound; "около", "почти", "about", "шамамен" an
  approximate value (within 10 %). Kazakh puts its bound words after the figure and its case
  ending: "20-дан астам", "120 млрд теңгеден асып түсті" (more than), "1300-ден аз" (less than),
  "мыңға жуық" (nearly). The words and endings are rows of the language tables
  (``bound_words``, ``bound_words_after``, ``bound_endings``), of every language at once.

``compare`` says whether a claimed figure agrees with a reported one: "match" (the claim follows
from the report), "differ" (both cannot be true, or both are bounds the same way and the claim's
is not the report's: "более 1500" against "более 1300" misquotes it) or "unclear" (the report's
bound allows the claim but does not state it: "45%" against "более 40%"). ``counts_alike`` and
``context_similarity`` say how alike the words around two figures are (``wordmatch.py``).

Left out: arithmetic (sums, shares of a total), units converted into each other (тонны and
килограммы), ranges of amounts ("5–7 лет"), and syntax: a figure is tied to the words near it,
not to the subject of its clause.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from ..lang import resources
from ..lang.numbers import Quantity, in_base_unit, parse_quantities, quantities_match
from ..lang.tokens import content_words as _content_tokens

__all__ = [
    "Figure",
    "read_figures",
    "compare",
    "compatible",
    "context_similarity",
    "counts_alike",
    "is_bound_word",
    "years_of",
    "PERIOD_KINDS",
]

PERIOD_KINDS = frozenset({"year", "year_range"})
_AFTER_WEIGHTS = (1.0, 0.7, 0.5, 0.35)
_BEFORE_WEIGHTS = (0.6, 0.4, 0.25)
_ABOUT = 0.1  # "около 40%" is 36% to 44%
_MIN_CONTEXT_WEIGHT = 1.5

_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.IGNORECASE)


class WordSimilarity(Protocol):
    """How alike a word of a claim is to a word of the report, from 0 to 1
    (``check/factcheck.py`` gives one per claim, from the evidence layer's matching)."""

    def similarity(self, claim_word: str, report_word: str) -> float: ...


def content_words(text: str) -> list[str]:
    """The lower-cased content words of ``text`` ("ё" as "е")."""
    return [t.lower for t in _content_tokens(text)]


def _is_stopword(word: str) -> bool:
    return any(word in resources.surface(lang, "stopwords") for lang in resources.LANGUAGES)


_CLAUSE_BREAK = re.compile(r"(?:,|;|:|[^\S\n][—–])[^\S\n]")
_NEXT_WORD = re.compile(r"[^\S\n]+([^\W\d_]+(?:-[^\W\d_]+)*)(?![\w-])")
_COUNTERS = ("единиц", "штук", "экземпляр")
_ITEM_BREAK = re.compile(r"[,;:](?=\s)")  # the words around a figure stop here
_BASELINE = re.compile(
    r"(?:по\s+сравнению\s+с[о]?|в\s+сравнении\s+с[о]?|относительно|против|compared\s+(?:to|with)"
    r"|against|versus|vs\.?)(?!\w)",
    re.IGNORECASE,
)
_RELATIVE_YEAR = re.compile(
    r"(?<!\w)(?:(?:в|во|за|на|к|до|с|in|during|for|by|since)\s+)?"
    r"(?:(?P<this>этом|этого|этот|текущ[а-яё]*|нынешн[а-яё]*|this|current)"
    r"|(?P<last>прошл[а-яё]*|предыдущ[а-яё]*|last|previous)"
    r"|(?P<next>следующ[а-яё]*|будущ[а-яё]*|next))\s+(?:год[а-яё]*|year)(?!\w)",
    re.IGNORECASE,
)
_KINDS = ("min", "max", "about")


@cache
def _bounds() -> dict[str, re.Pattern[str]]:
    """The bound words before a figure (``bound_words``: "более", "up to", "шамамен"), by the
    bound they make, each as a pattern of the words that end a text; a "more" word may be
    followed by its ``than`` ("более чем"), and any of them by a preposition of the amount of
    a change (``by``: "почти на 7%", "более чем на 7%")."""
    than = resources.alternation("bound_words", "than")
    by = resources.alternation("bound_words", "by")
    out = {}
    for kind in _KINDS:
        words = resources.alternation("bound_words", kind)
        tail = rf"(?:\s+(?:{than}))?" if kind == "min" and than else ""
        tail += rf"(?:\s+(?:{by}))?" if by else ""
        out[kind] = re.compile(rf"(?<!\w)(?:{words}){tail}\s*$", re.IGNORECASE)
    return out


@cache
def _bounds_after() -> dict[str, re.Pattern[str]]:
    """The bound words after a figure (``bound_words_after``, Kazakh postpositions: "20-дан
    астам", "мыңға жуық", "20 шақты"), with the case ending they take on the figure
    (``bound_endings``): after a hyphen or on its unit word ("теңгеден асып"), or, for a bound
    the table names ``optional``, right after it if at all ("мыңға жуық", "20 шақты"). A
    particle of the table's ``particles`` may stand between them ("40 пайызға да жетпейді")."""
    particles = resources.alternation("bound_words_after", "particles")
    particle = rf"(?:[^\S\n]+(?:{particles}))?" if particles else ""
    out = {}
    for kind in _KINDS:
        words = resources.alternation("bound_words_after", kind)
        if not words:
            continue
        endings = resources.every_language("bound_endings", kind)
        given = "|".join(re.escape(e) for e in endings)
        if not given:
            case = ""
        elif kind in resources.every_language("bound_endings", "optional"):
            case = rf"(?:-?(?:{given}))?"
        else:  # one look-behind per ending: each needs a fixed width
            behind = "|".join(rf"(?<={re.escape(e)})" for e in endings)
            case = rf"(?:-(?:{given})|{behind})"
        out[kind] = re.compile(rf"{case}{particle}[^\S\n]+(?:{words})(?!\w)", re.IGNORECASE)
    return out


@cache
def _partitive() -> re.Pattern[str]:
    """The phrases that open the parts of a total (``partitive_words`` of every language: "в
    том числе", "of which", "оның ішінде")."""
    phrases = resources.alternation("partitive_words")
    return re.compile(rf"(?<!\w)(?:{phrases})(?!\w)", re.IGNORECASE)


@cache
def _bound_word_after() -> re.Pattern[str]:
    words = [resources.alternation("bound_words_after", kind) for kind in _KINDS]
    return re.compile("(?:" + "|".join(filter(None, words)) + r")\Z", re.IGNORECASE)


def is_bound_word(word: str) -> bool:
    """Whether ``word`` alone makes a figure a bound or an approximation ("свыше", "около",
    "астам")."""
    return any(pattern.search(word) for pattern in _bounds().values()) or bool(
        _bound_word_after().match(word)
    )


@dataclass(frozen=True)
class Figure:
    """A figure of a sentence with what is known about it there."""

    quantity: Quantity
    text: str  # as written, with its bound and counted noun: "более 1300 постоянных рабочих мест"
    position: int  # order among the figures of its sentence of the same kind and unit
    before: tuple[str, ...]  # lower-cased words before it, nearest first
    after: tuple[str, ...]  # lower-cased words after it, nearest first
    bound: str | None  # "min", "max", "about" or None
    bound_text: str  # the words that make it a bound, as written ("более"), or ""
    years: frozenset[int]  # the period it is stated for; empty when none is given
    inherited: bool = False  # ``years`` come from earlier sentences of the paragraph
    period: Quantity | None = None  # the year as written nearest to it, for explanations
    # a part of the total before it: its list item opens with a ``partitive_words`` phrase ("1,6
    # трлн тенге, в том числе 572,9 млрд"), so what names the total names it too
    part: bool = False


def read_figures(text: str, earlier: str = "", year: int | None = None) -> list[Figure]:
    """The figures of the sentence ``text``. ``earlier`` is the text of its paragraph before it
    (for inherited years), ``year`` the document's year (for "в этом году"); None when unknown."""
    quantities = parse_quantities(text)
    amounts = [q for q in quantities if q.kind not in PERIOD_KINDS]
    sentence_years, sentence_year_q = years_of(text, 0, len(text), quantities, year)
    inherited: frozenset[int] | None = None
    figures = []
    for q in amounts:
        position = sum(
            1 for o in amounts if o.start < q.start and (o.kind, o.unit) == (q.kind, q.unit)
        )
        start, end = _clause(text, q.start)
        years, period = years_of(text, start, end, quantities, year)
        from_paragraph = False
        if not years:  # "в 2023 году ..., а в 2024 году — 610 квартир": the nearest year before
            years, period = _preceding_years(text, q.start, quantities, year)
        if not years:
            years, period = sentence_years, sentence_year_q
        if not years and earlier:
            if inherited is None:
                inherited = years_of(earlier, 0, len(earlier), parse_quantities(earlier), year)[0]
            years, from_paragraph = inherited, bool(inherited)
        i = quantities.index(q)
        left = max(quantities[i - 1].end if i else 0, _list_start(text, q.start))
        right = min(
            quantities[i + 1].start if i + 1 < len(quantities) else len(text),
            _list_end(text, q.end),
        )
        bound, bound_start = _bound(text, max(left, q.start - 30), q.start)
        bound_text = text[bound_start : q.start].strip()
        shown_end = _noun_end(text, q)
        if bound is None and (after := _bound_after(text, q.end, right)) is not None:
            bound, bound_end = after
            bound_text = text[q.end : bound_end].strip()
            shown_end = max(shown_end, bound_end)
        shown = text[bound_start:shown_end]
        figures.append(
            Figure(
                quantity=q,
                text=shown.strip(),
                position=position,
                before=tuple(reversed(content_words(text[left : q.start])))[: len(_BEFORE_WEIGHTS)],
                after=tuple(content_words(text[q.end : right]))[: len(_AFTER_WEIGHTS)],
                bound=bound,
                bound_text=bound_text,
                years=years,
                inherited=from_paragraph,
                period=None if from_paragraph else period,
                part=_partitive().search(text, left, q.start) is not None,
            )
        )
    return figures


def years_of(
    text: str, start: int, end: int, quantities: Iterable[Quantity], year: int | None = None
) -> tuple[frozenset[int], Quantity | None]:
    """The years ``text[start:end]`` states a period for, and the first of their expressions
    (a relative one, "в этом году", as the year it means). Baselines ("по сравнению с 2023
    годом") are left out."""
    found: set[int] = set()
    stated = [
        q
        for q in quantities
        if q.kind in PERIOD_KINDS and start <= q.start < end and not _baseline(text, start, q.start)
    ]
    if year is not None:
        for m in _RELATIVE_YEAR.finditer(text, start):
            if m.start() >= end:
                break
            if not _baseline(text, start, m.start()):
                meant = year + (0 if m.group("this") else -1 if m.group("last") else 1)
                stated.append(
                    Quantity(
                        float(meant), None, "year", m.group(), m.start(), m.end(), relation="in"
                    )
                )
    for q in stated:
        last = int(q.end_value if q.end_value is not None else q.value)
        found.update(range(int(q.value), min(last, int(q.value) + 50) + 1))
    first = min(stated, key=lambda q: q.start, default=None)
    return frozenset(found), first


def _preceding_years(
    text: str, pos: int, quantities: Iterable[Quantity], year: int | None
) -> tuple[frozenset[int], Quantity | None]:
    """The years of the last year expression of ``text`` before ``pos`` (no baseline)."""
    starts = [q.start for q in quantities if q.kind in PERIOD_KINDS and q.end <= pos]
    if year is not None:
        starts += [m.start() for m in _RELATIVE_YEAR.finditer(text, 0, pos)]
    for start in sorted(starts, reverse=True):
        clause_start = _clause(text, start)[0]
        found = years_of(text, start, start + 1, quantities, year)
        if found[0] and not _baseline(text, clause_start, start):
            return found
    return frozenset(), None


def _baseline(text: str, clause_start: int, pos: int) -> bool:
    return _BASELINE.search(text, clause_start, pos) is not None


def _list_start(text: str, pos: int) -> int:
    """Where the item of a list ("стали — на 6,6%, проката — на 4,3%") holding ``pos`` starts."""
    breaks = [m.end() for m in _ITEM_BREAK.finditer(text, 0, pos)]
    return breaks[-1] if breaks else 0


def _list_end(text: str, pos: int) -> int:
    m = _ITEM_BREAK.search(text, pos)
    return m.start() if m else len(text)


def _clause(text: str, pos: int) -> tuple[int, int]:
    """The span of the clause of ``text`` holding ``pos``."""
    start, end = 0, len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def _noun_end(text: str, q: Quantity) -> int:
    """Where what ``q`` counts ends: its noun, and after an English noun (the head of an English
    compound comes last) or a bare counter ("единиц") up to two more words that are neither stop
    words nor numbers ("131 тысяча единиц бытовой техники", "29 investment projects");
    ``q.end`` when it counts nothing."""
    if q.noun is None:
        return q.end
    at = text.lower().find(q.noun, q.end, q.end + 80)
    if at < 0:
        return q.end
    end = at + len(q.noun)
    if _CYRILLIC.search(q.noun) and not q.noun.startswith(_COUNTERS):
        return end
    for _ in range(2):
        m = _NEXT_WORD.match(text, end)
        if m is None or _is_stopword(m.group(1).lower().replace("ё", "е")):
            break
        end = m.end()
    return end


def _bound(text: str, start: int, end: int) -> tuple[str | None, int]:
    """The bound ``text[start:end]`` ends with, and where its words start (``end`` if none)."""
    for name, pattern in _bounds().items():
        if m := pattern.search(text, start, end):
            return name, m.start()
    return None, end


def _bound_after(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The bound a Kazakh postposition right after ``text[:start]`` gives, and where it ends."""
    for name, pattern in _bounds_after().items():
        if m := pattern.match(text, start, end):
            return name, m.end()
    return None


def compatible(claimed: Quantity, reported: Quantity) -> bool:
    """Whether two quantities can state the same thing: the same kind, and no unit against
    another unit or against a counted noun ("150 МВт" is not "5 электростанций"); units of one
    dimension are one ("150 000 кВт" and "150 МВт")."""
    claimed, reported = in_base_unit(claimed), in_base_unit(reported)
    if claimed.kind != reported.kind:
        return False
    if claimed.unit is not None and reported.unit is not None:
        return claimed.unit == reported.unit
    if claimed.unit is not None:
        return reported.noun is None
    if reported.unit is not None:
        return claimed.noun is None
    return True


def compare(claimed: Figure, reported: Figure) -> str:
    """ "match", "differ" or "unclear" (see the module docstring)."""
    a, b = in_base_unit(claimed.quantity), in_base_unit(reported.quantity)
    if quantities_match(a, b):
        return "differ" if {claimed.bound, reported.bound} == {"min", "max"} else "match"
    if "about" in (claimed.bound, reported.bound):
        near = abs(a.value - b.value) <= _ABOUT * max(abs(a.value), abs(b.value))
        return "match" if near else "differ"
    lo_c, hi_c = _interval(claimed)
    lo_r, hi_r = _interval(reported)
    if hi_c < lo_r or hi_r < lo_c:
        return "differ"
    if lo_c <= lo_r and hi_r <= hi_c:
        return "match"
    if claimed.bound == reported.bound and claimed.bound in ("min", "max"):
        return "differ"  # a bound the report's does not give: "более 1500" for "более 1300"
    return "unclear"


def _interval(f: Figure) -> tuple[float, float]:
    v = in_base_unit(f.quantity).value
    if f.bound == "min":
        return v, math.inf
    if f.bound == "max":
        return -math.inf, v
    return v, v


def counts_alike(claimed: Figure, reported: Figure, matcher: WordSimilarity) -> float:
    """How sure it is that two figures count the same thing, from 0 to 1: the best match of a
    word after one with a word after the other, each weighted by nearness ("60 колледжей" and
    "52 колледжа" 1, "8 вузов" 0; "24 registered participants" and "24 участника" 0.7)."""
    return max(
        (
            matcher.similarity(a, b) * wa * wb
            for a, wa in zip(claimed.after, _AFTER_WEIGHTS)
            for b, wb in zip(reported.after, _AFTER_WEIGHTS)
        ),
        default=0.0,
    )


def context_similarity(claimed: Figure, reported: Figure, matcher: WordSimilarity) -> float:
    """How far the words around ``reported`` say what the words around ``claimed`` say, from 0
    to 1: each claimed word, weighted by nearness, finds its best reported word, weighted by its
    own nearness. 0 when the claimed figure has no words around it."""
    claim_words = list(zip(claimed.after, _AFTER_WEIGHTS)) + list(
        zip(claimed.before, _BEFORE_WEIGHTS)
    )
    report_words = list(zip(reported.after, _AFTER_WEIGHTS)) + list(
        zip(reported.before, _BEFORE_WEIGHTS)
    )
    total = sum(w for _, w in claim_words)
    if not total or not report_words:
        return 0.0
    found = sum(
        weight * max(matcher.similarity(word, other) * near for other, near in report_words)
        for word, weight in claim_words
    )
    # A claim with few words around its figure ("вложат 2 трлн") is not matched by one of them
    # alone: the share is taken of at least the weight of two nearby words.
    return found / max(total, _MIN_CONTEXT_WEIGHT)
