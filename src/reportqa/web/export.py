"""What a journalist takes away: a formatted reference for one citation, and the whole
conversation as a Markdown file with quotes, paragraph links and the corpus content hash.

The reference format is mirrored by ``static/widget.js`` (``referenceText``); a browser test checks
that both give the same text. Every piece of user or corpus text written into Markdown goes through
``escape_markdown``, so an exported file renders as the text that was asked and quoted.

Left out: other formats (DOCX, PDF, BibTeX).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from ..messages import notice_text, read_notices
from ..models import Answer, Document
from .i18n import t
from .markup import escape_markdown, report_href

__all__ = ["reference_text", "conversation_markdown", "QUOTES"]

# Opening and closing quotation marks by UI language.
QUOTES = {"ru": ("«", "»"), "kk": ("«", "»"), "en": ("“", "”")}


def reference_text(
    *,
    document: Document | None,
    title: str,
    paragraph: int,
    quote: str,
    lang: str,
    url: str = "",
) -> str:
    """``BAQ.kz, «Title», 2025, абзац 10: «quote» URL``; parts the metadata lacks are left out."""
    opening, closing = QUOTES.get(lang, QUOTES["ru"])
    head = [
        document.source if document and document.source else "",
        f"{opening}{title}{closing}",
        document.date if document and document.date else "",
        t(lang, "paragraph", n=paragraph),
    ]
    text = ", ".join(part for part in head if part) + f": {opening}{quote}{closing}"
    return f"{text} {url}".strip()


def conversation_markdown(
    answers: Sequence[Answer],
    documents: Mapping[str, Document],
    *,
    corpus_hash: str,
    base_url: str,
    lang: str,
    exported_at: datetime | None = None,
) -> str:
    """The conversation as Markdown: a header naming the report and its content hash, then each
    question, its short answer in bold (when it has one), its answer with markers, and each
    cited quote with an absolute paragraph link."""
    base = base_url.rstrip("/") + "/"
    exported_at = exported_at or datetime.now(UTC)
    titles = " · ".join(doc.title for doc in documents.values())
    lines = [f"# {escape_markdown(t(lang, 'conversation_about', title=titles))}", ""]
    for doc in documents.values():
        meta = ", ".join(part for part in (doc.source, doc.date) if part)
        link = base + report_href(doc.id)
        lines.append(
            f"- {escape_markdown(t(lang, 'source'))}: {escape_markdown(meta or doc.id)}, "
            f"[{escape_markdown(doc.title)}]({link})"
        )
    lines.append(f"- {escape_markdown(t(lang, 'content_hash'))}: `sha256:{corpus_hash}`")
    stamp = exported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines += [f"- {escape_markdown(t(lang, 'exported'))}: {stamp}", ""]
    for number, answer in enumerate(answers, 1):
        lines += [f"## {number}\\. {escape_markdown(answer.question)}", ""]
        if answer.refused:
            lines += [f"**{escape_markdown(t(lang, 'not_in_report'))}**", ""]
        short = answer.short_answer
        if short is not None and short.text.strip() and not answer.refused:
            # The exact span first, in bold as on the page, with the marker of its quote.
            lines += [f"**{escape_markdown(short.text.strip())}** \\[{short.citation}\\]", ""]
        # Markers stay "[n]": escaped, they are literal brackets, not link syntax. The whole
        # text, short answer included: what was answered, word for word.
        lines += [escape_markdown(answer.answer), ""]
        for notice in read_notices(answer.notice):
            lines += [
                f"_{escape_markdown(t(lang, 'notice'))}: "
                f"{escape_markdown(notice_text(notice, lang))}_",
                "",
            ]
        opening, closing = QUOTES.get(lang, QUOTES["ru"])
        for c in answer.citations:
            href = base + report_href(c.document, c.paragraph, c.start, c.end)
            where = escape_markdown(f"{c.title}, {t(lang, 'paragraph', n=c.paragraph)}")
            lines += [
                f"> \\[{c.n}\\] {opening}{escape_markdown(c.quote)}{closing}  ",
                f"> — [{where}]({href})",
                "",
            ]
        if answer.refused and answer.see_also:
            links = ", ".join(
                f"[{escape_markdown(t(lang, 'paragraph', n=s.paragraph))}]"
                f"({base + report_href(s.document, s.paragraph)})"
                for s in answer.see_also
            )
            lines += [f"{escape_markdown(t(lang, 'see_also'))}: {links}", ""]
    return "\n".join(lines).rstrip() + "\n"
