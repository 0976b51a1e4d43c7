"""What a question (or a claim) asks, read once: its language, its words with their keys, the kind
of answer it wants, the measure, the years it names, the direction it presumes, the names it
mentions, and whether it asks anything of a report at all.

Everything is read through the resource tables of its language (``lang/resources``): a question
word, a measure word or a direction word is a row of a table, not a pattern here. What these
readings decide is left to the evidence model: they are features, never vetoes.

Left out: parsing the question's syntax (which word a "which" governs is taken as the next noun
within a few words).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

from ..lang import resources
from ..lang.detect import detect_language
from ..lang.numbers import Quantity, parse_quantities
from ..lang.tokens import (
    QUOTES,
    Token,
    is_animate_noun,
    is_common_word,
    is_stopword,
    pos_of,
    quoted_spans,
    tokens,
)

__all__ = [
    "Question",
    "read_question",
    "dated",
    "relative_years",
    "SHIFTS",
    "KINDS",
    "MEASURES",
    "phrase_at",
    "find_phrases",
]

KINDS = ("quantity", "date", "place", "agent")
MEASURES = ("money", "percent", "area", "power", "mass")
_WHICH_REACH = 4  # a "which" word governs a noun at most this many words on
_YEAR_KINDS = frozenset({"year", "year_range"})
_NAME_QUOTES = {**QUOTES, "'": "'"}  # a question may quote a name in apostrophes too


@dataclass(frozen=True)
class Question:
    """A question or claim, read."""

    text: str
    language: str
    tokens: tuple[Token, ...]
    # content words (no stop words, question words, kind words or words naming the document)
    words: tuple[Token, ...]
    kind: str  # "quantity", "date", "place", "agent" or "other"
    # the index in ``tokens`` of the last of the words that ask for ``kind`` ("сколько",
    # "how many", "қанша"), or -1: what a question of amount counts comes after it, wherever
    # the question word stands ("Сарыарқа аймағында қанша жұмыс орны ашылды?")
    kind_end: int
    measure: str | None  # "money", "percent", ... when the question names what it measures
    quantities: tuple[Quantity, ...]
    years: frozenset[int]  # years it names as the period asked about
    bounded_years: frozenset[int]  # years it uses only as a bound ("до 2028")
    # "this year" (0), "last year" (-1), "next year" (1): years counted from a document's date
    # (``relative_years`` table), which only the document it is asked of can resolve (``dated``)
    relative_years: frozenset[int]
    direction: int  # +1 it presumes a rise, -1 a fall, 0 neither
    why: bool
    names: tuple[Token, ...]  # words written as names: capitalised past the start, Latin, quoted
    small_talk: float  # share of its words that are small talk or stop words
    compose: bool  # it asks for something to be composed (a poem, a joke)


def read_question(text: str, language: str | None = None) -> Question:
    """``text`` read (``language`` detected when not given)."""
    return _read(text, language or detect_language(text))


@lru_cache(maxsize=1024)
def _read(text: str, language: str) -> Question:
    """Cached: the follow-up step, the answerer and the fact-checker read the same text; a
    ``Question`` is immutable."""
    toks = tuple(tokens(text, language))
    words = [t for t in toks if t.kind == "word"]
    table_lang = language if language in resources.LANGUAGES else "ru"
    kind, spans = _kind(toks, table_lang)
    for other in resources.LANGUAGES:
        # A question word of another language still says what is asked ("<b>сколько</b> вузов?"
        # has more Latin letters than Cyrillic ones).
        if kind == "other" and other != table_lang:
            kind, spans = _kind(toks, other)
    measure = _measure(toks, table_lang)
    quantities = tuple(parse_quantities(text))
    years, bounded = _years(quantities)
    kind_words = resources.keys(table_lang, "answer_kind_words")
    # "this article", "the news": the document itself, no word of what is asked ("report" of a
    # question on who reported it is a source word, ``features._source_keys``)
    document_words = resources.keys(table_lang, "document_words") - resources.keys(
        table_lang, "source_words"
    )
    why_spans = find_phrases(toks, resources.phrases(table_lang, "why_words"))
    for first, last in why_spans:
        spans.update(range(first, last + 1))
    content = tuple(
        t
        for i, t in enumerate(toks)
        if t.kind == "word"
        and len(t.text) > 1
        and not is_stopword(t)
        and i not in spans
        and t.key not in kind_words
        and t.key not in document_words
    )
    small = resources.surface(table_lang, "small_talk") | resources.surface(table_lang, "stopwords")
    small_keys = resources.keys(table_lang, "small_talk")
    small_talk = (
        sum(t.lower in small or t.key in small_keys for t in words) / len(words) if words else 0.0
    )
    compose = bool(find_phrases(toks, resources.phrases(table_lang, "compose_verbs"))) and bool(
        find_phrases(toks, resources.phrases(table_lang, "compose_objects"))
    )
    return Question(
        text=text,
        language=language,
        tokens=toks,
        words=content,
        kind=kind,
        kind_end=max(spans, default=-1),
        measure=measure,
        quantities=quantities,
        years=years,
        bounded_years=bounded,
        relative_years=relative_years(toks, table_lang),
        direction=direction_of(toks, table_lang),
        why=bool(why_spans),
        names=tuple(_names(text, toks)),
        small_talk=small_talk,
        compose=compose,
    )


def _word_positions(toks: tuple[Token, ...]) -> list[int]:
    return [i for i, t in enumerate(toks) if t.kind != "punct"]


def phrase_at(
    toks: tuple[Token, ...], positions: list[int], at: int, phrase: tuple[str, ...]
) -> bool:
    """Whether the words of ``toks`` from the ``at``-th word on spell ``phrase`` (by keys)."""
    if at + len(phrase) > len(positions) or toks[positions[at]].key != phrase[0]:
        return False
    return all(toks[positions[at + j]].key == key for j, key in enumerate(phrase))


@lru_cache(maxsize=256)
def _by_first_key(
    phrases: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """``phrases`` by their first key, each group in the order of ``phrases``."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            found.setdefault(phrase[0], []).append(phrase)
    return {key: tuple(group) for key, group in found.items()}


def find_phrases(
    toks: tuple[Token, ...], phrases: tuple[tuple[str, ...], ...]
) -> list[tuple[int, int]]:
    """Where the phrases occur: (first, last) token indexes, in order, not overlapping."""
    positions = _word_positions(toks)
    starting = _by_first_key(phrases)
    found = []
    at = 0
    while at < len(positions):
        for phrase in starting.get(toks[positions[at]].key, ()):  # longest first
            if phrase_at(toks, positions, at, phrase):
                found.append((positions[at], positions[at + len(phrase) - 1]))
                at += len(phrase)
                break
        else:
            at += 1
    return found


def _kind(toks: tuple[Token, ...], language: str) -> tuple[str, set[int]]:
    """The kind of answer asked for, from the first question word of the question, or a "which"
    word and the noun it governs ("қай компания" asks for an agent even though "қай" alone is
    how "қайда" begins; at the end of the question, the noun before it: "қуаты қандай?"), the
    longest match at the first place one starts; and the token indexes of those words. The
    first question word decides even when it asks for no kind ("Что происходит, когда …?",
    "Какая партия в настоящее время …?": the ``other`` group of ``question_words``, a "which"
    word whose Russian noun is of no kind); a Russian "which" word governs the first noun it
    reaches, and asks for an agent when that noun is animate ("какой актёр")."""
    positions = _word_positions(toks)
    words = resources.grouped_phrases(language, "question_words")
    which = resources.phrases(language, "which_words")
    nouns = resources.grouped_phrases(language, "which_nouns")
    for at in range(len(positions)):
        found: list[tuple[int, int, str, set[int]]] = []
        for kind in (*KINDS, "other"):
            for phrase in words.get(kind, ()):
                if phrase_at(toks, positions, at, phrase):
                    found.append((len(phrase), 0, kind, set(positions[at : at + len(phrase)])))
        for phrase in which:
            if not phrase_at(toks, positions, at, phrase):
                continue
            after = at + len(phrase)
            # the "which" word asks: of nothing below unless it governs a noun of a kind; when
            # written bare, it wins over a question word of its length that shares its key
            # ("қайда" is keyed "қай": "қай брендтің" does not ask for a place)
            first = toks[positions[at]]
            bare = int(first.text.lower() == first.key)
            found.append((len(phrase), bare, "other", set(positions[at:after])))
            # a "which" word that ends the question is a predicate and governs the noun before
            # it: "қуаты қандай?", "мощность какая?"
            if after == len(positions):
                reaches = range(at - 1, max(at - _WHICH_REACH, 0) - 1, -1)
            else:
                reaches = range(after, min(after + _WHICH_REACH, len(positions)))
            for reach in reaches:
                for kind in KINDS:
                    for noun in nouns.get(kind, ()):
                        if phrase_at(toks, positions, reach, noun):
                            span = set(positions[at:after]) | set(
                                positions[reach : reach + len(noun)]
                            )
                            found.append((len(span), 1, kind, span))
                word = toks[positions[reach]].text
                if language == "ru" and pos_of(word) == "NOUN":
                    # it governs the first noun it reaches ("какая партия в … время"); one
                    # that names a person or a being asks for an agent ("какой актёр")
                    if is_animate_noun(word):
                        span = set(positions[at:after]) | {positions[reach]}
                        found.append((len(span), 1, "agent", span))
                    break
        if found:
            _, _, kind, span = max(found, key=lambda f: (f[0], f[1], f[2] != "other"))
            return kind, (span if kind != "other" else set())
    return "other", set()


def _measure(toks: tuple[Token, ...], language: str) -> str | None:
    """What the question measures: the first of ``MEASURES`` its words name, unless a measure
    word follows another right after it, as the unit a "how much" counts in ("на сколько
    мегаватт" asks for power, "by how much money" for money)."""
    groups = resources.grouped_phrases(language, "measures")
    found = {
        first: (last, measure)
        for measure in MEASURES
        for first, last in find_phrases(toks, groups.get(measure, ()))
    }
    positions = _word_positions(toks)
    following = {a: b for a, b in zip(positions, positions[1:])}
    for first in sorted(found):
        last, measure = found[first]
        after = following.get(last)
        if after in found and found[after][1] != measure:
            return found[after][1]
    for measure in MEASURES:
        if any(m == measure for _, m in found.values()):
            return measure
    return None


def direction_of(toks: tuple[Token, ...], language: str) -> int:
    """+1 when the words speak of a rise, -1 of a fall, 0 for neither or both. A word right
    before a number is a bound ("более 1300"), not a direction."""
    groups = resources.grouped_phrases(language, "direction")
    score = 0
    for sign, group in ((1, "up"), (-1, "down")):
        for _first, last in find_phrases(toks, groups.get(group, ())):
            following = next((t for t in toks[last + 1 :] if t.kind != "punct"), None)
            if following is not None and following.kind == "number":
                continue
            score += sign
    return (score > 0) - (score < 0)


def dated(question: Question, year: int | None) -> Question:
    """``question`` asked of a document dated in ``year``: its relative years ("в этом году")
    among the years it names."""
    if year is None or not question.relative_years:
        return question
    resolved = frozenset(year + shift for shift in question.relative_years)
    return dataclasses.replace(question, years=question.years | resolved)


# the groups of ``relative_years`` that name a year, and its shift from the document's year
# ("before", the year before another, shifts from the thread's period in a follow-up)
SHIFTS = (("this", 0), ("last", -1), ("before", -1), ("next", 1))
# A relative year at most this many words from a comparison phrase is what is compared with
_BASELINE_REACH = 4


def relative_years(toks: tuple[Token, ...], language: str) -> frozenset[int]:
    """The years ``toks`` speak of relative to a date: 0 for "this year", -1 for "last year",
    1 for "next year" (``relative_years`` table), but not one that is compared with: a
    ``baseline`` phrase of the table a few words before it ("по сравнению с прошлым годом",
    "than the same period last year") or a ``baseline_after`` one a few words after it
    ("өткен жылмен салыстырғанда") makes it the base of a change, not the period spoken of."""
    groups = resources.grouped_phrases(language, "relative_years")
    word_at = {p: i for i, p in enumerate(_word_positions(toks))}

    def found(group: str) -> list[tuple[int, int]]:
        return [(word_at[a], word_at[b]) for a, b in find_phrases(toks, groups.get(group, ()))]

    before, after = found("baseline"), found("baseline_after")

    def compared(first: int, last: int) -> bool:
        a, b = word_at[first], word_at[last]
        return any(0 < a - end <= _BASELINE_REACH for _, end in before) or any(
            0 < start - b <= _BASELINE_REACH for start, _ in after
        )

    return frozenset(
        shift
        for group, shift in SHIFTS
        if any(not compared(*at) for at in find_phrases(toks, groups.get(group, ())))
    )


def _years(quantities: tuple[Quantity, ...]) -> tuple[frozenset[int], frozenset[int]]:
    named: set[int] = set()
    bounded: set[int] = set()
    for q in quantities:
        if q.kind not in _YEAR_KINDS:
            continue
        last = int(q.end_value if q.end_value is not None else q.value)
        span = set(range(int(q.value), min(last, int(q.value) + 50) + 1))
        if q.relation in ("by", "since") and q.kind == "year":
            bounded |= span
        else:
            named |= span
    return frozenset(named), frozenset(bounded)


def _names(text: str, toks: tuple[Token, ...]) -> list[Token]:
    """Words written as names: capitalised (the first word only when it is no common word of
    its language, ``tokens.is_common_word``: "Балқаш мыс зауыты …", not "Сколько …"), in Latin
    letters in a Cyrillic text, in capitals, or inside quotes; not the unit right after a
    number ("300 MW")."""
    quoted = quoted_spans(text, _NAME_QUOTES, max_chars=None)
    words = [t for t in toks if t.kind != "punct"]
    cyrillic = sum(t.language != "en" for t in words) >= sum(t.language == "en" for t in words)
    out = []
    for i, t in enumerate(words):
        if t.kind != "word" or is_stopword(t) or len(t.text) < 2:
            continue
        if i and words[i - 1].kind == "number":
            continue  # a unit: "300 MW", "15 тыс."
        latin = cyrillic and t.language == "en"
        capital = t.text[0].isupper() and (i > 0 or latin or not is_common_word(t))
        inside = any(s <= t.start < e for s, e in quoted)
        if capital or latin or inside or t.text.isupper():
            out.append(t)
    return out
