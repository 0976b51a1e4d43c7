"""The web layer's pure parts: language choice, escaping, rendering, references, export, the report
view, the framing directive and the feedback log. No server, no browser; real documents from the
shipped corpus where the text matters."""

from __future__ import annotations

import json
import re
import socket
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reportqa.errors import ReportQAError
from reportqa.index.corpus import load_corpus, split_paragraphs
from reportqa.models import (
    Answer,
    Citation,
    Comparison,
    Document,
    SeeAlso,
    ShortAnswer,
    Unsupported,
    Verdict,
)
from reportqa.web.checkview import verdict_html
from reportqa.web.export import conversation_markdown, reference_text
from reportqa.web.feedback import FeedbackLog, FeedbackRecord
from reportqa.web.i18n import _STRINGS, LANGUAGES, pick_language, strings, t
from reportqa.web.markup import escape_html, escape_markdown, report_href
from reportqa.web.middleware import frame_ancestors_directive
from reportqa.web.render import answer_body, answer_markdown, passage_html, sources_html
from reportqa.web.report import parse_range, report_page
from reportqa.web.server import bind, describe_urls

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']


@pytest.fixture(scope="module")
def document() -> Document:
    return load_corpus(CORPUS)[0]


def cite(document: Document, quote: str, n: int = 1) -> Citation:
    start = document.text.index(quote)
    paragraph = next(p.number for p in document.paragraphs if p.start <= start < p.end)
    return Citation(
        n, document.id, document.title, paragraph, quote, start, start + len(quote), 0.9
    )


QUOTE = "В области работают 8 вузов и 52 колледжа, из которых 40 реализуют дуальное обучение."
TYRES = (
    "Например, в 2024 году произведено 1400 единиц автобусов и спецтехники, 131 тысяча единиц "
    "бытовой техники и 372 тысячи шин."
)


def with_short(document: Document, quote: str, span: str, n: int = 1) -> Answer:
    """An extractive answer to a question of amount: ``span`` of ``quote`` first, as the
    extractive answerer writes it ("372 тысячи шин — «…» [1]")."""
    c = cite(document, quote, n)
    start = document.text.index(span, c.start)
    short = ShortAnswer(span, document.id, start, start + len(span), n)
    return Answer(
        "Сколько шин?", f"{span} — «{quote}» [{n}]", False, "ru", citations=(c,), short_answer=short
    )


# Language ------------------------------------------------------------------------------------


def test_every_ui_string_exists_in_every_language() -> None:
    missing = [
        (key, lang) for key, row in _STRINGS.items() for lang in LANGUAGES if not row.get(lang)
    ]
    assert missing == []
    assert strings("kk")["not_in_report"] == "Есепте бұл туралы айтылмаған."


@pytest.mark.parametrize(
    ("header", "explicit", "expected"),
    [
        (None, None, "ru"),
        ("en-US,en;q=0.9", None, "en"),
        ("kk-KZ,ru;q=0.8,en;q=0.5", None, "kk"),
        ("de-DE,de;q=0.9,en;q=0.4,ru;q=0.6", None, "ru"),  # q-values, not order, decide
        ("fr, de", None, "ru"),
        ("en;q=0, kk;q=0.1", None, "kk"),
        ("garbage;q=x,en", None, "en"),
        ("en-US", "kk", "kk"),
        ("en-US", "xx", "en"),
    ],
)
def test_pick_language(header: str | None, explicit: str | None, expected: str) -> None:
    assert pick_language(header, explicit) == expected


def test_t_fills_fields_and_falls_back_to_russian() -> None:
    assert t("kk", "paragraph", n=3) == "3-абзац"
    assert t("xx", "paragraph", n=3) == "абзац 3"


# Escaping ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", XSS)
def test_escape_markdown_leaves_no_tag(text: str) -> None:
    escaped = escape_markdown(text)
    assert "<" not in escaped and ">" not in escaped
    assert "&lt;" in escaped


def test_escape_markdown_neutralises_markdown_syntax() -> None:
    escaped = escape_markdown(
        "# h\n- item\n1. one\n[link](javascript:alert(1)) *em* `code` $$x$$ |t|"
    )
    assert escaped.splitlines()[:3] == ["\\# h", "\\- item", "1\\. one"]
    assert "\\[link\\](javascript:alert(1))" in escaped
    for syntax in ("\\*em\\*", "\\`code\\`", "\\$\\$x\\$\\$", "\\|t\\|"):
        assert syntax in escaped
    # Prose punctuation stays readable in exported files.
    assert escape_markdown("Да, 6,6% — рост.") == "Да, 6,6% — рост."


def test_escape_html_escapes_quotes_for_attributes() -> None:
    assert escape_html('"><b>') == "&quot;&gt;&lt;b&gt;"


def test_report_href_is_relative_with_range_and_anchor() -> None:
    assert report_href("a b.txt", 3, 10, 20) == "report?doc=a+b.txt&hl=10-20#p3"
    assert report_href("a.txt", 2) == "report?doc=a.txt#p2"
    assert report_href("a.txt", 2, 5, 5) == "report?doc=a.txt#p2"


# Rendering -----------------------------------------------------------------------------------


def test_answer_markdown_links_cited_markers_only(document: Document) -> None:
    c = cite(document, QUOTE)
    answer = Answer("q", f"Согласно отчёту: «{QUOTE}» [1] [7]", False, "ru", citations=(c,))
    text = answer_markdown(answer, 4, "ru")
    assert "[\\[1\\]](#src-4-1)" in text
    assert "\\[7\\]" in text and "#src-4-7" not in text


def test_answer_markdown_refusal_shows_warning_and_see_also(document: Document) -> None:
    see = SeeAlso(document.id, document.title, 6, "текст", 0.3)
    answer = Answer("q", "В отчёте нет ответа на этот вопрос.", True, "ru", see_also=(see,))
    text = answer_markdown(answer, 1, "en")
    assert text.startswith("⚠️ **В отчёте нет ответа на этот вопрос.**")
    assert "See also: [paragraph 6](report?doc=karaganda-industry.txt#p6)" in text


def test_answer_markdown_shows_unsupported_sentences_and_notice() -> None:
    answer = Answer(
        "q",
        "Текст [1]",
        False,
        "ru",
        mode="generative",
        grounded=False,
        unsupported=(Unsupported("Выдумка <b>", "no figure"),),
        notice="LLM timed out",
    )
    text = answer_markdown(answer, 1, "en")
    assert "⚠️ _Written by a language model; not all of it is supported" in text
    assert "❌ _Not supported by the report: Выдумка &lt;b&gt;_ (reason: no figure)" in text
    assert text.endswith("ℹ️ _Note: LLM timed out_")
    grounded = answer_markdown(replace(answer, grounded=True, unsupported=()), 1, "kk")
    assert "✅ _Жауапты тілдік модель құрастырды; әр сөйлем есеппен салыстырылды._" in grounded
    assert "❌" not in grounded
    extractive = answer_markdown(replace(answer, mode="extractive", notice=None), 1, "en")
    assert "language model" not in extractive and "ℹ️" not in extractive


def test_answer_markdown_shows_the_short_answer_in_bold_before_the_quote(
    document: Document,
) -> None:
    answer = with_short(document, TYRES, "372 тысячи шин")
    first, second = answer_markdown(answer, 2, "ru").split("\n\n")
    # Its own line, bold, with the marker of the quote it stands in; then the quote, not repeated.
    assert first == "**372 тысячи шин** [\\[1\\]](#src-2-1)"
    assert second == f"«{TYRES}» [\\[1\\]](#src-2-1)"
    assert answer.answer.startswith("372 тысячи шин — ")  # the Answer keeps the whole text
    plain = answer_markdown(replace(answer, short_answer=None), 2, "ru")
    assert "**" not in plain and plain.startswith("372 тысячи шин — «")


def test_answer_markdown_escapes_the_short_answer_and_leaves_refusals_alone(
    document: Document,
) -> None:
    answer = with_short(document, TYRES, "372 тысячи шин")
    assert answer.short_answer is not None
    short = replace(answer.short_answer, text="<b>*5*</b>", citation=3)  # marker [3] not cited
    text = answer_markdown(replace(answer, short_answer=short), 1, "en")
    assert text.startswith("**&lt;b&gt;\\*5\\*&lt;/b&gt;** \\[3\\]\n\n")
    assert "#src-1-3" not in text
    refused = replace(answer, answer="В отчёте нет ответа на этот вопрос.", refused=True)
    assert answer_markdown(refused, 1, "ru") == "⚠️ **В отчёте нет ответа на этот вопрос.**"


def test_answer_body_drops_only_the_span_and_dash_the_text_starts_with(
    document: Document,
) -> None:
    answer = with_short(document, TYRES, "372 тысячи шин")
    assert answer_body(answer) == f"«{TYRES}» [1]"
    generative = replace(answer, answer="В 2024 году выпущено 372 тысячи шин [1].")
    assert answer_body(generative) == generative.answer
    glued = replace(answer, answer=f"372 тысячи шин-«{TYRES}» [1]")  # no spaced dash
    assert answer_body(glued) == glued.answer
    assert answer_body(replace(answer, answer="372 тысячи шин — ")) == "372 тысячи шин — "


def test_sources_html_highlights_the_quote_and_escapes_the_question(document: Document) -> None:
    c = cite(document, QUOTE)
    answers = [Answer(XSS[1], f"«{QUOTE}» [1]", False, "ru", citations=(c,))]
    html = sources_html(answers, {document.id: document}, "ru")
    assert f"<mark>{QUOTE}</mark>" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'id="src-1-1"' in html and "абзац 10" in html
    assert f'href="report?doc=karaganda-industry.txt&amp;hl={c.start}-{c.end}#p10"' in html
    reference = reference_text(
        document=document, title=c.title, paragraph=10, quote=QUOTE, lang="ru"
    )
    assert f'data-ref="{escape_html(reference)}"' in html


def test_sources_html_newest_turn_first_and_open(document: Document) -> None:
    c = cite(document, QUOTE)
    answers = [Answer(f"q{i}", "[1]", False, "ru", citations=(c,)) for i in (1, 2)]
    html = sources_html(answers, {document.id: document}, "ru")
    assert html.index('id="rq-turn-2" open') < html.index('id="rq-turn-1"')
    assert 'id="rq-turn-1" open' not in html


def test_sources_html_refusal_banner(document: Document) -> None:
    see = SeeAlso(document.id, document.title, 6, "x" * 2000, 0.3)
    html = sources_html(
        [Answer("q", "нет", True, "ru", see_also=(see,))], {document.id: document}, "kk"
    )
    assert (
        '<div class="rq-refused" role="status"><strong>Есепте бұл туралы айтылмаған.</strong>'
        in html
    )
    assert "Сондай-ақ қараңыз" in html and "x" * 2000 not in html


def test_passage_html_cuts_long_paragraphs_at_spaces() -> None:
    words = " ".join(f"w{i}" for i in range(400))
    text = f"{words} ЦИТАТА здесь. {words}"
    doc = Document("d.txt", "T", text, split_paragraphs(text))
    start = text.index("ЦИТАТА")
    html = passage_html(doc, 1, start, start + len("ЦИТАТА здесь."))
    before, rest = html.split("<mark>")
    assert before.startswith("… w") and rest.endswith(" …")
    assert len(html) < 2 * 320 + 60
    assert passage_html(doc, 99, 0, 1) == ""


# References and export -----------------------------------------------------------------------


# Fact-check tab ------------------------------------------------------------------------------

# The only tags the fact-check panel writes itself.
CHECK_TAGS = {"div", "span", "q", "p", "a", "h4", "table", "thead", "tbody", "tr", "th", "td"}
CHECK_TAGS |= {"article", "blockquote", "mark", "button"}


@pytest.mark.parametrize("xss", XSS)
def test_verdict_html_escapes_claim_explanation_figures_and_quotes(
    document: Document, xss: str
) -> None:
    c = cite(document, QUOTE)
    verdict = Verdict(
        claim=xss,
        verdict="contradicted",
        language="en",
        explanation=f"Contradicted: claimed {xss}; the report says 52 колледжа [1]. See [7].",
        evidence=(c,),
        comparisons=(
            Comparison(xss, "52 колледжа", False, 1, "value"),
            Comparison("8 вузов", xss, True, 1, ""),
            Comparison("1", None, None, None, "missing"),
        ),
    )
    html = verdict_html(verdict, {document.id: document}, "ru")
    assert set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html)) <= CHECK_TAGS
    assert html.count(escape_html(xss)) == 4  # the claim, the explanation, two table cells
    assert '<span class="rq-badge rq-badge-contradicted" role="status">Опровергается</span>' in html
    # a marker links to its evidence card; one without a card stays plain text
    assert '<a class="rq-ref" href="#src-check-1">[1]</a>' in html
    assert "See [7]." in html and 'href="#src-check-7"' not in html
    # the table: claimed | reported [n] | match, with the reason in the page's language
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    assert len(rows) == 4  # the head and three comparisons
    assert '>✗</span> <span class="rq-reason">другое значение</span>' in rows[1]
    assert ">✓</span></td>" in rows[2] and "rq-reason" not in rows[2]
    assert "<td>—</td>" in rows[3] and "в отчёте такой цифры нет" in rows[3]
    # the evidence card: the quote highlighted, a link to its paragraph with the range
    assert 'id="src-check-1"' in html and f"<mark>{QUOTE}</mark>" in html
    href = report_href(document.id, c.paragraph, c.start, c.end)
    assert f'href="{escape_html(href)}"' in html and href.endswith("#p10")


@pytest.mark.parametrize(
    ("lang", "verdict", "label"),
    [
        ("ru", "supported", "Подтверждается"),
        ("kk", "contradicted", "Теріске шығарылады"),
        ("en", "not_found", "Not found in the report"),
    ],
)
def test_verdict_html_badge_in_the_page_language(lang: str, verdict: str, label: str) -> None:
    html = verdict_html(Verdict("c", verdict, "ru", "E."), {}, lang)
    assert f'rq-badge-{verdict}" role="status">{label}</span>' in html
    assert "<table" not in html and "rq-evidence" not in html  # nothing to compare or quote


def test_verdict_html_empty_state() -> None:
    assert verdict_html(None, {}, "en").startswith(
        '<div class="rq-check rq-empty"><p>Enter a claim'
    )


def test_reference_text(document: Document) -> None:
    text = reference_text(
        document=document, title="T", paragraph=3, quote="Q", lang="en", url="http://x/"
    )
    assert text == "BAQ.kz, “T”, 2025, paragraph 3: “Q” http://x/"
    bare = Document("d.txt", "T", "x", split_paragraphs("x"))
    assert (
        reference_text(document=bare, title="T", paragraph=1, quote="Q", lang="ru")
        == "«T», абзац 1: «Q»"
    )


def test_conversation_markdown(document: Document) -> None:
    c = cite(document, QUOTE)
    answers = [
        Answer("Сколько вузов? <b>", f"«{QUOTE}» [1]", False, "ru", citations=(c,)),
        Answer(
            "Население?",
            "В отчёте нет ответа на этот вопрос.",
            True,
            "ru",
            see_also=(SeeAlso(document.id, document.title, 6, "t", 0.3),),
        ),
    ]
    md = conversation_markdown(
        answers,
        {document.id: document},
        corpus_hash="abc123",
        base_url="http://h:1",
        lang="ru",
        exported_at=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
    )
    assert "`sha256:abc123`" in md and "2025-01-02 03:04 UTC" in md
    assert "## 1\\. Сколько вузов? &lt;b&gt;" in md
    assert f"> \\[1\\] «{QUOTE}»" in md
    assert f"(http://h:1/report?doc=karaganda-industry.txt&hl={c.start}-{c.end}#p10)" in md
    assert "**В отчёте об этом не сказано.**" in md
    assert "Смотрите также: [абзац 6](http://h:1/report?doc=karaganda-industry.txt#p6)" in md


def test_conversation_markdown_has_the_short_answer_in_bold_and_the_whole_text(
    document: Document,
) -> None:
    answer = with_short(document, TYRES, "372 тысячи шин")
    md = conversation_markdown(
        [answer], {document.id: document}, corpus_hash="h", base_url="http://h:1", lang="ru"
    )
    bold = "**372 тысячи шин** \\[1\\]"
    whole = f"372 тысячи шин — «{TYRES}» \\[1\\]"
    assert f"\n\n{bold}\n\n{whole}\n\n" in md
    assert md.index(bold) < md.index(f"> \\[1\\] «{TYRES}»")
    plain = conversation_markdown(
        [replace(answer, short_answer=None)],
        {document.id: document},
        corpus_hash="h",
        base_url="http://h:1",
        lang="ru",
    )
    assert "**372" not in plain and whole in plain


# Report view ---------------------------------------------------------------------------------


def test_parse_range() -> None:
    assert parse_range("10-20", 100) == (10, 20)
    assert parse_range("10-2000", 100) == (10, 100)
    for bad in (None, "", "abc", "20-10", "5-5", "-1-3", "1-2-3", "9999999999-1"):
        assert parse_range(bad, 100) is None


def test_report_page_anchors_every_paragraph_and_marks_the_range(document: Document) -> None:
    c = cite(document, QUOTE)
    html = report_page(document, "en", "hash", highlight=(c.start, c.end), documents=[document])
    anchors = re.findall(r'<p id="p(\d+)" class="para', html)
    assert [int(a) for a in anchors] == [p.number for p in document.paragraphs]
    assert f"<mark>{QUOTE}</mark>" in html
    assert '<p id="p10" class="para cited">' in html
    assert "<script" not in html
    assert "The cited passage is highlighted." in html


def test_report_page_escapes_document_text() -> None:
    text = "<script>alert(1)</script>\n\nsecond"
    doc = Document("d.txt", "<b>T</b>", text, split_paragraphs(text))
    html = report_page(doc, "ru", "h", documents=[doc])
    assert "<script>alert" not in html and "&lt;b&gt;T&lt;/b&gt;" in html


# Framing, server helpers, feedback -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sources", "directive"),
    [
        (("*",), "frame-ancestors *"),
        (("self", "https://news.example.kz"), "frame-ancestors 'self' https://news.example.kz"),
        (("'self'", "self"), "frame-ancestors 'self'"),
        (("none", "https://a.example"), "frame-ancestors 'none'"),
        ((), "frame-ancestors 'none'"),
        (("https://*.example.kz:8443",), "frame-ancestors https://*.example.kz:8443"),
    ],
)
def test_frame_ancestors_directive(sources: tuple[str, ...], directive: str) -> None:
    assert frame_ancestors_directive(sources) == directive


@pytest.mark.parametrize("bad", ["https://a.example; script-src *", "a b", "'unsafe-inline'"])
def test_frame_ancestors_directive_refuses_injection(bad: str) -> None:
    with pytest.raises(ReportQAError, match="REPORTQA_FRAME_ANCESTORS"):
        frame_ancestors_directive([bad])


def test_describe_urls() -> None:
    lines = describe_urls("0.0.0.0", 7860)
    assert lines[0] == "Chat page: http://127.0.0.1:7860/"
    assert any(line.startswith("Widget:    http://127.0.0.1:7860/widget") for line in lines)
    assert any("POST http://127.0.0.1:7860/api/ask" in line for line in lines)
    assert "all interfaces" in lines[-1]


def test_bind_reports_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(ReportQAError, match="pass another --port"):
            bind("127.0.0.1", busy.getsockname()[1])


def test_feedback_log_appends_whole_lines_from_many_threads(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "sub" / "feedback.jsonl")
    cited = ({"n": 1, "quote": "«цитата»\n", "paragraph": 3},)

    def write(i: int) -> None:
        for _ in range(25):
            log.append(
                FeedbackRecord(
                    "up" if i % 2 else "down", "api", f"q{i}", "a" * 5000, False, cited, "h"
                )
            )

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = (tmp_path / "sub" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 200
    assert records[0]["citations"] == [{"n": 1, "quote": "«цитата»\n", "paragraph": 3}]
    assert {r["rating"] for r in records} == {"up", "down"}


def test_feedback_log_unwritable_is_a_reportqa_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    log = FeedbackLog(tmp_path / "file" / "feedback.jsonl")
    with pytest.raises(ReportQAError, match="REPORTQA_FEEDBACK_LOG"):
        log.append(FeedbackRecord("up", "api", "q", "a", False, (), "h"))


def test_feedback_record_rejects_other_ratings() -> None:
    with pytest.raises(ValueError, match="rating"):
        FeedbackRecord("meh", "api", "q", "a", False, (), "h")


def test_report_page_anchors_each_pdf_page_before_the_paragraph_that_starts_on_it() -> None:
    text = "first\n\nsecond\n\nthird"
    paragraphs = [
        replace(p, page=page) for p, page in zip(split_paragraphs(text), (1, 1, 3), strict=True)
    ]
    html = report_page(Document("r.pdf", "T", text, paragraphs), "ru", "hash")
    assert re.findall(r'id="page-(\d+)"', html) == ["1", "2", "3"]  # page 2 starts no paragraph
    assert html.index('id="page-3"') < html.index('id="p3"') and "страница 3" in html
    # a text without pages has none
    plain = report_page(Document("r.txt", "T", text, split_paragraphs(text)), "ru", "hash")
    assert "page-" not in plain
