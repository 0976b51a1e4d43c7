"""The evidence layer: for one question, a feature vector for every candidate sentence of the
retrieved passages, computed once and shared by the extractive answerer, the fact-checker and the
LLM verifier.

The features (``FEATURES``, in this order; the model stores their names and is checked against
them) fall into five groups:

- *meaning*: the sentence's cosine with the question, its z-score among all sentences of the index
  less the z the best of that many unrelated sentences would reach by chance (``standout``), and
  how far it is below the best candidate; the passage's retrieval score and rank;
- *words*: the share of the question's words (weighted by rarity) the sentence holds, with the
  sentence before it (``coverage_window``: "Она была восстановлена в 2000 году" after the
  sentence naming the exchange), and its passage; a word is held when a word of the sentence
  has the same key (lemma), the same prefix, the same spelling across scripts (``lang.names``),
  is its misspelling corrected against the corpus vocabulary (``lang.spelling``), or, across
  languages, is translated by the lexicon into it or into the head of a compound ("station" and
  "ветроэлектростанция"), or stands out as its translation in the embedding space
  (``crosslingual.py``); and, for a follow-up completed from its conversation, the share of
  the question's weight the thread lent it in brackets (``lent``, ``lent_span``) and the
  coverage of its own words alone (``own_coverage``); the share of the question's neighbouring
  word pairs the sentence holds a few words apart (``pairs``: a phrase, not words scattered;
  ``NOT_MEASURED`` for a sentence in another language, as ``span_near`` is);
  and the rank of the sentence's cosine and coverage among the candidates;
- *what is asked*: the kind of answer (amount, date, place, agent), whether the sentence (or its
  passage) holds one (numbers, years, NER places, organisations and people not named in the
  question), and one of the measure asked for (tenge for "how much money"), and how near such an
  answer is to a word the sentence shares with the question (``span_near``);
- *agreement*: of the years asked about with the years the sentence speaks of, and whether any
  retrieved passage speaks of them at all (``year_absent``); of the names of
  the question with the sentence and with the entity its passage was speaking of; of the
  direction presumed ("why did it fall") with the sentence's;
- *the question itself*: language pair, length, small talk, a request to compose, a why-question.

Left out: syntax (who did what to whom beyond which entity a sentence follows), negation.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import NormalDist
from threading import Lock
from typing import Any

import numpy as np

from ..index.corpus import names_source
from ..lang import resources
from ..lang.lexicon import translations, with_prefixes
from ..lang.names import derived_name, edit_distance, name_spellings, same_name, spelling_key
from ..lang.ner import Entity
from ..lang.numbers import Quantity, parse_quantities
from ..lang.spelling import Speller, respell
from ..lang.tokens import (
    Token,
    content_words,
    is_content_word,
    is_stopword,
    key_of,
    other_keys,
    prefix_term,
)
from ..lang.tokens import tokens as split_tokens
from ..models import Hit, Sentence
from .crosslingual import CrossLingual
from .question import (
    Question,
    dated,
    direction_of,
    read_question,
    relative_years,
)

__all__ = [
    "FEATURES",
    "Candidate",
    "EvidenceBuilder",
    "SentenceFacts",
    "expected_best",
    "lent_span",
    "own_words",
    "stated_years",
    "name_in_title",
    "AMOUNT_KINDS",
    "MEASURE_UNITS",
    "same_name_token",
    "name_in_text",
]

FEATURES = (
    "cosine",
    "standout",
    "cosine_gap",
    "passage_score",
    "passage_rank",
    "coverage",
    "coverage_passage",
    "coverage_gap",
    "coverage_window",
    "missing",
    "attribute_coverage",
    "cross_lingual",
    "cross_coverage",
    "kind_quantity",
    "kind_date",
    "kind_place",
    "kind_agent",
    "has_kind",
    "has_kind_passage",
    "lacks_quantity",
    "lacks_date",
    "lacks_place",
    "lacks_agent",
    "asked_noun_missing",
    "measure_ok",
    "measure_conflict",
    "year_match",
    "year_conflict",
    "year_absent",
    "name_in_sentence",
    "name_in_passage",
    "name_conflict",
    "name_absent",
    "direction_conflict",
    "new_words",
    "question_words",
    "small_talk",
    "compose",
    "why",
    "first_sentence",
    "lent",
    "own_coverage",
    "source_asked",
    "unknown_words",
    "pairs",
    "cosine_rank",
    "coverage_rank",
    "span_near",
)
_INDEX = {name: i for i, name in enumerate(FEATURES)}
MEASURE_UNITS = {
    "money": frozenset({"KZT", "USD", "EUR", "RUB", "GBP"}),
    "percent": frozenset({"%", "pp"}),
    "area": frozenset({"ha", "m2", "km2"}),
    "power": frozenset({"MW", "GW", "kW"}),
    "mass": frozenset({"t", "kg"}),
}
AMOUNT_KINDS = frozenset({"number", "percent", "duration"})
_DATE_KINDS = frozenset({"year", "year_range", "date"})
_CONTEXT_CREDIT = 0.5
_PAIR_SPAN = 3  # words apart at most for two question words to be held as a phrase
# A feature that cannot be measured for a sentence (word places across languages): below every
# measured value, so that a tree tells it from 0 ("none held"). Features stay finite.
NOT_MEASURED = -1.0
_PREFIX_CREDIT = 0.8
_HEAD, _HEAD_AFTER = 6, 3  # a compound's head and what comes before it, in letters
_SPELLING_CREDIT = 0.8
_TRANSLATED = 1 / 3  # a cross-lingual match from which a word anchors a short answer


def lent_span(text: str) -> tuple[int, int]:
    """Where in a question the words lent by a conversation's thread are: the brackets that end
    a follow-up as ``dialogue.followup`` completes it ("Когда его будут финансировать
    («Картех»)?"); (0, 0) for a question without them."""
    end = len(text.rstrip("?!. "))
    if not text[:end].endswith(")"):
        return (0, 0)
    start = text.rfind("(", 0, end)
    return (start + 1, end - 1) if start > 0 else (0, 0)


def own_words(question: Question) -> tuple[Token, ...]:
    """The content words of ``question`` outside the brackets its thread lent it
    (``lent_span``): all of them for a question without."""
    start, end = lent_span(question.text)
    return tuple(t for t in question.words if not start <= t.start < end)


def expected_best(n: int) -> float:
    """The z-score the best of ``n`` unrelated scores is expected to reach (Blom's approximation
    of the largest of ``n`` standard normal samples: 2.19 for 44, 3.28 for 1200)."""
    if n < 2:
        return 0.0
    return NormalDist().inv_cdf((n - 0.375) / (n + 0.25))


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage as evidence for one question."""

    hit: Hit
    sentence: Sentence
    row: int  # its row among the index's sentence vectors
    features: np.ndarray  # in the order of FEATURES
    probability: float = 0.0  # set by the model

    def feature(self, name: str) -> float:
        return float(self.features[_INDEX[name]])


@dataclass
class SentenceFacts:
    """What a sentence holds, read once from the index's analysis and cached."""

    start: int  # offset of the sentence in its document; ``quantities`` count from it
    text: str
    tokens: tuple[Token, ...]
    keys: frozenset[str]
    # its keys and the other likely dictionary forms of its Russian words (``other_keys``):
    # what a question word is held by; ``keys`` alone say what the sentence is about
    held_keys: frozenset[str]
    prefixes: frozenset[str]
    spellings: frozenset[str]  # of its content words (lang.names.spelling_key)
    word_keys: frozenset[str]  # of all its words, stop words too (names such as "Тау-Кен")
    word_spellings: frozenset[str]
    words: tuple[str, ...]  # lower-cased content words (for cross-lingual matching)
    quantities: tuple[Quantity, ...]
    entities: tuple[Entity, ...]
    years: frozenset[int]
    direction: int
    language: str
    date_words: bool  # a century, decade or month name of the ``date_words`` table
    names_source: bool  # it names its document's source ("… передает BAQ.kz")


@dataclass
class _PassageFacts:
    keys: frozenset[str]
    held_keys: frozenset[str]  # as in SentenceFacts
    prefixes: frozenset[str]
    spellings: frozenset[str]
    entities: tuple[Entity, ...]
    sentences: list[SentenceFacts] = field(default_factory=list)


class EvidenceBuilder:
    """Feature vectors of candidate sentences. Safe to share between threads.

    ``searcher`` is the hybrid searcher (sentence cosines, BM25 statistics, the index);
    ``languages`` maps document ids to their language, ``years`` to the year of their date (for
    "this year"), ``sources`` to the source of their metadata (the outlet that published it)."""

    def __init__(
        self,
        searcher: Any,
        languages: dict[str, str],
        years: dict[str, int],
        sources: dict[str, str] | None = None,
    ) -> None:
        self.searcher = searcher
        self.data = searcher.data
        self.languages = languages
        self.years = years
        self.sources = sources or {}
        self._rows = {
            (c.document, s.start, s.end): row
            for c, rows in zip(self.data.chunks, self.data.sentence_rows)
            for s, row in zip(c.sentences, rows)
        }
        counts: Counter[str] = Counter()
        for analysis in self.data.analyses:
            counts.update(t.lower for t in analysis.tokens if t.kind == "word")
        self.speller = Speller(counts)
        self._vocabulary = frozenset(counts)
        self._keys = frozenset(
            t.key for analysis in self.data.analyses for t in analysis.tokens if t.kind == "word"
        )
        self._spellings = frozenset(spelling_key(w) for w in self._vocabulary)
        # the corpus's word vectors, kept beside the index versions (``crosslingual.py``)
        self.crosslingual = CrossLingual(
            searcher.embedder, searcher.data.path.parent / "word-vectors.npz"
        )
        self._passages: dict[int, _PassageFacts] = {}
        self._lock = Lock()

    # -- what the corpus holds ---------------------------------------------------------------

    def passage(self, chunk_id: int) -> _PassageFacts:
        with self._lock:
            found = self._passages.get(chunk_id)
        if found is not None:
            return found
        chunk = self.data.chunks[chunk_id]
        analysis = self.data.analyses[chunk_id]
        language = self.languages.get(chunk.document, "ru")
        year = self.years.get(chunk.document)
        source = self.sources.get(chunk.document)
        sentences = []
        for s in chunk.sentences:
            toks = tuple(t for t in analysis.tokens if s.start <= t.start < s.end)
            sentences.append(
                _facts(
                    s,
                    toks,
                    [e for e in analysis.entities if s.start <= e.start < s.end],
                    language,
                    year,
                    source,
                )
            )
        content = [t for t in analysis.tokens if t.kind == "word" and not is_stopword(t)]
        keys = frozenset(t.key for t in content)
        named = any(sf.names_source for sf in sentences)
        facts = _PassageFacts(
            keys=keys,
            held_keys=keys | _other_keys(content) | (_source_keys() if named else frozenset()),
            prefixes=frozenset(prefix_term(t) for t in content) | _heads(keys),
            spellings=frozenset(spelling_key(t.text) for t in content),
            entities=analysis.entities,
            sentences=sentences,
        )
        with self._lock:
            self._passages[chunk_id] = facts
        return facts

    def sentence_facts(self, chunk_id: int, start: int) -> SentenceFacts:
        """What the sentence of chunk ``chunk_id`` starting at ``start`` holds."""
        facts = self.passage(chunk_id)
        chunk = self.data.chunks[chunk_id]
        for sentence, sf in zip(chunk.sentences, facts.sentences):
            if sentence.start == start:
                return sf
        raise KeyError(f"no sentence at {start} in chunk {chunk_id}")

    def corpus_words(self, titles: Sequence[str] = ()) -> list[str]:
        """Every word of the corpus that cross-lingual matching may look up (``crosslingual.py``):
        the lower-cased content words of two letters or more of its passages and of ``titles``
        (the documents' titles, which frame a fact-check), which hold both the evidence's
        sentence words (three letters or more) and the fact-checker's words."""
        passages = (t for a in self.data.analyses for t in a.tokens if is_content_word(t))
        titled = (t for title in titles for t in content_words(title))
        return list(dict.fromkeys(t.lower for found in (passages, titled) for t in found))

    def translated_words(
        self, question: Question, chunk_id: int, facts: SentenceFacts
    ) -> frozenset[int]:
        """The offsets of the sentence's content words that stand out, among all the words of
        its passage, as a translation of a word of the question (cross-lingual matching, a
        third of a match or more)."""
        passage = self.passage(chunk_id)
        words = list(dict.fromkeys(w for sentence in passage.sentences for w in sentence.words))
        if not words or not question.words:
            return frozenset()
        table = translations(question.language, facts.language)
        meanings = [table.get(t.key, frozenset()) for t in question.words]
        listed = with_prefixes(frozenset().union(*meanings), facts.language)
        unlisted = [
            question.words[i].lower
            for i in self._unlisted(question.words, question.language, (facts.language,))
        ]
        matched: set[str] = set()
        if unlisted:
            scores = self.crosslingual.scores(unlisted, [[w] for w in words])
            matched = {w for w, best in zip(words, scores.max(axis=0)) if best >= _TRANSLATED}
        return frozenset(
            t.start
            for t in facts.tokens
            if t.kind == "word"
            and (
                t.lower in matched
                or t.key in listed
                or prefix_term(t) in listed
                or bool(other_keys(t) & listed)
            )
        )

    def _unlisted(self, words: Sequence[Token], language: str, into: Iterable[str]) -> list[int]:
        """Which of the question's ``words`` (their places) only the embedding space can match
        in the languages ``into``: the lexicon translates them into none of them, and the
        corpus does not have them as they are."""
        tables = [translations(language, other) for other in into]
        return [
            i
            for i, t in enumerate(words)
            if not any(table.get(t.key) for table in tables) and not self.known(t)
        ]

    def companions(self, question: str) -> list[str]:
        """The words of ``question`` that ``candidates`` will look up in the embedding space
        (``_unlisted`` in a language of the corpus other than the question's) and that are not
        embedded yet. The searcher embeds them with the question, in one model call
        (``retrieval.hybrid``), and hands them to ``remember``; a word missed here is embedded
        by ``candidates`` as before, so this rule decides speed only, never a feature."""
        read = read_question(question)
        others = sorted(set(self.languages.values()) - {read.language})
        places = {i for other in others for i in self._unlisted(read.words, read.language, [other])}
        words = [read.words[i].lower for i in sorted(places)]
        return self.crosslingual.missing_queries(words) if words else []

    def remember(self, words: list[str], vectors: np.ndarray) -> None:
        """The query vectors of ``companions``' words, embedded by the searcher."""
        self.crosslingual.remember_queries(words, vectors)

    def unknown_share(self, words: Sequence[Token], language: str) -> float:
        """The share of the question's content words that the corpus has in no form: not as
        written, by key, prefix or spelling, nor as any of their translations (``lang.lexicon``,
        the informal words of the question's own language too). A question none of whose words
        the corpus has is about something else ("Сколько стоит билет в кино?"), whatever
        sentence its embedding lands nearest."""
        if not words:
            return 0.0
        tables = [translations(language, other) for other in {language, *self.languages.values()}]
        bm25 = self.searcher.bm25

        def has(t: Token) -> bool:
            if self.known(t) or bm25.contains(prefix_term(t)):
                return True
            return any(k in self._keys for table in tables for k in table.get(t.key, ()))

        return sum(not has(t) for t in words) / len(words)

    def weight(self, token: Token) -> float:
        """How much a question word counts: its rarity in the index (words the index never
        saw count as the rarest)."""
        bm25 = self.searcher.bm25
        if bm25.contains(token.key):
            return bm25.idf(token.key)
        if bm25.contains(prefix_term(token)):
            return bm25.idf(prefix_term(token))
        return bm25.idf("\0")

    def known(self, token: Token) -> bool:
        """Whether the corpus has this word: its key, or its spelling across scripts."""
        if token.key in self._keys or token.lower in self._vocabulary:
            return True
        return spelling_key(token.text) in self._spellings

    def respell(self, text: str) -> str:
        """``text`` with its misspelt Russian words as the corpus or the tables write them
        (``lang.spelling.respell``): what retrieval and the evidence read of a question."""
        return respell(text, self.known, self.speller)

    def corrections(self, token: Token) -> frozenset[str]:
        """Keys of the corpus words a misspelt question word may stand for."""
        if token.lower in self._vocabulary or token.key in self._keys:
            return frozenset()
        return frozenset(key_of(w, token.language) for w in self.speller.correct(token.lower))

    # -- candidates --------------------------------------------------------------------------

    def candidates(
        self, question: Question, hits: Sequence[Hit], exclude_rows: Sequence[int] = ()
    ) -> list[Candidate]:
        """Every sentence of ``hits`` with its features, in passage order. ``exclude_rows``
        leaves sentences out of the statistics the z-score is taken against (fitting removes a
        gold passage this way)."""
        cosines = self.searcher.sentence_scores(question.text)
        background = np.delete(cosines, list(exclude_rows)) if len(exclude_rows) else cosines
        mean, std = float(background.mean()), float(background.std()) or 1.0
        chance = expected_best(len(background))
        words = list(question.words)
        weights = np.array([self.weight(t) for t in words], dtype=np.float64)
        corrections = [self.corrections(t) for t in words]
        by_language: dict[str, list[frozenset[str]]] = {}

        def translated_into(language: str) -> list[frozenset[str]]:
            if language not in by_language:
                table = translations(question.language, language)
                meanings = [table.get(t.key, frozenset()) for t in words]
                by_language[language] = [with_prefixes(m, language) for m in meanings]
            return by_language[language]

        names = list(question.names)
        # Only a name the corpus knows (by key or spelling) can be another thing than the one a
        # sentence speaks of ("TVs" and "MW" are not names of the report).
        known = [t for t in names if self.known(t)]
        asked_noun = _asked_noun(question, words)
        unknown = self.unknown_share(words, question.language)
        name_starts = {t.start for t in names}
        attribute = np.array([0.0 if t.start in name_starts else w for t, w in zip(words, weights)])
        attribute_total = float(attribute.sum())
        # the words a follow-up's thread lent it (``lent_span``), and the question's own
        own_at = {t.start for t in own_words(question)}
        lent = np.array([float(t.start not in own_at) for t in words])
        own_weights = weights * (1.0 - lent)
        own_total = float(own_weights.sum())
        # each question word's key and loose form, to find where a sentence holds it
        word_keys = [frozenset({t.key}) | other_keys(t) for t in words]
        word_prefixes = [prefix_term(t) for t in words]
        rows = []
        seen: set[tuple[str, int]] = set()
        for rank, hit in enumerate(hits, start=1):
            facts = self.passage(hit.chunk.id)
            cross = self.languages.get(hit.chunk.document, "ru") != question.language
            for place, (sentence, sf) in enumerate(zip(hit.chunk.sentences, facts.sentences)):
                key = (hit.chunk.document, sentence.start)
                if key in seen:
                    continue
                seen.add(key)
                row = self._rows[(hit.chunk.document, sentence.start, sentence.end)]
                rows.append((hit, rank, sentence, sf, facts, cross, row, place))
        if not rows:
            return []
        cross_scores = None
        if any(r[5] for r in rows) and words:
            # only the words a translation or the corpus's own words cannot match (``_held``)
            # are looked up in the embedding space, which costs a model call
            into = {self.languages.get(r[0].chunk.document, "ru") for r in rows if r[5]}
            unlisted = self._unlisted(words, question.language, into)
            cross_scores = np.zeros((len(words), len(rows)))
            if unlisted:
                cross_scores[unlisted] = self.crosslingual.scores(
                    [words[i].lower for i in unlisted], [r[3].words for r in rows]
                )
        out = []
        matrix = np.zeros((len(rows), len(FEATURES)), dtype=np.float64)
        # "в этом году" is the year of the date of the document it is asked of
        by_year = {
            year: dated(question, year)
            for year in {self.years.get(r[0].chunk.document) for r in rows}
        }
        asked_years = frozenset().union(*(q.years for q in by_year.values()))
        if asked_years:
            spoken = frozenset().union(*(s.years for r in rows for s in r[4].sentences))
            matrix[:, _INDEX["year_absent"]] = float(not asked_years & spoken)
        total = float(weights.sum()) or 1.0
        # the share of the question that asks for a document's source ("which outlet")
        asked_source = (
            float(weights @ np.array([t.key in _source_keys() for t in words], dtype=np.float64))
            / total
        )
        lent_share = float(weights @ lent) / total if words else 0.0  # the same for every row
        # the sentence before: its chunk's id, its place there, the words it holds
        previous: tuple[int, int, np.ndarray] | None = None
        # what is worked out once for a whole passage (the same for each of its sentences), by
        # its chunk id
        passage_memo: dict[int, dict[str, Any]] = {}
        for i, (hit, rank, sentence, sf, facts, cross, row, place) in enumerate(rows):
            f = matrix[i]
            cosine = float(cosines[row])
            f[_INDEX["cosine"]] = cosine
            f[_INDEX["standout"]] = (cosine - mean) / std - chance
            f[_INDEX["passage_score"]] = hit.score
            f[_INDEX["passage_rank"]] = 1.0 / rank
            translated = translated_into(self.languages.get(hit.chunk.document, "ru"))
            own = np.array(
                [
                    _held(t, c, x, sf.held_keys, sf.prefixes, sf.spellings, t.start in name_starts)
                    for t, c, x in zip(words, corrections, translated)
                ]
            )
            memo = passage_memo.setdefault(hit.chunk.id, {})
            near = memo.get("held")
            if near is None:  # the same for every sentence of the passage
                near = memo["held"] = np.array(
                    [
                        _held(
                            t,
                            c,
                            x,
                            facts.held_keys,
                            facts.prefixes,
                            facts.spellings,
                            t.start in name_starts,
                        )
                        for t, c, x in zip(words, corrections, translated)
                    ]
                )
            if cross_scores is not None and cross:
                xs = cross_scores[:, i]
                f[_INDEX["cross_coverage"]] = float(weights @ xs) / total
                own = np.maximum(own, xs)
                near = np.maximum(near, xs)
            f[_INDEX["coverage"]] = float(weights @ own) / total if words else 0.0
            # with the sentence before it in the passage, which a pronoun here may stand for
            if words and previous is not None and previous[:2] == (hit.chunk.id, place - 1):
                f[_INDEX["coverage_window"]] = float(weights @ np.maximum(own, previous[2])) / total
            else:
                f[_INDEX["coverage_window"]] = f[_INDEX["coverage"]]
            previous = (hit.chunk.id, place, own)
            f[_INDEX["coverage_passage"]] = (
                float(weights @ np.maximum(own, _CONTEXT_CREDIT * near)) / total if words else 0.0
            )
            f[_INDEX["missing"]] = float(weights @ (near == 0)) / total if words else 0.0
            if attribute_total:
                # the words that are not names: what the question asks about the thing it names
                f[_INDEX["attribute_coverage"]] = float(attribute @ own) / attribute_total
            f[_INDEX["cross_lingual"]] = float(cross)
            if asked_noun is not None:
                f[_INDEX["asked_noun_missing"]] = 1.0 - float(own[asked_noun])
            title = (hit.chunk.title, self.languages.get(hit.chunk.document, "ru"))
            question_then = by_year[self.years.get(hit.chunk.document)]
            self._asked(f, question_then, sf, facts, names, known, title, place, memo)
            f[_INDEX["new_words"]] = _new_share(sf.keys, question)
            f[_INDEX["question_words"]] = math.log1p(len(words))
            f[_INDEX["small_talk"]] = question.small_talk
            f[_INDEX["compose"]] = float(question.compose)
            f[_INDEX["why"]] = float(question.why)
            f[_INDEX["first_sentence"]] = float(sentence.start == hit.chunk.sentences[0].start)
            f[_INDEX["lent"]] = lent_share
            f[_INDEX["source_asked"]] = asked_source if sf.names_source else 0.0
            f[_INDEX["unknown_words"]] = unknown
            f[_INDEX["own_coverage"]] = (
                float(own_weights @ own) / own_total if own_total else f[_INDEX["coverage"]]
            )
            if not cross:
                at = _anchors(sf.tokens, word_keys, word_prefixes)
                f[_INDEX["pairs"]] = _pairs(at, len(words))
                f[_INDEX["span_near"]] = _span_near(question_then, sf, at)
            else:  # words are placed within one language only: not measured, not "none held"
                f[_INDEX["pairs"]] = f[_INDEX["span_near"]] = NOT_MEASURED
            out.append((hit, sentence, row))
        matrix[:, _INDEX["cosine_gap"]] = (
            matrix[:, _INDEX["cosine"]] - matrix[:, _INDEX["cosine"]].max()
        )
        matrix[:, _INDEX["coverage_gap"]] = (
            matrix[:, _INDEX["coverage"]] - matrix[:, _INDEX["coverage"]].max()
        )
        for name, of in (("cosine_rank", "cosine"), ("coverage_rank", "coverage")):
            matrix[:, _INDEX[name]] = 1.0 / (1.0 + _ranks(matrix[:, _INDEX[of]]))
        return [
            Candidate(hit, sentence, row, matrix[i]) for i, (hit, sentence, row) in enumerate(out)
        ]

    def _asked(
        self,
        f: np.ndarray,
        question: Question,
        sf: SentenceFacts,
        facts: _PassageFacts,
        names: list[Token],
        known: list[Token],
        title: tuple[str, str],
        place: int,
        memo: dict[str, Any],
    ) -> None:
        """The features of what the question asks and presumes (kind, measure, years, names,
        direction); ``title`` is the document's title and language (a name it holds is in every
        sentence's passage), ``place`` the sentence's place in ``facts.sentences``, ``memo``
        what was worked out for the same question and passage before (the same for each of
        its sentences)."""
        kind = question.kind
        if kind != "other":
            f[_INDEX[f"kind_{kind}"]] = 1.0
            has = _has_kind(kind, sf.quantities, sf.entities, sf.years, question, sf.date_words)
            if "kind" not in memo:
                memo["kind"] = any(
                    _has_kind(kind, s.quantities, s.entities, s.years, question, s.date_words)
                    for s in facts.sentences
                )
            in_passage = has or memo["kind"]
            f[_INDEX["has_kind"]] = float(has)
            f[_INDEX["has_kind_passage"]] = float(in_passage)
            f[_INDEX[f"lacks_{kind}"]] = float(not has)
        if question.measure is not None and kind in ("quantity", "other"):
            units = MEASURE_UNITS[question.measure]
            amounts = [q for q in sf.quantities if q.kind in AMOUNT_KINDS]
            if any(q.unit in units for q in amounts):
                f[_INDEX["measure_ok"]] = 1.0
            elif amounts:
                f[_INDEX["measure_conflict"]] = 1.0
        if question.years:
            if sf.years:
                hit = bool(question.years & sf.years)
                f[_INDEX["year_match"]] = float(hit)
                f[_INDEX["year_conflict"]] = float(not hit)
            else:
                if "years" not in memo:
                    memo["years"] = frozenset().union(*(s.years for s in facts.sentences))
                passage_years = memo["years"]
                if passage_years:
                    hit = bool(question.years & passage_years)
                    f[_INDEX["year_match"]] = 0.5 * hit
                    f[_INDEX["year_conflict"]] = 0.5 * (not hit)
        if names:
            # what the document's title names, each of its sentences is about
            if "names" not in memo:  # each name in each sentence of the passage
                held = [[_name_in(t, s) for t in names] for s in facts.sentences]
                memo["names"] = (held, [any(column) for column in zip(*held)])
            by_sentence, in_passage_names = memo["names"]
            named = by_sentence[place]
            titled = [
                a or any(name_in_title(n, *title) for n in _name_forms(t))
                for t, a in zip(names, named)
            ]
            near = [a or b for a, b in zip(titled, in_passage_names)]
            f[_INDEX["name_in_sentence"]] = sum(titled) / len(names)
            f[_INDEX["name_in_passage"]] = sum(near) / len(names)
            f[_INDEX["name_absent"]] = float(not any(near))
            governing = _governing_entity(sf, facts)
            if governing is not None and known and not any(named):
                governed = any(name_in_text(t, governing.text) for t in known)
                f[_INDEX["name_conflict"]] = float(not governed)
        if question.direction and sf.direction and question.direction != sf.direction:
            f[_INDEX["direction_conflict"]] = 1.0


def _facts(
    sentence: Sentence,
    toks: tuple[Token, ...],
    found: list[Entity],
    language: str,
    year: int | None,
    source: str | None = None,
) -> SentenceFacts:
    content = [t for t in toks if t.kind == "word" and not is_stopword(t)]
    keys = frozenset(t.key for t in content) | frozenset(t.key for t in toks if t.kind == "number")
    quantities = _quantities(sentence.text)
    table = language if language in resources.LANGUAGES else "ru"
    # the sentence that names its document's source holds what a question on the source asks
    named = names_source(sentence.text, source)
    return SentenceFacts(
        start=sentence.start,
        text=sentence.text,
        tokens=toks,
        keys=keys,
        held_keys=keys | _other_keys(content) | (_source_keys() if named else frozenset()),
        prefixes=frozenset(prefix_term(t) for t in content) | _heads(keys),
        spellings=frozenset(spelling_key(t.text) for t in content),
        word_keys=frozenset(t.key for t in toks if t.kind == "word"),
        word_spellings=frozenset(spelling_key(t.text) for t in toks if t.kind == "word"),
        words=tuple(dict.fromkeys(t.lower for t in content if len(t.text) >= 3)),
        quantities=quantities,
        entities=tuple(found),
        years=stated_years(toks, quantities, table, year),
        direction=direction_of(toks, table),
        language=language,
        date_words=any(t.key in resources.keys(table, "date_words") for t in toks),
        names_source=named,
    )


def _source_keys() -> frozenset[str]:
    """What a question on a document's source asks, in any language ("outlet", "издание",
    "басылым"): held by the sentence naming that source (read at first use, cached)."""
    return resources.every_language_keys("source_words")


def _other_keys(words: Sequence[Token]) -> frozenset[str]:
    """The other dictionary forms the words may stand for (``lang.tokens.other_keys``)."""
    return frozenset(k for t in words for k in other_keys(t))


@lru_cache(maxsize=50_000)
def _quantities(text: str) -> tuple[Quantity, ...]:
    return tuple(parse_quantities(text))


def stated_years(
    toks: Sequence[Token], quantities: Sequence[Quantity], language: str, year: int | None
) -> frozenset[int]:
    """The years a text speaks of: years and ranges it writes, and "this year", "last year"
    (``relative_years`` table) as the year of its document's date."""
    found: set[int] = set()
    for q in quantities:
        if q.kind in ("year", "year_range"):
            last = int(q.end_value if q.end_value is not None else q.value)
            found.update(range(int(q.value), min(last, int(q.value) + 50) + 1))
    if year is not None:
        found.update(year + shift for shift in relative_years(tuple(toks), language))
    return frozenset(found)


def _heads(keys: Iterable[str]) -> frozenset[str]:
    """The heads a compound of ``keys`` may end in ("станция", "электростанция" of
    "ветроэлектростанция"): its endings of ``_HEAD`` letters or more after ``_HEAD_AFTER`` or
    more. A translation of a question word that is such a head is held as a prefix is, since
    one language writes in one word what another writes in several ("жел электр станциясы")."""
    return frozenset(
        key[i:]
        for key in keys
        if len(key) >= _HEAD + _HEAD_AFTER
        for i in range(_HEAD_AFTER, len(key) - _HEAD + 1)
    )


def _held(
    token: Token,
    corrected: frozenset[str],
    translated: frozenset[str],
    keys: frozenset[str],
    prefixes: frozenset[str],
    spellings: frozenset[str],
    name: bool = False,
) -> float:
    """How far a set of words holds a question word: 1 for its key or a translation of it
    (``lang.lexicon``; ``translated`` holds their keys and prefix terms), less for its prefix or
    a translation's, its spelling in another script (a name also one letter off) or its
    correction."""
    if token.key in keys or not translated.isdisjoint(keys):
        return 1.0
    if not translated.isdisjoint(prefixes):
        return _PREFIX_CREDIT
    if not corrected.isdisjoint(keys):
        return _SPELLING_CREDIT
    if len(token.text) >= 4 and prefix_term(token) in prefixes:
        return _PREFIX_CREDIT
    if len(token.text) >= 4:
        if spelling_key(token.text) in spellings or (
            name
            and any(_near_spelling(k, spellings) for k in name_spellings(token.text, token.key))
        ):
            return _SPELLING_CREDIT
    return 0.0


@lru_cache(maxsize=65_536)  # a name against each sentence of a passage, for each of them
def _near_spelling(mine: str, spellings: frozenset[str]) -> bool:
    """Whether a spelling key is among ``spellings``, or (five letters or more) one edit from
    one of them (``lang.names.same_name``)."""
    if not mine:
        return False
    if mine in spellings:
        return True
    return len(mine) >= 5 and any(
        s[:1] == mine[:1] and abs(len(s) - len(mine)) <= 1 and edit_distance(mine, s, 1) <= 1
        for s in spellings
        if len(s) >= 5
    )


def _anchors(
    toks: Sequence[Token], word_keys: Sequence[frozenset[str]], prefixes: Sequence[str]
) -> list[tuple[int, int]]:
    """(place among the sentence's words, index of the question word) of every word of a
    sentence that holds a question word by key, another dictionary form or loose form."""
    out = []
    place = 0
    for t in toks:
        if t.kind != "word":
            continue
        loose = prefix_term(t)
        for i, (keys, prefix) in enumerate(zip(word_keys, prefixes)):
            if t.key in keys or loose == prefix:
                out.append((place, i))
        place += 1
    return out


def _pairs(anchors: Sequence[tuple[int, int]], n: int) -> float:
    """The share of the question's neighbouring word pairs that the sentence holds within
    ``_PAIR_SPAN`` words of each other: phrases, not words alone ("первые дымковские игрушки")."""
    if n < 2:
        return 0.0
    where: dict[int, list[int]] = {}
    for place, i in anchors:
        where.setdefault(i, []).append(place)
    held = sum(
        any(abs(a - b) <= _PAIR_SPAN for a in where.get(i, ()) for b in where.get(i + 1, ()))
        for i in range(n - 1)
    )
    return held / (n - 1)


def _span_near(question: Question, sf: SentenceFacts, anchors: Sequence[tuple[int, int]]) -> float:
    """For a question of amount, date, place or agent, how near the sentence's nearest answer of
    that kind is to a word it shares with the question: 1 / (1 + words between); 0 without
    either. The answer is usually told beside what the question asks about."""
    kind = question.kind
    if kind == "other" or not anchors:
        return 0.0
    spans: list[tuple[int, int]] = []
    if kind == "quantity":
        asked = {q.value for q in question.quantities}
        spans = [
            (sf.start + q.start, sf.start + q.end)
            for q in sf.quantities
            if q.kind in AMOUNT_KINDS and q.value not in asked
        ]
    elif kind == "date":
        spans = [
            (sf.start + q.start, sf.start + q.end)
            for q in sf.quantities
            if (q.kind in _DATE_KINDS or (q.kind == "number" and 1000 <= q.value <= 2100))
            and q.value not in question.years
        ]
    else:
        wanted = ("LOC",) if kind == "place" else ("ORG", "PER", "NAME")
        spans = [
            (e.start, e.end)
            for e in sf.entities
            if e.kind in wanted and not any(name_in_text(t, e.text) for t in question.names)
        ]
    if not spans:
        return 0.0
    starts = [t.start for t in sf.tokens if t.kind == "word"]  # of the sentence's words
    held = {p for p, _ in anchors}
    best = None
    for start, end in spans:
        # the words before the span and before its end: its place among the sentence's words
        before = sum(1 for s in starts if s < start)
        after = sum(1 for s in starts if s < end)
        for p in held:
            # words between (never negative: p < before, or p >= after, or p inside the span)
            d = before - p - 1 if p < before else p - after if p >= after else 0
            best = d if best is None else min(best, d)
    return 1.0 / (1.0 + best) if best is not None else 0.0


def _ranks(values: np.ndarray) -> np.ndarray:
    """0 for the highest value, 1 for the next, ties sharing the better rank."""
    order = np.sort(np.unique(values))[::-1]
    return np.searchsorted(-order, -values).astype(np.float64)


def _has_kind(
    kind: str,
    quantities: Sequence[Quantity],
    found: Sequence[Entity],
    years: frozenset[int],
    question: Question,
    date_words: bool = False,
) -> bool:
    """Whether a sentence holds an answer of the kind asked for, other than what the question
    already says."""
    if kind == "quantity":
        asked = {q.value for q in question.quantities}
        return any(q.kind in AMOUNT_KINDS and q.value not in asked for q in quantities)
    if kind == "date":
        return (
            bool(years - question.years - question.bounded_years)
            or any(q.kind == "date" for q in quantities)
            or any(
                q.kind == "number"
                and q.unit is None
                and 1000 <= q.value <= 2100
                and q.value not in question.years
                for q in quantities
            )
            or bool(date_words)
        )
    wanted = ("LOC",) if kind == "place" else ("ORG", "PER", "NAME")
    return any(
        e.kind in wanted and not any(name_in_text(t, e.text) for t in question.names) for e in found
    )


def _name_in(token: Token, sf: SentenceFacts) -> bool:
    """Whether a sentence has the name ``token``: by key, spelling, or a word made of it
    ("Саранском" for "Saran": ``lang.names.derived_name``)."""
    if token.key in sf.word_keys:
        return True
    for mine in name_spellings(token.text, token.key):
        stem = mine[:-1]  # what a word made of the name starts with (``derived_name``)
        if _near_spelling(mine, sf.word_spellings) or any(
            s.startswith(stem) and derived_name(s, mine) for s in sf.word_spellings
        ):
            return True
    return False


# Letters of a name's spelling (``spelling_key``) that a word of the document's title must share:
# a title names its setting in derived forms ("Karaganda", "Қарағанды", "Карагандинской").
_TITLE_PREFIX = 7


@lru_cache(maxsize=4096)
def name_in_title(name: str, title: str, language: str) -> bool:
    """Whether the document's title names ``name``: what its title names, every sentence of a
    document is about (a report on a region does not repeat the region in each sentence).
    Cached: the same for every sentence of a document."""
    mine = spelling_key(name)
    spellings = frozenset(
        spelling_key(t.text) for t in split_tokens(title, language) if t.kind == "word"
    )
    if _near_spelling(mine, spellings):
        return True
    return len(mine) >= _TITLE_PREFIX and any(
        s[:_TITLE_PREFIX] == mine[:_TITLE_PREFIX] for s in spellings
    )


def name_in_text(token: Token, text: str) -> bool:
    """Whether a word of ``text`` is the name ``token`` (``same_name_token``)."""
    return any(same_name_token(w, token) for w in text.replace("-", " ").split())


def _name_forms(token: Token) -> tuple[str, ...]:
    """A name as written, and its key when it is read as that too (``lang.names.name_spellings``)."""
    keyed = len(name_spellings(token.text, token.key)) > 1
    return (token.text, token.key) if keyed else (token.text,)


def same_name_token(word: str, token: Token) -> bool:
    """Whether ``word`` is the name ``token`` across scripts, as written or as its key
    (``lang.names.name_spellings``: "Теміртауда" is "Темиртау")."""
    return any(same_name(word, form) for form in _name_forms(token))


def _governing_entity(sf: SentenceFacts, facts: _PassageFacts) -> Entity | None:
    """The named thing a sentence speaks of: its own first organisation, place or name, else
    the last one named before it in its passage."""
    kinds = ("ORG", "LOC", "NAME")
    own = [e for e in sf.entities if e.kind in kinds]
    if own:
        return own[0]
    start = sf.tokens[0].start if sf.tokens else 0
    before = [e for e in facts.entities if e.kind in kinds and e.end <= start]
    return before[-1] if before else None


def _asked_noun(question: Question, words: list[Token]) -> int | None:
    """For a question of amount, the index (among ``words``) of the first word after the words
    that ask it: what it counts ("Сколько студентов", "how many buses", "Сарыарқада қанша жұмыс
    орны"), or None when no word follows them."""
    if question.kind != "quantity" or not words or question.kind_end < 0:
        return None
    after = question.tokens[question.kind_end].start
    return next((i for i, t in enumerate(words) if t.start > after), None)


def _new_share(keys: frozenset[str], question: Question) -> float:
    """The share of a sentence's content words the question does not have."""
    if not keys:
        return 0.0
    asked = {t.key for t in question.tokens}
    return len(keys - asked) / len(keys)
