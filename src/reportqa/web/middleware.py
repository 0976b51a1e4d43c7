"""ASGI middleware: the framing and sniffing headers, and, for the API, the methods each path
allows, a per-client rate limit and a size limit on request bodies.

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

The method guard answers an API path's undeclared methods (TRACE, PUT, GET of a POST endpoint)
with 405 and ``Allow``, and unknown API paths with a JSON 404. Without it they fall through to the
Gradio page mounted at ``/``, which answers 404 in its own shape: a client could not tell a wrong
method from a wrong path, and the API would break its promise of JSON errors.

The rate limit keeps one number per client (GCRA, the "theoretical arrival time" of a token
bucket): a client may send ``requests`` at once, then one every ``seconds / requests``; over that
it gets 429 with ``Retry-After``, the whole seconds until its next request is admitted. It runs
before the body is read, so a flood costs no parsing; health checks are exempt, so a load balancer
probing often never marks the server down. State is per process (a replica limits its own share).

Left out: a shared limit across replicas (that needs a store such as Redis).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ReportQAError

__all__ = ["BodyLimit", "MethodGuard", "RateLimit", "SecurityHeaders", "frame_ancestors_directive"]

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


class MethodGuard:
    """405 with ``Allow`` for a method an API path does not declare in ``methods`` (path to
    methods, from ``api.api_methods``), and a JSON 404 for a path under ``prefix`` it lacks;
    405 too for a method that a page of ``pages`` (path to methods) does not take, which would
    otherwise fall through to the chat page's 404."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        methods: Mapping[str, Iterable[str]],
        prefix: str = "/api/",
        pages: Mapping[str, Iterable[str]] | None = None,
    ):
        self.app = app
        self.methods = {path: frozenset(m) for path, m in methods.items()}
        self.prefix = prefix
        self.pages = {path: frozenset(m) for path, m in (pages or {}).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = self.pages.get(scope["path"])
        if page is not None and scope["method"] not in page:
            allow = ", ".join(sorted(page))
            message = f"{scope['path']} does not take {scope['method']}: use {allow}"
            await _send_error(
                send, 405, "method_not_allowed", message, [(b"allow", allow.encode())]
            )
            return
        if not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        allowed = self.methods.get(scope["path"])
        if allowed is None:
            known = ", ".join(f"{' '.join(sorted(m))} {p}" for p, m in sorted(self.methods.items()))
            message = f"there is no API endpoint {scope['path']}: the API has {known}"
            await _send_error(send, 404, "not_found", message)
        elif scope["method"] not in allowed:
            allow = ", ".join(sorted(allowed))
            message = f"{scope['path']} does not take {scope['method']}: use {allow}"
            await _send_error(
                send, 405, "method_not_allowed", message, [(b"allow", allow.encode())]
            )
        else:
            await self.app(scope, receive, send)


class RateLimit:
    """At most ``requests`` API requests in any ``seconds`` per client, with bursts up to
    ``requests``; over it, 429 with ``Retry-After``. Paths in ``exempt`` are not counted."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        requests: int,
        seconds: float,
        prefix: str = "/api/",
        exempt: Iterable[str] = (),
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 100_000,
    ):
        self.app = app
        self.requests = requests
        self.seconds = seconds
        self.interval = seconds / requests
        self.prefix = prefix
        self.exempt = frozenset(exempt)
        self.clock = clock
        self.max_clients = max_clients
        # Client -> the time at which its bucket is full again (GCRA's theoretical arrival time).
        # Only touched from the event loop, so no lock.
        self._full_at: dict[str, float] = {}

    def wait(self, client: str) -> float:
        """Admit one request of ``client`` and return 0, or return the seconds it must wait."""
        now = self.clock()
        full_at = max(self._full_at.get(client, now), now) + self.interval
        if full_at - now > self.seconds:
            return full_at - self.seconds - now
        if len(self._full_at) >= self.max_clients:
            # Clients whose bucket is full again are the same as unseen ones: forget them.
            self._full_at = {c: t for c, t in self._full_at.items() if t > now}
        self._full_at[client] = full_at
        return 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix) or path in self.exempt:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.wait(client[0] if client else "")
        if not wait:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        message = (
            f"too many requests from this client: at most {self.requests} every "
            f"{self.seconds:g} s; retry in {retry} s"
        )
        await _send_error(
            send, 429, "rate_limited", message, [(b"retry-after", str(retry).encode())]
        )


async def _send_error(
    send: Send,
    status: int,
    error: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Send the API's JSON error body, as ``api.error_response`` shapes it."""
    body = json.dumps({"error": error, "message": message}, ensure_ascii=False).encode()
    start = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})
