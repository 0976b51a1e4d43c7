"""The widget in headless Chromium: embedded by ``examples/host.html`` served from another origin,
at a phone width of 360 px, with markup typed as questions, and refused by ``frame-ancestors``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from reportqa.web.app import create_app
from reportqa.web.export import reference_text
from reportqa.web.live import LiveServer

pytestmark = pytest.mark.browser

QUESTION = "Сколько вузов в области?"
QUOTE = "В области работают 8 вузов и 52 колледжа, из которых 40 реализуют дуальное обучение."
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def ask(widget: Any, question: str, nth: int) -> Any:
    widget.locator("#rq-input").fill(question)
    widget.locator("#rq-send").click()
    answer = widget.locator(".rq-bot").nth(nth)
    answer.locator(".rq-rate").wait_for()
    return answer


def test_widget_on_another_origin_answers_with_citations(
    new_page: Callable[..., Any], web: Any, host_url: str, screenshot: Callable[..., Any]
) -> None:
    page = new_page(locale="en-US", width=1200, height=800)
    page.goto(f"{host_url}/host.html?server={web.url}")
    frame = page.frame_locator("#reportqa-widget")
    assert host_url != web.url  # two origins: the host page's and the widget's

    answer = ask(frame, QUESTION, 0)
    assert answer.locator(".rq-text .rq-marker").inner_text() == "[1]"
    assert answer.locator(".rq-quote").inner_text() == QUOTE
    link = answer.locator("a.rq-para")
    assert link.inner_text() == "paragraph 10"
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener"
    assert link.evaluate("a => a.href").startswith(
        f"{web.url}/report?doc=karaganda-industry.txt&hl="
    )

    ask(frame, XSS, 1)
    assert frame.locator(".rq-user").nth(1).inner_text() == XSS
    frame.locator(".rq-rate-up").first.click()
    frame.locator(".rq-thanks").wait_for()
    page.wait_for_timeout(300)
    screenshot(page, "host-widget.png")
    assert page.dialogs == []
    assert frame.locator("img, script:not([src]):not([type='application/json'])").count() == 0

    record = json.loads(web.settings.feedback_log.read_text(encoding="utf-8").splitlines()[-1])
    assert (record["rating"], record["channel"], record["question"]) == ("up", "widget", QUESTION)


def test_widget_shows_the_short_answer_above_the_citations(
    new_page: Callable[..., Any], web: Any, screenshot: Callable[..., Any]
) -> None:
    page = new_page(locale="ru-RU", width=400, height=700)
    page.goto(f"{web.url}/widget")
    question = "Сколько шин произведено в 2024 году?"
    answer = ask(page, question, 0)
    short = answer.locator("strong.rq-short")
    expected = web.qa.ask(question).short_answer
    assert expected is not None
    assert short.inner_text() == expected.text and re.search(r"\d", short.inner_text())
    # Bold, first in the message: above the answer text and the list of citations.
    assert short.evaluate("s => getComputedStyle(s).fontWeight") == "700"
    assert short.evaluate(
        "s => s.closest('.rq-bot').firstElementChild === s.parentElement"
        " && !!(s.compareDocumentPosition(s.closest('.rq-bot').querySelector('.rq-cites'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    # Beside it, the marker of the quote it stands in, which opens that citation.
    target = f"rq-c-1-{expected.citation}"
    assert short.get_attribute("data-citation") == str(expected.citation)
    marker = answer.locator(".rq-short-line a.rq-marker")
    assert marker.inner_text() == f"[{expected.citation}]"
    assert marker.get_attribute("data-target") == target
    assert expected.text in page.locator(f"#{target} .rq-quote").inner_text()
    marker.click()
    page.locator(f"#{target}.rq-flash").wait_for()
    # The text under it is the quote, the span not repeated before it.
    assert answer.locator(".rq-text").inner_text().startswith("«")
    screenshot(page, "widget-short-answer.png", full_page=False)


def test_widget_is_usable_at_phone_width(
    new_page: Callable[..., Any], web: Any, screenshot: Callable[..., Any]
) -> None:
    page = new_page(locale="ru-RU", width=360, height=640)
    page.goto(f"{web.url}/widget")
    page.locator(".rq-example").first.wait_for()
    screenshot(page, "widget-360-start.png", full_page=False)
    page.locator(".rq-example").first.click()  # examples start a question with one tap
    page.locator(".rq-cite").first.wait_for()
    page.locator(".rq-marker").first.click()
    page.locator(".rq-cite.rq-flash").wait_for()

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for selector in ("#rq-input", "#rq-send", "#rq-lang", ".rq-cite"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
        assert box["height"] >= 24, selector  # big enough to tap
    send = page.locator("#rq-send").bounding_box()
    assert send is not None and send["y"] + send["height"] <= 640

    copy = page.locator(".rq-copy").first
    copy.click()
    citation = web.qa.ask("Сколько вузов и колледжей работает в области?").citations[0]
    document = web.qa.documents[0]
    url = f"{web.url}/report?doc={document.id}&hl={citation.start}-{citation.end}#p{citation.paragraph}"
    expected = reference_text(
        document=document,
        title=citation.title,
        paragraph=citation.paragraph,
        quote=citation.quote,
        lang="ru",
        url=url,
    )
    assert copy.get_attribute("data-copied") == expected  # the same reference as the chat page
    screenshot(page, "widget-360.png", full_page=False)

    with page.context.expect_page() as opened:
        page.locator("a.rq-para").first.click()
    report = opened.value
    report.wait_for_load_state()
    assert report.url == url
    assert report.locator(f"#p{citation.paragraph} mark").inner_text() == citation.quote


def test_widget_language_switch_and_refusal(new_page: Callable[..., Any], web: Any) -> None:
    page = new_page(locale="kk-KZ", width=400, height=700)
    page.goto(f"{web.url}/widget")
    assert page.locator("#rq-title").inner_text() == "Есепке сұрақтар"
    page.locator("#rq-lang").select_option("en")
    assert page.locator("#rq-send").inner_text() == "Ask"
    answer = ask(page, "Какова численность населения Караганды?", 0)
    assert answer.get_attribute("class") == "rq-msg rq-bot rq-refused"
    assert answer.locator(".rq-banner").inner_text().startswith("⚠️ В отчёте нет ответа")
    assert answer.locator(".rq-see-also").inner_text().startswith("See also: paragraph")


def test_widget_bad_input_shows_the_message(new_page: Callable[..., Any], web: Any) -> None:
    page = new_page(locale="en-US", width=400, height=700)
    page.goto(f"{web.url}/widget")
    page.evaluate("document.getElementById('rq-input').removeAttribute('maxlength')")
    answer = ask_error(page, "я" * 3000)
    assert "limit is 2000" in answer.inner_text()
    assert page.locator("#rq-send").is_enabled()


def ask_error(page: Any, question: str) -> Any:
    page.locator("#rq-input").fill(question)
    page.locator("#rq-send").click()
    answer = page.locator(".rq-error")
    answer.wait_for()
    return answer


def test_frame_ancestors_keeps_the_widget_off_other_sites(
    new_page: Callable[..., Any], web: Any, host_url: str, make_settings: Callable[..., Any]
) -> None:
    settings = make_settings(frame_ancestors=("self",))
    with LiveServer(create_app(web.qa, settings)) as strict:
        page = new_page()
        page.goto(f"{host_url}/host.html?server={strict.url}")
        page.wait_for_timeout(1500)
        frame = next(f for f in page.frames if f is not page.main_frame)
        assert frame.url.startswith("chrome-error://") or frame.locator("#rq-input").count() == 0
        same_origin = new_page()
        same_origin.goto(f"{strict.url}/widget")
        assert same_origin.locator("#rq-input").count() == 1


def test_widget_scoped_by_its_url_sends_its_documents(
    new_page: Callable[..., Any], web: Any
) -> None:
    doc = web.qa.documents[0].id
    page = new_page(locale="ru-RU", width=400, height=700)
    page.goto(f"{web.url}/widget?doc={doc}")
    with page.expect_request(lambda r: r.url.endswith("/api/ask")) as sent:
        answer = ask(page, QUESTION, 0)
    assert json.loads(sent.value.post_data or "{}")["documents"] == [doc]
    assert QUOTE in answer.inner_text()
    # a document the corpus does not have is an error page, not an unscoped widget
    assert page.goto(f"{web.url}/widget?doc=nope.txt").status == 404


def test_widget_says_in_its_language_why_a_question_failed_and_keeps_it(
    new_page: Callable[..., Any], web: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No server, a rate limit, a server that does not answer: said in the widget's language,
    not the browser's "Failed to fetch", and the question is back in the box to ask again."""
    from reportqa.web import widget

    monkeypatch.setattr(widget, "ANSWER_TIMEOUT_SECONDS", 1)
    page = new_page(locale="ru-RU", width=400, height=700)
    page.goto(f"{web.url}/widget")
    page.route("**/api/ask", lambda route: route.abort("connectionrefused"))
    assert "Сервер недоступен" in ask_error(page, QUESTION).inner_text()
    assert page.locator("#rq-input").input_value() == QUESTION
    page.unroute("**/api/ask")
    page.locator("#rq-new").click()
    page.route(
        "**/api/ask",
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "7"},
            json={"error": "rate_limited", "message": "too many requests from this client"},
        ),
    )
    assert "спросите снова через 7 с" in ask_error(page, QUESTION).inner_text()
    page.unroute("**/api/ask")
    page.locator("#rq-new").click()
    page.route("**/api/ask", lambda route: None)  # held: no answer ever comes
    assert "не ответил за 1 с" in ask_error(page, QUESTION).inner_text()
    assert page.locator("#rq-send").is_enabled()


def test_a_new_conversation_drops_a_question_under_way(
    new_page: Callable[..., Any], web: Any
) -> None:
    page = new_page(locale="en-US", width=400, height=700)
    page.goto(f"{web.url}/widget")
    page.route("**/api/ask", lambda route: None)  # held: the question stays under way
    page.locator("#rq-input").fill(QUESTION)
    page.locator("#rq-send").click()
    assert page.locator("#rq-send").is_disabled()
    page.locator("#rq-new").click()
    assert page.locator("#rq-send").is_enabled()
    assert page.locator(".rq-msg").count() == 0 and page.locator("#rq-input").input_value() == ""
