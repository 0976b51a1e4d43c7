"""The chat page, the widget and the report view on a phone and from the keyboard, in headless
Chromium: an axe-core audit (WCAG 2 A and AA) with no serious or critical violation in any UI
language, nothing wider than a 320 px screen, the question box in view on a 390x844 phone,
screenshots at 320, 390 and 1280 px, ask -> open a citation -> copy (and rate, switch language,
switch tab) with the keyboard alone and the focus always visible, and Gradio's own controls
labelled in the language of the page's switch rather than the browser's."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from playwright.sync_api import expect

from reportqa.messages import notice_text, read_notices
from reportqa.serialize import answer_to_dict
from reportqa.web.export import reference_text
from reportqa.web.i18n import LANGUAGES, strings, t

pytestmark = pytest.mark.browser

QUESTION = "Сколько вузов в области?"
QUOTE = "В области работают 8 вузов и 52 колледжа, из которых 40 реализуют дуальное обучение."
LOCALES = {"ru": "ru-RU", "kk": "kk-KZ", "en": "en-US"}

AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" ")),
  }));
}"""
# Elements whose box reaches past the right (or left) edge of the viewport.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const node of document.querySelectorAll("body *")) {
    const box = node.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1)) {
      wide.push(`${node.tagName.toLowerCase()}#${node.id}.${node.className} ${box.right}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""
FOCUS_VISIBLE = """() => {
  const active = document.activeElement;
  // The language switch's radios are hidden; their label shows the focus.
  const shown = active.matches("#rq-lang input") ? active.closest("label") : active;
  const style = getComputedStyle(shown);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def open_page(new_page: Callable[..., Any], url: str, lang: str, **kwargs: Any) -> Any:
    page = new_page(locale=LOCALES[lang], **kwargs)
    page.goto(f"{url}/?lang={lang}")
    # Open to questions once start() has set the language.
    page.wait_for_selector("#rq-question textarea:not([disabled])")
    return page


def ask(page: Any, question: str = QUESTION, turn: int = 1) -> None:
    box = page.locator("#rq-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_selector(f"#rq-turn-{turn}")
    expect(page.locator("#rq-chat [data-testid='bot']")).to_have_count(turn)


def ask_widget(page: Any, question: str = QUESTION) -> None:
    page.locator("#rq-input").fill(question)
    page.locator("#rq-input").press("Enter")
    page.wait_for_selector(".rq-cite")


def load(new_page: Callable[..., Any], web: Any, path: str, lang: str, **kwargs: Any) -> Any:
    """``path`` in ``lang``, with something on it: an answer on the page and in the widget, a
    highlighted quote in the report view."""
    if path == "/":
        page = open_page(new_page, web.url, lang, **kwargs)
        ask(page)
        return page
    if path == "/#check":  # the fact-check tab, with a verdict
        page = open_page(new_page, web.url, lang, **kwargs)
        page.locator("#rq-check-tab-button").click()
        page.locator("#rq-claim textarea").fill("В области работают 8 вузов и 60 колледжей")
        page.locator("#rq-check-button").click()
        page.locator("#rq-verdict .rq-badge").wait_for()
        return page
    page = new_page(locale=LOCALES[lang], **kwargs)
    if path == "/widget":
        page.goto(f"{web.url}/widget?lang={lang}")
        ask_widget(page)
    else:
        citation = web.qa.ask(QUESTION).citations[0]
        page.goto(
            f"{web.url}/report?doc={citation.document}&hl={citation.start}-{citation.end}"
            f"&lang={lang}#p{citation.paragraph}"
        )
        page.wait_for_selector("mark")
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("path", "width", "height", "scheme"),
    [
        ("/", 390, 844, "light"),
        ("/", 390, 844, "dark"),  # Gradio follows the system's dark mode
        ("/", 1280, 900, "light"),
        ("/#check", 390, 844, "light"),
        ("/widget", 390, 844, "light"),
        ("/report", 390, 844, "light"),
    ],
    ids=[
        "page-phone",
        "page-phone-dark",
        "page-desktop",
        "check-phone",
        "widget-phone",
        "report-phone",
    ],
)
def test_no_serious_or_critical_axe_violations(
    new_page: Callable[..., Any],
    web: Any,
    axe_source: str,
    path: str,
    width: int,
    height: int,
    scheme: str,
    lang: str,
) -> None:
    # The pages' CSP forbids inline scripts, the injected axe-core among them.
    page = load(
        new_page, web, path, lang, width=width, height=height, color_scheme=scheme, bypass_csp=True
    )
    page.wait_for_timeout(300)  # Gradio paints some updates a frame late
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(AXE_RUN)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


@pytest.mark.parametrize("path", ["/", "/widget", "/report"])
def test_nothing_overflows_a_320px_screen(
    new_page: Callable[..., Any], web: Any, path: str
) -> None:
    page = load(new_page, web, path, "kk", width=320, height=640)  # the longest words
    page.wait_for_timeout(300)
    found = page.evaluate(OVERFLOWING)
    assert found["scroll"] <= found["width"] and found["wide"] == [], found


def test_phone_layout_and_screenshots(
    new_page: Callable[..., Any], web: Any, screenshot: Callable[..., Any]
) -> None:
    for width, height in ((320, 640), (390, 844), (1280, 900)):
        page = open_page(new_page, web.url, "kk", width=width, height=height)
        title = page.locator("#rq-header h1").bounding_box()
        switch = page.locator("#rq-lang").bounding_box()
        assert title is not None and switch is not None
        # The title keeps its words whole: two lines at most, never a letter column.
        line = float(
            page.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('#rq-header h1')).lineHeight)"
            )
        )
        assert title["height"] <= 2.2 * line, (width, title)
        assert switch["x"] + switch["width"] <= width and switch["height"] < 60, (width, switch)
        box = page.locator("#rq-question textarea").bounding_box()
        assert box is not None
        if height >= 844:  # the question box is in view without scrolling
            assert box["y"] + box["height"] <= height, (width, box)
        ask(page)
        screenshot(page, f"page-kk-{width}.png")
        if width < 640:  # the sources fold under the conversation
            chat = page.locator("#rq-chat").bounding_box()
            sources = page.locator("#rq-sources").bounding_box()
            assert chat is not None and sources is not None
            assert sources["y"] >= chat["y"] + chat["height"]
        page.context.close()


def focus_by_tab(page: Any, selector: str, back: bool = False, limit: int = 60) -> None:
    """Press Tab (Shift+Tab when ``back``) until the focus is on an element matching
    ``selector``; fail after ``limit`` presses."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def test_keyboard_only_ask_open_a_citation_copy_rate_and_switch(
    new_page: Callable[..., Any], web: Any
) -> None:
    page = open_page(new_page, web.url, "en")
    focus_by_tab(page, "#rq-question textarea")
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_selector("#rq-turn-1")
    expect(page.locator("#rq-chat [data-testid='bot']")).to_have_count(1)

    focus_by_tab(page, "#rq-chat a[href='#src-1-1']", back=True)  # the quote's marker
    assert page.evaluate(FOCUS_VISIBLE)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Source 1"
    page.keyboard.press("Enter")  # opens its card and moves the focus there
    page.wait_for_function("document.activeElement?.id === 'src-1-1'")
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('#src-1-1 a.rq-para')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('#src-1-1 button.rq-copy')")
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Enter")
    citation = web.qa.ask(QUESTION).citations[0]
    link = (
        f"{web.url}/report?doc={citation.document}&hl={citation.start}-{citation.end}"
        f"#p{citation.paragraph}"
    )
    expected = reference_text(
        document=web.qa.documents[0],
        title=citation.title,
        paragraph=citation.paragraph,
        quote=QUOTE,
        lang="en",
        url=link,
    )
    copy = page.locator("#src-1-1 button.rq-copy")
    expect(copy).to_have_attribute("data-copied", expected)

    # Rate: back to the answer's buttons, the last of which is "helpful".
    log = web.settings.feedback_log
    before = log.read_text(encoding="utf-8").count("\n") if log.exists() else 0
    focus_by_tab(page, "#rq-chat .message-buttons button", back=True)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == t("en", "helpful")
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Enter")
    for _ in range(100):  # through Gradio's queue
        if log.exists() and log.read_text(encoding="utf-8").count("\n") > before:
            break
        page.wait_for_timeout(100)
    assert '"rating": "up"' in log.read_text(encoding="utf-8").splitlines()[-1]

    # Switch the language, then the tab.
    focus_by_tab(page, "#rq-lang input[value='kk']", back=True)
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('#rq-header').innerText.includes('Есепке')")
    focus_by_tab(page, "#rq-check-tab-button")
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Enter")
    expect(page.locator("#rq-claim textarea")).to_be_visible()


def test_gradio_controls_follow_the_switch_not_the_browser(
    new_page: Callable[..., Any], web: Any
) -> None:
    page = open_page(new_page, web.url, "ru")  # a ru-RU browser: Gradio words itself in Russian
    page.locator("#rq-lang label", has_text="Қазақша").click()
    page.wait_for_function("document.querySelector('#rq-header').innerText.includes('Есепке')")
    ask(page)
    page.locator("#rq-chat .message-buttons button").first.click()  # "not helpful"
    expect(page.locator("[data-testid='toast-body']")).to_have_count(1)
    kk = strings("kk")
    expect(page.locator(".toast-title")).to_have_text(kk["toast_info"])
    assert page.evaluate("document.documentElement.lang") == "kk"

    names = page.evaluate(
        "[...document.querySelectorAll('[aria-label], [title]')]"
        ".flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title')])"
        ".filter(x => x)"
    )
    allowed = set(kk.values()) | {f"{kk['source']} 1"}
    assert set(names) <= allowed, set(names) - allowed
    for name in ("clear_chat", "helpful", "not_helpful", "close", "language", "chat"):
        assert kk[name] in names, name
    body = page.locator("body").inner_text()
    for gradio_words in ("Use via API", "Использовать через API", "Built with Gradio", "Info"):
        assert gradio_words not in body


def test_the_widget_words_coded_notices_in_its_language(
    new_page: Callable[..., Any], web: Any
) -> None:
    # A fallback notice needs an LLM that failed: the API's answer is made here, at the boundary.
    answer = replace(
        web.qa.ask(QUESTION),
        notice="the LLM did not answer within 30 s; this is the extractive answer",
    )
    body = json.dumps(answer_to_dict(answer), ensure_ascii=False)
    page = new_page(locale="kk-KZ", width=360, height=640)
    page.route(
        "**/api/ask",
        lambda route: route.fulfill(status=200, content_type="application/json", body=body),
    )
    page.goto(f"{web.url}/widget?lang=kk")
    ask_widget(page)
    (notice,) = read_notices(answer.notice)
    expect(page.locator(".rq-notice")).to_have_text([notice_text(notice, "kk")])
    page.locator("#rq-lang").select_option("ru")
    expect(page.locator(".rq-notice")).to_have_text([notice_text(notice, "ru")])
