"""The extractive answerer: the sentence of the retrieved passages that answers the question,
quoted verbatim with its citation and, for a question of amount, date, place or name, the exact
span first ("372 тысячи шин — «…» [1]"); or a refusal with the closest passages as "see also".

Whether a question is answered, and by which sentence, is decided by two fitted models
(``evidence/model.py``) over the features of every candidate sentence (``evidence/features.py``):
the evidence model answers when its highest probability reaches ``min_confidence`` (the model's
own threshold unless the settings say otherwise), and the ranker chooses the sentence quoted
first, the one the short answer comes from. A second sentence of the same passage is quoted too
when it is almost as probable: two-part answers often span two sentences. An answerer given its
own evidence model and no ranker quotes that model's most probable sentence.

Left out: answers assembled from several passages; paraphrase.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..evidence.features import Candidate, EvidenceBuilder, own_words
from ..evidence.model import EvidenceModel, PinnedModel, load_model, load_ranker
from ..evidence.question import Question, read_question
from ..index.corpus import document_sources
from ..lang.detect import detect_language
from ..messages import message
from ..models import Answer, Citation, Document, Hit, SeeAlso
from .short import short_answer, source_answer

__all__ = ["ExtractiveAnswerer", "cite", "SECOND_SENTENCE_MARGIN"]

# A second sentence of the chosen passage is quoted when its probability is within this margin
# of the best one's (and above the threshold). Chosen on XQuAD-ru, a fitting set
# (benchmarks/bench_answers.py): 0.1 gives answers holding the gold span for 0.760 of the
# questions with 1.09 sentences quoted per answer, 0.2 gives 0.770 with 1.16.
SECOND_SENTENCE_MARGIN = 0.2


class ExtractiveAnswerer:
    """Answers from the sentences of the retrieved hits, with citations, or refuses."""

    def __init__(
        self,
        searcher: Any,
        documents: Sequence[Document],
        min_confidence: float | None = None,
        model: EvidenceModel | None = None,
        ranker: EvidenceModel | None = None,
    ) -> None:
        self.searcher = searcher
        self.languages = {d.id: d.language or detect_language(d.text[:2000]) for d in documents}
        self.texts = {d.id: d.text for d in documents}
        years = {d.id: _year(d.date) for d in documents}
        self.builder = EvidenceBuilder(
            searcher,
            self.languages,
            {k: v for k, v in years.items() if v},
            document_sources(documents),
        )
        self.model = model or load_model()
        # the shipped ranker goes with the shipped evidence model; another model ranks alone
        self.ranker = ranker if ranker is not None or model is not None else load_ranker()
        self.min_confidence = self.model.threshold if min_confidence is None else min_confidence

    def read(self, question: str) -> Question:
        return read_question(question)

    def evidence(
        self,
        question: str | Question,
        hits: Sequence[Hit],
        exclude_rows: Sequence[int] = (),
        model: EvidenceModel | PinnedModel | None = None,
    ) -> list[Candidate]:
        """Every sentence of ``hits``, scored by ``model`` (the answerer's own by default),
        most probable first."""
        read = question if isinstance(question, Question) else self.read(question)
        candidates = self.builder.candidates(read, hits, exclude_rows)
        if not candidates:
            return []
        matrix = np.stack([c.features for c in candidates])
        probabilities = (model or self.model).probabilities(matrix)
        scored = [
            Candidate(c.hit, c.sentence, c.row, c.features, float(p))
            for c, p in zip(candidates, probabilities)
        ]
        scored.sort(key=lambda c: c.probability, reverse=True)
        return scored

    def order(self, ranked: list[Candidate]) -> list[Candidate]:
        """``ranked`` (as ``evidence`` gives them) in the order they are quoted: the ranker's
        when there is one, the evidence model's order breaking its ties."""
        if self.ranker is None or len(ranked) < 2:
            return ranked
        scores = self.ranker.probabilities(np.stack([c.features for c in ranked]))
        return [ranked[i] for i in np.argsort(-scores, kind="stable")]

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        """The answer to ``question`` from ``hits`` (already retrieved for it)."""
        read = self.read(question)
        ranked = self.evidence(read, hits)
        if not ranked or ranked[0].probability < self.min_confidence:
            return self.refusal(
                question, read.language, hits, ranked[0].probability if ranked else 0.0
            )
        top = ranked[0].probability
        ranked = self.order(ranked)
        best = ranked[0]
        chosen = [best]
        for other in ranked[1:3]:
            if (
                other.hit.chunk.id == best.hit.chunk.id
                and other.probability >= self.min_confidence
                and top - other.probability < SECOND_SENTENCE_MARGIN
            ):
                chosen.append(other)
        chosen.sort(key=lambda c: (c.hit.chunk.document, c.sentence.start))
        citations = tuple(cite(c, i, c.probability) for i, c in enumerate(chosen, start=1))
        facts = self.builder.sentence_facts(best.hit.chunk.id, best.sentence.start)
        translated: frozenset[int] = frozenset()
        own_translated: frozenset[int] | None = None  # the same unless a thread lent words
        if best.feature("cross_lingual"):
            translated = self.builder.translated_words(read, best.hit.chunk.id, facts)
            own = own_words(read)
            if len(own) < len(read.words):
                own_translated = self.builder.translated_words(
                    dataclasses.replace(read, words=own), best.hit.chunk.id, facts
                )
        rarity = {t.key: self.builder.weight(t) for t in read.words}
        n = chosen.index(best) + 1  # the marker of the best sentence's quote
        short = None
        if best.feature("source_asked") > 0 and read.kind not in ("quantity", "date"):
            source = self.builder.sources.get(best.hit.chunk.document)
            short = source_answer(facts, source, best.hit.chunk.document, n)
        if short is None:
            short = short_answer(
                read, facts, best.hit.chunk.document, n, translated, rarity, own_translated
            )
        quotes = " ".join(f"«{c.quote}» [{c.n}]" for c in citations)
        if short is not None:
            text = f"{short.text} — {quotes}"
        else:
            text = message("answer_intro", read.language) + " " + quotes
        return Answer(
            question=question,
            answer=text,
            refused=False,
            language=read.language,
            citations=citations,
            retrieved=tuple(hits),
            short_answer=short,
            confidence=round(top, 4),
        )

    def refusal(
        self, question: str, language: str, hits: Sequence[Hit], confidence: float = 0.0
    ) -> Answer:
        """A plain "the report does not say", with the closest passages as "see also"."""
        see_also = tuple(
            SeeAlso(h.chunk.document, h.chunk.title, h.chunk.paragraph, h.chunk.text, h.score)
            for h in hits[:3]
        )
        return Answer(
            question=question,
            answer=message("refusal", language),
            refused=True,
            language=language,
            retrieved=tuple(hits),
            see_also=see_also,
            confidence=round(confidence, 4),
        )


def cite(candidate: Candidate, n: int, score: float) -> Citation:
    """Citation ``[n]`` of a candidate's sentence, verbatim with its place in the document."""
    chunk = candidate.hit.chunk
    return Citation(
        n=n,
        document=chunk.document,
        title=chunk.title,
        paragraph=chunk.paragraph,
        quote=candidate.sentence.text,
        start=candidate.sentence.start,
        end=candidate.sentence.end,
        score=round(score, 4),
    )


def _year(date: str | None) -> int | None:
    digits = "".join(ch if ch.isdigit() else " " for ch in date or "").split()
    years = [int(d) for d in digits if len(d) == 4 and 1800 <= int(d) <= 2100]
    return years[0] if years else None
