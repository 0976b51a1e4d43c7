"""A two-turn conversation in headless Chromium, on the chat page and in the widget: the
follow-up is read against the first turn, and the question it was read as shows in small type.
The widget keeps its thread for the tab (a reload keeps it) until "new conversation". A question
sent while the last is still being answered is asked next, not dropped."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from reportqa.web.app import create_app
from reportqa.web.live import LiveServer

pytestmark = pytest.mark.browser

FIRST = "Сколько шин произведено в 2024 году?"
FOLLOW_UP = "А автобусов?"
READ_AS = "Понял вопрос как: Сколько автобусов"


class _Slow:
    """The report's pipeline with each answer held back ``seconds``: time to send the next
    question while it is still coming."""

    def __init__(self, qa: Any, seconds: float) -> None:
        self._qa = qa
        self.seconds = seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(self._qa, name)

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        items = self._qa.stream(*args, **kwargs)  # a bad question fails here, at once

        def held_back() -> Iterator[Any]:
            time.sleep(self.seconds)
            yield from items

        return held_back()


@pytest.fixture(scope="module")
def slow(web: Any) -> Iterator[str]:
    with LiveServer(create_app(_Slow(web.qa, 2.0), web.settings)) as server:
        yield server.url


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


def test_a_question_sent_while_the_last_is_answered_is_asked_next(
    new_page: Callable[..., Any], slow: str
) -> None:
    page = new_page(locale="ru-RU", width=1200, height=900)
    page.goto(slow + "/")
    box = page.locator("#rq-question textarea:not([disabled])")
    box.wait_for()
    bots = page.locator("#rq-chat [data-testid='bot']")
    box.fill(FIRST)
    box.press("Enter")
    expect(bots).to_have_count(1)  # "searching…": the first answer is on its way
    box.fill(FOLLOW_UP)
    box.press("Enter")
    assert page.locator("#rq-turn-1").count() == 0  # sent before the first answer came
    page.wait_for_selector("#rq-turn-2", timeout=60_000)
    expect(bots).to_have_count(2)
    expect(bots.nth(1).locator(".rq-interpreted")).to_contain_text(READ_AS)  # read in the thread
    expect(box).to_have_value("")


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
