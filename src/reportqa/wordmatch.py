"""How alike a word of a claim is to a word of the report.

Within a language, by stems (``same_word``): the same Snowball stem or five-letter prefix
(``text.word_terms``), or one stem of at least four letters starting the other. Across languages,
``WordMatcher`` asks the embedding model, the way the answerer measures cross-lingual coverage:
how far the report word stands out, among the whole corpus vocabulary embedded at index time, as
close to the claim word.

Also the word classes the fact-checker weighs differently: Russian verb forms (``is_verb_form``,
often a synonym of the report's verb) and names in quotes after the noun they name
(``names_conflict``: "зоны "Сарыарка"" is not "зоне «Сарань»").

Left out: synonyms within a language ("завод" and "предприятие" are different words here);
the embedding model's word similarities inside one language do not separate them from unrelated
words of the same register.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from threading import Lock
from typing import Any

import numpy as np

from .questions import name_key
from .text import STOPWORDS, word_terms

__all__ = ["WordMatcher", "same_word", "content_words", "is_verb_form", "names_conflict"]

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.IGNORECASE)


def content_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` ("ё" as "е") that carry meaning (no stop words or
    single letters)."""
    words = (m.group().lower().replace("ё", "е") for m in _WORD.finditer(text))
    return [w for w in words if len(w) > 1 and w not in STOPWORDS]


class WordMatcher:
    """How alike a word of a claim is to a word of the report, from 0 to 1.

    In one language: 1 for the same stem or five-letter prefix (``same_word``), else 0. Across
    languages, failing that: how far the report word stands out among the whole corpus
    vocabulary (embedded at index time, ``IndexData.word_vectors``) as close to the claim word,
    as a z-score mapped from 1 (ordinary) to 4 (clearly the same word) onto [0, 1]; the
    answerer measures cross-lingual coverage the same way. "colleges" finds "колледжа" at z 5,
    "вузов" at 2.9, "автобусов" for "cars" at 2. Without a vocabulary, only stems count.
    Claim words are embedded once and kept. Safe to share between threads."""

    _LOW, _HIGH = 1.0, 4.0

    def __init__(
        self,
        embedder: Any,
        words: Sequence[str] = (),
        word_vectors: np.ndarray | None = None,
        max_cached: int = 20_000,
    ) -> None:
        self.embedder = embedder
        self.max_cached = max_cached
        self._rows = {w: i for i, w in enumerate(words)}
        self._vocabulary = word_vectors if word_vectors is not None and len(words) else None
        self._claim: dict[str, tuple[np.ndarray, float, float]] = {}  # vector, mean, std
        self._report: dict[str, np.ndarray] = {}  # report words missing from the vocabulary
        self._lock = Lock()

    def prepare(self, claim_words: Iterable[str], report_words: Iterable[str] = ()) -> None:
        """Embed, in one batch each, the words not seen before."""
        if self._vocabulary is None:
            return
        with self._lock:
            new_claim = [w for w in dict.fromkeys(claim_words) if w not in self._claim]
            new_report = [
                w
                for w in dict.fromkeys(report_words)
                if w not in self._rows and w not in self._report
            ]
        claim_vectors = self.embedder.embed_queries(new_claim) if new_claim else []
        report_vectors = self.embedder.embed_passages(new_report) if new_report else []
        with self._lock:
            if len(self._claim) + len(self._report) > self.max_cached:
                self._claim.clear()
                self._report.clear()
            for word, vector in zip(new_claim, claim_vectors):
                sims = self._vocabulary @ vector
                self._claim[word] = (vector, float(sims.mean()), float(sims.std()) + 1e-6)
            self._report.update(zip(new_report, report_vectors))

    def similarity(self, claim_word: str, report_word: str, cross_lingual: bool) -> float:
        if same_word(claim_word, report_word):
            return 1.0
        if not cross_lingual or self._vocabulary is None:
            return 0.0
        if not (_CYRILLIC.search(claim_word) or _CYRILLIC.search(report_word)):
            return 0.0  # two Latin-script words (names in a Russian report): by stems only
        self.prepare((claim_word,), (report_word,))
        vector, mean, std = self._claim[claim_word]
        row = self._rows.get(report_word)
        other = self._vocabulary[row] if row is not None else self._report[report_word]
        z = (float(vector @ other) - mean) / std
        return min(1.0, max(0.0, (z - self._LOW) / (self._HIGH - self._LOW)))

    def coverage(
        self,
        words: Sequence[str],
        sentence: str,
        context: str,
        cross_lingual: bool,
        rarity: Callable[[str], float],
        context_credit: float = 0.5,
        embed_context: bool = False,
        period: tuple[float, float] = (0.0, 0.0),
    ) -> tuple[float, float, tuple[str, ...]]:
        """How far ``sentence`` holds the claim's ``words``, each weighted by ``rarity``: the
        share found in the sentence; the share with a word found only in ``context`` (the
        sentence's paragraph, the document's lead) counted ``context_credit``; and the words
        found in neither. Across languages the context is searched by stems only (names,
        acronyms) unless ``embed_context``. ``period`` is one more term: its weight, and how far
        it was found (1 in the sentence, less in the context)."""
        weight, stated = period
        in_sentence = content_words(sentence)
        in_context = [w for w in dict.fromkeys(content_words(context)) if w not in set(in_sentence)]
        if cross_lingual:
            self.prepare(words, in_sentence + (in_context if embed_context else []))
        total, own, found = weight, weight * (stated == 1.0), weight * stated
        missing = []
        for word in words:
            best = max((self.similarity(word, w, cross_lingual) for w in in_sentence), default=0.0)
            if cross_lingual and not embed_context:
                near = max((1.0 for w in in_context if same_word(word, w)), default=0.0)
            else:
                near = max(
                    (self.similarity(word, w, cross_lingual) for w in in_context), default=0.0
                )
            w = rarity(word)
            total += w
            own += w * best
            found += w * max(best, context_credit * near)
            if max(best, near) == 0.0:
                missing.append(word)
        if not total:
            return 0.0, 0.0, tuple(missing)
        return own / total, found / total, tuple(missing)


def same_word(a: str, b: str) -> bool:
    """The same stem or five-letter prefix (``text.word_terms``), or one stem of at least four
    letters starting the other ("влож" of "вложено" and "вложат", which Snowball cuts apart)."""
    if a == b:
        return True
    ta, tb = word_terms(a), word_terms(b)
    if not (ta and tb):
        return False
    (sa, pa), (sb, pb) = ta[0], tb[0]
    short, long = sorted((sa, sb), key=len)
    return sa == sb or pa == pb or (len(short) >= 4 and long.startswith(short))


# Russian verb and participle endings: a claim's predicate is often a synonym of the report's
# ("выпустил" for "произведено"), unlike its nouns and adjectives.
_VERB_ENDING = re.compile(
    r"(?:л|ла|ло|ли|ет|ют|ят|ит|ут|ется|ится|ются|ятся|утся|ено|ена|ены|ано|ана|аны|ть|ться|сь)$"
)


def is_verb_form(word: str) -> bool:
    """Whether a Russian ``word`` ends like a verb or a short participle ("выросло", "выпущено")."""
    return bool(_VERB_ENDING.search(word))


# A name in quotes after the noun it names: зона "Сарань", СЭЗ «Сарыарка», технохаб "Картех".
_NAMED = re.compile(r"([^\W\d_]+)[^\S\n]+[«\"“]([^»\"”]{1,60})[»\"”]")


def names_conflict(claim: str, sentence: str) -> bool:
    """Whether ``sentence`` names, after the same noun as ``claim``, only something else: "зоны
    "Сарыарка"" is not "зоне «Сарань»", so the figures of the one say nothing of the other."""

    def named(text: str) -> set[tuple[str, str]]:
        found = set()
        for head, name in _NAMED.findall(text):
            terms = word_terms(head)
            found.add((terms[0][0] if terms else head.lower(), name_key(name)))
        return found

    stated = named(sentence)
    for head, name in named(claim):
        others = {n for h, n in stated if h == head}
        if others and name not in others:
            return True
    return False
