"""The fact-check tab of the chat page in headless Chromium: a claim checked, its verdict badge,
the figures compared, the quote highlighted with its link into the report; markup typed as a
claim; a question sent as a claim."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CLAIM = "В области 8 вузов и 60 колледжей"
QUOTE = "В области работают 8 вузов и 52 колледжа, из которых 40 реализуют дуальное обучение."
XSS = "<img src=x onerror=alert(1)>"


def check(page: Any, claim: str) -> None:
    page.locator("#rq-claim textarea").fill(claim)
    page.locator("#rq-check-button").click()


def test_fact_check_tab_shows_verdict_figures_and_highlighted_quote(
    new_page: Callable[..., Any], web: Any, screenshot: Callable[..., Any]
) -> None:
    page = new_page()
    page.goto(web.url + "/")
    page.wait_for_selector("#rq-question textarea")
    page.get_by_role("tab", name="Проверка фактов").click()
    page.wait_for_selector("#rq-claim textarea")
    examples = page.locator("#rq-claim-examples", has_text="колледж")
    examples.wait_for()  # Gradio fills the examples after the tab shows
    assert examples.inner_text().count("колледж") >= 1

    check(page, CLAIM)
    badge = page.locator("#rq-verdict .rq-badge")
    badge.wait_for()
    assert badge.inner_text() == "Опровергается"
    assert page.locator("#rq-verdict .rq-claim").inner_text() == CLAIM
    wrong = page.locator("#rq-verdict .rq-compare tbody tr", has_text="60 колледжей")
    assert "52 колледжа" in wrong.inner_text() and "✗" in wrong.inner_text()
    card = page.locator("#src-check-1")
    assert card.locator("mark").inner_text() == QUOTE
    citation = web.qa.check(CLAIM).evidence[0]
    href = card.locator("a.rq-para").get_attribute("href")
    assert href == (
        f"{web.url}/report?doc=karaganda-industry.txt&hl={citation.start}-{citation.end}#p10"
    )
    screenshot(page, "page-fact-check.png")

    page.locator("#rq-verdict a.rq-ref").first.click()  # the marker flashes its quote's card
    page.wait_for_function("document.getElementById('src-check-1').classList.contains('rq-flash')")

    page.locator("#rq-lang label", has_text="English").click()  # re-labels the last verdict
    page.wait_for_function(
        "document.querySelector('#rq-verdict .rq-badge').innerText === 'Contradicted'"
    )
    # One server update relabels everything, but Gradio paints the tab strip on a later frame.
    expect(page.get_by_role("tab", name="Fact-check")).to_be_visible()
    expect(page.locator("#rq-check-button")).to_have_text("Check")
    assert "a different value" in wrong.inner_text()
    assert "Example claims" in page.locator("#rq-claim-examples").inner_text()

    check(page, XSS)  # markup is shown as the text typed, never run
    page.wait_for_function(
        "document.querySelector('#rq-verdict .rq-claim').innerText.includes('<img')"
    )
    assert page.locator("#rq-verdict .rq-claim").inner_text() == XSS
    page.wait_for_timeout(500)  # give any injected handler the time to fire
    assert page.dialogs == [] and page.locator("img[src='x']").count() == 0

    # An InputError is a warning with the library's message, the markup in it shown as text.
    question = f"{XSS} Сколько вузов в области?"
    check(page, question)
    toast = page.locator(".toast-body", has_text="is a question, not a claim")
    toast.wait_for()
    assert f"«{XSS} Сколько …»" in toast.inner_text()  # the claim it quotes is text too
    page.wait_for_timeout(500)
    assert page.dialogs == [] and page.locator("img[src='x']").count() == 0
    assert page.locator("#rq-verdict .rq-claim").inner_text() == XSS  # the last result stays
