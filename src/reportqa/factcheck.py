"""Fact-check mode: the report's verdict on a claim, with the evidence quoted and the figures
compared side by side.

``FactChecker.check`` takes a claim and the passages retrieved for it and returns a ``Verdict``:
``supported``, ``contradicted`` or ``not_found``. The rules:

1. *Subject.* Each sentence of the retrieved passages (the best ``_CANDIDATES`` by the
   answerer's evidence score) gets a *subject confidence*: the answerer's calibrated logistic
   model (``answering.CONFIDENCE_WEIGHTS``, or ``CROSS_LINGUAL_WEIGHTS`` across languages) of
   two signals. *z*: how far the sentence's cosine with the claim stands above the claim's
   cosine with every sentence of the index (``ExtractiveAnswerer.evidence``). *Coverage*: the
   share of the claim's words, its figures left out, found in the sentence, weighted by rarity
   (in the report's language; across languages each word counts 1 and is matched through
   word embeddings, ``wordmatch.WordMatcher``); a word found only elsewhere in the paragraph or
   in the document's title and first paragraph counts half ("QARMET" is named in the sentence before
   "До 2028 года планируется инвестировать 1,6 трлн тенге"). A year the claim names that the
   sentence states counts as one more word, but a different year does not count against it.
2. *Pairing figures* (``figures.py``). Each amount, percent, duration or date of the claim is
   paired with at most one figure of a sentence about its subject (confidence at least
   ``MIN_SUBJECT``, or z at least ``MIN_SUBJECT_Z``, or ``MIN_SUBJECT_COVERAGE`` of the claim's
   words in the sentence itself): a figure of the same kind, with no conflicting unit; when both
   count nouns, the nouns must be alike (``MIN_NOUN``: "60 колледжей" may pair with "52
   колледжа", never with "8 вузов"). Pairs are scored by how alike the words around the two
   figures are, plus small bonuses (the same unit, the claim's year stated for it, the same rank
   among figures of its kind, the same value, the same order of magnitude), and must reach
   ``MIN_PAIR``; the best pairs are taken first, adding the sentence's confidence, and each
   report figure is used once.
3. *Values.* A pair matches when ``numbers.quantities_match`` says so (rounding allowed: "1.6
   trillion" is "1,6 трлн"), or when the claim follows from the report's bound ("более 2 трлн"
   from "превысил 3 трлн"); it differs when both cannot hold ("2 трлн" against "1,6 трлн", "30%"
   against "более 40%"); a value the report's bound allows without stating it ("45%" against
   "более 40%") is unclear.
4. *Periods.* When the claim names a year for a figure, the report's figure must be stated for
   that year. A year written in the figure's clause or sentence that differs makes the pair
   differ (the 2024 figure quoted as 2025's is contradicted: the report gives it for another
   year). No year at all, or a different one only inherited from earlier sentences of the
   paragraph, leaves it unclear (the report does not say what the claim says of that year).
   "В этом году" in the report is the year of its date (``Document.date``).
5. *Verdict on a claim with figures.* Any pair that differs: ``contradicted``. Every figure
   paired and matching: ``supported``, unless the claim (in the report's language) has a noun or
   adjective found nowhere near them ("150 МВт ... строит китайская компания": the report names
   no builder), which makes it ``not_found`` and is named in the explanation (``_unbacked``).
   Otherwise (a figure without a counterpart, or unclear): ``not_found``.
6. *A claim without figures* is ``supported`` only when one sentence states it: confidence at
   least ``MIN_STATED``, coverage at least ``MIN_STATED_COVERAGE``, and none of its words
   missing from the sentence, its paragraph and the document's lead (the key object must be
   there: a report on televisions does not support a claim on smartphones); across languages
   the words are looked for by embedding and the sentence's z must also reach
   ``MIN_STATED_Z``. Years it names are then checked as in rule 4 ("с 2020 года" against "с 2023
   года": ``contradicted``). Anything less: ``not_found``; words alone never contradict.

A sentence that names, after the same noun, only another thing than the claim ("зоны
"Сарыарка"" for a claim on "зоне «Сарань»") is not evidence for it at all (``names_conflict``).

Input (``clean_claim``): cleaned and limited as a question is; an empty claim, one with nothing
to check (no words besides its figures: "???", "hello", "42") or a question ("Сколько вузов?",
but not "Правда ли, что ...?") is an ``InputError``, not a verdict.

How the verdict is worded is ``verdicts.py``'s job. Left out: negation and antonyms ("закрыли"
for "открыли"), arithmetic over the report's figures (sums, shares), elliptical lists ("стали —
на 6,6%" borrows its verb from the item before; a claim's verb can pull it to that item), and
entailment of wording beyond shared words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .answering import CONFIDENCE_WEIGHTS, CROSS_LINGUAL_WEIGHTS, Evidence, ExtractiveAnswerer
from .errors import InputError
from .figures import (
    Figure,
    compare,
    compatible,
    context_similarity,
    counts_alike,
    is_bound_word,
    read_figures,
    years_of,
)
from .models import Document, Hit, Verdict
from .numbers import Quantity, parse_quantities
from .questions import profile_question, subject_text
from .retrieval import HybridSearcher
from .text import detect_language, word_terms
from .verdicts import Finding, render_verdict
from .wordmatch import WordMatcher, content_words, is_verb_form, names_conflict

__all__ = ["FactChecker", "clean_claim", "VERDICTS", "RETRIEVE_K"]

VERDICTS = ("supported", "contradicted", "not_found")
RETRIEVE_K = 8  # passages retrieved for a claim (at least; more when Settings.k is larger)
# The thresholds of the rules above. They were set on claims invented for tests/test_factcheck.py
# and checked on the dev claims; a sentence of a tiny corpus cannot reach a high z (at most the
# square root of the number of sentences), hence the coverage alternative in rule 2.
MIN_SUBJECT = 0.25
MIN_SUBJECT_Z = 3.0
MIN_SUBJECT_COVERAGE = 0.6
MIN_NOUN = 0.3
MIN_PAIR = 0.25
MIN_STATED = 0.5
MIN_STATED_COVERAGE = 0.75
MIN_STATED_Z = 3.0
_CANDIDATES = 8  # sentences considered, best evidence score first
_BONUS = {
    "unit": 0.15,
    "period": 0.3,
    "other_period": -0.15,
    "position": 0.1,
    "value": 0.25,
    "magnitude": 0.1,
}
_CONTEXT_CREDIT = 0.5  # a word found near the sentence, not in it


def clean_claim(text: Any, max_chars: int) -> str:
    """``text`` cleaned as a question is (``pipeline.clean_question``: the same limit), and
    checked to state something: words besides its figures, and not a question. Raises
    ``InputError``, whose message says what to send instead."""
    from .pipeline import clean_question  # the pipeline imports this module

    try:
        claim = clean_question(text, max_chars)
    except InputError as exc:
        raise InputError(str(exc).replace("question", "claim")) from None
    shown = claim if len(claim) <= 40 else claim[:37] + "…"
    if claim.endswith("?") and profile_question(claim).kind != "other":
        # "Сколько вузов в области?" asks; "Правда ли, что вузов 8?" still states something.
        raise InputError(
            f"«{shown}» is a question, not a claim: state the fact to check "
            "(«В области работают 8 вузов»), or ask it with `reportqa ask`"
        )
    words = _subject_words(claim, parse_quantities(claim))
    if not words or (len(words) < 2 and not parse_quantities(claim)):
        raise InputError(
            f"nothing to check in «{shown}»: state a fact about the report, "
            "e.g. «В области работают 8 вузов»"
        )
    return claim


@dataclass(frozen=True)
class _Candidate:
    """A sentence of the retrieved passages as evidence for the claim."""

    evidence: Evidence
    coverage: float  # of the claim's words, in the sentence (and half in its paragraph)
    own_coverage: float  # in the sentence alone
    missing: tuple[str, ...]  # words of the claim found nowhere near (stems only across languages)
    context: str  # its paragraph and the document's lead
    cross: bool  # the claim and the sentence differ in language
    confidence: float
    figures: tuple[Figure, ...]
    years: frozenset[int]  # the years the sentence states (or inherits)
    inherited: bool
    period: Quantity | None


class FactChecker:
    """Checks claims against the passages retrieved for them. Safe to share between threads."""

    def __init__(self, answerer: ExtractiveAnswerer, documents: Sequence[Document]) -> None:
        # The extractive answerer's evidence scoring, shared with `ask` (not the LLM answerer,
        # which may stand in front of it).
        self.answerer = answerer
        self.searcher: HybridSearcher = answerer.searcher
        self.languages = answerer.languages
        data = self.searcher.data
        self.matcher = WordMatcher(self.searcher.embedder, data.words, data.word_vectors)
        self.documents = {d.id: d for d in documents}
        # A document's title and first paragraph frame every sentence of it ("the region").
        self._leads = {
            d.id: d.title + "\n" + (d.paragraphs[0].text if d.paragraphs else "") for d in documents
        }

    def check(self, claim: str, hits: Sequence[Hit]) -> Verdict:
        """The verdict on ``claim`` (already cleaned) from ``hits`` (retrieved for it)."""
        language = detect_language(claim)
        quantities = parse_quantities(claim)
        claimed = read_figures(claim)
        candidates = self._candidates(claim, quantities, language, hits)
        unbacked: tuple[str, ...] = ()
        if claimed:
            findings = self._align(claimed, candidates)
            verdict = _verdict_of(findings)
            if verdict == "supported":
                unbacked = _unbacked(findings, candidates)
                verdict = "not_found" if unbacked else verdict
        else:
            findings, verdict = self._stated(claim, quantities, candidates)
        return render_verdict(claim, language, verdict, findings, hits, unbacked)

    def _candidates(
        self, claim: str, quantities: list[Quantity], language: str, hits: Sequence[Hit]
    ) -> list[_Candidate]:
        words = _subject_words(claim, quantities)
        claim_years = years_of(claim, 0, len(claim), quantities)[0]
        period_weight = 0.0
        if claim_years:
            period_weight = (
                1.0
                if language != "ru"
                else float(
                    np.mean([self.searcher.bm25.idf(str(y)) for y in sorted(claim_years)[:3]])
                )
            )
        ranked = sorted(self.answerer.evidence(claim, hits), key=lambda e: e.score, reverse=True)
        found = []
        for e in ranked[:_CANDIDATES]:
            chunk = e.hit.chunk
            cross = self.languages.get(chunk.document, "ru") != language
            if not cross and names_conflict(claim, e.sentence.text):
                continue  # it speaks of another zone, company or programme of the same kind
            document = self.documents.get(chunk.document)
            paragraph, offset = chunk.text, chunk.start
            if document and 0 < chunk.paragraph <= len(document.paragraphs):
                paragraph = document.paragraphs[chunk.paragraph - 1].text
                offset = document.paragraphs[chunk.paragraph - 1].start
            earlier = paragraph[: max(0, e.sentence.start - offset)]
            year = _document_year(document)
            context = paragraph + "\n" + self._leads.get(chunk.document, "")
            sentence_quantities = parse_quantities(e.sentence.text)
            years, period = years_of(
                e.sentence.text, 0, len(e.sentence.text), sentence_quantities, year
            )
            inherited = False
            if not years and earlier:
                years = years_of(earlier, 0, len(earlier), parse_quantities(earlier), year)[0]
                inherited, period = bool(years), None
            own, coverage, missing = self._cover(words, e.sentence.text, context, cross)
            # A year the claim names, found in the sentence (or, half, inherited from its
            # paragraph), speaks for it as a word would; a different year is what is checked
            # (rule 4), not evidence against the subject.
            subject = coverage
            if claim_years and claim_years <= years:
                stated = _CONTEXT_CREDIT if inherited else 1.0
                subject = max(
                    coverage,
                    self._cover(
                        words, e.sentence.text, context, cross, period=(period_weight, stated)
                    )[1],
                )
            if cross:
                # The answerer's model for this case; its own measure (all of the claim's words,
                # the sentence alone) may vouch for the sentence instead.
                confidence = max(
                    _logistic(CROSS_LINGUAL_WEIGHTS, e.standout, subject), e.confidence
                )
            else:
                confidence = _logistic(CONFIDENCE_WEIGHTS, e.standout, subject)
            found.append(
                _Candidate(
                    evidence=e,
                    coverage=coverage,
                    own_coverage=own,
                    missing=missing,
                    context=context,
                    cross=cross,
                    confidence=confidence,
                    figures=tuple(read_figures(e.sentence.text, earlier, year)),
                    years=years,
                    inherited=inherited,
                    period=period,
                )
            )
        found.sort(key=lambda c: c.confidence, reverse=True)
        return found

    def _cover(
        self,
        words: list[str],
        sentence: str,
        context: str,
        cross: bool,
        embed_context: bool = False,
        period: tuple[float, float] = (0.0, 0.0),
    ) -> tuple[float, float, tuple[str, ...]]:
        """``WordMatcher.coverage``, words weighted by their rarity in the index (in the report's
        language; across languages each word counts 1)."""
        rarity = (lambda _word: 1.0) if cross else self._rarity
        return self.matcher.coverage(
            words, sentence, context, cross, rarity, _CONTEXT_CREDIT, embed_context, period
        )

    def _rarity(self, word: str) -> float:
        terms = word_terms(word)
        return self.searcher.bm25.idf(terms[0][1]) if terms else 0.0

    def _align(self, claimed: list[Figure], candidates: list[_Candidate]) -> list[Finding]:
        """Each claimed figure paired with the report figure most likely to state the same."""
        options: list[tuple[float, int, int, int]] = []
        for ci, c in enumerate(claimed):
            for si, cand in enumerate(candidates):
                if (
                    cand.confidence < MIN_SUBJECT
                    and cand.evidence.z < MIN_SUBJECT_Z
                    and cand.own_coverage < MIN_SUBJECT_COVERAGE
                ):
                    continue
                for ri, r in enumerate(cand.figures):
                    if not compatible(c.quantity, r.quantity):
                        continue
                    if (
                        c.quantity.noun
                        and r.quantity.noun
                        and counts_alike(c, r, self.matcher, cand.cross) < MIN_NOUN
                    ):
                        continue  # they count different things: "60 колледжей", "8 вузов"
                    pair = context_similarity(c, r, self.matcher, cand.cross) + _bonus(c, r)
                    if pair >= MIN_PAIR:
                        options.append((cand.confidence + pair, ci, si, ri))
        options.sort(reverse=True)
        chosen: dict[int, Finding] = {}
        used: set[tuple[int, int]] = set()
        for _, ci, si, ri in options:
            if ci in chosen or (si, ri) in used:
                continue
            used.add((si, ri))
            cand = candidates[si]
            chosen[ci] = _judge(claimed[ci], cand, cand.figures[ri])
        return [chosen.get(i, Finding(c)) for i, c in enumerate(claimed)]

    def _stated(
        self, claim: str, quantities: list[Quantity], candidates: list[_Candidate]
    ) -> tuple[list[Finding], str]:
        """The verdict on a claim without figures: one sentence must state it (rule 6)."""
        words = _subject_words(claim, quantities)
        for cand in candidates:
            if cand.confidence < MIN_STATED or (cand.cross and cand.evidence.z < MIN_STATED_Z):
                continue
            coverage, missing = cand.coverage, cand.missing
            if cand.cross:  # look for the words again, by meaning this time, in the context too
                _, coverage, missing = self._cover(
                    words, cand.evidence.sentence.text, cand.context, True, embed_context=True
                )
            if coverage >= MIN_STATED_COVERAGE and not missing:
                break
        else:
            return [], "not_found"
        claim_years, claim_period = years_of(claim, 0, len(claim), quantities)
        if not claim_years:
            stated = Finding(_stand_in(None), cand.evidence, cand.confidence, None, "match", "")
            return [stated], "supported"
        claimed = _stand_in(claim_period, claim_years)
        reported = _stand_in(cand.period, cand.years, cand.inherited)
        outcome, reason = _period_outcome(claimed, reported)
        finding = Finding(claimed, cand.evidence, cand.confidence, reported, outcome, reason)
        return [finding], {"match": "supported", "differ": "contradicted"}.get(outcome, "not_found")


def _bonus(c: Figure, r: Figure) -> float:
    """What besides their words makes two figures likely to state the same thing (rule 2)."""
    bonus = 0.0
    if c.quantity.unit is not None and c.quantity.unit == r.quantity.unit:
        bonus += _BONUS["unit"]
    if c.years and r.years and not r.inherited:
        bonus += _BONUS["period"] if c.years <= r.years else _BONUS["other_period"]
    if c.position == r.position:
        bonus += _BONUS["position"]
    if compare(c, r) == "match":
        bonus += _BONUS["value"]
    a, b = abs(c.quantity.value), abs(r.quantity.value)
    if a and b:  # a wrong figure is mostly of the order of the right one: 2 трлн for 1,6 трлн
        bonus += _BONUS["magnitude"] * max(0.0, 1 - abs(math.log10(a / b)))
    return bonus


def _judge(claimed: Figure, cand: _Candidate, reported: Figure) -> Finding:
    """Rules 3 and 4 on one pair."""
    outcome = compare(claimed, reported)
    reason = {"match": "", "differ": "value", "unclear": "bound"}[outcome]
    if outcome == "match" and claimed.years:
        outcome, reason = _period_outcome(claimed, reported)
    return Finding(claimed, cand.evidence, cand.confidence, reported, outcome, reason)


def _period_outcome(claimed: Figure, reported: Figure) -> tuple[str, str]:
    """Rule 4: whether the report states the figure for the claim's years."""
    if not reported.years:
        return "unclear", "no_period"
    if claimed.years <= reported.years:
        return "match", ""
    if claimed.years.isdisjoint(reported.years) and not reported.inherited:
        return "differ", "period"
    return "unclear", "period"


def _verdict_of(findings: list[Finding]) -> str:
    """Rule 5."""
    if any(f.outcome == "differ" for f in findings):
        return "contradicted"
    if findings and all(f.outcome == "match" for f in findings):
        return "supported"
    return "not_found"


def _unbacked(findings: Sequence[Finding], candidates: Sequence[_Candidate]) -> tuple[str, ...]:
    """Words of a claim whose figures all match that appear nowhere near them (not in the
    sentences that hold them, their paragraphs or the document's lead): "150 МВт ... строит
    китайская компания" says more than the report, which names no builder. Only in the report's
    language, and not verbs (often a synonym), nor words naming the kind of figure or a bound
    ("долю", "свыше")."""
    by_evidence = {id(c.evidence): c for c in candidates}
    words: dict[str, None] = {}
    for f in findings:
        cand = by_evidence.get(id(f.evidence))
        if cand is None or cand.cross:
            continue
        for word in cand.missing:
            if (
                len(word) >= 4
                and not is_verb_form(word)
                and not is_bound_word(word)
                and subject_text(word).strip()
            ):
                words.setdefault(word, None)
    return tuple(words)


def _stand_in(
    period: Quantity | None, years: frozenset[int] = frozenset(), inherited: bool = False
) -> Figure:
    """A stand-in figure for a claim without figures: only its period."""
    q = period or Quantity(0.0, None, "number", "", 0, 0)
    return Figure(q, "", 0, (), (), None, "", years, inherited, period)


def _logistic(weights: dict[str, float], z: float, coverage: float = 0.0) -> float:
    x = weights["bias"] + weights["z"] * z + weights.get("coverage", 0.0) * coverage
    return 1.0 / (1.0 + math.exp(-x))


def _subject_words(claim: str, quantities: list[Quantity]) -> list[str]:
    """The claim's content words outside its figures, each once."""
    text = list(claim)
    for q in quantities:
        text[q.start : q.end] = " " * (q.end - q.start)
    return list(dict.fromkeys(content_words("".join(text))))


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)")


def _document_year(document: Document | None) -> int | None:
    m = _YEAR.search(document.date or "") if document else None
    return int(m.group(1)) if m else None
