"""The chat page over a library of several documents, in headless Chromium: the document picker
(labelled in every UI language, no serious axe-core violation) scopes the conversation, and with
``REPORTQA_ALLOW_UPLOAD=1`` "Add a report" takes a file into the library and picks it, while a
broken file is refused with its reason and changes nothing."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

# tests/browser is not a package: pytest imports its modules by their own names.
from test_browser_a11y import AXE_RUN, LOCALES  # type: ignore[import-not-found]

from reportqa import ReportQA, Settings
from reportqa.web.app import create_app
from reportqa.web.i18n import LANGUAGES, t
from reportqa.web.live import LiveServer

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
OTHER = "saran-news.txt"
OTHER_TITLE = "Новости Сарани"
QUESTION = "Сколько вузов в области?"
UPLOADED = "Темиртау: новый парк. В Темиртау открыли новый парк на 12 гектаров.\n"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A folder served on another origin, for host pages that embed the chat page."""
    folder = tmp_path_factory.mktemp("host")
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def library(
    tmp_path_factory: pytest.TempPathFactory, host: tuple[str, Path]
) -> Iterator[tuple[str, Any]]:
    folder = tmp_path_factory.mktemp("library")
    corpus = folder / "corpus"
    corpus.mkdir()
    for f in CORPUS.iterdir():
        (corpus / f.name).write_bytes(f.read_bytes())
    (corpus / OTHER).write_text(
        f"{OTHER_TITLE}\n\nВ Сарани открыли новый спортивный комплекс на 300 мест.\n",
        encoding="utf-8",
    )
    (corpus / f"{Path(OTHER).stem}.meta.json").write_text(
        f'{{"title": "{OTHER_TITLE}"}}', encoding="utf-8"
    )
    settings = Settings.from_env(
        env={},
        corpus=corpus,
        index=folder / "index",
        feedback_log=folder / "feedback.jsonl",
        allow_upload=True,
        max_file_mb=1,
        cors_origins=(host[0],),  # the host page may embed the chat page as <gradio-app>
    )
    app = create_app(ReportQA.open(settings), settings)
    with LiveServer(app) as live:
        yield live.url, settings


def open_page(new_page: Callable[..., Any], url: str, lang: str, **kwargs: Any) -> Any:
    page = new_page(locale=LOCALES[lang], **kwargs)
    page.goto(f"{url}/?lang={lang}")
    page.wait_for_selector("#rq-question textarea:not([disabled])")
    return page


def pick(page: Any, title: str) -> None:
    """Open the picker (if closed) and tick the document called ``title``."""
    picker = page.locator("#rq-picker")
    if not picker.is_visible():
        page.locator("#rq-scope button").first.click()
    picker.get_by_label(title, exact=True).check()


def ask(page: Any, question: str, turn: int) -> None:
    box = page.locator("#rq-question textarea")
    box.fill(question)
    box.press("Enter")
    # The first answer of a pipeline loads its models: slow on a busy 2-core machine.
    page.wait_for_selector(f"#rq-turn-{turn}", timeout=60_000)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_picker_is_labelled_in_the_page_language_and_passes_axe(
    new_page: Callable[..., Any], library: tuple[str, Any], axe_source: str, lang: str
) -> None:
    page = open_page(new_page, library[0], lang, width=390, height=844, bypass_csp=True)
    scope = page.locator("#rq-scope")
    expect(scope).to_contain_text(t(lang, "scope_all"))
    pick(page, OTHER_TITLE)
    expect(scope).to_contain_text(t(lang, "scope_some", n=1, total=_count(library)))
    expect(page.locator("#rq-picker")).to_contain_text(t(lang, "scope_info"))
    expect(page.locator("#rq-upload")).to_have_text(t(lang, "upload"))
    page.wait_for_timeout(300)
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(AXE_RUN)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def _count(library: tuple[str, Any]) -> int:
    corpus: Path = library[1].corpus
    return sum(1 for p in corpus.iterdir() if p.suffix in (".txt", ".pdf", ".md", ".html"))


def test_a_picked_document_scopes_the_questions(
    new_page: Callable[..., Any], library: tuple[str, Any]
) -> None:
    page = new_page(locale="ru-RU")
    page.goto(f"{library[0]}/?doc={OTHER}&doc=nope.txt")  # picked by the URL; unknown: ignored
    page.wait_for_selector("#rq-question textarea:not([disabled])")
    expect(page.locator("#rq-scope")).to_contain_text(
        t("ru", "scope_some", n=1, total=_count(library))
    )
    ask(page, QUESTION, 1)  # about the report, asked of the other document: refused
    expect(page.locator("#rq-sources .rq-refused")).to_be_visible()
    page.locator("#rq-picker").get_by_label(OTHER_TITLE, exact=True).uncheck()
    expect(page.locator("#rq-scope")).to_contain_text(t("ru", "scope_all"))
    ask(page, QUESTION, 2)  # unscoped again: answered from the report
    expect(page.locator("#rq-turn-2 .rq-source").first).to_contain_text("8 вузов")
    bots = page.locator("#rq-chat [data-testid='bot']")
    ask(page, "А колледжей?", 3)  # a follow-up in the thread: read against turn 2
    expect(bots.nth(2)).to_contain_text(t("ru", "interpreted_as"))
    pick(page, "Промышленное развитие Карагандинской области")  # a new scope: a new thread
    ask(page, "А колледжей?", 4)
    expect(bots).to_have_count(4)
    expect(bots.nth(3)).not_to_contain_text(t("ru", "interpreted_as"))


def test_the_web_component_is_scoped_by_the_doc_of_its_src(
    new_page: Callable[..., Any], library: tuple[str, Any], host: tuple[str, Path]
) -> None:
    url = library[0]
    (host[1] / "embed.html").write_text(
        f'<!doctype html><html lang="ru"><title>host</title><body>'
        f'<script type="module" src="{url}/gradio.js"></script>'
        f'<gradio-app src="{url}/?doc={OTHER}"></gradio-app></body></html>',
        encoding="utf-8",
    )
    page = new_page(locale="ru-RU")
    page.goto(f"{host[0]}/embed.html")  # the host page's own URL has no ?doc=
    page.wait_for_selector("#rq-question textarea:not([disabled])")
    expect(page.locator("#rq-scope")).to_contain_text(
        t("ru", "scope_some", n=1, total=_count(library))
    )
    expect(page.locator("#rq-picker").get_by_label(OTHER_TITLE, exact=True)).to_be_checked()


def test_an_upload_joins_the_library_and_a_broken_one_changes_nothing(
    new_page: Callable[..., Any], library: tuple[str, Any], tmp_path: Path
) -> None:
    url, settings = library
    page = open_page(new_page, url, "en")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 this is not a PDF")
    before = sorted(p.name for p in settings.corpus.iterdir())
    with page.expect_file_chooser() as chooser:
        page.locator("#rq-upload").click()
    chooser.value.set_files(str(broken))
    expect(page.locator(".toast-body", has_text="broken.pdf")).to_contain_text("PDF")
    assert sorted(p.name for p in settings.corpus.iterdir()) == before

    good = tmp_path / "temirtau-park.txt"
    good.write_text(UPLOADED, encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        page.locator("#rq-upload").click()
    chooser.value.set_files(str(good))
    expect(page.locator(".toast-body", has_text="temirtau park")).to_be_visible(
        timeout=120_000  # the new document is embedded with the real model
    )
    assert (settings.corpus / "temirtau-park.txt").read_text(encoding="utf-8") == UPLOADED
    picker = page.locator("#rq-picker")
    expect(picker.get_by_label("temirtau park", exact=True)).to_be_checked()
    expect(page.locator("#rq-scope")).to_contain_text(
        t("en", "scope_some", n=1, total=_count(library))
    )
    ask(page, "How many hectares is the new park in Temirtau?", 1)
    expect(page.locator("#rq-turn-1 .rq-source").first).to_contain_text("12 гектаров")
