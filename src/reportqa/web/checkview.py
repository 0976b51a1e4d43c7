"""A fact-check ``Verdict`` as the chat page's fact-check tab shows it: a verdict badge, the
explanation, a table of the claimed against the reported figures, and the evidence quotes.

Evidence cards are the sources panel's (``render.citation_html``) with ids ``src-check-n``, so
that the markers ``[n]`` of the explanation and the table open and flash them as the chat's
markers do (``static/page.js``), and each links to its paragraph in the report view with the
quote highlighted. The claim, the explanation and the quotes are escaped (``markup.py``); the
markup around them is the only live HTML.

The explanation is the library's, in the claim's language; the labels around it follow the
page's language, as the chat's answers do.

Left out: the retrieved passages that gave no evidence (the API returns them as ``retrieved``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Comparison, Document, Verdict
from .i18n import t
from .markup import MARKER, escape_html
from .render import citation_html

__all__ = ["verdict_html", "CARD_TURN"]

# The "turn" part of the evidence cards' ids: src-check-1, src-check-2...
CARD_TURN = "check"
VERDICTS = ("supported", "contradicted", "not_found")
_MATCH_SIGN = {True: ("✓", "rq-yes"), False: ("✗", "rq-no"), None: ("?", "rq-unknown")}


def verdict_html(
    verdict: Verdict | None, documents: Mapping[str, Document], lang: str, base: str = ""
) -> str:
    """The fact-check result panel for ``verdict``, or its empty state for ``None``. Links into
    the report are prefixed by ``base``, the server's URL, when the page may be embedded."""
    if verdict is None:
        return f'<div class="rq-check rq-empty"><p>{escape_html(t(lang, "check_empty"))}</p></div>'
    kind = verdict.verdict if verdict.verdict in VERDICTS else "not_found"
    numbers = {c.n for c in verdict.evidence}
    parts = [
        f'<div class="rq-check" data-verdict="{kind}">',
        f'<div class="rq-verdict-head"><span class="rq-badge rq-badge-{kind}" role="status">'
        f"{escape_html(t(lang, 'verdict_' + kind))}</span> "
        f'<q class="rq-claim">{escape_html(verdict.claim)}</q></div>',
        f'<p class="rq-explanation">{_with_markers(verdict.explanation, numbers)}</p>',
    ]
    if verdict.comparisons:
        parts.append(_comparisons_html(verdict.comparisons, numbers, lang))
    if verdict.evidence:
        cards = "".join(
            citation_html(c, CARD_TURN, documents, lang, base) for c in verdict.evidence
        )
        parts.append(
            f'<h4 class="rq-check-title">{escape_html(t(lang, "evidence"))}</h4>'
            f'<div class="rq-evidence">{cards}</div>'
        )
    parts.append("</div>")
    return "".join(parts)


def _comparisons_html(comparisons: tuple[Comparison, ...], numbers: set[int], lang: str) -> str:
    rows = []
    for c in comparisons:
        sign, cls = _MATCH_SIGN[c.match]
        reported = escape_html(c.reported) if c.reported is not None else "—"
        if c.citation is not None:
            reported += " " + _marker(c.citation, numbers)
        reason = ""
        if c.reason and c.match is not True:
            key = f"reason_{c.reason}"
            reason = t(lang, key) if _known(key) else c.reason
        label = t(lang, "match")
        rows.append(
            f"<tr><td>{escape_html(c.claimed)}</td><td>{reported}</td>"
            f'<td class="rq-match {cls}"><span aria-label="{escape_html(label)}: {sign}">'
            f"{sign}</span>"
            + (f' <span class="rq-reason">{escape_html(reason)}</span>' if reason else "")
            + "</td></tr>"
        )
    head = "".join(
        f'<th scope="col">{escape_html(t(lang, key))}</th>'
        for key in ("claimed", "reported", "match")
    )
    return (
        f'<h4 class="rq-check-title">{escape_html(t(lang, "comparisons"))}</h4>'
        f'<table class="rq-compare"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _with_markers(text: str, numbers: set[int]) -> str:
    """``text`` escaped, with each marker ``[n]`` of an evidence quote linking to its card."""
    out: list[str] = []
    last = 0
    for match in MARKER.finditer(text):
        out.append(escape_html(text[last : match.start()]))
        out.append(_marker(int(match.group(1)), numbers))
        last = match.end()
    out.append(escape_html(text[last:]))
    return "".join(out)


def _marker(n: int, numbers: set[int]) -> str:
    if n not in numbers:
        return f"[{n}]"
    return f'<a class="rq-ref" href="#src-{CARD_TURN}-{n}">[{n}]</a>'


def _known(key: str) -> bool:
    try:
        t("en", key)
    except KeyError:
        return False
    return True
