"""PDF, DOCX and HTML reports: their text, pages and sections, metadata, and errors.

The fixtures are built here: a PDF of the shipped report with page breaks, a running header,
page numbers and a word hyphenated across a line end (``fpdf2`` with DejaVu Sans from Debian's
``fonts-dejavu``, skipped without them), a DOCX with ``python-docx``, an HTML page as a string.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from reportqa.config import Settings
from reportqa.errors import CorpusError
from reportqa.index.chunking import chunk_documents
from reportqa.index.corpus import load_corpus
from reportqa.index.loaders import load_docx, load_html, load_pdf
from reportqa.index.store import build_index, load_index
from reportqa.models import Chunk
from reportqa.pipeline import ReportQA, document_languages
from reportqa.serialize import answer_to_dict

from .conftest import REPORT, FakeEmbedder

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HEADER = "Промышленность Карагандинской области — отчёт 2025"
QUESTION = "Какой объём инвестиций?"


def report_paragraphs() -> list[str]:
    return [p.strip() for p in REPORT.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def make_pdf(path: Path, paragraphs: list[str], per_page: int = 3, hyphen: str = "") -> Path:
    """A PDF of ``paragraphs``, ``per_page`` to a page, each page with the running header and
    its number; ``hyphen`` is a line written as it stands (a word cut with "-")."""
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip(f"{FONT} is missing: apt-get install fonts-dejavu-core")
    pdf = fpdf.FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.set_title("Отчёт о промышленности")
    pdf.set_creation_date(__import__("datetime").datetime(2025, 3, 14))
    pages = [paragraphs[i : i + per_page] for i in range(0, len(paragraphs), per_page)]
    for number, page in enumerate(pages, start=1):
        pdf.add_page()
        pdf.cell(0, 6, HEADER, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        for k, text in enumerate(page):
            if hyphen and number == 1 and k == 0:
                pdf.multi_cell(0, 5, hyphen, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(6)
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
        pdf.set_y(-20)
        pdf.cell(0, 6, str(number), align="C")
    pdf.output(str(path))
    return path


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "Промышленность области"
    document.add_heading("Промышленность", level=1)
    for text in paragraphs[:5]:
        document.add_paragraph(text)
    document.add_heading("Кадры", level=1)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("Показатель", "Значение"), ("Рабочие места", "1200")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for text in paragraphs[5:]:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def make_html(paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs[:5])
    rest = "\n".join(f"<p>{p}</p>" for p in paragraphs[5:])
    return f"""<!doctype html><html lang="ru"><head>
<meta charset="utf-8"><title>Промышленность растёт | Новости региона</title>
<meta property="og:title" content="Промышленность Карагандинской области растёт">
<meta property="og:site_name" content="Новости региона">
<meta property="article:published_time" content="2025-03-14">
</head><body>
<nav><ul><li><a href="/">Главная</a></li><li><a href="/sport">Спорт в Караганде</a></li></ul></nav>
<div class="ad">Реклама: купите шины со скидкой прямо сейчас у нашего партнёра!</div>
<article><h1>Промышленность Карагандинской области растёт</h1>
{body}
<h2>Кадры и рабочие профессии</h2>
{rest}
</article>
<section id="comments" class="comments"><h3>Комментарии</h3>
<div class="comment"><p>Вася: комментарий читателя о шинах и заводах области.</p></div></section>
<footer>© Новости региона, все права защищены</footer>
</body></html>"""


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_keeps_paragraphs_and_pages_and_drops_running_lines(tmp_path: Path) -> None:
    paragraphs = report_paragraphs()
    loaded = load_pdf(tmp_path / "r.pdf", make_pdf(tmp_path / "r.pdf", paragraphs).read_bytes())
    assert loaded.pages == 4
    assert [p.text for p in loaded.paragraphs] == paragraphs
    assert [p.page for p in loaded.paragraphs] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4]
    assert HEADER not in loaded.text
    for p in loaded.paragraphs:
        assert loaded.text[p.start : p.end] == p.text
    assert loaded.meta["title"] == "Отчёт о промышленности"
    assert loaded.meta["date"] == "2025-03-14"


def test_pdf_joins_a_word_hyphenated_across_a_line_end(tmp_path: Path) -> None:
    cut = "Предприятия области наращивают выпуск продук-\nции и осваивают новые рынки."
    pdf = make_pdf(
        tmp_path / "h.pdf", ["Первый абзац отчёта.", "Второй абзац."], per_page=1, hyphen=cut
    )
    loaded = load_pdf(pdf, pdf.read_bytes())
    assert loaded.paragraphs[0].text == (
        "Предприятия области наращивают выпуск продукции и осваивают новые рынки."
    )


def test_pdf_paragraph_running_onto_the_next_page_is_kept_whole(tmp_path: Path) -> None:
    pdf = make_pdf(
        tmp_path / "run.pdf",
        ["Первая страница кончается на полуслове и", "продолжается на второй странице.", "Конец."],
        per_page=1,
    )
    loaded = load_pdf(pdf, pdf.read_bytes())
    assert [(p.text, p.page) for p in loaded.paragraphs] == [
        ("Первая страница кончается на полуслове и продолжается на второй странице.", 1),
        ("Конец.", 3),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a pdf at all", "cannot be read as a PDF"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n", "cannot be read as a PDF"),
    ],
)
def test_a_broken_pdf_is_a_corpus_error_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "report.txt").write_text("Текст.", encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(content)
    with pytest.raises(CorpusError, match=rf"broken\.pdf {message}"):
        load_corpus(tmp_path)


def test_an_encrypted_pdf_is_named_unless_it_opens_without_a_password(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    for name, user_password in (("locked", "secret"), ("owner-only", "")):
        pdf = fpdf.FPDF()
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 10, "Report text.")
        pdf.set_encryption(owner_password="owner", user_password=user_password)
        pdf.output(str(tmp_path / f"{name}.pdf"))
    opened = load_pdf(tmp_path / "owner-only.pdf", (tmp_path / "owner-only.pdf").read_bytes())
    assert [p.text for p in opened.paragraphs] == ["Report text."]
    with pytest.raises(CorpusError, match=r"locked\.pdf is an encrypted PDF"):
        load_corpus(tmp_path)


def test_a_pdf_without_text_says_to_ocr_it(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)  # a drawing, no text
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(CorpusError, match=r"scan\.pdf has no text layer: OCR it first"):
        load_corpus(tmp_path)


def test_a_pdf_table_is_one_paragraph_of_rows_under_its_caption(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip(f"{FONT} is missing: apt-get install fonts-dejavu-core")
    pdf = fpdf.FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    # Justified: the layout text spaces its words by one or two, which is not a table.
    before, after = report_paragraphs()[2], "Рост обеспечен металлургией."
    pdf.multi_cell(0, 5, before, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.cell(0, 6, "Таблица 1. Производство по отраслям, млрд тенге", new_x="LMARGIN", new_y="NEXT")
    rows = [
        ("Отрасль", "2023", "2024"),
        ("Металлургия", "1 200", "1 350"),
        ("Машины", "310", "342,5"),
    ]
    with pdf.table(
        col_widths=(60, 30, 30), width=120, align="LEFT", first_row_as_headings=False
    ) as t:
        for row in rows:
            cells = t.row()
            for value in row:
                cells.cell(value)
    pdf.ln(6)
    pdf.multi_cell(0, 5, after, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "table.pdf"
    pdf.output(str(path))
    loaded = load_pdf(path, path.read_bytes())
    assert [p.text for p in loaded.paragraphs] == [
        before,
        "Таблица 1. Производство по отраслям, млрд тенге\n"
        "Отрасль | 2023 | 2024\nМеталлургия | 1 200 | 1 350\nМашины | 310 | 342,5",
        after,
    ]
    table = loaded.paragraphs[1]
    assert loaded.text[table.start : table.end] == table.text and table.page == 1


# --- DOCX ------------------------------------------------------------------------------------


def test_docx_keeps_paragraphs_headings_as_sections_and_tables_as_rows(tmp_path: Path) -> None:
    paragraphs = report_paragraphs()
    path = make_docx(tmp_path / "r.docx", paragraphs)
    loaded = load_docx(path, path.read_bytes())
    texts = [p.text for p in loaded.paragraphs]
    assert texts == [
        *paragraphs[:5],
        "Показатель | Значение\nРабочие места | 1200",
        *paragraphs[5:],
    ]
    sections = [p.section for p in loaded.paragraphs]
    assert sections == ["Промышленность"] * 5 + ["Кадры"] * (1 + len(paragraphs[5:]))
    assert all(p.page is None for p in loaded.paragraphs)
    assert loaded.meta["title"] == "Промышленность области"


def test_a_broken_docx_is_a_corpus_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "ministry.docx").write_bytes(b"PK\x03\x04 truncated zip")
    with pytest.raises(CorpusError, match=r"ministry\.docx cannot be read as a DOCX"):
        load_corpus(tmp_path)


# --- HTML ------------------------------------------------------------------------------------


def test_html_keeps_the_article_without_navigation_adverts_or_comments(tmp_path: Path) -> None:
    paragraphs = report_paragraphs()
    path = tmp_path / "news.html"
    path.write_text(make_html(paragraphs), encoding="utf-8")
    loaded = load_html(path, path.read_bytes())
    texts = [p.text for p in loaded.paragraphs]
    for p in paragraphs:
        assert p in texts
    for noise in ("Главная", "Реклама", "Вася", "все права защищены"):
        assert noise not in loaded.text
    by_text = {p.text: p for p in loaded.paragraphs}
    assert by_text[paragraphs[0]].section == "Промышленность Карагандинской области растёт"
    assert by_text[paragraphs[-1]].section == "Кадры и рабочие профессии"
    assert loaded.meta["title"] == "Промышленность Карагандинской области растёт"
    assert loaded.meta["date"] == "2025-03-14"
    assert loaded.meta["source"] == "Новости региона"


def test_a_page_without_article_text_is_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("<html><head><title>Т</title></head><body></body></html>")
    with pytest.raises(CorpusError, match=r"empty\.html has no article text"):
        load_corpus(tmp_path)


# --- the corpus: metadata, chunks, index, citations ------------------------------------------


def test_file_metadata_is_overridden_by_a_meta_json_named_after_the_whole_file(
    tmp_path: Path,
) -> None:
    paragraphs = report_paragraphs()
    (tmp_path / "news.html").write_text(make_html(paragraphs), encoding="utf-8")
    make_docx(tmp_path / "news.docx", paragraphs)
    (tmp_path / "news.html.meta.json").write_text(
        json.dumps({"title": "Своё название", "language": "ru"}), encoding="utf-8"
    )
    # The stem form belongs to text files only: it does not reach news.docx or news.html.
    (tmp_path / "news.meta.json").write_text(json.dumps({"title": "Не то"}), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Заметка.", encoding="utf-8")
    (tmp_path / "notes.txt.meta.json").write_text('{"source": "редакция"}', encoding="utf-8")
    (tmp_path / "notes.meta.json").write_text('{"title": "Заметки", "source": "x"}')
    docs = {d.id: d for d in load_corpus(tmp_path)}
    assert sorted(docs) == ["news.docx", "news.html", "notes.txt"]
    html = docs["news.html"]
    assert (html.title, html.language, html.source, html.date) == (
        "Своё название",
        "ru",
        "Новости региона",
        "2025-03-14",
    )
    assert docs["news.docx"].title == "Промышленность области"
    assert (docs["notes.txt"].title, docs["notes.txt"].source) == ("Заметки", "редакция")


def test_pages_and_sections_survive_chunking_and_the_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraphs = report_paragraphs()
    make_pdf(corpus / "report.pdf", paragraphs)
    make_docx(corpus / "report.docx", paragraphs)
    (corpus / "report.txt").write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    docs = load_corpus(corpus)
    chunks = chunk_documents(docs, max_chars=300)
    build_index(tmp_path / "index", chunks, FakeEmbedder(), {})
    stored = load_index(tmp_path / "index").chunks
    assert stored == tuple(chunks)
    pdf = [c for c in stored if c.document == "report.pdf"]
    assert {c.page for c in pdf} == {1, 2, 3, 4}
    assert all(c.section is None for c in pdf)
    assert {c.section for c in stored if c.document == "report.docx"} == {"Промышленность", "Кадры"}
    assert all(c.page is None and c.section is None for c in stored if c.document == "report.txt")
    # The text file's records are as they were before pages and sections existed.
    version = tmp_path / "index" / (tmp_path / "index" / "CURRENT").read_text().strip()
    for line in (version / "chunks.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["document"] == "report.txt":
            assert "page" not in record and "section" not in record


def open_qa(tmp_path: Path, corpus: Path) -> ReportQA:
    documents = load_corpus(corpus)
    embedder = FakeEmbedder()
    data = build_index(
        tmp_path / "index",
        chunk_documents(documents),
        embedder,
        {"corpus_hash": "test"},
        languages=document_languages(documents),
    )
    return ReportQA(Settings(corpus=corpus, index=tmp_path / "index"), documents, data, embedder)


@pytest.mark.parametrize("kind", ["pdf", "docx", "html"])
def test_the_same_question_gets_the_same_quote_from_every_format_with_its_place(
    tmp_path: Path, kind: str
) -> None:
    paragraphs = report_paragraphs()
    txt_corpus, corpus = tmp_path / "txt", tmp_path / kind
    txt_corpus.mkdir()
    corpus.mkdir()
    (txt_corpus / "report.txt").write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    if kind == "pdf":
        make_pdf(corpus / "report.pdf", paragraphs)
    elif kind == "docx":
        make_docx(corpus / "report.docx", paragraphs)
    else:
        (corpus / "report.html").write_text(make_html(paragraphs), encoding="utf-8")
    expected = open_qa(tmp_path / "a", txt_corpus).ask(QUESTION)
    qa = open_qa(tmp_path / "b", corpus)
    answer = qa.ask(QUESTION)
    assert not expected.refused and not answer.refused
    assert [c.quote for c in answer.citations] == [c.quote for c in expected.citations]
    (doc,) = qa.documents
    for c in answer.citations:
        assert doc.text[c.start : c.end] == c.quote
        paragraph = doc.paragraphs[c.paragraph - 1]
        assert (c.page, c.section) == (paragraph.page, paragraph.section)
        as_json = answer_to_dict(answer)["citations"][c.n - 1]
        if kind == "pdf":
            assert c.page == 1 + paragraphs.index(paragraph.text) // 3
            assert as_json["page"] == c.page and "section" not in as_json
        else:
            assert c.page is None and "page" not in as_json
    if kind != "pdf":
        assert any(c.section for c in answer.citations)
    # A text file's citations keep their keys.
    for c in answer_to_dict(expected)["citations"]:
        assert "page" not in c and "section" not in c


# --- reportqa list and reportqa add ----------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI on a corpus of the shipped report with the fake embedder; returns the
    runner and the embedder, whose ``embedded`` counts the texts it embedded."""
    from click.testing import CliRunner

    from reportqa.cli import main

    embedder = FakeEmbedder()
    monkeypatch.setattr("reportqa.pipeline.load_embedder", lambda _spec: embedder)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "report.txt").write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(
            main,
            [
                *args,
                "--corpus",
                str(corpus),
                "--index",
                str(tmp_path / "index"),
                "--embedding",
                embedder.name,
            ],
        )

    invoke.corpus = corpus  # type: ignore[attr-defined]
    invoke.embedder = embedder  # type: ignore[attr-defined]
    return invoke


def test_list_shows_title_pages_paragraphs_and_date(cli, tmp_path: Path) -> None:
    make_pdf(cli.corpus / "bulletin.pdf", report_paragraphs())
    result = cli("list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [
        "bulletin.pdf\tОтчёт о промышленности\tpages 4\tparagraphs 10\tdate 2025-03-14",
        "report.txt\treport\tpages -\tparagraphs 10\tdate -",
    ]
    rows = json.loads(cli("list", "--json").output)
    assert rows[0] == {
        "document": "bulletin.pdf",
        "title": "Отчёт о промышленности",
        "pages": 4,
        "paragraphs": 10,
        "date": "2025-03-14",
    }


def texts_of(chunk: Chunk) -> list[str]:
    return [chunk.text, *(s.text for s in chunk.sentences)]


def test_add_copies_files_and_embeds_only_the_new_document(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every text the fake embeds is then a passage's (the words ahead: the next test)
    monkeypatch.setenv("REPORTQA_WORD_VECTORS_AHEAD", "0")
    assert cli("index").exit_code == 0
    before = cli.embedder.embedded
    outside = tmp_path / "inbox"
    outside.mkdir()
    docx_path = make_docx(outside / "ministry.docx", report_paragraphs()[:3])
    (outside / "ministry.docx.meta.json").write_text('{"title": "Министерство"}')
    result = cli("add", str(docx_path))
    assert result.exit_code == 0, result.output
    assert "added ministry.docx: Министерство (4 paragraphs)" in result.output  # and a table
    assert "2 documents" in result.output
    # the build says what it indexes (the bar of texts embedded, with its ETA, is for terminals)
    passages = len(chunk_documents(load_corpus(cli.corpus)))
    assert f"indexing 2 documents, {passages} passages" in result.output
    assert (cli.corpus / "ministry.docx").read_bytes() == docx_path.read_bytes()
    assert (cli.corpus / "ministry.docx.meta.json").exists()
    # Its paragraphs are the report's, whose vectors are reused: only the table is embedded.
    docs = {d.id: d for d in load_corpus(cli.corpus)}
    known = {t for c in chunk_documents([docs["report.txt"]]) for t in texts_of(c)}
    new = [t for c in chunk_documents([docs["ministry.docx"]]) for t in texts_of(c)]
    fresh = [t for t in new if t not in known]
    assert fresh == ["Показатель | Значение\nРабочие места | 1200"] * 2  # a chunk, a sentence
    assert cli.embedder.embedded - before == len(set(fresh))  # a text is embedded once
    assert {c.document for c in load_index(tmp_path / "index").chunks} == {
        "report.txt",
        "ministry.docx",
    }
    again = cli("add", str(docx_path))
    assert again.exit_code == 0 and "unchanged ministry.docx" in again.output


def test_add_of_another_file_of_the_same_name_replaces_it_only_when_told(
    cli, tmp_path: Path
) -> None:
    built = cli("index")
    assert built.exit_code == 0 and "(1 document, " in built.output  # not "1 documents"
    report = (cli.corpus / "report.txt").read_bytes()
    other = tmp_path / "inbox" / "report.txt"
    other.parent.mkdir()
    other.write_text("Другой отчёт.\n\nВ Сарани открыли спортивный комплекс.", encoding="utf-8")
    refused = cli("add", str(other))
    assert refused.exit_code == 1 and "already has a document named report.txt" in refused.output
    assert "--replace" in refused.output
    assert (cli.corpus / "report.txt").read_bytes() == report  # nothing lost
    replaced = cli("add", "--replace", str(other))
    assert replaced.exit_code == 0 and "updated report.txt" in replaced.output
    assert (cli.corpus / "report.txt").read_bytes() == other.read_bytes()


def test_add_onto_an_index_of_another_model_copies_nothing(cli, tmp_path: Path) -> None:
    assert cli("index").exit_code == 0
    manifest_of = tmp_path / "index" / (tmp_path / "index" / "CURRENT").read_text().strip()
    news = tmp_path / "news.txt"
    news.write_text("Новости\n\nВ Сарани открыли спортивный комплекс.", encoding="utf-8")
    cli.embedder.name = "fake:another-model"  # what the next commands name
    result = cli("add", str(news))
    assert result.exit_code == 1 and "was built with model" in result.output
    assert not (cli.corpus / "news.txt").exists()
    assert (manifest_of / "manifest.json").exists()  # the index is as it was


def test_add_embeds_the_new_documents_words_for_other_languages(cli, tmp_path: Path) -> None:
    assert cli("index").exit_code == 0
    news = tmp_path / "news.txt"
    news.write_text("Новости\n\nВ Сарани открыли спортивный комплекс.", encoding="utf-8")
    result = cli("add", str(news))
    assert result.exit_code == 0 and "corpus words for questions in other languages" in (
        result.output
    )
    with np.load(tmp_path / "index" / "word-vectors.npz") as f:
        assert {"спортивный", "комплекс"} <= set(f["words"].tolist())


def test_add_of_a_broken_file_names_it_and_changes_nothing(cli, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Хороший отчёт.", encoding="utf-8")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"<html>not a pdf</html>")
    result = cli("add", str(good), str(bad))
    assert result.exit_code == 1
    assert "bad.pdf cannot be read as a PDF" in result.output
    assert sorted(p.name for p in cli.corpus.iterdir()) == ["report.txt"]
    unknown = tmp_path / "table.xlsx"
    unknown.write_bytes(b"x")
    result = cli("add", str(unknown))
    assert result.exit_code == 1 and "table.xlsx is not a report reportqa reads" in result.output


# --- reportqa add URL, against a server on loopback ------------------------------------------


@pytest.fixture
def site():
    """A web server on loopback: a news page, a PDF-less error, a loop, a slow and a big page."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    page = make_html(report_paragraphs()).encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/news/prom-rastet.html":
                self._send(200, "text/html; charset=utf-8", page)
            elif self.path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.end_headers()
            elif self.path == "/table.csv":
                self._send(200, "text/csv", b"a,b\n1,2\n")
            elif self.path == "/slow":
                time.sleep(1.5)
                self._send(200, "text/html", page)
            elif self.path == "/big":
                self._send(200, "text/html", b"<p>" + b"x" * 200_000 + b"</p>")
            else:
                self._send(404, "text/plain", b"no")

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_add_url_fetches_the_page_into_the_corpus(cli, site: str) -> None:
    result = cli("add", f"{site}/news/prom-rastet.html")
    assert result.exit_code == 0, result.output
    assert "added 127.0.0.1-prom-rastet.html: Промышленность Карагандинской области растёт" in (
        result.output
    )
    (doc,) = [d for d in load_corpus(cli.corpus) if d.id.endswith(".html")]
    assert doc.paragraphs[0].text == report_paragraphs()[0]
    assert "2 documents" in result.output


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "answered HTTP 404"),
        ("/loop", "redirects too many times"),
        ("/table.csv", "is text/csv, not a web page or a PDF"),
        ("/slow", "did not answer within 0.5 s"),
        ("/big", "is larger than 0.1 MB"),
    ],
)
def test_a_bad_url_is_a_corpus_error_naming_it(
    tmp_path: Path, site: str, path: str, message: str
) -> None:
    from reportqa.index.fetch import fetch

    with pytest.raises(CorpusError, match=rf"{re.escape(site + path)} {message}"):
        fetch(site + path, tmp_path, timeout=0.5, max_bytes=100_000)
    assert list(tmp_path.iterdir()) == []


def test_add_of_a_bad_url_changes_nothing(cli, site: str) -> None:
    result = cli("add", f"{site}/missing")
    assert result.exit_code == 1 and "answered HTTP 404" in result.output
    assert sorted(p.name for p in cli.corpus.iterdir()) == ["report.txt"]


def test_a_citation_with_its_page_comes_back_as_history_and_feedback(tmp_path: Path) -> None:
    """The chat page and the widget send an answer's citations back as they got them."""
    from reportqa.dialogue.turns import read_history
    from reportqa.web.schemas import FeedbackCitation

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "report.pdf", report_paragraphs())
    answer = open_qa(tmp_path, corpus).ask(QUESTION)
    cited = answer_to_dict(answer)["citations"][0]
    assert cited["page"] == answer.citations[0].page is not None
    turns = [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": answer.answer, "citations": [cited]},
    ]
    (_, said) = read_history(turns, 10, 10_000).turns
    assert said.citations[0] == answer.citations[0]
    assert FeedbackCitation.model_validate(cited).page == cited["page"]


def test_add_copies_a_text_files_stem_metadata_too(cli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("Заметка о заводе.", encoding="utf-8")
    (tmp_path / "notes.meta.json").write_text('{"title": "Заметки"}', encoding="utf-8")
    result = cli("add", str(tmp_path / "notes.txt"))
    assert result.exit_code == 0, result.output
    assert "added notes.txt: Заметки (1 paragraph)" in result.output
    assert (cli.corpus / "notes.meta.json").read_text(encoding="utf-8") == '{"title": "Заметки"}'


# --- the progress bar of an index build ------------------------------------------------------


def test_a_build_reports_the_texts_it_embeds(tmp_path: Path) -> None:
    documents = load_corpus(REPORT.parent)
    chunks = chunk_documents(documents)
    seen: list[tuple[int, int]] = []
    embedder = FakeEmbedder()
    build_index(tmp_path, chunks, embedder, {}, embedded=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (embedder.embedded, embedder.embedded)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    seen.clear()
    build_index(tmp_path, chunks, embedder, {}, embedded=lambda d, t: seen.append((d, t)))
    assert seen == []  # everything reused: nothing to show


def test_the_bar_is_drawn_on_a_terminal_only(cli) -> None:
    import io

    from reportqa.cli import _EmbeddingBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = _EmbeddingBar(screen)
    bar(64, 100)
    bar(100, 100)
    assert "reportqa: embedding" in screen.getvalue() and "100/100" in screen.getvalue()
    result = cli("index")  # CliRunner's standard error is not a terminal
    assert result.exit_code == 0 and "reportqa: embedding" not in result.output
    assert "embedded" in result.output  # the plain progress lines are still there


def test_a_file_over_the_size_limit_is_named(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    big = inbox / "big.txt"
    big.write_text("Абзац отчёта.\n\n" * 10_000, encoding="utf-8")  # about 0.3 MB
    with pytest.raises(CorpusError, match=r"big\.txt is 0\.3 MB, over the limit of 0\.1 MB"):
        load_corpus(inbox, max_mb=0.1)
    assert len(load_corpus(inbox, max_mb=1)) == 1
    monkeypatch.setenv("REPORTQA_MAX_FILE_MB", "0.1")
    result = cli("add", str(big))
    assert result.exit_code == 1 and "REPORTQA_MAX_FILE_MB" in result.output
    assert sorted(p.name for p in cli.corpus.iterdir()) == ["report.txt"]
