"""Embedding on other sites: the widget, ``GET /widget``, a compact chat for an iframe; and
``GET /gradio.js``, the script of Gradio's ``<gradio-app>`` web component, served by this server
so that the component's version always matches the server's Gradio and needs no CDN.

The page is a small HTML shell plus ``static/widget.js``, which calls the same JSON API as any
other client (``POST api/ask``, ``POST api/feedback``) and builds every node with
``textContent``: no answer, quote or question is ever parsed as HTML. Its configuration (UI
strings in every language, document metadata for references, example questions) travels in a
``<script type="application/json">`` block, which browsers never execute. The page's CSP allows
scripts and styles from this origin only; ``frame-ancestors`` is added by ``middleware.py`` from
``settings.frame_ancestors``.

``?lang=ru|kk|en`` fixes the starting language (a host page can pass its own); otherwise the
browser's languages decide. Links to paragraphs open the full report in a new tab.

The widget keeps its conversation for the browser tab (``sessionStorage``) and sends it as the
``history`` of each question, so a follow-up ("And tyres?") is read against it; the server keeps
nothing. "New conversation" clears it. An answer read as another question shows that question
in small type (``interpreted_as``).

Left out: streaming, conversation memory beyond the tab.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from ..messages import notice_templates
from ..models import Document
from .examples import example_questions
from .export import QUOTES
from .i18n import LANGUAGE_NAMES, LANGUAGES, pick_language, strings, t
from .markup import escape_html

__all__ = ["widget_router", "widget_config", "gradio_js_path", "WIDGET_PATHS", "PAGE_METHODS"]

# How long the widget waits for an answer before it says the server did not answer. The server
# bounds an LLM's answer and its rewrite of a follow-up (``REPORTQA_LLM_TIMEOUT`` each), so this
# is for a server that hangs or a network that holds the request.
ANSWER_TIMEOUT_SECONDS = 90

# The methods of a page this server renders itself (the widget, its script, the report view):
# HEAD as well, which uptime monitors send; another method is a 405 (``middleware.MethodGuard``).
PAGE_METHODS = ("GET", "HEAD")

WIDGET_PATHS = ("/widget",)
WIDGET_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'"
)


def widget_config(
    documents: Sequence[Document], lang: str, explicit: bool, scope: Sequence[str] = ()
) -> dict[str, object]:
    """What ``widget.js`` needs: strings, languages, documents' metadata, examples, and the
    documents its questions are scoped to (``scope``; every document when empty)."""
    return {
        "scope": list(scope),
        "answerTimeoutSeconds": ANSWER_TIMEOUT_SECONDS,
        "lang": lang,
        "explicitLang": explicit,
        "languages": [{"code": c, "name": LANGUAGE_NAMES[c]} for c in LANGUAGES],
        "strings": {c: strings(c) for c in LANGUAGES},
        "notices": {c: notice_templates(c) for c in LANGUAGES},
        "quotes": QUOTES,
        "examples": {c: example_questions(documents, c)[:3] for c in LANGUAGES},
        "documents": {
            d.id: {"title": d.title, "source": d.source, "date": d.date} for d in documents
        },
    }


def gradio_js_path() -> Path | None:
    """The entry script of the installed Gradio's frontend build (it imports ``./assets/...``,
    which Gradio serves at the root), or None if this Gradio lays its files out otherwise."""
    spec = importlib.util.find_spec("gradio")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "templates" / "frontend" / "gradio.js"
        if path.is_file():
            return path
    return None


def widget_router(documents: Sequence[Document], max_question_chars: int) -> APIRouter:
    """The ``/widget`` and ``/gradio.js`` routes."""
    router = APIRouter()

    @router.api_route("/gradio.js", methods=list(PAGE_METHODS), include_in_schema=False)
    def gradio_js() -> Response:
        path = gradio_js_path()
        if path is None:
            return Response("gradio.js is not part of this Gradio install", status_code=404)
        return FileResponse(path, media_type="text/javascript")

    @router.api_route(
        "/widget", methods=list(PAGE_METHODS), response_class=HTMLResponse, include_in_schema=False
    )
    def widget(
        request: Request, lang: str | None = None, doc: Annotated[list[str] | None, Query()] = None
    ) -> HTMLResponse:
        ui = pick_language(request.headers.get("accept-language"), lang)
        explicit = bool(lang) and ui == (lang or "").lower()[:2]
        known = {d.id for d in documents}
        unknown = [d for d in doc or () if d not in known]
        if unknown:  # a host page's typo must show, not answer from every document
            message = f"no such document: {', '.join(unknown)}"
            return HTMLResponse(escape_html(message), status_code=404)
        scope = list(dict.fromkeys(doc or ()))
        config = json.dumps(widget_config(documents, ui, explicit, scope), ensure_ascii=False)
        # "<" escaped so that no "</script>" inside the data can end the block.
        config = config.replace("<", "\\u003c")
        page = _PAGE.format(
            lang=ui,
            title=escape_html(t(ui, "title")),
            max_chars=max_question_chars,
            config=config,
            placeholder=escape_html(t(ui, "placeholder")),
            ask=escape_html(t(ui, "ask")),
            question=escape_html(t(ui, "question")),
            new=escape_html(t(ui, "new_conversation")),
        )
        return HTMLResponse(page, headers={"Content-Security-Policy": WIDGET_CSP})

    return router


_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="web-static/widget.css">
<script type="application/json" id="rq-config">{config}</script>
<script src="web-static/clipboard.js" defer></script>
<script src="web-static/widget.js" defer></script>
</head>
<body>
<div class="rq-widget" id="rq-widget">
  <header class="rq-bar">
    <span class="rq-name" id="rq-title">{title}</span>
    <button type="button" id="rq-new" class="rq-new">{new}</button>
    <select id="rq-lang" class="rq-lang"></select>
  </header>
  <div class="rq-log" id="rq-log" role="log" aria-live="polite"></div>
  <div class="rq-examples" id="rq-examples"></div>
  <form class="rq-form" id="rq-form" autocomplete="off">
    <label class="rq-sr" for="rq-input" id="rq-input-label">{question}</label>
    <textarea id="rq-input" name="question" rows="2" maxlength="{max_chars}"
      placeholder="{placeholder}" required></textarea>
    <button type="submit" id="rq-send">{ask}</button>
  </form>
</div>
</body>
</html>
"""
