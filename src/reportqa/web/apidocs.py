"""The API's documentation page, ``GET /docs``: every endpoint of the OpenAPI schema with its
summary, description, request body and responses, the schemas they name written out as JSON.

FastAPI's own pages (Swagger UI, ReDoc) load their scripts from a CDN, so on a machine with no
internet they were blank. This page is rendered here from ``app.openapi()``, with no script, under
the report view's CSP and style sheet.

Left out: trying requests from the page (``curl`` and the README's examples do that).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse

from .markup import escape_html
from .report import PAGE_CSP
from .widget import PAGE_METHODS

__all__ = ["docs_router", "docs_page"]

_METHODS = ("get", "post", "put", "patch", "delete")


def docs_router(app: FastAPI) -> APIRouter:
    """The ``/docs`` route over ``app``'s schema, read at each request (it may change: the
    documents a request may name follow uploads)."""
    router = APIRouter()

    @router.api_route(
        "/docs", methods=list(PAGE_METHODS), response_class=HTMLResponse, include_in_schema=False
    )
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page(app.openapi()), headers={"Content-Security-Policy": PAGE_CSP})

    return router


def docs_page(schema: dict[str, Any]) -> str:
    """The HTML of the documentation of ``schema`` (an OpenAPI document)."""
    info = schema.get("info", {})
    title = f"{info.get('title', 'API')} {info.get('version', '')}".strip()
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape_html(title)}</title>",
        '<link rel="stylesheet" href="web-static/report.css"></head><body><main>',
        f"<h1>{escape_html(title)}</h1>",
    ]
    for key in ("summary", "description"):
        if info.get(key):
            parts.append(f'<p class="meta">{escape_html(info[key])}</p>')
    parts.append('<p class="meta">The schema itself: <a href="openapi.json">/openapi.json</a>.</p>')
    named: list[str] = []
    for path, operations in sorted(schema.get("paths", {}).items()):
        for method in _METHODS:
            operation = operations.get(method)
            if operation is not None:
                parts.append(_operation(method, path, operation, named))
    components = schema.get("components", {}).get("schemas", {})
    if named:
        parts.append("<h2>Schemas</h2>")
    for name in sorted(set(named)):
        if name in components:
            parts.append(
                f'<h3 id="schema-{escape_html(name)}">{escape_html(name)}</h3>'
                f"<pre><code>{escape_html(json.dumps(components[name], indent=2, ensure_ascii=False))}"
                "</code></pre>"
            )
    parts.append("</main></body></html>")
    return "".join(parts)


def _operation(method: str, path: str, operation: dict[str, Any], named: list[str]) -> str:
    out = [f"<h2><code>{method.upper()} {escape_html(path)}</code></h2>"]
    for key in ("summary", "description"):
        if operation.get(key):
            out.append(f"<p>{escape_html(operation[key])}</p>")
    body = operation.get("requestBody", {}).get("content", {})
    for media, content in body.items():
        out.append(f"<p>Request body ({escape_html(media)}): {_schema_link(content, named)}</p>")
    rows = []
    for status, response in sorted(operation.get("responses", {}).items()):
        shown = [_schema_link(c, named) for c in response.get("content", {}).values()]
        said = response.get("description", "").rstrip(". ")
        rows.append(
            f"<li><code>{escape_html(status)}</code> {escape_html(said)}"
            + (f": {', '.join(shown)}" if shown else "")
            + "</li>"
        )
    if rows:
        out.append(f"<p>Responses:</p><ul>{''.join(rows)}</ul>")
    return "".join(out)


def _schema_link(content: dict[str, Any], named: list[str]) -> str:
    """A link to the named schema of a body, or the body's schema written out."""
    schema = content.get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[-1]
        named.append(name)
        return f'<a href="#schema-{escape_html(name)}">{escape_html(name)}</a>'
    return f"<code>{escape_html(json.dumps(schema, ensure_ascii=False))}</code>"
