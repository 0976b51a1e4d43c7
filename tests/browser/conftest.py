"""Fixtures for the browser tests: a live reportqa server, a second server on another origin for
the host page of ``examples/``, and headless Debian Chromium driven by Playwright.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium``, with a fresh
temporary profile per launch. Without that binary every test marked ``browser`` is skipped, and
the reason says so. Screenshots go to ``artifacts/screenshots/`` (git-ignored).

The accessibility audit injects axe-core from the npm package pinned in ``package.json`` beside
this file (``npm ci --prefix tests/browser``, as ``.ci/run`` does); without it those tests skip.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reportqa import ReportQA, Settings
from reportqa.web.app import create_app
from reportqa.web.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
EXAMPLES = ROOT / "examples"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium package")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@dataclass
class Web:
    url: str
    qa: ReportQA
    settings: Settings


def web_settings(tmp_path_factory: pytest.TempPathFactory, **overrides: Any) -> Settings:
    return Settings.from_env(
        env={},
        corpus=CORPUS,
        index=tmp_path_factory.getbasetemp() / "web-index",  # shared by all web tests
        feedback_log=tmp_path_factory.mktemp("feedback") / "feedback.jsonl",
        **overrides,
    )


@pytest.fixture(scope="session")
def make_settings(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Settings]:
    """``make_settings(frame_ancestors=...)``: settings for another server on the same index."""
    return functools.partial(web_settings, tmp_path_factory)


@pytest.fixture(scope="session")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    settings = web_settings(tmp_path_factory)
    qa = ReportQA.open(settings)
    with LiveServer(create_app(qa, settings)) as server:
        yield Web(server.url, qa, settings)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def host_url() -> Iterator[str]:
    """``examples/`` served by a second server: another port, so another origin."""
    handler = functools.partial(_QuietHandler, directory=str(EXAMPLES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(web: Web) -> Iterator[Any]:
    # ``web`` first: the server is built before Playwright runs its event loop in this thread.
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)  # as the pages' own default: CI machines can be slow

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """``new_page(locale="en-US", width=1280, height=900)``: a page in a fresh context that
    records dialogs (``page.dialogs``), so a test can assert no ``alert()`` ever ran. Other
    keywords go to ``new_context`` (``bypass_csp=True`` lets a test inject a script)."""
    contexts: list[Any] = []

    def make(locale: str = "ru-RU", width: int = 1280, height: int = 900, **options: Any) -> Any:
        context = browser.new_context(
            locale=locale,
            viewport={"width": width, "height": height},
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []

        def on_dialog(dialog: Any) -> None:
            page.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script, or a skip saying how to install it."""
    if not AXE.is_file():
        pytest.skip(f"{AXE} is missing: run `npm ci --prefix tests/browser`")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Any, str], Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page: Any, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / name
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save
