"""The wiring: corpus -> index -> retriever -> answerer, behind ``ReportQA``.

``ReportQA.open`` loads the index, building or rebuilding it when it is missing, stale (corpus,
chunk settings or the word analysis changed) or damaged, and says so through ``progress``.
``ask`` runs the steps of one chain: ``prepare`` (validate the question, retrieve) then the
answerer. ``stream`` runs the same ``prepare`` and streams the same answering step. The CLI, the
HTTP API, the widget and the chat page all call one of the two and render the ``Answer`` it
returns.

``chain`` (and ``prepare``, ``retriever``) are the LangChain faces of those very steps, for
composing them with other runnables (and for LangChain's callbacks and tracing). They are built
on first use, as is the fact-checker: importing LangChain takes about a second, which a
one-question process (``reportqa ask``) would otherwise pay for nothing.

Both take the conversation's earlier turns (``history``): ``prepare`` reads a follow-up against
them (``dialogue``: offline, or rewritten by the chat model when one is configured and checked)
and answers the standalone question instead, retrieving the paragraphs the last answer cited
first; the ``Answer`` says which question it answered in ``interpreted_as``.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .answer.extractive import ExtractiveAnswerer
from .config import Settings
from .dialogue import read_history, resolve, setting_of
from .errors import IndexCorruptError, IndexMismatchError, InputError
from .index.analysis import analysis_version
from .index.chunking import chunk_documents
from .index.corpus import Skipped, corpus_hash, document_sources, paragraph_places, read_corpus
from .index.embeddings import load_embedder
from .index.store import IndexData, build_index, load_index
from .inputs import clean_claim, clean_question
from .lang.detect import detect_language
from .messages import notice_text
from .models import Answer, Citation, Document, Hit, Verdict
from .retrieval.hybrid import HybridSearcher

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from .check.factcheck import FactChecker
    from .retrieval.retriever import HybridRetriever

__all__ = ["ReportQA"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Asked:
    """A question and the conversation's earlier turns, as ``ask`` and ``stream`` hand them to
    the chain (a bare question also goes in as it is)."""

    question: Any
    history: Any = None
    documents: Any = None


_log = logging.getLogger(__name__)


class ReportQA:
    """Questions over a corpus, answered with citations. Safe to share between threads."""

    def __init__(
        self,
        settings: Settings,
        documents: tuple[Document, ...],
        data: IndexData,
        embedder: Any,
        notices: tuple[str, ...] = (),
        skipped: tuple[Skipped, ...] = (),
    ) -> None:
        self.settings = settings
        self.skipped = skipped  # the corpus folder's files left out, and why (also in notices)
        self.documents = documents
        self.data = data
        self.embedder = embedder
        self.notices = notices  # what open() had to do: build, rebuild, and why
        self.corpus_hash = str(data.manifest["corpus_hash"])
        self.places = paragraph_places(documents)  # the page and section of cited paragraphs
        languages = document_languages(documents)
        # the words of the reports' titles: what every question of them is set in
        self.setting = setting_of(documents, languages)
        self.searcher = HybridSearcher(
            data, embedder, languages=languages, sources=document_sources(documents)
        )
        # The extractive answerer decides refusal whichever answers; fact-checks use it too.
        self.extractive = extractive = ExtractiveAnswerer(
            self.searcher, documents, settings.min_confidence
        )
        if getattr(embedder, "batch_invariant", False):
            # the words the evidence layer will embed go into the question's model call
            self.searcher.companion = extractive.builder
        self.answerer: Any = extractive
        self.rewriter: Any = None  # a follow-up's standalone question, by the chat model
        if settings.llm:
            from .answer.generative import GenerativeAnswerer, chat_model_from_spec
            from .dialogue.rewrite import Rewriter

            chat_model = chat_model_from_spec(settings.llm, settings.llm_timeout)
            self.answerer = GenerativeAnswerer(chat_model, extractive, timeout=settings.llm_timeout)
            self.rewriter = Rewriter(chat_model, timeout=settings.llm_timeout)
        self.words_ahead: threading.Thread | None = None  # ``embed_corpus_words_later``'s
        self._lazy: dict[str, Any] = {}  # what ``ask`` does not need, built on first use
        self._lazy_lock = threading.RLock()  # a build may ask for another

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        progress: Progress | None = None,
        rebuild: bool = False,
        switch_embedding: bool = False,
        embedding_progress: Callable[[int, int], None] | None = None,
        **overrides: Any,
    ) -> ReportQA:
        """Load the corpus and its index, building the index when needed;
        ``embedding_progress(done, total)`` follows the texts a build embeds. A file of the corpus
        that cannot be read is left out and named, with why, in ``skipped`` and ``notices`` and
        through ``progress`` (as "warning: ...").

        Raises ``CorpusError`` for an unusable corpus (no readable document),
        ``IndexMismatchError`` when the index was built with another embedding model (rebuild it
        with ``rebuild=True`` or ``reportqa index``; ``switch_embedding=True`` rebuilds it then,
        as ``reportqa index`` does), ``EmbeddingError`` when the model cannot be loaded."""
        settings = (settings or Settings.from_env()).replace(**overrides)
        say = progress or (lambda _msg: None)
        corpus = read_corpus(settings.corpus, settings.max_file_mb)
        documents = corpus.documents
        notices = list(skipped_notices(corpus.skipped))
        for notice in notices:
            say(f"warning: {notice}")
        build_info = {
            "corpus_hash": corpus_hash(documents),
            "chunk_chars": settings.chunk_chars,
            "chunk_overlap": settings.chunk_overlap,
            "documents": [{"id": d.id, "sha256": d.sha256, "title": d.title} for d in documents],
            "analysis": analysis_version(),
            # Recorded only when off, so that indexes built before the setting stay current.
            **({} if settings.sentence_vectors else {"sentence_vectors": False}),
        }
        data = None
        reason = "no index yet"
        if not rebuild:
            try:
                data = load_index(settings.index, expect_embedding=settings.embedding)
            except IndexMismatchError:
                if not switch_embedding:
                    raise
                reason = f"the embedding model changed to {settings.embedding}"
            except IndexCorruptError as exc:
                if (Path(settings.index) / "CURRENT").exists():
                    reason = f"the index was unusable ({exc})"
            else:
                stale = [
                    key
                    for key in (
                        "corpus_hash",
                        "chunk_chars",
                        "chunk_overlap",
                        "sentence_vectors",
                        "analysis",
                    )
                    if data.manifest.get(key, True) != build_info.get(key, True)
                ]
                if stale:
                    reason = (
                        "the corpus changed"
                        if "corpus_hash" in stale
                        else "the word analysis changed (language tables or analysers)"
                        if stale == ["analysis"]
                        else "chunk settings changed"
                    )
                    data = None
        else:
            reason = "a rebuild was asked for"
        embedder = load_embedder(settings.embedding)
        if data is None:
            notice = f"building the index in {settings.index}: {reason}"
            notices.append(notice)
            say(notice)
            chunks = chunk_documents(documents, settings.chunk_chars, settings.chunk_overlap)
            say(f"indexing {_count(len(documents), 'document')}, {_count(len(chunks), 'passage')}")
            data = build_index(
                settings.index,
                chunks,
                embedder,
                build_info,
                progress=say,
                languages=document_languages(documents),
                embedded=embedding_progress,
            )
        return cls(settings, documents, data, embedder, tuple(notices), corpus.skipped)

    def ask(self, question: Any, history: Any = None, documents: Any = None) -> Answer:
        """The answer to ``question``: ``chain`` (validate, retrieve, answer). ``history``: the
        conversation's earlier turns, oldest first, each ``{"role": "user" | "assistant",
        "content": str}`` (an answer's turn may carry its ``citations``); a follow-up is read
        against them. ``documents``: the ids of the documents to answer from (paths relative to
        the corpus folder, as citations name them); all when None. Raises ``InputError`` for an
        empty or too long question, a history that is not a list of such turns, or a document
        the corpus does not have."""
        return self._answer(self._prepare(_Asked(question, history, documents)))

    def stream(
        self, question: Any, history: Any = None, documents: Any = None
    ) -> Iterator[str | Answer]:
        """``ask`` for the chat page, on the same chain: its first steps (``prepare``: validate,
        retrieve) run here, then its answering step streams: the text as an LLM writes it, in
        deltas, then the ``Answer``, whose text replaces the deltas. Without an LLM, the
        ``Answer`` alone, the very one ``ask`` gives. Raises ``InputError`` for an empty or too
        long question (or a bad ``history``, as for ``ask``) before anything is yielded."""
        state = self._prepare(_Asked(question, history, documents))
        return self._stream(state)

    def _stream(self, state: dict[str, Any]) -> Iterator[str | Answer]:
        stream = getattr(self.answerer, "stream", None)
        if stream is None:
            yield self._answer(state)
            return
        for item in stream(state["question"], state["hits"]):
            if isinstance(item, Answer):
                yield _timed(_as_asked(_placed(item, self.places), state), state)
            else:
                yield item

    def check(self, claim: Any) -> Verdict:
        """The report's verdict on ``claim`` (``factcheck.py``): supported, contradicted or
        not_found, with the evidence quoted and the figures compared. Raises ``InputError`` for an
        empty or too long claim, one with nothing to check, or a question."""
        started = time.perf_counter()
        clean = clean_claim(claim, self.settings.max_question_chars)
        from .check.factcheck import RETRIEVE_K

        hits = self.retrieve(clean, max(self.settings.k, RETRIEVE_K))
        retrieved_at = time.perf_counter()
        verdict = _placed(self.checker.check(clean, hits), self.places)
        verdict.timings.update(
            retrieve_ms=round((retrieved_at - started) * 1000, 2),
            check_ms=round((time.perf_counter() - retrieved_at) * 1000, 2),
        )
        return verdict

    def retrieve(
        self, question: str, k: int | None = None, documents: frozenset[str] | None = None
    ) -> list[Hit]:
        """The ranked passages for a (clean) question, of ``documents`` only when given."""
        return self.searcher.search(question, k or self.settings.k, documents)

    def scope(self, documents: Any) -> frozenset[str] | None:
        """``documents`` (ids) checked against the corpus: None for all. Raises ``InputError``
        for anything but a list of ids the corpus has."""
        if documents is None:
            return None
        if isinstance(documents, str) or not isinstance(documents, list | tuple | set | frozenset):
            raise InputError("documents must be a list of document ids")
        known = {d.id for d in self.documents}
        unknown = sorted(str(d) for d in documents if d not in known)
        if unknown or not documents:
            raise InputError(
                f"no such document: {', '.join(unknown) or '(an empty list)'}; the corpus has "
                + ", ".join(sorted(known))
            )
        return frozenset(documents)

    def _retrieve_preferring(
        self,
        question: str,
        cited: tuple[tuple[str, int], ...],
        documents: frozenset[str] | None = None,
    ) -> list[Hit]:
        """The ranked passages, those of the ``cited`` paragraphs (of the last answer, for a
        follow-up) first when they are among twice as many, scored as the best of them: the
        thread has found them already, and a follow-up's own words ("How many of them are
        large?") say little of where its answer is."""
        k = self.settings.k
        if not cited:
            return self.retrieve(question, k, documents)
        hits = self.retrieve(question, 2 * k, documents)
        first = [h for h in hits if (h.chunk.document, h.chunk.paragraph) in cited]
        top = max((h.score for h in hits), default=0.0)
        raised = [dataclasses.replace(h, score=max(h.score, top)) for h in first]
        return (raised + [h for h in hits if h not in first])[:k]

    def document(self, doc_id: str) -> Document | None:
        """The corpus document with this id (its path relative to the corpus folder)."""
        return next((d for d in self.documents if d.id == doc_id), None)

    def _answer(self, state: dict[str, Any]) -> Answer:
        answer = self.answerer.answer(state["question"], state["hits"])
        return _timed(_as_asked(_placed(answer, self.places), state), state)

    def _prepare(self, asked: Any) -> dict[str, Any]:
        """The first steps of the chain: validate, then retrieve."""
        return self._retrieve(self._validate(asked))

    def _validate(self, asked: Any) -> dict[str, Any]:
        started = time.perf_counter()
        if not isinstance(asked, _Asked):
            asked = _Asked(asked)
        s = self.settings
        clean = clean_question(asked.question, s.max_question_chars)
        documents = self.scope(asked.documents)
        history = read_history(asked.history, s.max_history_turns, s.max_history_chars)
        notices = []
        if history.dropped:
            notices.append(
                f"the {history.dropped} oldest turn(s) of the conversation were left out "
                f"(limits: {s.max_history_turns} turns, {s.max_history_chars} characters)"
            )
        # misspelt words as the report writes them ("технохап" is "технохаб"), shown to the
        # user as the question answered
        respelt = self.extractive.builder.respell(clean)
        resolution = resolve(respelt, history.turns, self.setting)
        if self.rewriter is not None and history.turns:
            resolution, notice = self.rewriter.rewrite(respelt, history.turns, resolution)
            if notice:
                notices.append(notice)
        question = resolution.standalone
        if question != respelt:  # completed from the thread, whose words may be misspelt too
            question = self.extractive.builder.respell(question)
        if len(question) > s.max_question_chars:  # from a turn longer than any question may be
            notices.append(
                "the question was answered as it stands: completed from the conversation it "
                f"would be over the limit of {s.max_question_chars} characters"
            )
            question, resolution = respelt, dataclasses.replace(resolution, followup=False)
        return {
            "asked": clean,
            "question": question,
            "interpreted_as": question if question != clean else None,
            "cited": resolution.cited if resolution.followup else (),
            "documents": documents,
            "notices": tuple(notices),
            "started": started,
        }

    def _retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        hits = self._retrieve_preferring(
            state["question"], state.get("cited", ()), state.get("documents")
        )
        return {**state, "hits": hits, "retrieved_at": time.perf_counter()}

    @property
    def prepare(self) -> Runnable[Any, dict[str, Any]]:
        """The first steps of ``chain`` as a LangChain runnable: validate, then retrieve."""
        return self._once("prepare", self._build_prepare)

    @property
    def chain(self) -> Runnable[Any, Answer]:
        """The steps ``ask`` runs, as a LangChain runnable: ``prepare``, then answer. It takes a
        question (or ``_Asked``) and gives the ``Answer`` ``ask`` would."""
        return self._once("chain", self._build_chain)

    @property
    def retriever(self) -> HybridRetriever:
        """The searcher as a LangChain retriever of ``settings.k`` passages."""
        from .retrieval.retriever import HybridRetriever

        return self._once(
            "retriever", lambda: HybridRetriever(searcher=self.searcher, k=self.settings.k)
        )

    @property
    def checker(self) -> FactChecker:
        """The fact-checker ``check`` runs, on the extractive answerer's evidence layer."""
        from .check.factcheck import FactChecker

        return self._once("checker", lambda: FactChecker(self.extractive, self.documents))

    def embed_corpus_words(self, limit: int | None = None) -> int | None:
        """Embed the corpus's words for cross-lingual matching now and keep them beside the
        index (``evidence/crosslingual.py``), so that no English or Kazakh question of a new
        process waits for them. ``reportqa index`` and ``reportqa add`` do it after a build;
        ``serve``, ``chat``, an upload and a switch to a new index version in the background. Returns how many words it embedded (0: all were), or None
        when the corpus has more than ``limit`` distinct words (``settings.word_vectors_ahead``
        by default): those are embedded as questions need them, as before. Answers are the
        same either way."""
        limit = self.settings.word_vectors_ahead if limit is None else limit
        words = self.extractive.builder.corpus_words([d.title for d in self.documents])
        if len(words) > limit:
            return None
        return self.extractive.builder.crosslingual.embed_corpus(words)

    def embed_corpus_words_later(self) -> threading.Thread:
        """``embed_corpus_words`` in a daemon thread, started: what ``serve`` and ``chat`` do
        while they wait for their first question. A failure is logged; the words are then
        embedded as questions need them."""

        def run() -> None:
            try:
                self.embed_corpus_words()
            except Exception:  # noqa: BLE001 - a warm-up must not take the server down
                _log.warning("corpus words not embedded ahead", exc_info=True)

        thread = threading.Thread(target=run, name="reportqa-word-vectors", daemon=True)
        thread.start()
        self.words_ahead = thread
        return thread

    def _once(self, name: str, build: Callable[[], Any]) -> Any:
        """``build()`` the first time ``name`` is asked for, then the same object (under a lock:
        the server answers concurrently)."""
        with self._lazy_lock:
            if name not in self._lazy:
                self._lazy[name] = build()
            return self._lazy[name]

    def _build_prepare(self) -> Runnable[Any, dict[str, Any]]:
        from langchain_core.runnables import RunnableLambda

        return RunnableLambda(self._validate, name="validate") | RunnableLambda(
            self._retrieve, name="retrieve"
        )

    def _build_chain(self) -> Runnable[Any, Answer]:
        from langchain_core.runnables import RunnableLambda

        return self.prepare | RunnableLambda(self._answer, name="answer")


def _as_asked(answer: Answer, state: dict[str, Any]) -> Answer:
    """``answer`` (to the standalone question) as the answer to the question asked: that
    question, the standalone one in ``interpreted_as``, and the conversation's notices."""
    if "asked" not in state:
        return answer
    notices = [n for n in (*state["notices"], answer.notice) if n]
    return dataclasses.replace(
        answer,
        question=state["asked"],
        interpreted_as=state["interpreted_as"],
        notice="; ".join(notices) if notices else None,
    )


_Placed = TypeVar("_Placed", Answer, Verdict)


def _placed(
    result: _Placed, places: dict[tuple[str, int], tuple[int | None, str | None]]
) -> _Placed:
    """``result`` with the page and section of each cited paragraph, where they are known."""
    if not places:
        return result

    def place(c: Citation) -> Citation:
        page, section = places.get((c.document, c.paragraph), (None, None))
        return dataclasses.replace(c, page=page, section=section) if page or section else c

    item: Any = result  # an Answer's citations, a Verdict's evidence
    field = "citations" if isinstance(item, Answer) else "evidence"
    placed: _Placed = dataclasses.replace(
        item, **{field: tuple(place(c) for c in getattr(item, field))}
    )
    return placed


def _timed(answer: Answer, state: dict[str, Any]) -> Answer:
    """``answer`` with the time its question took to retrieve and to answer."""
    answer.timings.update(
        retrieve_ms=round((state["retrieved_at"] - state["started"]) * 1000, 2),
        answer_ms=round((time.perf_counter() - state["retrieved_at"]) * 1000, 2),
    )
    return answer


def skipped_notices(skipped: tuple[Skipped, ...]) -> tuple[str, ...]:
    """The notice, in English, that names each file left out of the corpus and why."""
    return tuple(notice_text(s.notice, "en") for s in skipped)


def document_languages(documents: tuple[Document, ...]) -> dict[str, str]:
    """The language of each document: its metadata's, else detected from its text."""
    return {d.id: d.language or detect_language(d.text[:2000]) for d in documents}


def _count(n: int, noun: str) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1 ("1 document", "3 documents")."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
