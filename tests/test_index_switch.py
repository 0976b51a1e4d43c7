"""A server following its index folder (``switching.py``): a version another process builds is
switched to between requests, a request keeps the version it started with, old version folders
removed by the builder do not break a server still on them, and a version that cannot be used is
not switched to. Real FAISS, real index folders; the fake embedder of ``conftest``."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from reportqa import ReportQA, Settings
from reportqa.index.chunking import chunk_documents
from reportqa.index.corpus import corpus_hash, load_corpus
from reportqa.index.store import build_index
from reportqa.models import Answer
from reportqa.pipeline import document_languages
from reportqa.switching import SwitchingQA, load_serving
from reportqa.web.app import create_app
from reportqa.web.live import LiveServer

from .conftest import KAMENSK, FakeEmbedder

QUESTION = "Сколько шин произвёл завод в 2024 году?"
V2 = KAMENSK.replace("372 тысячи шин", "500 тысяч шин")
OTHER = "Отчёт о туризме\n\nВ 2024 году область посетили 900 тысяч туристов.\n"


def build(corpus: Path, index: Path, embedder: FakeEmbedder) -> ReportQA:
    """What `reportqa index` does, with the fake embedder: index ``corpus`` into ``index``."""
    documents = load_corpus(corpus)
    info = {
        "corpus_hash": corpus_hash(documents),
        "chunk_chars": 1200,
        "chunk_overlap": 1,
        "documents": [{"id": d.id, "sha256": d.sha256, "title": d.title} for d in documents],
    }
    data = build_index(
        index,
        chunk_documents(documents),
        embedder,
        info,
        languages=document_languages(documents),
    )
    settings = Settings(corpus=corpus, index=index, embedding=embedder.name)
    return ReportQA(settings, documents, data, embedder)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "kamensk.txt").write_text(KAMENSK, encoding="utf-8")
    return corpus, index


def versions(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.name.startswith("v-"))


def quoted(answer: Answer) -> str:
    """The text of the passages the answer was drawn from (the fake embedder rarely answers)."""
    return " ".join([c.quote for c in answer.citations] + [h.chunk.text for h in answer.retrieved])


def test_a_new_current_is_served_after_a_look_and_the_old_folder_going_breaks_nothing(
    folders: tuple[Path, Path],
) -> None:
    corpus, index = folders
    embedder = FakeEmbedder()
    qa = SwitchingQA(build(corpus, index, embedder), check_seconds=0)
    old = qa.current
    (first,) = versions(index)
    assert "372 тысячи шин" in quoted(qa.ask(QUESTION))

    # Another process (`reportqa index`) rebuilds the shared folder with a changed corpus.
    (corpus / "kamensk.txt").write_text(V2, encoding="utf-8")
    (corpus / "tourism.txt").write_text(OTHER, encoding="utf-8")
    build(corpus, index, FakeEmbedder())
    assert first not in versions(index)  # the builder removed the version still being served

    # The old pipeline lives in memory: a request that holds it is answered in full.
    assert "372 тысячи шин" in quoted(old.ask(QUESTION))
    assert qa.refresh() is True
    assert qa.current is not old and qa.switches == 1
    assert "500 тысяч шин" in quoted(qa.ask(QUESTION))
    assert [d.id for d in qa.documents] == ["kamensk.txt", "tourism.txt"]
    assert qa.corpus_hash == corpus_hash(load_corpus(corpus)) != old.corpus_hash
    assert qa.current.embedder is embedder  # the model is not loaded again
    assert qa.refresh() is False  # nothing new since


def test_a_request_keeps_the_version_it_started_with(folders: tuple[Path, Path]) -> None:
    corpus, index = folders
    qa = SwitchingQA(build(corpus, index, FakeEmbedder()), check_seconds=0)
    items = qa.stream(QUESTION)  # a page's request under way: retrieved, not yet answered
    (corpus / "kamensk.txt").write_text(V2, encoding="utf-8")
    build(corpus, index, FakeEmbedder())
    assert qa.refresh() is True
    answer = list(items)[-1]
    assert isinstance(answer, Answer)
    assert "372 тысячи шин" in quoted(answer)  # the whole request on the version it began on
    assert "500 тысяч шин" in quoted(qa.ask(QUESTION))


def test_the_look_is_at_most_every_check_seconds_and_the_load_is_in_the_background(
    folders: tuple[Path, Path],
) -> None:
    corpus, index = folders
    now = [0.0]
    qa = SwitchingQA(build(corpus, index, FakeEmbedder()), check_seconds=5, clock=lambda: now[0])
    old = qa.current
    (corpus / "kamensk.txt").write_text(V2, encoding="utf-8")
    build(corpus, index, FakeEmbedder())
    now[0] = 4.9
    assert qa.current is old  # not looked at yet
    qa.wait()
    assert qa.current is old
    now[0] = 5.0
    assert qa.current is old  # this call looks, starts the load, and is answered meanwhile
    qa.wait(timeout=30)
    assert qa.current is not old
    assert "500 тысяч шин" in quoted(qa.ask(QUESTION))


def test_an_index_of_another_corpus_than_the_folder_holds_is_not_switched_to(
    folders: tuple[Path, Path],
) -> None:
    """A corpus copied after the build (or half-copied): the index and the text its offsets
    point into must agree, or the previous version keeps serving."""
    corpus, index = folders
    qa = SwitchingQA(build(corpus, index, FakeEmbedder()), check_seconds=0)
    old = qa.current
    (corpus / "kamensk.txt").write_text(V2, encoding="utf-8")
    build(corpus, index, FakeEmbedder())
    (corpus / "tourism.txt").write_text(OTHER, encoding="utf-8")  # not indexed yet
    assert qa.refresh() is False
    assert qa.current is old
    assert qa.last_error and "another corpus" in qa.last_error
    assert "372 тысячи шин" in quoted(qa.ask(QUESTION))
    build(corpus, index, FakeEmbedder())  # the build that follows the copy
    assert qa.refresh() is True
    assert len(qa.documents) == 2 and qa.last_error is None


def test_a_damaged_new_version_is_not_switched_to(folders: tuple[Path, Path]) -> None:
    corpus, index = folders
    qa = SwitchingQA(build(corpus, index, FakeEmbedder()), check_seconds=0)
    old = qa.current
    build(corpus, index, FakeEmbedder())  # same corpus, a new version folder
    (new,) = versions(index)
    (index / new / "chunks.jsonl").write_text("{}\n", encoding="utf-8")
    assert qa.refresh() is False
    assert qa.current is old and "damaged" in (qa.last_error or "")


def test_a_refresh_and_a_request_that_see_one_new_version_load_it_once(
    folders: tuple[Path, Path],
) -> None:
    corpus, index = folders
    loads: list[str] = []

    def slow(settings: Settings, embedder: Any) -> ReportQA:
        loads.append(threading.current_thread().name)
        time.sleep(0.3)  # long enough for a request to see the new CURRENT meanwhile
        return load_serving(settings, embedder)

    qa = SwitchingQA(build(corpus, index, FakeEmbedder()), check_seconds=0, loader=slow)
    (corpus / "kamensk.txt").write_text(V2, encoding="utf-8")
    build(corpus, index, FakeEmbedder())
    refresh = threading.Thread(target=qa.refresh)
    refresh.start()
    while not loads:
        time.sleep(0.01)
    assert qa.current is not None  # a request, while the refresh is loading
    refresh.join(timeout=30)
    qa.wait(timeout=30)
    assert len(loads) == 1 and qa.switches == 1
    assert "500 тысяч шин" in quoted(qa.ask(QUESTION))


def test_questions_during_switches_all_get_whole_answers(folders: tuple[Path, Path]) -> None:
    """Eight threads ask while the folder is rebuilt six times: every answer comes, and each
    quotes one version's text, never a mix."""
    corpus, index = folders
    qa = SwitchingQA(build(corpus, index, FakeEmbedder()), check_seconds=0)
    stop = threading.Event()
    answers: list[Answer] = []
    errors: list[BaseException] = []

    def client() -> None:
        while not stop.is_set():
            try:
                answers.append(qa.ask(QUESTION))
            except BaseException as exc:  # reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        for round_ in range(6):
            text = V2 if round_ % 2 == 0 else KAMENSK
            (corpus / "kamensk.txt").write_text(text, encoding="utf-8")
            build(corpus, index, FakeEmbedder())
            qa.wait(timeout=30)
            qa.refresh()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert errors == []
    assert qa.switches == 6
    assert len(answers) > 6
    for answer in answers:
        text = quoted(answer)
        assert ("372 тысячи шин" in text) != ("500 тысяч шин" in text), text


def test_the_api_follows_the_switch(folders: tuple[Path, Path]) -> None:
    corpus, index = folders
    qa = SwitchingQA(build(corpus, index, FakeEmbedder()), check_seconds=0)
    app = create_app(qa, qa.settings)
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        before = client.get("/api/health").json()
        (corpus / "tourism.txt").write_text(OTHER, encoding="utf-8")
        build(corpus, index, FakeEmbedder())
        qa.refresh()
        after = client.get("/api/health").json()
        schema = client.get("/openapi.json").json()
        asked = client.post(
            "/api/ask", json={"question": "Сколько туристов?", "documents": ["tourism.txt"]}
        )
    assert [d["id"] for d in before["documents"]] == ["kamensk.txt"]
    assert [d["id"] for d in after["documents"]] == ["kamensk.txt", "tourism.txt"]
    assert after["corpus_hash"] != before["corpus_hash"]
    assert asked.status_code == 200, asked.text
    assert "tourism.txt" in str(schema["components"]["schemas"]["AskRequest"])
