"""The short answer: the exact span of the chosen sentence that answers a question of amount,
date, place or name, put before the quote ("372 тысячи шин — «…» [1]").

The spans of the kind asked for are the sentence's figures (with their bound and counted noun:
"более 1300 постоянных рабочих мест"), its dates (a day, month and year as one: "7 января 1796";
a year without its word: "1946" of "в 1946 году"), months and relative years ("в этом году"), its
places, or its organisations, people and quoted names, less those the question itself names. Of
several, the one in the measure asked for (tenge for "how much money") and nearest the words the
sentence shares with the question is taken ("Сколько шин?": "372 тысячи шин", not "1400 единиц").
A total and the parts a ``partitive_words`` phrase lists after it ("941 предприятие, из них 36
крупных, … 838 малых") are read together: a part is the answer when the question names a word it
holds and its total does not ("малых": 838), else the total.

Left out: spans of other questions (what, how, why): their answer is the sentence.
"""

from __future__ import annotations

from collections import Counter

from ..check.figures import read_figures
from ..evidence.features import (
    AMOUNT_KINDS,
    MEASURE_UNITS,
    SentenceFacts,
    own_words,
    same_name_token,
)
from ..evidence.question import SHIFTS, Question, find_phrases
from ..index.corpus import source_span
from ..lang import resources
from ..lang.lexicon import translations, with_prefixes
from ..lang.numbers import Quantity
from ..lang.tokens import Token, other_keys, prefix_term, tokens
from ..models import ShortAnswer

__all__ = ["short_answer", "source_answer"]

_MEASURE_BONUS = 3.0


def short_answer(
    question: Question,
    facts: SentenceFacts,
    document: str,
    citation: int,
    translated: frozenset[int] = frozenset(),
    rarity: dict[str, float] | None = None,
    own_translated: frozenset[int] | None = None,
) -> ShortAnswer | None:
    """The short answer to ``question`` in the sentence ``facts`` describe, or None.
    ``translated`` are the offsets of the sentence's words that match a question word in another
    language (the evidence layer's cross-lingual matching): they anchor the span as the words
    the two share do; ``own_translated`` those that match a word of its own, outside what a
    follow-up's thread lent it (``lent_span``; all of ``translated`` when None). The question's
    own words anchor the span, and the lent ones only when its own anchor no word of the
    sentence: "And how many buses (tyres)?" asks for the buses of a sentence on both. (Left
    out: own words that anchor the sentence without saying what is counted, "How many were made
    (tyres)?", are taken as they are.) ``rarity`` weighs the question's words by key (rarer
    words say more of where the answer is)."""
    options = _options(question, facts, translated)
    if not options:
        return None
    own = own_words(question)
    anchors = _anchors(facts, own, translated if own_translated is None else own_translated)
    if not anchors:
        anchors = _anchors(facts, question.words, translated)
    # A rare word, and one the sentence uses once, says more of where the answer is.
    counts = Counter(t.key for t in facts.tokens if t.kind == "word")
    rarity = rarity or {}

    total, parts, asked_part = _parts(question, facts, options, anchors, translated)

    def score(option: tuple[int, int, float]) -> float:
        start, end, bonus = option
        inside = [t for t in anchors if start <= t.start < end]
        if inside:
            return bonus + sum(rarity.get(t.key, 1.0) / counts[t.key] for t in inside) / 100.0
        if not anchors:
            return bonus
        return bonus - min(_distance(facts, t.start, start, end) for t in anchors)

    chosen = asked_part or max(options, key=score)
    if asked_part is None and chosen in parts and total is not None and total[2] >= chosen[2]:
        chosen = total  # a part no word of the question names: the total ("until 2028?")
    start, end, _ = chosen
    text = facts.text[start - facts.start : end - facts.start]
    return ShortAnswer(text=text, document=document, start=start, end=end, citation=citation)


_Option = tuple[int, int, float]


def _anchors(
    facts: SentenceFacts, words: tuple[Token, ...], translated: frozenset[int]
) -> list[Token]:
    """The words of the sentence ``facts`` describe that stand for one of ``words``: the same
    key or prefix, or a translation (at the offsets ``translated``)."""
    asked = {t.key for t in words} | {prefix_term(t) for t in words}
    return [
        t
        for t in facts.tokens
        if t.kind == "word" and (t.key in asked or prefix_term(t) in asked or t.start in translated)
    ]


def _parts(
    question: Question,
    facts: SentenceFacts,
    options: list[tuple[int, int, float]],
    anchors: list[Token],
    translated: frozenset[int],
) -> tuple[_Option | None, list[_Option], _Option | None]:
    """A total, the parts a ``partitive_words`` phrase lists after it, and the part the question
    asks for, if it names one. A part ("941 производственное предприятие, из них 36 крупных, 67
    средних и 838 малых") counts what its total counts, so the question asks for a part when it
    names a word the part holds (up to the next figure) and the total does not ("малых
    предприятий": "838 малых"; "крупных": "36 крупных"); of several, the one in the measure
    asked for holding the most, and none in another measure than a figure of the sentence
    is in. (None, [], None) when the sentence lists no parts."""
    toks = facts.tokens
    marks = find_phrases(toks, resources.phrases(facts_language(facts), "partitive_words"))
    if not marks or len(options) < 2:
        return None, [], None
    ordered = sorted(options)
    first, last = marks[0]
    mark_start, mark_end = toks[first].start, toks[last].end
    listed = [o for o in ordered if o[0] >= mark_end]
    before = [o for o in ordered if o[1] <= mark_start]
    if not listed or not before:
        return None, [], None  # the phrase opens no list of figures after a figure
    covers = _covers(question, facts, anchors, translated)
    held = {w for t in anchors if t.start < mark_start for w in covers[t.start]}
    ends = [o[0] for o in listed[1:]] + [facts.start + len(facts.text)]
    best, best_key = None, (0.0, 0)
    for option, end in zip(listed, ends):
        own = {w for t in anchors if option[0] <= t.start < end for w in covers[t.start]}
        key = (option[2], len(own - held))
        if key[1] and key > best_key:
            best, best_key = option, key
    if best is not None and best[2] < max(o[2] for o in options):
        best = None  # a part in another measure than the one asked for ("15" for "сумма")
    return before[-1], listed, best


def _covers(
    question: Question, facts: SentenceFacts, anchors: list[Token], translated: frozenset[int]
) -> dict[int, frozenset[str]]:
    """For each anchor (by its offset), the question words it stands for: by key or prefix in
    the question's language, else by the lexicon's translations; a word matched across languages
    otherwise (``translated``) stands for itself."""
    table = translations(question.language, facts.language)
    out: dict[int, frozenset[str]] = {}
    for t in anchors:
        mine = {t.key, prefix_term(t)} | set(other_keys(t))
        words = frozenset(
            w.key
            for w in question.words
            if w.key in mine
            or prefix_term(w) in mine
            or bool(with_prefixes(table.get(w.key, frozenset()), facts.language) & mine)
        )
        out[t.start] = words or frozenset({t.key})
    return out


def _distance(facts: SentenceFacts, anchor: int, start: int, end: int) -> float:
    """How far a span is from a word the question shares with the sentence: characters (per
    40), and a whole step for each list or clause break between them ("чугуна увеличилось на 6%,
    стали — на 6,6%": steel's figure is the one after "стали", in its own item)."""
    lo, hi = (anchor, start) if anchor < start else (end, anchor)
    between = facts.text[lo - facts.start : hi - facts.start]
    return (hi - lo) / 40.0 + sum(between.count(ch) for ch in ",;")


def _options(
    question: Question, facts: SentenceFacts, translated: frozenset[int] = frozenset()
) -> list[tuple[int, int, float]]:
    """(start, end, bonus) of each span of the kind asked for; offsets in the document."""
    kind = question.kind
    out: list[tuple[int, int, float]] = []
    if kind == "quantity":
        asked_keys = {t.key for t in question.tokens if t.kind == "word"}
        asked = {q.value for q in question.quantities}
        units = MEASURE_UNITS.get(question.measure or "", frozenset())
        for figure in read_figures(facts.text):
            q = figure.quantity
            if q.kind not in AMOUNT_KINDS or q.value in asked:
                continue
            at = (
                facts.text.find(figure.text, max(0, q.start - len(figure.bound_text) - 2))
                if figure.text
                else -1
            )
            start = at if at >= 0 else q.start
            end = start + len(figure.text) if at >= 0 else q.end
            end = _unasked_end(
                facts, facts.start + q.end, facts.start + end, asked_keys, translated
            )
            bonus = _MEASURE_BONUS if q.unit in units else 0.0
            out.append((facts.start + start, end, bonus))
    elif kind == "date":
        for start, end in _dates(facts, question):
            out.append((facts.start + start, facts.start + end, 0.0))
        table = facts_language(facts)
        groups = resources.grouped_phrases(table, "relative_years")
        for group, _ in SHIFTS:
            for first, last in find_phrases(facts.tokens, groups.get(group, ())):
                # take the preposition before it too: "в этом году"
                start = facts.tokens[first].start
                if (
                    first
                    and facts.tokens[first - 1].kind == "word"
                    and len(facts.tokens[first - 1].text) <= 2
                ):
                    start = facts.tokens[first - 1].start
                out.append((start, facts.tokens[last].end, 0.0))
    elif kind in ("place", "agent"):
        wanted = ("LOC",) if kind == "place" else ("ORG", "PER", "NAME")
        found = [
            (e.start, e.end)
            for e in facts.entities
            if e.kind in wanted
            and not any(
                same_name_token(w, t)
                for t in question.names
                for w in e.text.replace("-", " ").split()
            )
        ]
        out.extend((start, end, 0.0) for start, end in _listed(facts, sorted(found)))
    return out


def _unasked_end(
    facts: SentenceFacts, number_end: int, end: int, asked: set[str], translated: frozenset[int]
) -> int:
    """Where a figure's span ends once the words the question already says are left off: its
    counted noun, with the words before it ("Сколько команд?": "две", not "две разных
    команды"), and a trailing unit ("Сколько лет?": "39", not "39 лет"). Offsets in the
    document; at least the number stays."""

    def said(t: Token) -> bool:
        return t.kind == "word" and (t.key in asked or t.start in translated)

    after = [t for t in facts.tokens if number_end <= t.start < end]
    if any(said(t) for t in after):
        end = number_end
    inside = [t for t in facts.tokens if t.end <= end and t.start < number_end]
    while len(inside) > 1 and said(inside[-1]) and inside[-2].kind != "punct":
        inside.pop()
        end = inside[-1].end
    return end


def _listed(facts: SentenceFacts, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of names listed together joined into one ("Марокко и Эфиопии", "Гриссом, Уайт и
    Чаффи"): a list answers a question as a whole. Joined by a comma or a word of the
    ``list_joiners`` table of the sentence's language."""
    joiners = {" ".join(p) for p in resources.phrases(facts_language(facts), "list_joiners")}
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and out[-1][1] <= start:
            between = facts.text[out[-1][1] - facts.start : start - facts.start]
            gap = between.strip().strip(",").strip()
            if (gap == "" and "," in between) or (
                gap and " ".join(t.key for t in tokens(gap, facts.language)) in joiners
            ):
                out[-1] = (out[-1][0], end)
                continue
        out.append((start, end))
    return out


def facts_language(facts: SentenceFacts) -> str:
    return facts.language if facts.language in resources.LANGUAGES else "ru"


_DAY = range(1, 32)


def _dates(facts: SentenceFacts, question: Question) -> list[tuple[int, int]]:
    """Spans (in the sentence) of its dates: a day, month and year written together are one
    ("7 января 1796", "в октябре 1998"), a year is its digits without its word ("1946" of "в
    1946 году"; a decade keeps it: "1990-х годов"), less the years the question names."""
    found = list(facts.quantities)
    spans: list[tuple[int, int]] = []
    used: set[int] = set()
    for i, q in enumerate(found):
        if i in used or q.kind not in ("year", "year_range", "date"):
            continue
        if q.kind == "year" and int(q.value) in question.years:
            continue
        first, last = i, i
        if q.kind == "date" and q.value <= 12:  # a month name: its day before, its year after
            before = found[i - 1] if i else None
            if (
                before is not None
                and before.kind == "number"
                and before.value in _DAY
                and facts.text[before.end : q.start].isspace()
            ):
                first = i - 1
            after = found[i + 1] if i + 1 < len(found) else None
            if (
                after is not None
                and after.kind == "year"
                and facts.text[q.end : after.start].isspace()
            ):
                last = i + 1
        used.update(range(first, last + 1))
        spans.append((found[first].start, _year_end(found[last])))
    return spans


def _year_end(q: Quantity) -> int:
    """Where a date's span ends: a year's at its digits, unless a decade ending follows them."""
    if q.kind not in ("year", "year_range"):
        return q.end
    digits = [i for i, ch in enumerate(q.text) if ch.isdigit()]
    last = digits[-1] + 1 if digits else len(q.text)
    return q.start + last if q.text[last : last + 1].isspace() else q.end


def source_answer(
    facts: SentenceFacts, source: str | None, document: str, citation: int
) -> ShortAnswer | None:
    """The document's source as it is written in the sentence ``facts`` describe ("BAQ.kz" of
    "… передает BAQ.kz"): the short answer to a question on who published the report, when
    the evidence layer found it asking for one there (``source_asked``)."""
    span = source_span(facts.text, source)
    if span is None:
        return None
    first, last = span
    return ShortAnswer(
        facts.text[first:last], document, facts.start + first, facts.start + last, citation
    )
