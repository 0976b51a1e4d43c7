"""Checking a generated answer against the passages it was given, sentence by sentence.

The LLM saw the retrieved passages numbered [1]..[n] and was asked to end every sentence with the
markers of the passages it rests on. ``AnswerVerifier.verify`` splits the answer into sentences,
gives each the markers written in or right after it, and checks every sentence that states
something:

- *markers*: each [n] names a passage that was sent, and there is at least one;
- *numbers*: every figure of the sentence (amounts, percents, years, periods, dates, as
  ``numbers.parse_quantities`` reads them) matches, by ``numbers.quantities_match``, a figure of a
  passage the sentence cites;
- *words*: when the answer is in the language of the cited passages, most of the sentence's
  content words (figures aside) occur in them, every word written as a name (a person, a place,
  a company: ``evidence.question``'s names) is in them or in their document's title, in any script
  or form, and a word of negation ("not", "не") is in them if the sentence has one; in another
  language, a sentence of the cited passages stands out among the sentences of the index as close
  in meaning (a z-score of cosines).

A sentence that fails is returned as ``Unsupported`` with the reason. The markers of the answer
are renumbered by first appearance, to match the citations; a marker of a passage that was not sent
becomes "[?]". Each cited passage becomes one ``Citation`` quoting, verbatim and with its offsets,
the sentences of the passage that hold the figures or words the answer took from it.

Left out: entailment. A sentence whose numbers, names and words are all in the passage it cites
can still misstate how they relate ("fell" for "rose", a name put in another's place), and a
negation is checked as a word the passage must hold somewhere (a Kazakh verb's negative suffix is
not read). For an answer in another language than the report only figures and the topic of the
citation are checked, so a false statement without figures about the subject of the passage it
cites ("QARMET went bankrupt [1]", "the governor John Smith [1]") passes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..evidence.features import name_in_text
from ..evidence.question import read_question
from ..lang.numbers import Quantity, parse_quantities, quantities_match
from ..lang.resources import LANGUAGES, surface
from ..lang.sentences import split_sentences
from ..lang.tokens import content_words, lexical_terms, prefix_term
from ..messages import message
from ..models import Chunk, Citation, Hit, Sentence, Unsupported

if TYPE_CHECKING:
    from ..retrieval.hybrid import HybridSearcher

__all__ = [
    "AnswerVerifier",
    "Claim",
    "Verification",
    "split_claims",
    "MIN_WORD_SHARE",
    "MIN_TOPIC_Z",
]

# A sentence in the report's language must find at least this share of its content words (stems
# or five-letter prefixes) in the passages it cites. Paraphrases of the report keep most words;
# "QARMET обанкротился [1]" keeps one of two.
MIN_WORD_SHARE = 0.6
# In another language, the best sentence of the cited passages must stand this many standard
# deviations above the claim's mean cosine with the sentences of the index. English renderings of
# report sentences scored 1.4 to 4.5 with multilingual-e5-small, a claim on an unrelated topic
# ("The region has many cinemas") 1.0. A check of topic, not of truth: false claims about the
# right subject scored as high as true ones.
MIN_TOPIC_Z = 1.2

_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*(?:[,;]|[-–])\s*\d{1,3})*)\s*\]")
_MARKER_PART = re.compile(r"(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?")
_DECORATION = re.compile(r"[\s*_#>`|•·-]+")


@dataclass(frozen=True)
class Claim:
    """A sentence of a generated answer: its span in the answer (trailing markers included), the
    sentence without markers, and the passage numbers it cites, as written."""

    start: int
    end: int
    text: str
    markers: tuple[int, ...]


@dataclass(frozen=True)
class Verification:
    """The verdict on one generated answer."""

    text: str  # the answer with its markers renumbered to match ``citations``
    citations: tuple[Citation, ...]
    unsupported: tuple[Unsupported, ...]
    claims: int  # sentences that state something and were checked
    supported: int

    @property
    def grounded(self) -> bool:
        return not self.unsupported and bool(self.citations)


@dataclass
class _Support:
    """What the answer took from one cited passage: the sentences that back it."""

    hit: Hit
    sentences: set[int] = field(default_factory=set)  # indexes into hit.chunk.sentences
    best: tuple[float, int] = (-np.inf, 0)  # (overlap or z, -sentence index): the fallback quote


def split_claims(text: str) -> list[Claim]:
    """The sentences of ``text`` (line by line, then by sentence ends), each with the markers
    inside it or between it and the next sentence. Markers before the first sentence go to it."""
    masked = _MARKER.sub(lambda m: " " * len(m.group()), text)
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in masked.split("\n"):
        spans.extend(split_sentences(line, offset=offset))
        offset += len(line) + 1
    if not spans:
        return []
    markers: list[list[int]] = [[] for _ in spans]
    ends = [e for _, e in spans]
    for m in _MARKER.finditer(text):
        i = _owner(spans, m.start())
        markers[i].extend(_marker_numbers(m.group(1)))
        ends[i] = max(ends[i], m.end())
    return [
        Claim(s, ends[i], " ".join(masked[s:e].split()), tuple(dict.fromkeys(markers[i])))
        for i, (s, e) in enumerate(spans)
    ]


def _owner(spans: list[tuple[int, int]], pos: int) -> int:
    """The sentence a marker at ``pos`` belongs to: the one it is in, else the one before it."""
    owner = 0
    for i, (s, _) in enumerate(spans):
        if s <= pos:
            owner = i
    return owner


def _marker_numbers(inner: str) -> list[int]:
    numbers: list[int] = []
    for m in _MARKER_PART.finditer(inner):
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        numbers.extend(range(first, last + 1) if 0 <= last - first <= 20 else (first, last))
    return numbers


class AnswerVerifier:
    """Checks generated answers against the hits they were written from.

    ``searcher`` gives the sentence vectors of the index (for answers in another language than
    the report); ``languages`` maps document ids to the language of their text."""

    def __init__(self, searcher: HybridSearcher | None, languages: dict[str, str]) -> None:
        self.searcher = searcher
        self.languages = languages
        self._rows: dict[tuple[str, int, int], int] = {}
        if searcher is not None:
            data = searcher.data
            self._rows = {
                (c.document, s.start, s.end): row
                for c, rows in zip(data.chunks, data.sentence_rows)
                for s, row in zip(c.sentences, rows)
            }

    def verify(self, text: str, hits: Sequence[Hit], language: str) -> Verification:
        """The verdict on ``text``, an answer in ``language`` written from ``hits`` as [1]..[n]."""
        claims = split_claims(text)
        order: dict[int, int] = {}  # passage number as sent -> citation number
        for claim in claims:
            for n in claim.markers:
                if 1 <= n <= len(hits):
                    order.setdefault(n, len(order) + 1)
        supports = {n: _Support(hits[n - 1]) for n in order}
        refusal = _plain(message("refusal", language))
        unsupported: list[Unsupported] = []
        checked = 0
        for claim in claims:
            if not _states_something(claim.text) or _plain(claim.text) == refusal:
                continue
            checked += 1
            reason = self._check(claim, hits, order, supports, language)
            if reason:
                shown = _renumber(text[claim.start : claim.end].strip(), order)
                unsupported.append(Unsupported(shown, reason))
        citations = tuple(
            _citation(order[n], supports[n]) for n in sorted(order, key=order.__getitem__)
        )
        return Verification(
            text=_renumber(text.strip(), order),
            citations=citations,
            unsupported=tuple(unsupported),
            claims=checked,
            supported=checked - len(unsupported),
        )

    def _check(
        self,
        claim: Claim,
        hits: Sequence[Hit],
        order: dict[int, int],
        supports: dict[int, _Support],
        language: str,
    ) -> str | None:
        """Why ``claim`` is not supported by the passages it cites, or None if it is."""
        invalid = [n for n in claim.markers if not 1 <= n <= len(hits)]
        if invalid:
            shown = ", ".join(f"[{n}]" for n in invalid)
            return f"cites {shown}, but only {len(hits)} passages were sent"
        if not claim.markers:
            return "cites no passage"
        cited = [supports[n] for n in claim.markers]
        names = ", ".join(f"[{order[n]}]" for n in claim.markers)
        where = f"the cited passage {names}" if len(cited) == 1 else f"the cited passages {names}"
        quantities = parse_quantities(claim.text)
        for q in quantities:
            if not self._find_number(q, cited):
                return f"«{q.text}» is not in {where}"
        words = claim.text
        for q in quantities:  # "пятнадцать процентов" was checked as a figure, not as words
            words = words[: q.start] + " " * (q.end - q.start) + words[q.end :]
        if all(self.languages.get(s.hit.chunk.document, "ru") == language for s in cited):
            share = self._word_share(words, cited)
            if share is not None and share < MIN_WORD_SHARE:
                return f"most of its words are not in {where}"
            for name in read_question(words, language).names:
                # in any script or form ("Теміртауда" is "Темиртау"), or in the title
                if not any(
                    name_in_text(name, f"{s.hit.chunk.title} {s.hit.chunk.text}") for s in cited
                ):
                    return f"«{name.text}» is not in {where}"
            said = _negations(words, language)
            if said and not any(_negations(s.hit.chunk.text, language) for s in cited):
                return f"«{said[0]}» is not in {where}"
        elif not self._on_topic(claim.text, cited):
            return f"{where} is not about it"
        return None

    def _find_number(self, q: Quantity, cited: list[_Support]) -> bool:
        found = False
        for support in cited:
            for i, sentence in enumerate(support.hit.chunk.sentences):
                if any(_same_figure(q, p) for p in _quantities(sentence)):
                    support.sentences.add(i)
                    found = True
        return found

    def _word_share(self, claim: str, cited: list[_Support]) -> float | None:
        """The share of the claim's content words found in the cited passages (None if it has
        none); notes each passage's sentence sharing the most words with the claim."""
        words = list(dict.fromkeys((t.key, prefix_term(t)) for t in content_words(claim)))
        if not words:
            return None
        found: set[tuple[str, str]] = set()
        for support in cited:
            for i, sentence in enumerate(support.hit.chunk.sentences):
                terms = _terms(sentence)
                shared = {w for w in words if w[0] in terms or w[1] in terms}
                found |= shared
                support.best = max(support.best, (float(len(shared)), -i))
        return len(found) / len(words)

    def _on_topic(self, claim: str, cited: list[_Support]) -> bool:
        """Whether a cited passage holds a sentence that stands out among the index's sentences
        as close in meaning to ``claim``. True when the index has no vectors to tell."""
        if self.searcher is None or not self._rows:
            return True
        cosines = self.searcher.sentence_scores(claim)
        mean, std = float(cosines.mean()), float(cosines.std()) or 1.0
        best_z = -np.inf
        for support in cited:
            chunk = support.hit.chunk
            for i, sentence in enumerate(chunk.sentences):
                row = self._rows.get((chunk.document, sentence.start, sentence.end))
                if row is None:
                    continue
                z = (float(cosines[row]) - mean) / std
                support.best = max(support.best, (z, -i))
                best_z = max(best_z, z)
        return bool(best_z >= MIN_TOPIC_Z) or best_z == -np.inf


def _negations(text: str, language: str) -> list[str]:
    """The words of ``text`` that negate, by ``language``'s ``negation_words`` table ("not",
    "не", "емес")."""
    table = surface(language, "negation_words") if language in LANGUAGES else frozenset()
    words = (w.strip(_EDGES).lower().replace("’", "'") for w in text.split())
    return [w for w in words if w in table]


# What a word of a sentence may have around it, not in it.
_EDGES = '.,;:!?«»"“”„()[]…—–'


def _same_figure(a: Quantity, b: Quantity) -> bool:
    """``quantities_match``, and also a year written as a bare number ("in 2024", "2024 г.")."""
    if quantities_match(a, b):
        return True
    plain = {"year", "number"}
    return {a.kind, b.kind} == plain and a.unit is None and b.unit is None and a.value == b.value


@lru_cache(maxsize=4096)
def _quantities(sentence: Sentence) -> tuple[Quantity, ...]:
    return tuple(parse_quantities(sentence.text))


@lru_cache(maxsize=4096)
def _terms(sentence: Sentence) -> frozenset[str]:
    return frozenset(lexical_terms(sentence.text))


def _citation(n: int, support: _Support) -> Citation:
    """The citation of one passage, quoting the sentences the answer took from it."""
    chunk: Chunk = support.hit.chunk
    picked = sorted(support.sentences) or [-support.best[1]]
    first, last = chunk.sentences[picked[0]], chunk.sentences[picked[-1]]
    quote = chunk.text[first.start - chunk.start : last.end - chunk.start]
    return Citation(
        n=n,
        document=chunk.document,
        title=chunk.title,
        paragraph=chunk.paragraph,
        quote=quote,
        start=first.start,
        end=last.end,
        score=support.hit.score,
    )


def _renumber(text: str, order: dict[int, int]) -> str:
    """``text`` with each marker's passage numbers replaced by citation numbers ("?" for a
    passage that was not sent)."""

    def replace(m: re.Match[str]) -> str:
        numbers = dict.fromkeys(order.get(n, 0) for n in _marker_numbers(m.group(1)))
        return "[" + ", ".join(str(n) if n else "?" for n in numbers) + "]"

    return _MARKER.sub(replace, text)


def _states_something(sentence: str) -> bool:
    """False for a lead-in ("Согласно отчёту:"), a heading, or a fragment without words or
    figures."""
    if sentence.lstrip().startswith("#"):
        return False  # a Markdown heading
    bare = _DECORATION.sub(" ", sentence).strip()
    if not any(ch.isalnum() for ch in bare):
        return False
    return not (bare.endswith(":") and not parse_quantities(bare))


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
