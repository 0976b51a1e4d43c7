"""Fetching a report from the web for ``reportqa add URL``: a news page or a PDF.

A fetch has a timeout for each step, follows at most a few redirects, accepts only ``text/html``
and ``application/pdf``, and stops reading at a size cap, so a slow, looping or huge response is a
``CorpusError`` naming the URL rather than a hung or flooded command. The body is saved under a
file name made from the URL (``news.kz-prom-rastet.html``), ready for ``add_to_corpus``.

Left out: JavaScript-rendered pages, cookies and logins, robots.txt (a person asks for one page).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import CorpusError

__all__ = ["fetch", "is_url", "safe_file_name", "MAX_BYTES"]

MAX_BYTES = 50_000_000
_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf"}
_UNSAFE = re.compile(r"[^\w.-]+")


def is_url(text: str) -> bool:
    return urlsplit(text).scheme in ("http", "https")


def fetch(url: str, folder: Path, timeout: float = 20.0, max_bytes: int = MAX_BYTES) -> Path:
    """Download ``url`` into ``folder`` and return the file. Raises ``CorpusError`` for a
    timeout, a redirect loop, an error status, another content type, or a body over
    ``max_bytes``."""
    import httpx

    try:
        with httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": "reportqa (+https://github.com/reportqa)"},
        ) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise CorpusError(
                        f"{url} answered HTTP {response.status_code}: check the address"
                    )
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                suffix = _TYPES.get(kind)
                if suffix is None:
                    raise CorpusError(
                        f"{url} is {kind or 'of no stated type'}, not a web page or a PDF: "
                        "download it and add the file"
                    )
                body = bytearray()
                for part in response.iter_bytes():
                    body.extend(part)
                    if len(body) > max_bytes:
                        raise CorpusError(
                            f"{url} is larger than {max_bytes / 1_000_000:g} MB: download it "
                            "and add the file if it really is a report"
                        )
                final = str(response.url)
    except httpx.TooManyRedirects:
        raise CorpusError(f"{url} redirects too many times (a loop?): check the address") from None
    except httpx.TimeoutException:
        raise CorpusError(f"{url} did not answer within {timeout:g} s: try again later") from None
    except httpx.HTTPError as exc:
        raise CorpusError(f"{url} cannot be fetched ({type(exc).__name__}: {exc})") from None
    path = Path(folder) / _file_name(final, suffix)
    path.write_bytes(bytes(body))
    return path


def safe_file_name(stem: str, suffix: str, fallback: str = "page") -> str:
    """``stem`` as a plain file name ending in ``suffix``: letters, digits, ``.``, ``_`` and ``-``
    only, never hidden, at most 120 characters before the suffix."""
    return ((_UNSAFE.sub("-", stem).strip("-.") or fallback)[:120]).strip("-.") + suffix


def _file_name(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    stem = Path(parts.path.rstrip("/")).name
    if stem.lower().endswith((".html", ".htm", ".pdf", ".php", ".aspx")):
        stem = stem.rsplit(".", 1)[0]
    return safe_file_name(
        f"{parts.hostname or 'page'}-{stem}" if stem else parts.hostname or "", suffix
    )
