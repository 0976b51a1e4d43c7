"""Answers as the chat page shows them: a Markdown chat message with clickable citation markers,
and the HTML of the sources panel with each cited passage and its quote highlighted.

A marker ``[n]`` of turn ``k`` links to ``#src-k-n``, the id of its card in the sources panel;
``static/page.js`` turns the click into opening and flashing that card. Every card names the
document title and paragraph, links to the paragraph in the report view (new tab), and carries
the formatted reference for "copy citation" in a data attribute.

An answer with a short answer (the exact span, "372 тысячи шин") shows it first, in bold on its
own line with its marker, then the quote(s); the span the answer text starts with ("372 тысячи шин
— «…» [1]") is not repeated under it. The full text stays in the ``Answer`` for feedback and the
export.

A generative (LLM) answer also says whether the verifier found every sentence in the report, and
lists the sentences it could not match with the verifier's reason. While the model writes, the
chat shows its text so far (``partial_markdown``), escaped like any answer: it is untrusted.

All text from the question, the answer, the model and the corpus is escaped here (see
``markup.py``); the markup around it is the only live HTML.

Notices and the verifier's reasons are worded in the page's language (``messages.py``); the
answer's own words follow the question's language, and quotes stay as in the report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..messages import notice_text, read_notices, reason_text
from ..models import Answer, Citation, Document
from .export import reference_text
from .i18n import t
from .markup import MARKER, escape_html, escape_markdown, report_href

__all__ = [
    "question_markdown",
    "partial_markdown",
    "answer_markdown",
    "answer_body",
    "sources_html",
    "passage_html",
    "citation_html",
]

# Characters of context kept on each side of a quote inside a long paragraph.
CONTEXT_CHARS = 320
# What separates a short answer from the quotes in the answer text ("372 тысячи шин — «…» [1]",
# ``answer/extractive.py``); ``static/widget.js`` reads it the same way.
_SHORT_SEPARATOR = re.compile(r"\s+[—–-]\s+")


def question_markdown(question: str) -> str:
    """A user's question as chat Markdown that shows exactly what was typed."""
    return escape_markdown(question)


def partial_markdown(text: str, lang: str) -> str:
    """The text an LLM has written so far, as chat Markdown that shows exactly that text (its
    markers unlinked: the citations come with the final answer), or "searching" before any."""
    return escape_markdown(text.strip() or t(lang, "searching"))


def answer_body(answer: Answer) -> str:
    """The text of ``answer`` to show under its short answer: without the span it starts with and
    the dash after it. The whole text when there is no short answer, or the text does not start
    with it (a generative answer)."""
    short = answer.short_answer
    if (
        short is None
        or answer.refused
        or not short.text
        or not answer.answer.startswith(short.text)
    ):
        return answer.answer
    rest = answer.answer[len(short.text) :]
    separator = _SHORT_SEPARATOR.match(rest)
    if separator is None or not rest[separator.end() :].strip():
        return answer.answer
    return rest[separator.end() :]


def answer_markdown(answer: Answer, turn: int, lang: str, base: str = "") -> str:
    """An answer as chat Markdown: its short answer in bold with its marker when it has one, then
    its text with markers linking to the sources panel; a refusal is set off with a warning sign
    and lists its "see also" links (prefixed by ``base``, the server's URL, when the page may be
    shown on another site)."""
    numbers = {c.n for c in answer.citations}
    lines: list[str] = []
    if answer.interpreted_as:  # a follow-up read against the conversation: say how, small
        lines.append(
            f'<small class="rq-interpreted">{escape_markdown(t(lang, "interpreted_as"))} '
            f"{escape_markdown(answer.interpreted_as)}</small>"
        )
    if answer.refused:
        # The library's refusal, in the question's language, is the visible "does not say".
        lines.append(f"⚠️ **{_linked(answer.answer, numbers, turn)}**")
        if answer.see_also:
            links = ", ".join(
                f"[{escape_markdown(t(lang, 'paragraph', n=s.paragraph))}]"
                f"({base}{report_href(s.document, s.paragraph)})"
                for s in answer.see_also
            )
            lines.append(f"{escape_markdown(t(lang, 'see_also'))}: {links}")
    else:
        short = answer.short_answer
        if short is not None and short.text.strip():
            marker = _marker(short.citation, numbers, turn)
            lines.append(f"**{escape_markdown(short.text.strip())}** {marker}")
        lines.append(_linked(answer_body(answer), numbers, turn))
    if answer.mode == "generative":
        grounded = "generative_grounded" if answer.grounded else "generative_ungrounded"
        lines.append(f"{'✅' if answer.grounded else '⚠️'} _{escape_markdown(t(lang, grounded))}_")
    for u in answer.unsupported:  # sentences the verifier could not match, and why
        lines.append(
            f"❌ _{escape_markdown(t(lang, 'unsupported'))}: {escape_markdown(u.text)}_ "
            f"({escape_markdown(t(lang, 'reason'))}: "
            f"{escape_markdown(reason_text(u.reason, lang))})"
        )
    for notice in read_notices(answer.notice):  # worded in the page's language
        lines.append(
            f"ℹ️ _{escape_markdown(t(lang, 'notice'))}: "
            f"{escape_markdown(notice_text(notice, lang))}_"
        )
    return "\n\n".join(lines)


def _marker(n: int, numbers: set[int], turn: int) -> str:
    """Marker ``[n]`` as Markdown: a link to its card when the answer cites ``n``."""
    label = f"\\[{n}\\]"
    return f"[{label}](#src-{turn}-{n})" if n in numbers else label


def _linked(text: str, numbers: set[int], turn: int) -> str:
    """``text`` as Markdown, its markers of cited passages linked to their cards."""
    parts: list[str] = []
    last = 0
    for match in MARKER.finditer(text):
        parts.append(escape_markdown(text[last : match.start()]))
        parts.append(_marker(int(match.group(1)), numbers, turn))
        last = match.end()
    parts.append(escape_markdown(text[last:]))
    return "".join(parts).strip()


def sources_html(
    answers: Sequence[Answer], documents: Mapping[str, Document], lang: str, base: str = ""
) -> str:
    """The sources panel: one section per answer, newest first and open, each with a card per
    citation (or the refusal banner and "see also" cards)."""
    if not answers:
        return (
            f'<div class="rq-sources rq-empty"><p>{escape_html(t(lang, "sources_empty"))}</p></div>'
        )
    sections = []
    for turn in range(len(answers), 0, -1):
        answer = answers[turn - 1]
        body = (
            _refusal_html(answer, lang, base)
            if answer.refused
            else "".join(citation_html(c, turn, documents, lang, base) for c in answer.citations)
        )
        state = " open" if turn == len(answers) else ""
        sections.append(
            f'<details class="rq-turn" id="rq-turn-{turn}"{state}>'
            f'<summary><span class="rq-turn-n">{turn}.</span> '
            f"{escape_html(answer.question)}</summary>{body}</details>"
        )
    return f'<div class="rq-sources">{"".join(sections)}</div>'


def passage_html(document: Document | None, paragraph: int, start: int, end: int) -> str:
    """The paragraph around ``start:end`` (document offsets), escaped, with that range in
    ``<mark>``; a long paragraph is cut to ``CONTEXT_CHARS`` on each side of the quote."""
    if document is None or not 1 <= paragraph <= len(document.paragraphs):
        return ""
    p = document.paragraphs[paragraph - 1]
    start, end = max(p.start, min(start, p.end)), max(p.start, min(end, p.end))
    left, right = max(p.start, start - CONTEXT_CHARS), min(p.end, end + CONTEXT_CHARS)
    text = document.text
    # Cut at a space so that no word is shown in half.
    if left > p.start and (space := text.find(" ", left, start)) != -1:
        left = space + 1
    if right < p.end and (space := text.rfind(" ", end, right)) != -1:
        right = space
    before = ("… " if left > p.start else "") + text[left:start]
    after = text[end:right] + (" …" if right < p.end else "")
    return f"{escape_html(before)}<mark>{escape_html(text[start:end])}</mark>{escape_html(after)}"


def citation_html(
    c: Citation, turn: int | str, documents: Mapping[str, Document], lang: str, base: str = ""
) -> str:
    """The card of one quote: ``[n]``, the title, a link to the paragraph in the report view with
    the quote highlighted, the passage with the quote in ``<mark>``, and "copy citation". Its id
    is ``src-{turn}-{n}``, the target of the markers ``[n]`` (``static/page.js``)."""
    document = documents.get(c.document)
    href = base + report_href(c.document, c.paragraph, c.start, c.end)
    where = t(lang, "paragraph", n=c.paragraph)
    copy_label = escape_html(t(lang, "copy_citation"))
    reference = reference_text(
        document=document, title=c.title, paragraph=c.paragraph, quote=c.quote, lang=lang
    )
    return (
        f'<article class="rq-source" id="src-{turn}-{c.n}">'
        f'<div class="rq-head"><span class="rq-n">[{c.n}]</span> '
        f'<span class="rq-title">{escape_html(c.title)}</span> · '
        f'<a class="rq-para" href="{escape_html(href)}" target="_blank" rel="noopener">'
        f"{escape_html(where)}</a></div>"
        f'<blockquote class="rq-passage">'
        f"{passage_html(document, c.paragraph, c.start, c.end)}</blockquote>"
        f'<button type="button" class="rq-copy" data-ref="{escape_html(reference)}" '
        f'data-done="{escape_html(t(lang, "copied"))}" data-label="{copy_label}">'
        f"{copy_label}</button></article>"
    )


def _refusal_html(answer: Answer, lang: str, base: str) -> str:
    cards = []
    for s in answer.see_also:
        href = base + report_href(s.document, s.paragraph)
        cards.append(
            f'<article class="rq-source rq-see-also">'
            f'<div class="rq-head"><span class="rq-title">{escape_html(s.title)}</span> · '
            f'<a class="rq-para" href="{escape_html(href)}" target="_blank" rel="noopener">'
            f"{escape_html(t(lang, 'paragraph', n=s.paragraph))}</a></div>"
            f'<blockquote class="rq-passage">{escape_html(_excerpt(s.text))}</blockquote></article>'
        )
    see_also = (
        f'<h4 class="rq-see-also-title">{escape_html(t(lang, "see_also"))}</h4>{"".join(cards)}'
        if cards
        else ""
    )
    return (
        f'<div class="rq-refused" role="status">'
        f"<strong>{escape_html(t(lang, 'not_in_report'))}</strong></div>{see_also}"
    )


def _excerpt(text: str, limit: int = CONTEXT_CHARS) -> str:
    """The start of ``text``, cut at a space before ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit] + " …"
