"""``reportqa serve``: load (or build) the index once, then serve the chat page, the widget, the
report view and the API from one uvicorn server, printing where each of them is.

The port is bound before anything is printed, so "port in use" is reported as an error with what
to do, never after a list of URLs that do not work.

The server follows its index folder: a version that ``reportqa index`` writes meanwhile is
served from the next request on (``switching.SwitchingQA``), so replicas that share one folder
switch without a restart.

Left out: several worker processes (one process shares one loaded index; ``qa.ask`` runs in a
thread pool; on 2 cores a second process did not raise throughput, see the README), TLS, and
daemonising.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from ..config import Settings, uploads_allowed
from ..errors import ReportQAError

__all__ = ["serve", "bind", "describe_urls"]

Echo = Callable[[str], None]


def serve(settings: Settings, *, echo: Echo | None = None) -> None:
    """Open the index (building it on first run), bind ``settings.host:settings.port``, print
    the URLs of the page, widget, report and API, and serve until interrupted.

    Raises ``ReportQAError`` (or a subclass) when the corpus or index cannot be used or the
    port cannot be bound."""
    import uvicorn

    from ..pipeline import ReportQA
    from .app import create_app

    say = echo or (lambda line: print(line, flush=True))
    qa = ReportQA.open(settings, progress=say)
    qa.embed_corpus_words_later()  # before the first English or Kazakh question, if it can
    served: Any = qa
    # Follow a CURRENT that another process (`reportqa index`, another replica's build) moves;
    # with uploads on, the Library swaps the pipeline itself.
    if settings.index_check_seconds > 0 and not uploads_allowed(settings):
        from ..switching import SwitchingQA

        served = SwitchingQA(qa, check_seconds=settings.index_check_seconds)
    app = create_app(served, settings)
    try:
        sock = bind(settings.host, settings.port)
    except BaseException:
        app.state.feedback.close()
        raise
    try:
        port = sock.getsockname()[1]
        say(f"Report: {len(qa.documents)} document(s), content hash sha256:{qa.corpus_hash}")
        for line in describe_urls(settings.host, port):
            say(line)
        say(f"Feedback: {app.state.feedback.where}")
        if settings.replica_mode:
            say("Replica mode: uploads are off; the index is read from the shared folder.")
        if served is not qa:
            say(
                f"Index: {settings.index} is looked at every "
                f"{settings.index_check_seconds:g} s for a new version (REPORTQA_INDEX_CHECK_SECONDS)"
            )
        say(f"API rate limit: {settings.rate_limit or 'none'} per client (REPORTQA_RATE_LIMIT)")
        say("Press Ctrl+C to stop.")
        config = uvicorn.Config(app, log_level="info", timeout_graceful_shutdown=5)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        app.state.feedback.close()


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on ``host:port``. Raises ``ReportQAError`` when it cannot be
    bound, saying what to change."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ReportQAError(
            f"cannot resolve host {host!r} ({exc}): pass --host 127.0.0.1"
        ) from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ReportQAError(
            f"cannot listen on {host}:{port} ({exc.strerror}): "
            "stop the other server or pass another --port"
        ) from None
    return sock


def describe_urls(host: str, port: int) -> list[str]:
    """The lines that say where the page, the widget, the report and the API are."""
    wildcard = host in ("", "0.0.0.0", "::")
    shown = "127.0.0.1" if wildcard else (f"[{host}]" if ":" in host else host)
    base = f"http://{shown}:{port}"
    lines = [
        f"Chat page: {base}/",
        f"Widget:    {base}/widget   (embed in an <iframe>; see examples/host.html)",
        f"Report:    {base}/report",
        f"API:       POST {base}/api/ask   (docs {base}/docs, schema {base}/openapi.json)",
    ]
    if wildcard:
        lines.append(f"Listening on all interfaces ({host or '0.0.0.0'}), port {port}.")
    return lines
