"""Issue 10's indexing targets: a PDF against the same text as ``.txt``, and re-indexing after one
document is added to a corpus of many.

1. **Throughput.** A PDF of ``--pages`` pages (the shipped report's paragraphs, three to a page,
   each page's made distinct by its number so that no text is embedded once for two pages),
   built with fpdf2 and DejaVu Sans; and a ``.txt`` holding the very text the PDF loader
   extracts from it, so both have the same passages. Each is indexed from nothing through
   ``ReportQA.open``, as ``reportqa index`` does, after a warm-up build. Prints passages per
   second of each and their ratio (target: the PDF at 0.80 or more of the ``.txt``).
2. **Re-indexing.** A corpus of ``--documents`` small ``.txt`` documents is indexed; one more is
   added (``add_to_corpus``, as ``reportqa add`` does) and the index brought up to date. Prints the
   texts embedded and reused (target: only the new document's texts are embedded).
3. **Answers** (``--answers``, instead of 1 and 2). The shipped report as ``.txt``, and as a PDF,
   a DOCX and an HTML page built by the builders of ``tests/test_loaders.py`` (so the benchmark
   and the tests read the same files), each indexed with the default model in a folder of its
   own; every question of ``../shared/eval/report-dev.jsonl`` is asked of each. Prints, per
   format, how many answers quote the same sentences as the ``.txt`` answer, make the same
   refusal decision and give the same short answer, and the ids of the questions that differ
   (target: all the same). Skips, saying so, when the dev set is absent.

    python benchmarks/bench_formats.py [--pages 100] [--documents 50]
    python benchmarks/bench_formats.py --answers

Needs fpdf2 and ``/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf`` (Debian's fonts-dejavu-core);
``--answers`` also needs pytest and python-docx (the test builders use them).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from reportqa import Answer, ReportQA, Settings
from reportqa.index.corpus import add_to_corpus
from reportqa.index.loaders import load_pdf

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "corpus" / "karaganda-industry.txt"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEV = ROOT.parent / "shared" / "eval" / "report-dev.jsonl"


def paragraphs() -> list[str]:
    return [p.strip() for p in REPORT.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def make_pdf(path: Path, pages: int) -> None:
    import fpdf

    source = paragraphs()
    pdf = fpdf.FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    for number in range(1, pages + 1):
        pdf.add_page()
        for k in range(3):
            text = source[(3 * number + k) % len(source)]
            pdf.multi_cell(0, 5, f"Раздел {number}.{k + 1}. {text}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
    pdf.output(str(path))


def build(corpus: Path, index: Path) -> tuple[int, float]:
    """Passages indexed, and the seconds ``ReportQA.open`` took to build them from nothing."""
    started = time.perf_counter()
    qa = ReportQA.open(Settings(corpus=corpus, index=index))
    return int(qa.data.manifest["counts"]["chunks"]), time.perf_counter() - started


def throughput(work: Path, pages: int) -> None:
    warm = work / "warm"
    warm.mkdir()
    (warm / "a.txt").write_text("Тёплый запуск.\n\nВторой абзац.", encoding="utf-8")
    build(warm, work / "warm-index")  # loads the model, so neither measured build pays for it

    pdf_corpus, txt_corpus = work / "pdf", work / "txt"
    pdf_corpus.mkdir()
    txt_corpus.mkdir()
    pdf = pdf_corpus / "report.pdf"
    make_pdf(pdf, pages)
    text = load_pdf(pdf, pdf.read_bytes()).text
    (txt_corpus / "report.txt").write_text(text, encoding="utf-8")
    results = {}
    for name, corpus in (("txt", txt_corpus), ("pdf", pdf_corpus)):
        passages, seconds = build(corpus, work / f"{name}-index")
        results[name] = passages / seconds
        print(f"{name}: {passages} passages in {seconds:.1f} s = {passages / seconds:.1f} per s")
    print(f"pdf / txt passages per second: {results['pdf'] / results['txt']:.2f} (target >= 0.80)")


def reindexing(work: Path, documents: int) -> None:
    source = paragraphs()
    corpus, inbox = work / "many", work / "inbox"
    corpus.mkdir()
    inbox.mkdir()
    for i in range(documents):
        body = "\n\n".join(
            f"Документ {i}, часть {k}. {source[(i + k) % len(source)]}" for k in (1, 2)
        )
        (corpus / f"doc-{i:03d}.txt").write_text(body, encoding="utf-8")
    build(corpus, work / "many-index")
    new = inbox / "new.txt"
    new.write_text(f"Новый документ. {source[0]}\n\nЕщё абзац. {source[1]}", encoding="utf-8")
    add_to_corpus(corpus, [new])
    said: list[str] = []
    ReportQA.open(Settings(corpus=corpus, index=work / "many-index"), progress=said.append)
    line = next(m for m in said if m.startswith("embedded "))
    fresh, reused = (int(n) for n in re.findall(r"(?:embedded|reused) (\d+)", line))
    print(f"after adding 1 document to {documents}: {line}")
    # The new document's 2 passages, and of their sentences the 2 no other document has.
    print(f"texts embedded: {fresh} (expected 4, the new document's), reused: {reused}")


def same(a: Answer, b: Answer) -> tuple[bool, bool, bool]:
    """Whether ``b`` quotes the same sentences as ``a``, refuses alike, gives the same short
    answer (both none counts as the same)."""
    quotes = [c.quote for c in a.citations] == [c.quote for c in b.citations]
    short_a = a.short_answer.text if a.short_answer else None
    short_b = b.short_answer.text if b.short_answer else None
    return quotes, a.refused == b.refused, short_a == short_b


def answers(work: Path) -> None:
    if not DEV.exists():
        print(f"answers: skipped, {DEV} is missing (the dev set lies beside the checkout)")
        return
    # The builders the loader tests use, so that the files compared here are the ones tested.
    sys.path.insert(0, str(ROOT))
    from tests.test_loaders import make_docx, make_html, make_pdf, report_paragraphs

    questions = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    source = report_paragraphs()
    corpora = {kind: work / kind for kind in ("txt", "pdf", "docx", "html")}
    for folder in corpora.values():
        folder.mkdir()
    (corpora["txt"] / "report.txt").write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    make_pdf(corpora["pdf"] / "report.pdf", source)
    make_docx(corpora["docx"] / "report.docx", source)
    (corpora["html"] / "report.html").write_text(make_html(source), encoding="utf-8")
    asked: dict[str, list[Answer]] = {}
    for kind, corpus in corpora.items():
        qa = ReportQA.open(Settings(corpus=corpus, index=work / f"{kind}-index"))
        asked[kind] = [qa.ask(q["question"]) for q in questions]
    base = asked["txt"]
    print(
        f"txt: {len(questions)} dev questions, {sum(not a.refused for a in base)} answered, "
        f"{sum(a.short_answer is not None for a in base)} with a short answer; "
        "each format's answers compared with these"
    )
    for kind in ("pdf", "docx", "html"):
        checks = [same(a, b) for a, b in zip(asked["txt"], asked[kind], strict=True)]
        quotes, refusals, shorts = (sum(c[i] for c in checks) for i in range(3))
        differ = [q["id"] for q, c in zip(questions, checks, strict=True) if not all(c)]
        n = len(questions)
        print(
            f"{kind}: same quotes {quotes}/{n}, same refusal {refusals}/{n}, "
            f"same short answer {shorts}/{n}; differ: {', '.join(differ) or 'none'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument(
        "--answers", action="store_true", help="compare dev answers across formats instead"
    )
    args = parser.parse_args()
    if not FONT.exists():
        sys.exit(f"{FONT} is missing: apt-get install fonts-dejavu-core")
    with tempfile.TemporaryDirectory(prefix="reportqa-formats-") as tmp:
        if args.answers:
            answers(Path(tmp))
            return
        throughput(Path(tmp), args.pages)
        reindexing(Path(tmp), args.documents)


if __name__ == "__main__":
    main()
