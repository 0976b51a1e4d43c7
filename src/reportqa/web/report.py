"""The full report view, ``GET /report``: every paragraph with a permalink anchor (``#p3``), and
for a PDF every page (``#page-12``).

``?doc=ID`` picks the document (the first one when omitted), ``?hl=START-END`` highlights a cited
range of character offsets of that document, so a citation link opens the quote in context.
``?lang=`` picks the language of the page chrome; the report text is shown as stored. Bad values
of ``hl`` are ignored rather than refused: a reader following an old link still gets the report.

The page is server-rendered HTML with no script at all, under a CSP that forbids scripts; all
text is escaped.

Left out: search within the report, and pagination (reports are a few dozen pages at most).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..models import Document
from .i18n import LANGUAGE_NAMES, LANGUAGES, pick_language, t
from .markup import escape_html, paragraph_anchor
from .widget import PAGE_METHODS

__all__ = ["report_router", "report_page", "parse_range"]

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'"
)
_RANGE = re.compile(r"^(\d{1,9})-(\d{1,9})$")
_CURRENT = ' aria-current="true"'


def parse_range(value: str | None, length: int) -> tuple[int, int] | None:
    """``"120-250"`` as ``(120, 250)`` clipped to ``length``; None when absent or malformed."""
    match = _RANGE.match((value or "").strip())
    if not match:
        return None
    start, end = int(match.group(1)), min(int(match.group(2)), length)
    return (start, end) if start < end else None


def report_router(documents: Sequence[Document], corpus_hash: Callable[[], str] | str) -> APIRouter:
    """The ``/report`` route over ``documents``, read at each request (a server that follows
    its index, or takes uploads, passes a sequence that changes with them, and ``corpus_hash``
    as a function of the moment)."""
    router = APIRouter()

    @router.api_route(
        "/report", methods=list(PAGE_METHODS), response_class=HTMLResponse, include_in_schema=False
    )
    def report(
        request: Request, doc: str | None = None, hl: str | None = None, lang: str | None = None
    ) -> HTMLResponse:
        ui = pick_language(request.headers.get("accept-language"), lang)
        now = list(documents)  # one moment's documents for the whole page
        content_hash = corpus_hash() if callable(corpus_hash) else corpus_hash
        document = next((d for d in now if d.id == doc), None) if doc is not None else now[0]
        if document is None:
            body = report_page(None, ui, content_hash, documents=now, query=request.url.query)
            return HTMLResponse(
                body, status_code=404, headers={"Content-Security-Policy": PAGE_CSP}
            )
        highlight = parse_range(hl, len(document.text))
        body = report_page(
            document,
            ui,
            content_hash,
            highlight=highlight,
            documents=now,
            query=request.url.query,
        )
        return HTMLResponse(body, headers={"Content-Security-Policy": PAGE_CSP})

    return router


def report_page(
    document: Document | None,
    lang: str,
    corpus_hash: str,
    *,
    highlight: tuple[int, int] | None = None,
    documents: Sequence[Document] = (),
    query: str = "",
) -> str:
    """The HTML of the report view of ``document`` (a not-found page when None)."""
    title = document.title if document else t(lang, "not_found")
    parts = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape_html(title)}</title>",
        '<link rel="stylesheet" href="web-static/report.css"></head><body>',
        _top_bar(lang, query),
        "<main>",
    ]
    if document is None:
        parts.append(f"<h1>{escape_html(t(lang, 'not_found'))}</h1>")
    else:
        parts.append(_article(document, lang, corpus_hash, highlight))
    if len(documents) > 1:
        links = "".join(
            f'<li><a href="report?{escape_html(urlencode({"doc": d.id, "lang": lang}))}">'
            f"{escape_html(d.title)}</a></li>"
            for d in documents
        )
        heading = escape_html(t(lang, "documents"))
        parts.append(f'<nav class="docs"><h2>{heading}</h2><ul>{links}</ul></nav>')
    parts.append("</main></body></html>")
    return "".join(parts)


def _top_bar(lang: str, query: str) -> str:
    params = [(k, v) for k, v in parse_qsl(query) if k != "lang"]
    switch = " ".join(
        f'<a href="report?{escape_html(urlencode([*params, ("lang", code)]))}"'
        f'{_CURRENT if code == lang else ""} lang="{code}">'
        f"{escape_html(LANGUAGE_NAMES[code])}</a>"
        for code in LANGUAGES
    )
    return (
        f'<header class="top"><a class="back" href="./?lang={lang}">← '
        f"{escape_html(t(lang, 'back_to_chat'))}</a>"
        f'<nav class="langs" aria-label="{escape_html(t(lang, "language"))}">{switch}</nav></header>'
    )


def _article(
    document: Document, lang: str, corpus_hash: str, highlight: tuple[int, int] | None
) -> str:
    meta = " · ".join(escape_html(part) for part in (document.source, document.date) if part)
    parts = [
        f'<article lang="{escape_html(document.language or "ru")}">',
        f"<h1>{escape_html(document.title)}</h1>",
        f'<p class="meta">{meta}</p>' if meta else "",
        f'<p class="meta hash">{escape_html(t(lang, "content_hash"))}: '
        f"<code>sha256:{escape_html(corpus_hash)}</code></p>",
    ]
    if highlight:
        parts.append(f'<p class="note" lang="{lang}">{escape_html(t(lang, "highlighted"))}</p>')
    page = 0
    for p in document.paragraphs:
        # A PDF's pages as anchors (#page-12) before the paragraph that starts on each; a page
        # no paragraph starts on (one long paragraph runs over it) is anchored there too.
        if p.page is not None and p.page > page:
            first, page = page + 1, p.page
            marks = "".join(f'<span id="page-{n}"></span>' for n in range(first, page))
            label = escape_html(t(lang, "page", n=page))
            parts.append(f'{marks}<p id="page-{page}" class="page-mark">{label}</p>')
        anchor = paragraph_anchor(p.number)
        if highlight is not None and highlight[0] < p.end and highlight[1] > p.start:
            cited, body = True, _marked(document.text, p.start, p.end, highlight)
        else:
            cited, body = False, escape_html(p.text)
        label = escape_html(t(lang, "paragraph", n=p.number))
        parts.append(
            f'<p id="{anchor}" class="para{" cited" if cited else ""}">'
            f'<a class="pilcrow" href="#{anchor}" title="{label}" aria-label="{label}">'
            f"{p.number}</a> {body}</p>"
        )
    parts.append("</article>")
    return "".join(parts)


def _marked(text: str, start: int, end: int, highlight: tuple[int, int]) -> str:
    lo, hi = max(start, highlight[0]), min(end, highlight[1])
    return (
        f"{escape_html(text[start:lo])}<mark>{escape_html(text[lo:hi])}</mark>"
        f"{escape_html(text[hi:end])}"
    )
