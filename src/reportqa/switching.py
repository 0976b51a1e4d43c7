"""Serving from an index folder that another process rebuilds: notice its new ``CURRENT`` and
switch to the new version between requests.

``SwitchingQA`` answers like ``ReportQA`` (``ask``, ``stream``, ``check``, ``documents``,
``corpus_hash``). Each call takes the pipeline that is current when it starts and keeps it to
its end, so a request never sees half an index: the switch is the assignment of one reference.
Looking for a new version is cheap: at most every ``check_seconds``, one ``stat`` of
``CURRENT`` (``os.replace`` gives it a new inode). When it changed, a background thread loads
the new version (``load_serving``: the corpus, and the index built from it, checked against each
other) while requests go on with the previous one; only a complete pipeline is swapped in. A
version that cannot be used (half-written corpus, damaged files, another embedding model) is
logged and tried again at the next change or after ``check_seconds``; the previous one keeps
serving.

The builder removes old version folders (``store._remove_old_versions``) while replicas may still
serve one: that is safe because a loaded index lives wholly in memory (FAISS, the sentence
vectors and the chunk store are read once, at load); ``tests/test_index_switch.py`` pins it.

Left out: building. A replica never builds; ``reportqa index`` (or ``reportqa add``) does, once,
on the shared folder. The embedding model is loaded once and kept across switches.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import IndexCorruptError
from .index.corpus import corpus_hash, read_corpus
from .index.store import load_index
from .models import Answer, Document, Verdict
from .pipeline import ReportQA, skipped_notices

__all__ = ["OnCurrent", "SwitchingQA", "load_serving"]

log = logging.getLogger(__name__)

_Signature = tuple[int, int, int] | None


def load_serving(settings: Settings, embedder: Any) -> ReportQA:
    """The pipeline over the index now current in ``settings.index`` and the corpus it was built
    from, with ``embedder`` (already loaded). Never builds. Raises ``IndexCorruptError`` when the
    index is missing or damaged or the corpus folder holds another text than the index was built
    from (a build in progress: try again), ``IndexMismatchError`` for another embedding model,
    ``CorpusError`` for a corpus with no readable document. A file that cannot be read is left
    out, as ``ReportQA.open`` leaves it out, logged as a warning and named in the notices."""
    corpus = read_corpus(settings.corpus, settings.max_file_mb)
    documents = corpus.documents
    data = load_index(settings.index, expect_embedding=embedder.name)
    if data.manifest.get("corpus_hash") != corpus_hash(documents):
        raise IndexCorruptError(
            f"the index {data.path} was built from another corpus than the one now in "
            f"{settings.corpus}: finish copying the corpus, then run `reportqa index`"
        )
    notices = skipped_notices(corpus.skipped)
    for notice in notices:
        log.warning("%s", notice)
    return ReportQA(settings, documents, data, embedder, notices, corpus.skipped)


class OnCurrent:
    """Answers like ``ReportQA``, each call on the pipeline ``current`` gives when it starts
    (what ``SwitchingQA`` and ``library.Library`` share; they differ in how ``current``
    changes)."""

    @property
    def current(self) -> ReportQA:
        raise NotImplementedError

    @property
    def documents(self) -> tuple[Document, ...]:
        return self.current.documents

    @property
    def corpus_hash(self) -> str:
        return self.current.corpus_hash

    def ask(self, question: Any, history: Any = None, documents: Any = None) -> Answer:
        return self.current.ask(question, history, documents)

    def stream(
        self, question: Any, history: Any = None, documents: Any = None
    ) -> Iterator[str | Answer]:
        return self.current.stream(question, history, documents)

    def check(self, claim: Any) -> Verdict:
        return self.current.check(claim)

    def document(self, doc_id: str) -> Document | None:
        return self.current.document(doc_id)


class SwitchingQA(OnCurrent):
    """A ``ReportQA`` that follows its index folder's ``CURRENT``; safe to share between
    threads."""

    follows_current = True  # documents, corpus hash and schema change with the index

    def __init__(
        self,
        qa: ReportQA,
        *,
        check_seconds: float = 2.0,
        loader: Callable[[Settings, Any], ReportQA] = load_serving,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._qa = qa
        self.check_seconds = check_seconds
        self._loader = loader
        self._clock = clock
        self._current_file = Path(qa.settings.index) / "CURRENT"
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._seen = self._signature()  # CURRENT as it was when ``_qa`` was loaded
        self._next_check = clock() + check_seconds
        self._loading: threading.Thread | None = None
        self.switches = 0
        self.last_error: str | None = None

    # -- what a request uses ------------------------------------------------------------------

    @property
    def current(self) -> ReportQA:
        """The pipeline a new call goes to; at most every ``check_seconds``, first a look at
        ``CURRENT``, and a background load of a new version when it changed."""
        now = self._clock()
        qa = self._qa  # this call's version, even if a load below finishes before it returns
        if now >= self._next_check:
            with self._lock:
                if now >= self._next_check:
                    self._next_check = now + self.check_seconds
                    signature = self._signature()
                    if signature != self._seen and self._loading is None:
                        self._loading = threading.Thread(
                            target=self._load,
                            args=(signature,),
                            name="reportqa-index-switch",
                            daemon=True,
                        )
                        self._loading.start()
        return qa

    @property
    def settings(self) -> Settings:
        return self._qa.settings

    # -- switching ----------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Look at ``CURRENT`` now and, when it changed, load the new version in this thread
        (waiting for a background load under way first). Whether the pipeline changed."""
        loading = self._under_way()
        if loading is not None:
            loading.join()
        before = self._qa
        signature = self._signature()
        if signature != self._seen:
            self._load(signature)
        return self._qa is not before

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background load under way (tests and benchmarks)."""
        loading = self._under_way()
        if loading is not None:
            loading.join(timeout)

    def _under_way(self) -> threading.Thread | None:
        """The background load, read under the lock it is started under (never one not yet
        started)."""
        with self._lock:
            return self._loading

    def _load(self, signature: _Signature) -> None:
        # One load at a time: ``refresh`` loads in its own thread while a request may have
        # started a background load of the same version; the second finds it done.
        try:
            with self._load_lock:
                self._load_once(signature)
        finally:
            if threading.current_thread() is self._loading:
                self._loading = None

    def _load_once(self, signature: _Signature) -> None:
        if signature == self._seen:
            return
        try:
            if signature is None:
                raise IndexCorruptError(f"{self._current_file} is missing")
            name = self._current_file.read_text(encoding="utf-8").strip()
            if name == self._qa.data.path.name:
                self._seen = signature  # rewritten with the version already served
                return
            qa = self._loader(self._qa.settings, self._qa.embedder)
            qa.embed_corpus_words_later()  # a new version's new words, if it has any
            self._qa = qa  # the switch: one assignment; calls under way keep the previous one
            self._seen = signature
            self.switches += 1
            self.last_error = None
            log.info("switched to index version %s", qa.data.path.name)
        except Exception as exc:  # a thread must not die silently: keep serving, say why
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning(
                "index in %s not switched, the previous version keeps serving: %s",
                self._current_file.parent,
                self.last_error,
            )

    def _signature(self) -> _Signature:
        try:
            st = os.stat(self._current_file)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)
