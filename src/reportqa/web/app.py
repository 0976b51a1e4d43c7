"""The one web server: FastAPI with the API, the report view and the widget, and the Gradio chat
page mounted at ``/``.

Routes, in the order they are matched (the Gradio mount catches everything else):

    POST /api/ask, /api/check, /api/feedback              JSON API (api.py)
    GET  /api/health
    GET  /docs, /openapi.json                             the API's docs (apidocs.py) and schema
    GET  /report                                          the full report view (report.py)
    GET  /widget, /gradio.js                              embedding: the widget, and the script
                                                          of the <gradio-app> component (widget.py)
    GET  /web-static/...                                  the widget's and pages' CSS and JS
    /                                                     the Gradio chat page, with its
                                                          fact-check tab (page.py)

Middleware, outermost first: CORS from ``settings.cors_origins`` (Gradio defers to it, so the
same origins may use the API and embed the ``<gradio-app>`` web component), the framing and
sniffing headers, then for the API: 405 for undeclared methods, the per-client rate limit
(``settings.rate_limit``) and the body size limit.

With ``uploads_allowed(settings)`` (``REPORTQA_ALLOW_UPLOAD=1``) the page has "Add a report":
every route then answers through a ``Library`` (``library.py``), whose pipeline an upload
replaces, and the report view, the widget and the API schema read its documents as they are now.
So they do of a ``switching.SwitchingQA``, which ``reportqa serve`` uses to follow a new index
version that another process builds (replicas on a shared folder). The feedback store
(``open_feedback``: the JSONL log, or PostgreSQL) is ``app.state.feedback``, closed by the caller.

Left out: TLS and authentication, which belong to a reverse proxy in front.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar, overload

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from ..config import Rate, Settings, uploads_allowed
from ..models import Document
from .api import QA, api_methods, api_router, document_limits, install_error_handlers
from .apidocs import docs_router
from .feedback import open_feedback
from .middleware import (
    BodyLimit,
    MethodGuard,
    RateLimit,
    SecurityHeaders,
    frame_ancestors_directive,
)
from .report import report_router
from .widget import WIDGET_PATHS, widget_router

__all__ = ["create_app", "STATIC_DIR"]

T = TypeVar("T")

STATIC_DIR = Path(__file__).parent / "static"
# The chat page's script, in order: Gradio runs it as one function body on load.
_PAGE_SCRIPTS = ("clipboard.js", "page.js")
_FONTS = ("Segoe UI", "Roboto", "Noto Sans", "DejaVu Sans", "Helvetica Neue", "Arial", "sans-serif")


def create_app(qa: QA, settings: Settings) -> FastAPI:
    """The FastAPI app serving the chat page, the widget, the report view and the API, all
    answering with the one shared ``qa``."""
    import gradio as gr  # the web stack is paid for only by those who serve

    from ..library import Library
    from .page import build_page

    library: Library | None = None
    documents: Sequence[Document] = qa.documents
    if uploads_allowed(settings):
        library = qa if isinstance(qa, Library) else Library(qa, settings)  # type: ignore[arg-type]
        qa, documents = library, _LiveDocuments(library)
    elif getattr(qa, "follows_current", False):  # a SwitchingQA: the index can change under it
        documents = _LiveDocuments(qa)
    widget_directive = frame_ancestors_directive(settings.frame_ancestors)
    feedback = open_feedback(settings)
    app = FastAPI(
        title="reportqa",
        summary="Questions over a report, answered with verbatim, cited quotes.",
        description=(
            "`POST /api/ask` returns the JSON of `reportqa ask --json`, `POST /api/check` "
            "that of `reportqa check --json`. Errors are "
            '`{"error": code, "message": text}` with a 4xx status for bad input.'
        ),
        version=_version(),
        # FastAPI's Swagger UI and ReDoc load their scripts from a CDN: blank offline.
        docs_url=None,
        redoc_url=None,
    )
    app.state.feedback = feedback  # closed by whoever runs the app (server.serve)
    install_error_handlers(app)
    api = api_router(qa, feedback, max_question_chars=settings.max_question_chars)
    app.include_router(api)
    document_limits(
        app,
        max_question_chars=settings.max_question_chars,
        documents=(
            _LiveIds(documents)
            if isinstance(documents, _LiveDocuments)
            else [d.id for d in documents]
        ),
    )
    if isinstance(documents, _LiveDocuments):
        _schema_follows(app, documents.library)
    # The report view reads the documents and the content hash at each request: they follow
    # an upload or a new index version as the answers do.
    pages = [
        report_router(documents, lambda: str(qa.corpus_hash)),
        widget_router(documents, settings.max_question_chars),
        docs_router(app),
    ]
    for router in pages:
        app.include_router(router)
    app.mount("/web-static", StaticFiles(directory=STATIC_DIR), name="web-static")

    # The largest legitimate body is a feedback record: an answer and its quotes.
    app.add_middleware(BodyLimit, max_bytes=max(256 * 1024, 16 * settings.max_question_chars))
    rate = Rate.parse(settings.rate_limit)
    if rate:
        app.add_middleware(
            RateLimit, requests=rate.requests, seconds=rate.seconds, exempt=["/api/health"]
        )
    app.add_middleware(
        MethodGuard,
        methods=api_methods(api),
        pages={path: m for router in pages for path, m in api_methods(router).items()},
    )
    app.add_middleware(
        SecurityHeaders, widget_frame_ancestors=widget_directive, widget_paths=WIDGET_PATHS
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["*"],  # Gradio's client sends its own headers
        expose_headers=["Retry-After"],  # so a widget on another origin can wait as told
    )

    css = (STATIC_DIR / "page.css").read_text(encoding="utf-8")
    # Run by Gradio's frontend on load, on the page and in a <gradio-app> embed alike.
    js = "\n".join((STATIC_DIR / name).read_text(encoding="utf-8") for name in _PAGE_SCRIPTS)

    def mount() -> FastAPI:
        page = build_page(
            qa, feedback, max_question_chars=settings.max_question_chars, library=library
        )
        return gr.mount_gradio_app(
            app,
            page,
            path="/",
            # Gradio refuses a larger upload before it is stored; Library.add checks again.
            max_file_size=int(settings.max_file_mb * 1_000_000) if library else None,
            # Gradio's footer ("Use via API") follows the browser's language, not the page's
            # switch: left out; the intro links to the API's docs instead (chrome.py).
            footer_links=[],
            run_history=False,
            show_error=True,
            ssr_mode=False,
            mcp_server=False,
            css=css,
            js=js,
            # System fonts: Gradio's bundled Source Sans Pro lacks the Kazakh letters (ә, ө, ұ...).
            # The accent and the primary button two shades darker than Gradio's orange: white
            # on them, and they on white, pass WCAG AA (4.5:1): the selected tab, the citation
            # markers, "Check".
            theme=gr.themes.Default(font=_FONTS).set(
                color_accent="*primary_700",
                color_accent_soft="*primary_50",
                button_primary_background_fill="*primary_700",
                button_primary_background_fill_hover="*primary_800",
                button_primary_background_fill_dark="*primary_700",
                button_primary_background_fill_hover_dark="*primary_800",
            ),
        )

    return _in_event_loop(mount)


class _LiveDocuments(Sequence[Document]):
    """The library's documents as they are at each use: an upload adds to them."""

    def __init__(self, library: Any) -> None:
        self.library = library

    @overload
    def __getitem__(self, index: int) -> Document: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Document]: ...

    def __getitem__(self, index: int | slice) -> Document | Sequence[Document]:
        return self.library.documents[index]  # type: ignore[no-any-return]

    def __len__(self) -> int:
        return len(self.library.documents)


class _LiveIds(Sequence[str]):
    """The ids of ``documents`` at each use."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = documents

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [d.id for d in self.documents[index]]
        return self.documents[index].id

    def __len__(self) -> int:
        return len(self.documents)


def _schema_follows(app: FastAPI, library: Any) -> None:
    """Regenerate the cached OpenAPI schema (with its enumeration of document ids) once an
    upload has changed the library."""
    generate = app.openapi
    seen = [library.corpus_hash]

    def openapi() -> dict[str, Any]:
        if library.corpus_hash != seen[0]:
            seen[0] = library.corpus_hash
            app.openapi_schema = None
        return generate()

    app.openapi = openapi  # type: ignore[method-assign]


def _in_event_loop(build: Callable[[], T]) -> T:
    """``build()`` run inside an event loop. Gradio creates its asyncio locks with a helper that,
    when no loop is running, makes a new loop for each lock and drops the previous one unclosed
    (a ResourceWarning per lock); inside one short-lived loop, closed afterwards, nothing leaks.
    The locks bind to uvicorn's loop on first use."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:

        async def run() -> T:
            return build()

        return asyncio.run(run())
    return build()


def _version() -> str:
    try:
        return version("reportqa")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "0"
