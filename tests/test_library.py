"""Uploads into a serving library (``Library.add``): validated, added like ``reportqa add``,
indexed with only the new text embedded, and never leaving a broken corpus or pipeline behind.
The embedding model is the fake one (the boundary); the corpus, the loaders and the store are
real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reportqa import CorpusError, InputError, ReportQA, Settings
from reportqa.config import uploads_allowed
from reportqa.library import Library

from .conftest import KAMENSK, FakeEmbedder

NEWS = "Новости Сарани\n\nВ Сарани открыли новый спортивный комплекс на 300 мест.\n"


@pytest.fixture
def embedder(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    fake = FakeEmbedder()
    monkeypatch.setattr("reportqa.pipeline.load_embedder", lambda _spec: fake)
    return fake


@pytest.fixture
def library(tmp_path: Path, embedder: FakeEmbedder) -> Library:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kamensk.txt").write_text(KAMENSK, encoding="utf-8")
    settings = Settings(
        corpus=corpus,
        index=tmp_path / "index",
        embedding=embedder.name,
        allow_upload=True,
        max_file_mb=1,
        word_vectors_ahead=0,  # every text the fake embeds is then a passage's
    )
    return Library(ReportQA.open(settings))


def test_uploads_are_off_unless_asked_for(tmp_path: Path) -> None:
    assert not uploads_allowed(Settings.from_env(env={}))
    assert uploads_allowed(Settings.from_env(env={"REPORTQA_ALLOW_UPLOAD": "1"}))
    assert not uploads_allowed(Settings.from_env(env={"REPORTQA_ALLOW_UPLOAD": "off"}))
    with pytest.raises(InputError, match="REPORTQA_ALLOW_UPLOAD"):
        Settings.from_env(env={"REPORTQA_ALLOW_UPLOAD": "maybe"})


def test_an_upload_is_a_new_document_answered_from_at_once(
    library: Library, embedder: FakeEmbedder
) -> None:
    before = library.current
    embedded_before = embedder.embedded
    added = library.add("Сарань новости.txt", NEWS.encode())
    assert added.status == "added" and added.document.id == "Сарань-новости.txt"
    assert (library.settings.corpus / "Сарань-новости.txt").read_text(encoding="utf-8") == NEWS
    assert [d.id for d in library.documents] == ["kamensk.txt", "Сарань-новости.txt"]
    assert library.current is not before and library.corpus_hash != before.corpus_hash
    # only the new document's texts were embedded, each once: its two one-sentence paragraphs
    # (the report's texts, embedded when the library opened, were reused)
    assert embedder.embedded - embedded_before == 2 < embedded_before
    hits = library.current.retrieve("спортивный комплекс", documents=frozenset({added.document.id}))
    assert hits and {h.chunk.document for h in hits} == {added.document.id}
    # the pipeline in use before the upload still answers (a request under way keeps it)
    assert before.ask("Сколько участников в зоне «Сарыарка»?").question


def test_an_uploaded_documents_words_are_embedded_ahead_of_its_questions(
    library: Library,
) -> None:
    library.settings = library.settings.replace(word_vectors_ahead=5000)
    library.add("Сарань новости.txt", NEWS.encode())
    thread = library.current.words_ahead
    assert thread is not None
    thread.join(60)
    with np.load(library.settings.index / "word-vectors.npz") as f:
        words = set(f["words"].tolist())
    assert {"спортивный", "комплекс", "сарани"} <= words


@pytest.mark.parametrize(
    ("name", "data", "error", "message"),
    [
        ("report.pdf", b"%PDF-1.7 not really", CorpusError, "report.pdf"),
        ("report.docx", b"PK\x03\x04 broken", CorpusError, "report.docx"),
        ("notes.txt", "кириллица".encode("cp1251"), CorpusError, "UTF-8"),
        ("big.txt", b"a" * 1_000_001, InputError, "REPORTQA_MAX_FILE_MB"),
        ("tool.exe", b"MZ", InputError, "not a report"),
        ("kamensk.txt", b"another text", InputError, "already has a document named"),
        (".hidden.txt", b"\n", CorpusError, "no text"),
    ],
)
def test_a_bad_upload_is_named_and_changes_nothing(
    library: Library, name: str, data: bytes, error: type[Exception], message: str
) -> None:
    before = library.current
    files = sorted(p.name for p in library.settings.corpus.iterdir())
    with pytest.raises(error, match=message) as caught:
        library.add(name, data)
    # named as sent, not by the server's temporary folder, and no advice about the corpus folder
    assert "reportqa-upload-" not in str(caught.value) and "corpus folder" not in str(caught.value)
    assert library.current is before
    assert sorted(p.name for p in library.settings.corpus.iterdir()) == files
    assert library.ask("Сколько участников в зоне «Сарыарка»?").question


def test_a_failed_index_build_takes_the_upload_back(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = library.current

    def fail(*_args: object, **_kw: object) -> ReportQA:
        raise CorpusError("disk full")

    monkeypatch.setattr(ReportQA, "open", fail)
    with pytest.raises(CorpusError, match="disk full"):
        library.add("news.txt", NEWS.encode())
    assert not (library.settings.corpus / "news.txt").exists()
    assert library.current is before


def test_uploads_off_refuses_every_file(tmp_path: Path, embedder: FakeEmbedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kamensk.txt").write_text(KAMENSK, encoding="utf-8")
    settings = Settings(corpus=corpus, index=tmp_path / "index", embedding=embedder.name)
    library = Library(ReportQA.open(settings))
    with pytest.raises(InputError, match="uploads are off"):
        library.add("news.txt", NEWS.encode())
    assert [p.name for p in corpus.iterdir()] == ["kamensk.txt"]


def test_the_report_view_shows_an_uploaded_document_and_the_new_hash(library: Library) -> None:
    """``/report`` reads the documents at each request, as the answers do: an upload's citation
    links open it, and the content hash shown is the new corpus's."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from reportqa.web.app import _LiveDocuments
    from reportqa.web.report import report_router

    app = FastAPI()
    app.include_router(report_router(_LiveDocuments(library), lambda: library.corpus_hash))
    client = TestClient(app)
    assert client.get("/report", params={"doc": "news.txt"}).status_code == 404
    added = library.add("news.txt", NEWS.encode())
    start = NEWS.index("В Сарани")
    page = client.get("/report", params={"doc": "news.txt", "hl": f"{start}-{start + 8}"})
    assert page.status_code == 200 and "<mark>В Сарани</mark>" in page.text
    assert library.corpus_hash[:12] in page.text and added.document.id == "news.txt"
