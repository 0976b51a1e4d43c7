"""Shared fixtures.

- Every test runs with ``REPORTQA_*`` pointed at its own temporary folders, so no test touches the
  project's ``index/`` or a user's feedback log.
- ``FakeEmbedder`` is deterministic (a vector of word-length counts), for tests that pin exact
  rankings and store behaviour without a real model.
- ``report_qa`` is the real thing: the shipped report, the bundled multilingual-e5-small, an index
  built once per test session. A test that uses it (or ``report_index``, ``extractive``) is marked
  ``slow`` here, whatever its file says: the fake embedder is the default, the real model the
  exception (``pytest -m "not slow"`` runs the fast ones; CI runs all).
- ``KAMENSK`` is a small report written for the tests, and ``fake_index`` indexes it (or any
  text) with the fake embedder, for tests where the features decide, not the embedding model.
- ``SHARED`` is ``../shared`` beside the checkout; a test that reads it skips with a reason when
  it is absent (a user's fresh clone).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from reportqa import ReportQA, Settings
from reportqa.answer.extractive import ExtractiveAnswerer
from reportqa.index.chunking import chunk_documents
from reportqa.index.corpus import load_corpus
from reportqa.index.store import IndexData, build_index
from reportqa.models import Document
from reportqa.pipeline import document_languages

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REPORT = CORPUS / "karaganda-industry.txt"
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"

# A small report written for the tests: figures with and without years, a named zone followed
# by a sentence that speaks of it without naming it, and a rise.
KAMENSK = """\
Промышленность Каменска

В 2024 году завод произвёл 1400 единиц автобусов и 372 тысячи шин.

Специальная экономическая зона «Сарыарка» работает с 2011 года. В ней зарегистрировано 24 \
участника.

В 2024 году производство стали увеличилось на 6,6%. Выпуск чугуна вырос на 6%.

Индустриальная зона «Сарань» привлекла 472 млрд тенге инвестиций.
"""

_REAL_MODEL_FIXTURES = frozenset({"report_qa", "report_index", "extractive"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def needs_shared(*paths: str) -> pytest.MarkDecorator:
    """Skip unless every path under ``../shared`` exists (it is not in a user's clone)."""
    missing = [p for p in paths if not (SHARED / p).exists()]
    return pytest.mark.skipif(
        bool(missing),
        reason=f"../shared/{missing[0] if missing else ''} is not beside the checkout",
    )


class FakeEmbedder:
    """Vector i counts the words of length i+1 (up to ``dim``), L2-normalised."""

    def __init__(self, dim: int = 8, name: str = "fake:word-lengths") -> None:
        self.dim = dim
        self.name = name
        self.calls = 0
        self.embedded = 0

    def _vectors(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.split():
                out[row, min(len(word), self.dim) - 1] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CORPUS", "INDEX", "EMBEDDING", "K", "MIN_CONFIDENCE", "LLM", "FEEDBACK_LOG"):
        monkeypatch.delenv(f"REPORTQA_{name}", raising=False)
    monkeypatch.setenv("REPORTQA_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("REPORTQA_FEEDBACK_LOG", str(tmp_path / "feedback.jsonl"))


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def report_corpus(tmp_path: Path) -> Path:
    """A private copy of the shipped corpus folder, free to change."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture(scope="session")
def report_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped report indexed once per session with the default model."""
    index = tmp_path_factory.mktemp("report-index")
    ReportQA.open(Settings(corpus=CORPUS, index=index))
    return index


@pytest.fixture(scope="session")
def report_qa(report_index: Path) -> ReportQA:
    return ReportQA.open(Settings(corpus=CORPUS, index=report_index))


@pytest.fixture(scope="session")
def extractive(report_qa: ReportQA) -> ExtractiveAnswerer:
    return report_qa.extractive


def fake_index(
    folder: Path,
    index: Path,
    text: str = KAMENSK,
    info: dict[str, str] | None = None,
    name: str = "kamensk.txt",
    meta: dict[str, str] | None = None,
) -> tuple[list[Document], IndexData, FakeEmbedder]:
    """``text`` as ``folder/name`` (with ``meta`` as its ``NAME.meta.json``), indexed at
    ``index`` with the fake embedder."""
    folder.mkdir(parents=True)
    (folder / name).write_text(text, encoding="utf-8")
    if meta is not None:
        (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    documents = load_corpus(folder)
    embedder = FakeEmbedder()
    data = build_index(
        index,
        chunk_documents(documents),
        embedder,
        info or {},
        languages=document_languages(documents),
    )
    return documents, data, embedder
