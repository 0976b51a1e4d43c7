from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reportqa import ReportQA
from reportqa.index.bm25 import BM25
from reportqa.index.chunking import chunk_documents
from reportqa.index.corpus import load_corpus
from reportqa.index.store import build_index
from reportqa.lang.tokens import lexical_terms
from reportqa.retrieval import HybridRetriever, HybridSearcher
from reportqa.retrieval.hybrid import FUSION_FEATURES

from .conftest import FakeEmbedder


def small_index(tmp_path: Path, texts: list[str], embedder: FakeEmbedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, text in enumerate(texts):
        (corpus / f"d{i}.txt").write_text(text, encoding="utf-8")
    return build_index(tmp_path / "index", chunk_documents(load_corpus(corpus)), embedder, {})


def test_bm25_matches_russian_inflections() -> None:
    docs = [
        lexical_terms(t) for t in ("В области работают 52 колледжа.", "Производство шин выросло.")
    ]
    bm25 = BM25(docs)
    scores = bm25.scores(lexical_terms("Сколько колледжей в области?"))
    assert scores[0] > 0 and scores[1] == 0


def test_bm25_matches_a_derivation_by_its_prefix_term() -> None:
    # "инвестиции" and "инвестировать" have different lemmas, one prefix term.
    docs = [lexical_terms(t) for t in ("Объём инвестиций вырос.", "Производство шин выросло.")]
    query = lexical_terms("Сколько решили инвестировать?")
    assert "инвестировать" not in docs[0] and "~инвес" in query
    scores = BM25(docs).scores(query)
    assert scores[0] > 0 and scores[1] == 0


def test_bm25_idf_is_highest_for_unseen_terms() -> None:
    bm25 = BM25([["a", "b"], ["a"]])
    assert bm25.idf("zzz") > bm25.idf("b") > bm25.idf("a") >= 0


def test_lexical_only_ranking_is_exact(tmp_path: Path) -> None:
    data = small_index(
        tmp_path,
        ["Шины и автобусы.", "Колледжи и вузы области.", "Печи завода запущены."],
        FakeEmbedder(),
    )
    searcher = HybridSearcher(data, FakeEmbedder(), dense_weight=0.0, sentence_weight=0.0)
    hits = searcher.search("сколько колледжей и вузов", k=3)
    assert hits[0].chunk.document == "d1.txt"
    assert hits[0].score == 1.0
    assert hits[0].lexical > 0 and hits[1].lexical == 0


def test_a_kazakh_question_finds_a_russian_chunk_by_its_key(tmp_path: Path) -> None:
    data = small_index(
        tmp_path,
        ["Коллекция музея пополнилась.", "Колледжи и вузы области.", "Печи завода запущены."],
        FakeEmbedder(),
    )
    searcher = HybridSearcher(data, FakeEmbedder(), dense_weight=0.0, sentence_weight=0.0)
    # Read as Kazakh (a function word decides), "колледждер" is keyed "колледж" and its prefix
    # term is "~коллед"; read as Russian, its prefix "~колле" would match "Коллекция" too.
    hits = searcher.search("Облыста неше колледждер бар?", k=3)
    assert hits[0].chunk.document == "d1.txt"
    assert hits[0].lexical > 0
    assert [h.lexical for h in hits[1:]] == [0, 0]


def test_reachable_counts_the_words_that_match_once_translated(tmp_path: Path) -> None:
    data = small_index(
        tmp_path,
        ["Запущена печь завода металлургического кремния.", "Колледжи и вузы области."],
        FakeEmbedder(),
    )
    searcher = HybridSearcher(data, FakeEmbedder(), dense_weight=0.0, sentence_weight=0.0)
    # "металлургиялық" is not in the Russian index as written, but its translation is
    _, features, _ = searcher.candidates("Металлургиялық кремний зауыты қайда?", k=2)
    col = {name: i for i, name in enumerate(FUSION_FEATURES)}
    assert features[0, col["reachable"]] > features[0, col["matchable"]]
    # a Russian question over a Russian index: both count the same words
    _, features, _ = searcher.candidates("Где завод металлургического кремния?", k=2)
    assert features[0, col["reachable"]] == features[0, col["matchable"]] == 1.0


def test_the_fusion_model_is_read_at_the_first_search_only(tmp_path: Path, monkeypatch) -> None:
    import reportqa.retrieval.hybrid as hybrid

    data = small_index(tmp_path, ["Шины и автобусы.", "Колледжи и вузы области."], FakeEmbedder())
    read: list[str] = []
    real = hybrid.load_model
    monkeypatch.setattr(hybrid, "load_model", lambda *a: read.append(a[0]) or real(*a))
    searcher = HybridSearcher(data, FakeEmbedder())
    searcher.candidates("Сколько колледжей?", k=2)
    assert read == []
    assert searcher.search("Сколько колледжей?", k=1)[0].chunk.document == "d1.txt"
    assert read == [hybrid.FUSION_FILE]


def test_dense_search_agrees_with_brute_force(tmp_path: Path) -> None:
    texts = [
        " ".join("слово" * (i % 5 + 1) for _ in range(i % 7 + 1)) + f" текст{i}." for i in range(30)
    ]
    embedder = FakeEmbedder()
    data = small_index(tmp_path, texts, embedder)
    searcher = HybridSearcher(data, embedder, dense_weight=1.0, sentence_weight=0.0)
    question = "слово словослово текст"
    q = embedder.embed_queries([question])[0]
    brute = np.argsort(-(searcher.chunk_vectors @ q), kind="stable")[:5]
    got = [h.chunk.id for h in searcher.search(question, k=5)]
    expected_scores = sorted((searcher.chunk_vectors @ q)[brute], reverse=True)
    assert [round(h.dense, 4) for h in searcher.search(question, k=5)] == [
        round(float(s), 4) for s in expected_scores
    ]
    assert len(got) == 5


def test_retriever_is_a_langchain_retriever_with_provenance(report_qa: ReportQA) -> None:
    retriever = report_qa.retriever
    assert isinstance(retriever, HybridRetriever)
    docs = retriever.invoke("Сколько вузов в области?")
    assert len(docs) == report_qa.settings.k
    top = docs[0]
    assert top.metadata["paragraph"] == 10
    assert top.metadata["document"] == "karaganda-industry.txt"
    text = report_qa.documents[0].text
    assert text[top.metadata["start"] : top.metadata["end"]] == top.page_content


@pytest.mark.parametrize(
    "question, paragraph",
    [
        ("Сколько вузов и колледжей работает в области?", 10),
        ("How much will QARMET invest by 2028?", 3),
        ("Облыста қанша колледж бар?", 10),
        ("запасы редкоземельных металлов", 8),
        # Kazakh words the report has only as translations ("металлургиялық кремний")
        ("Облыста металлургиялық кремний шығаратын кәсіпорынның атауы қандай?", 7),
    ],
)
def test_hybrid_retrieval_puts_the_right_paragraph_first(
    report_qa: ReportQA, question: str, paragraph: int
) -> None:
    assert report_qa.retrieve(question)[0].chunk.paragraph == paragraph


@pytest.mark.parametrize(
    "unrelated",
    [
        "Сколько стоит билет в кино?",
        pytest.param(
            "How much does a cinema ticket cost?",
            # A known failure of the fusion shipped at 11:50 UTC on 2026-12-04: its features are
            # relative to the candidates, and its off-topic negatives are Russian questions, so
            # "cost" found in the investment passage scores 0.83 (and the question is answered).
            marks=pytest.mark.xfail(strict=True, reason="English off-topic question scores high"),
        ),
        "Кто написал «Войну и мир»?",
    ],
)
def test_the_best_passage_scores_low_for_a_question_the_report_has_nothing_on(
    report_qa: ReportQA, unrelated: str
) -> None:
    # The fusion is fitted with off-topic questions as negatives: its best score is no certainty
    # that some passage answers (the evidence model reads it), unlike a question the report answers.
    assert report_qa.retrieve(unrelated)[0].score < 0.5
    assert report_qa.retrieve("Сколько вузов работает в области?")[0].score > 0.5
