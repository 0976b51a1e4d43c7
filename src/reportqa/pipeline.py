"""The wiring: corpus -> index -> retriever -> answerer, behind ``ReportQA``.

``ReportQA.open`` loads the index, building or rebuilding it when it is missing, stale (corpus or
chunk settings changed) or damaged, and says so through ``progress``. ``ask`` runs the LangChain
chain (``chain``): ``prepare`` (validate the question, retrieve) then the answerer. ``stream``
runs the same ``prepare`` and streams the same answering step. The CLI, the HTTP API, the
widget and the chat page all call one of the two and render the ``Answer`` it returns.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from .answer.extractive import ExtractiveAnswerer
from .config import Settings
from .errors import IndexCorruptError, IndexMismatchError
from .index.chunking import chunk_documents
from .index.corpus import corpus_hash, load_corpus
from .index.embeddings import load_embedder
from .index.store import IndexData, build_index, load_index
from .inputs import clean_claim, clean_question
from .lang.detect import detect_language
from .models import Answer, Document, Hit, Verdict
from .retrieval.hybrid import HybridRetriever, HybridSearcher

__all__ = ["ReportQA"]

Progress = Callable[[str], None]


class ReportQA:
    """Questions over a corpus, answered with citations. Safe to share between threads."""

    def __init__(
        self,
        settings: Settings,
        documents: tuple[Document, ...],
        data: IndexData,
        embedder: Any,
        notices: tuple[str, ...] = (),
    ) -> None:
        self.settings = settings
        self.documents = documents
        self.data = data
        self.embedder = embedder
        self.notices = notices  # what open() had to do: build, rebuild, and why
        self.corpus_hash = str(data.manifest["corpus_hash"])
        self.searcher = HybridSearcher(data, embedder, languages=document_languages(documents))
        self.retriever = HybridRetriever(searcher=self.searcher, k=settings.k)
        # The extractive answerer decides refusal whichever answers; fact-checks use it too.
        self.extractive = extractive = ExtractiveAnswerer(
            self.searcher, documents, settings.min_confidence
        )
        self.answerer: Any = extractive
        if settings.llm:
            from .answer.generative import GenerativeAnswerer, chat_model_from_spec

            self.answerer = GenerativeAnswerer(
                chat_model_from_spec(settings.llm, settings.llm_timeout),
                extractive,
                timeout=settings.llm_timeout,
            )
        # One chain for `ask` and `stream`: `prepare` validates and retrieves, then `ask` answers
        # and `stream` streams the same answering step.
        self.prepare: Runnable[Any, dict[str, Any]] = self._build_prepare()
        self.chain: Runnable[Any, Answer] = self.prepare | RunnableLambda(
            self._answer, name="answer"
        )
        from .check.factcheck import FactChecker

        self.checker = FactChecker(extractive, documents)

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        progress: Progress | None = None,
        rebuild: bool = False,
        **overrides: Any,
    ) -> ReportQA:
        """Load the corpus and its index, building the index when needed.

        Raises ``CorpusError`` for an unusable corpus, ``IndexMismatchError`` when the index was
        built with another embedding model (rebuild it with ``rebuild=True`` or
        ``reportqa index``), ``EmbeddingError`` when the model cannot be loaded."""
        settings = (settings or Settings.from_env()).replace(**overrides)
        say = progress or (lambda _msg: None)
        documents = load_corpus(settings.corpus)
        build_info = {
            "corpus_hash": corpus_hash(documents),
            "chunk_chars": settings.chunk_chars,
            "chunk_overlap": settings.chunk_overlap,
            "documents": [{"id": d.id, "sha256": d.sha256, "title": d.title} for d in documents],
        }
        notices: list[str] = []
        data = None
        reason = "no index yet"
        if not rebuild:
            try:
                data = load_index(settings.index, expect_embedding=settings.embedding)
            except IndexMismatchError:
                raise
            except IndexCorruptError as exc:
                if (Path(settings.index) / "CURRENT").exists():
                    reason = f"the index was unusable ({exc})"
            else:
                stale = [
                    key
                    for key in ("corpus_hash", "chunk_chars", "chunk_overlap")
                    if data.manifest.get(key) != build_info[key]
                ]
                if stale:
                    reason = (
                        "the corpus changed" if "corpus_hash" in stale else "chunk settings changed"
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
            data = build_index(
                settings.index,
                chunks,
                embedder,
                build_info,
                progress=say,
                languages=document_languages(documents),
            )
        return cls(settings, documents, data, embedder, tuple(notices))

    def ask(self, question: Any) -> Answer:
        """The answer to ``question``: ``chain`` (validate, retrieve, answer). Raises
        ``InputError`` for an empty or too long one."""
        return self.chain.invoke(question)

    def stream(self, question: Any) -> Iterator[str | Answer]:
        """``ask`` for the chat page, on the same chain: its first steps (``prepare``: validate,
        retrieve) run here, then its answering step streams: the text as an LLM writes it, in
        deltas, then the ``Answer``, whose text replaces the deltas. Without an LLM, the
        ``Answer`` alone, the very one ``ask`` gives. Raises ``InputError`` for an empty or too
        long question before anything is yielded."""
        state = self.prepare.invoke(question)
        return self._stream(state)

    def _stream(self, state: dict[str, Any]) -> Iterator[str | Answer]:
        stream = getattr(self.answerer, "stream", None)
        if stream is None:
            yield self._answer(state)
            return
        for item in stream(state["question"], state["hits"]):
            yield _timed(item, state) if isinstance(item, Answer) else item

    def check(self, claim: Any) -> Verdict:
        """The report's verdict on ``claim`` (``factcheck.py``): supported, contradicted or
        not_found, with the evidence quoted and the figures compared. Raises ``InputError`` for an
        empty or too long claim, one with nothing to check, or a question."""
        started = time.perf_counter()
        clean = clean_claim(claim, self.settings.max_question_chars)
        from .check.factcheck import RETRIEVE_K

        hits = self.retrieve(clean, max(self.settings.k, RETRIEVE_K))
        retrieved_at = time.perf_counter()
        verdict = self.checker.check(clean, hits)
        verdict.timings.update(
            retrieve_ms=round((retrieved_at - started) * 1000, 2),
            check_ms=round((time.perf_counter() - retrieved_at) * 1000, 2),
        )
        return verdict

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        """The ranked passages for a (clean) question."""
        return self.searcher.search(question, k or self.settings.k)

    def document(self, doc_id: str) -> Document | None:
        """The corpus document with this id (its path relative to the corpus folder)."""
        return next((d for d in self.documents if d.id == doc_id), None)

    def _answer(self, state: dict[str, Any]) -> Answer:
        return _timed(self.answerer.answer(state["question"], state["hits"]), state)

    def _build_prepare(self) -> Runnable[Any, dict[str, Any]]:
        def validate(question: Any) -> dict[str, Any]:
            clean = clean_question(question, self.settings.max_question_chars)
            return {"question": clean, "started": time.perf_counter()}

        def retrieve(state: dict[str, Any]) -> dict[str, Any]:
            hits = self.retrieve(state["question"])
            return {**state, "hits": hits, "retrieved_at": time.perf_counter()}

        return RunnableLambda(validate, name="validate") | RunnableLambda(retrieve, name="retrieve")


def _timed(answer: Answer, state: dict[str, Any]) -> Answer:
    """``answer`` with the time its question took to retrieve and to answer."""
    answer.timings.update(
        retrieve_ms=round((state["retrieved_at"] - state["started"]) * 1000, 2),
        answer_ms=round((time.perf_counter() - state["retrieved_at"]) * 1000, 2),
    )
    return answer


def document_languages(documents: tuple[Document, ...]) -> dict[str, str]:
    """The language of each document: its metadata's, else detected from its text."""
    return {d.id: d.language or detect_language(d.text[:2000]) for d in documents}
