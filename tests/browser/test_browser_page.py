"""The chat page at ``/`` in headless Chromium: answers with clickable markers, the sources panel
with the highlighted quote, the refusal state, markup typed as questions, the language, feedback,
export, and the link into the full report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from reportqa.web.app import create_app
from reportqa.web.export import reference_text
from reportqa.web.live import LiveServer

pytestmark = pytest.mark.browser

QUESTION = "Сколько вузов в области?"
QUOTE = "В области работают 8 вузов и 52 колледжа, из которых 40 реализуют дуальное обучение."
XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def open_page(new_page: Callable[..., Any], url: str, **kwargs: Any) -> Any:
    page = new_page(**kwargs)
    page.goto(url + "/")
    page.wait_for_selector("#rq-question textarea")
    return page


def ask(page: Any, question: str, turn: int) -> None:
    box = page.locator("#rq-question textarea")
    box.fill(question)
    box.press("Enter")
    # One server update carries the chat, the sources panel and the export, but the browser
    # may paint them on different frames: wait for the source card and the chat message both.
    page.wait_for_selector(f"#rq-turn-{turn}")
    expect(page.locator("#rq-chat [data-testid='bot']")).to_have_count(turn)


def test_answer_shows_marker_and_highlighted_quote(
    new_page: Callable[..., Any], web: Any, screenshot: Callable[..., Any]
) -> None:
    page = open_page(new_page, web.url)
    ask(page, QUESTION, 1)
    bot = page.locator("#rq-chat [data-testid='bot']").last
    assert QUOTE in bot.inner_text()
    # The short answer first, in bold with its marker, then the quote with its own.
    short = web.qa.ask(QUESTION).short_answer
    assert short is not None and short.citation == 1
    bold = bot.locator("strong").first
    assert bold.inner_text() == short.text
    assert bot.inner_text().index(short.text) < bot.inner_text().index(QUOTE)
    markers = bot.locator('a[href="#src-1-1"]')
    expect(markers).to_have_count(2)
    assert markers.all_inner_texts() == ["[1]", "[1]"]
    # Its marker is on its line (the first link), the quote's after the quote.
    assert bold.locator("xpath=..").locator('a[href="#src-1-1"]').count() == 1
    marker = markers.last
    card = page.locator("#src-1-1")
    assert card.locator("mark").inner_text() == QUOTE
    assert "абзац 10" in card.locator(".rq-head").inner_text()
    screenshot(page, "page-answer.png")

    marker.click()  # opens and flashes its card, without leaving the page
    page.wait_for_function("document.getElementById('src-1-1').classList.contains('rq-flash')")
    assert page.url.rstrip("/") == web.url

    card.locator("button.rq-copy").click()
    citation = web.qa.ask(QUESTION).citations[0]
    document = web.qa.documents[0]
    link = f"{web.url}/report?doc={document.id}&hl={citation.start}-{citation.end}#p10"
    expected = reference_text(
        document=document, title=citation.title, paragraph=10, quote=QUOTE, lang="ru", url=link
    )
    assert card.locator("button.rq-copy").get_attribute("data-copied") == expected

    with page.context.expect_page() as opened:  # the paragraph link opens a new tab
        card.locator("a.rq-para").click()
    report = opened.value
    report.wait_for_load_state()
    assert report.url == link
    assert report.locator("#p10 mark").inner_text() == QUOTE
    assert report.evaluate("location.hash") == "#p10"
    screenshot(report, "report-cited.png", full_page=False)


def test_refusal_is_a_visible_state(
    new_page: Callable[..., Any], web: Any, screenshot: Callable[..., Any]
) -> None:
    page = open_page(new_page, web.url)
    page.locator("#rq-examples button", has_text="численность населения").click()
    page.wait_for_selector("#rq-turn-1")
    expect(page.locator("#rq-chat [data-testid='bot']")).to_have_count(1)
    assert page.locator("#rq-sources .rq-refused").inner_text() == "В отчёте об этом не сказано."
    assert page.locator("#rq-sources .rq-see-also").count() >= 1
    bot = page.locator("#rq-chat [data-testid='bot']").last
    assert bot.inner_text().startswith("⚠️ В отчёте нет ответа")
    assert bot.locator("a", has_text="абзац").count() >= 1
    screenshot(page, "page-refused.png")


def test_markup_in_questions_renders_as_text(new_page: Callable[..., Any], web: Any) -> None:
    page = open_page(new_page, web.url)
    for turn, question in enumerate(XSS, 1):
        ask(page, question, turn)
        user = page.locator("#rq-chat [data-testid='user']").last
        assert user.inner_text() == question
        assert page.locator(f"#rq-turn-{turn} summary").inner_text() == f"{turn}. {question}"
    page.wait_for_timeout(500)  # give any injected handler the time to fire
    assert page.dialogs == []
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("#rq-chat script, #rq-sources script").count() == 0


def test_language_follows_the_browser_and_switches(
    new_page: Callable[..., Any], web: Any, screenshot: Callable[..., Any]
) -> None:
    page = open_page(new_page, web.url, locale="en-US")
    page.wait_for_function(
        "document.querySelector('#rq-header').innerText.includes('Ask the report')"
    )
    # The examples come with the same update as the header, but may be painted a frame later.
    page.wait_for_function(
        "(e => !!e && e.innerText.split('?').length - 1 >= 3)"
        "(document.querySelector('#rq-examples'))"
    )
    ask(page, "How many universities are in the region?", 1)
    assert "paragraph 10" in page.locator("#src-1-1 .rq-head").inner_text()

    page.locator("#rq-lang label", has_text="Қазақша").click()
    page.wait_for_function(
        "document.querySelector('#rq-header').innerText.includes('Есепке сұрақтар')"
    )
    page.wait_for_function(
        "document.querySelector('#src-1-1 .rq-head').innerText.includes('10-абзац')"
    )
    expect(page.locator("#src-1-1 button.rq-copy")).to_have_text("Дәйексөзді көшіру")
    screenshot(page, "page-kk.png")

    kazakh = open_page(new_page, web.url, locale="kk-KZ")
    kazakh.wait_for_function("document.querySelector('#rq-header').innerText.includes('Есепке')")


def test_feedback_and_markdown_export(new_page: Callable[..., Any], web: Any) -> None:
    page = open_page(new_page, web.url, locale="en-US")
    ask(page, QUESTION, 1)
    log = web.settings.feedback_log
    before = log.read_text(encoding="utf-8").count("\n") if log.exists() else 0
    # Gradio's "Dislike", named by the page in its own language (static/page.js).
    page.locator("#rq-chat button[aria-label='Unhelpful answer']").last.click()
    for _ in range(100):  # the like event goes through Gradio's queue
        if log.exists() and log.read_text(encoding="utf-8").count("\n") > before:
            break
        page.wait_for_timeout(100)
    record = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert (record["rating"], record["channel"], record["question"]) == ("down", "page", QUESTION)
    assert record["citations"][0]["quote"] == QUOTE

    expect(page.locator("#rq-export")).to_be_enabled()
    with page.expect_download() as download:
        page.locator("#rq-export").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename.endswith(".md")
    assert f"sha256:{web.qa.corpus_hash}" in text
    assert f"“{QUOTE}”" in text
    short = web.qa.ask(QUESTION).short_answer  # in bold above the whole answer text
    assert short is not None
    bold = f"**{short.text}** \\[{short.citation}\\]"
    assert text.index(bold) < text.index(f"{short.text} — «")
    assert f"({web.url}/report?doc=karaganda-industry.txt&hl=" in text and "#p10)" in text


def test_chat_page_as_a_web_component_on_another_site(
    new_page: Callable[..., Any],
    web: Any,
    host_url: str,
    make_settings: Callable[..., Any],
    screenshot: Callable[..., Any],
) -> None:
    settings = make_settings(cors_origins=(host_url,))  # the host site may use the API
    with LiveServer(create_app(web.qa, settings)) as server:
        page = new_page(locale="en-US")
        page.goto(f"{host_url}/host-gradio-app.html?server={server.url}")
        page.wait_for_selector("gradio-app #rq-question textarea")
        ask(page, QUESTION, 1)
        assert page.locator("#src-1-1 mark").inner_text() == QUOTE
        link = page.locator("#src-1-1 a.rq-para").get_attribute("href")
        assert link is not None and link.startswith(f"{server.url}/report?")  # not the host's
        assert page.dialogs == []
        screenshot(page, "host-gradio-app.png")
