"""Safe markup: escaping untrusted text for HTML and Markdown, and links into the report view.

Everything a user types and everything quoted from the corpus is untrusted: a question may be
``<img src=x onerror=...>``, and a report may contain ``*``, ``[`` or ``<``. The chat page hands
Markdown to Gradio's Chatbot, the sources panel hands HTML to ``gr.HTML`` (inserted as is), and the
export is a Markdown file, so text goes through ``escape_html`` or ``escape_markdown`` on its way
into any of them. Only markup this module writes around escaped text is ever live.

Links to the report are relative (``report?doc=...#p3``) so that they work whether the app is
served at the root of a host or under a prefix; the chat page (``/``) and the widget
(``/widget``) live in the same directory of the URL space as ``/report``. Where a page may be
shown on another site (the chat page as a ``<gradio-app>`` web component, an exported file),
callers put the server's base URL in front.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

__all__ = [
    "escape_html",
    "escape_markdown",
    "report_href",
    "paragraph_anchor",
    "MARKER",
]

# A citation marker in an answer's text: "[1]", "[12]".
MARKER = re.compile(r"\[(\d{1,3})\]")

# Punctuation that starts Markdown or GFM syntax anywhere in a line: escapes, code, emphasis,
# links and images (a "[" is needed for both), tables, strikethrough, LaTeX.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~$])")
# Punctuation that is syntax only at the start of a line: headings, lists, setext rules.
_MD_LINE_START = re.compile(r"^([ \t]*)([#+=-])", re.MULTILINE)  # ">" becomes &gt;
_MD_ORDERED_ITEM = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)


def escape_html(text: str) -> str:
    """``text`` as HTML text content or attribute value (quotes included)."""
    return html.escape(text, quote=True)


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders as exactly this text, never as markup or HTML.

    ``<``, ``>`` and ``&`` become entities (Markdown passes raw HTML through); punctuation that
    can open Markdown syntax is backslash-escaped, the rest is left alone so that the raw text of
    an exported file stays readable. Line breaks are kept.
    """
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(r"\1\\\2", text)
    text = _MD_ORDERED_ITEM.sub(r"\1\\\2", text)
    # After the backslashes, so that the ";" of an entity is never escaped in turn.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraph_anchor(paragraph: int) -> str:
    """The fragment id of a paragraph in the report view: ``p3``."""
    return f"p{int(paragraph)}"


def report_href(
    document: str,
    paragraph: int | None = None,
    start: int | None = None,
    end: int | None = None,
    *,
    lang: str | None = None,
) -> str:
    """Relative link to ``document`` in the report view: at ``paragraph`` when given, with the
    character range ``start:end`` of the document highlighted when given."""
    query = {"doc": document}
    if start is not None and end is not None and 0 <= start < end:
        query["hl"] = f"{int(start)}-{int(end)}"
    if lang:
        query["lang"] = lang
    anchor = f"#{paragraph_anchor(paragraph)}" if paragraph is not None else ""
    return f"report?{urlencode(query)}{anchor}"
