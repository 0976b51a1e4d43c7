"""A two-turn conversation in headless Chromium, on the chat page and in the widget: the
follow-up is read against the first turn, and the question it was read as shows in small type.
The widget keeps its thread for the tab (a reload keeps it) until "new conversation"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FIRST = "Сколько шин произведено в 2024 году?"
FOLLOW_UP = "А автобусов?"
READ_AS = "Понял вопрос как: Сколько автобусов"


def test_the_page_reads_a_follow_up_against_the_conversation(
    new_page: Callable[..., Any], web: Any
) -> None:
    page = new_page(locale="ru-RU", width=1200, height=900)
    page.goto(web.url + "/")
    box = page.locator("#rq-question textarea")
    box.wait_for()
    bots = page.locator("#rq-chat [data-testid='bot']")
    for turn, question in enumerate((FIRST, FOLLOW_UP), start=1):
        box.fill(question)
        box.press("Enter")
        page.wait_for_selector(f"#rq-turn-{turn}")
        expect(bots).to_have_count(turn)
    expect(bots.nth(0).locator(".rq-interpreted")).to_have_count(0)
    second = bots.nth(1)
    expect(second.locator(".rq-interpreted")).to_contain_text(READ_AS)
    expect(second).to_contain_text("1400")


def test_the_widget_keeps_its_thread_for_the_tab_until_a_new_conversation(
    new_page: Callable[..., Any], web: Any
) -> None:
    page = new_page(locale="ru-RU", width=400, height=800)
    page.goto(f"{web.url}/widget")
    for nth, question in enumerate((FIRST, FOLLOW_UP)):
        page.locator("#rq-input").fill(question)
        page.locator("#rq-send").click()
        page.locator(".rq-bot").nth(nth).locator(".rq-rate").wait_for()
    second = page.locator(".rq-bot").nth(1)
    assert second.locator(".rq-interpreted").inner_text().startswith(READ_AS)
    assert "1400" in second.inner_text()
    assert page.locator(".rq-bot").nth(0).locator(".rq-interpreted").count() == 0

    page.reload()
    expect(page.locator(".rq-bot")).to_have_count(2)  # the thread lasts for the tab

    assert page.locator("#rq-new").inner_text() == "Новый диалог"
    page.locator("#rq-new").click()
    expect(page.locator(".rq-bot")).to_have_count(0)
    page.locator("#rq-input").fill(FOLLOW_UP)
    page.locator("#rq-send").click()
    page.locator(".rq-bot").nth(0).locator(".rq-rate").wait_for()
    assert page.locator(".rq-interpreted").count() == 0  # a new thread: taken as it stands
