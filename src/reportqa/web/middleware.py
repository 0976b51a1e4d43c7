"""ASGI middleware: the framing and sniffing headers, and a size limit on API request bodies.

Framing policy: only the widget (``/widget``) may be framed by other sites, by the origins in
``settings.frame_ancestors`` (CSP ``frame-ancestors``); every other page (the chat page, the
report view, the API docs) may be framed by its own origin only, which blocks clickjacking of the
chat page while the widget stays embeddable. Sites that want the full chat page should embed it
as Gradio's ``<gradio-app>`` web component, which is not a frame and is governed by CORS instead.

The body limit answers 413 with the API's JSON error, before the body is parsed, so that a 1 MB
question is refused with a message instead of being read into a model. (FastAPI's own
``max_body_size`` answers ``text/plain`` "Content Too Large", which breaks the API's promise of
JSON errors.) Up to a bounded amount of an oversized body is read and dropped first, so that an
ordinary client that is still sending reads the 413 rather than a reset connection.

Left out: rate limiting.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ReportQAError

__all__ = ["BodyLimit", "SecurityHeaders", "frame_ancestors_directive"]

_KEYWORDS = {"self": "'self'", "none": "'none'"}
# A host source or scheme source of CSP: no spaces, quotes, semicolons or commas.
_SOURCE = re.compile(r"^(\*|[a-z][a-z0-9+.-]*:(//[^\s;,'\"]+)?|[^\s;,'\"]+)$", re.IGNORECASE)


def frame_ancestors_directive(sources: Iterable[str]) -> str:
    """The CSP ``frame-ancestors`` directive for ``sources``: ``*``, ``self``, ``none`` or
    origins such as ``https://news.example.kz``. Raises ``ReportQAError`` for a malformed one."""
    values = []
    for raw in sources:
        source = raw.strip()
        keyword = _KEYWORDS.get(source.strip("'").lower())
        if keyword:
            values.append(keyword)
        elif _SOURCE.match(source):
            values.append(source)
        else:
            raise ReportQAError(
                f"frame_ancestors holds {raw!r}, which is not a CSP source: use *, self, none or "
                "origins like https://example.org (REPORTQA_FRAME_ANCESTORS, comma-separated)"
            )
    if not values or "'none'" in values:
        return "frame-ancestors 'none'"
    return "frame-ancestors " + " ".join(dict.fromkeys(values))


class SecurityHeaders:
    """Adds ``frame-ancestors`` (the widget's from settings, ``'self'`` elsewhere),
    ``X-Frame-Options`` where framing is same-origin only, and ``nosniff``."""

    def __init__(self, app: ASGIApp, *, widget_frame_ancestors: str, widget_paths: Iterable[str]):
        self.app = app
        self.widget_directive = widget_frame_ancestors
        self.widget_paths = frozenset(widget_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_widget = scope["path"] in self.widget_paths
        directive = self.widget_directive if is_widget else "frame-ancestors 'self'"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                csp = headers.get("content-security-policy")
                headers["content-security-policy"] = f"{csp}; {directive}" if csp else directive
                if not is_widget:
                    headers["x-frame-options"] = "SAMEORIGIN"
                headers["x-content-type-options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Answers 413 with a JSON error when a request body under ``prefix`` exceeds ``max_bytes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, prefix: str = "/api/"):
        self.app = app
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.drain_bytes = max(16 * max_bytes, 16 * 1024 * 1024)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.drain_bytes:
            await self._too_large(send, close=True)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size <= self.max_bytes:
                chunks.append(body)
            elif size > self.drain_bytes:
                await self._too_large(send, close=True)
                return
            if not message.get("more_body", False):
                break
        if size > self.max_bytes:
            await self._too_large(send, close=False)
            return
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _too_large(self, send: Send, *, close: bool) -> None:
        body = json.dumps(
            {
                "error": "body_too_large",
                "message": f"the request body is larger than {self.max_bytes} bytes: "
                "send a shorter question or claim",
            }
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if close:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields the already-read ``body`` once, then defers to ``receive``."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
