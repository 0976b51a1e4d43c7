"""The chat page's own chrome, in the chosen language: the header (the title, and the words that
``static/page.js`` puts on Gradio's built-in controls) and the intro under it.

Gradio words its own controls (the like buttons, "Clear", a toast's "Close", the conversation's
ARIA labels) in the browser's language, not the page's switch. The header carries the page's
words for them in a ``data-rq-ui`` attribute (JSON, escaped); ``page.js`` reads it whenever the
header is re-rendered and relabels those controls, sets ``<html lang>`` and names the language
switch for screen readers. Gradio's footer ("Use via API") is left out (``app.py``); the intro
links to the API's own docs instead.

Left out: Gradio's transient texts (a progress timer's digits, "Error" on a failed upload: the
page uploads nothing).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..models import Document
from .i18n import t
from .markup import escape_html, report_href

__all__ = ["header_html", "intro_html", "ui_labels"]

# The page's words that page.js puts on Gradio's controls, by the name page.js knows them by.
_UI_KEYS = {
    "language": "language",
    "chat": "chat",
    "like": "helpful",
    "dislike": "not_helpful",
    "clear": "clear_chat",
    "close": "close",
    "source": "source",
    "copied": "copied",
    "more_tabs": "more_tabs",
    "info": "toast_info",
    "warning": "toast_warning",
    "error": "toast_error",
}


def ui_labels(lang: str) -> dict[str, str]:
    """What ``page.js`` needs, in ``lang``: the language code and the controls' labels."""
    return {"lang": lang, **{name: t(lang, key) for name, key in _UI_KEYS.items()}}


def header_html(lang: str) -> str:
    """The page title, carrying the labels of Gradio's controls for ``page.js``."""
    labels = escape_html(json.dumps(ui_labels(lang), ensure_ascii=False))
    return (
        f'<header class="rq-top" lang="{lang}" data-rq-ui="{labels}">'
        f"<h1>{escape_html(t(lang, 'title'))}</h1></header>"
    )


def intro_html(lang: str, documents: Sequence[Document], base: str = "") -> str:
    """What the page does, and links to the full report(s) and the API's docs."""
    links = [
        f'<a href="{escape_html(base + report_href(d.id, lang=lang))}">'
        f"{escape_html(t(lang, 'full_report'))}: "
        f'<span lang="{escape_html(d.language or "ru")}">{escape_html(d.title)}</span></a>'
        for d in documents
    ]
    links.append(f'<a href="{escape_html(base)}docs">{escape_html(t(lang, "api_docs"))}</a>')
    return (
        f'<div class="rq-intro" lang="{lang}"><p>{escape_html(t(lang, "intro"))}</p>'
        f'<p class="rq-links">{" · ".join(links)}</p></div>'
    )
