"""The one place an ``Answer`` becomes JSON: ``reportqa ask --json``, the HTTP API and the chat
page all use ``answer_to_dict``; likewise ``verdict_to_dict`` for a fact-check ``Verdict``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .messages import LANGUAGES, notice_text, read_notices
from .models import Answer, Citation, Hit, Notice, Verdict

__all__ = ["answer_to_dict", "citation_to_dict", "notice_to_dict", "verdict_to_dict"]


def citation_to_dict(c: Citation) -> dict[str, Any]:
    """A citation as JSON; ``page`` and ``section`` only where they are known (PDF, DOCX, HTML),
    so a citation of a text file has the same keys as ever."""
    out: dict[str, Any] = {
        "n": c.n,
        "document": c.document,
        "title": c.title,
        "paragraph": c.paragraph,
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
        "score": c.score,
    }
    if c.page is not None:
        out["page"] = c.page
    if c.section is not None:
        out["section"] = c.section
    return out


def notice_to_dict(notice: Notice) -> dict[str, Any]:
    """A notice as its code and parameters, with its English text beside them and its wording in
    every UI language (``texts``: a parameter such as the verifier's reason is worded too, which
    a template filled in by the widget could not do)."""
    return {
        "code": notice.code,
        "params": dict(notice.params),
        "text": notice_text(notice, "en"),
        "texts": {language: notice_text(notice, language) for language in LANGUAGES},
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The JSON object of an answer."""
    out: dict[str, Any] = {
        "question": answer.question,
        "answer": answer.answer,
        "refused": answer.refused,
        "language": answer.language,
        "short_answer": (
            {
                "text": answer.short_answer.text,
                "start": answer.short_answer.start,
                "end": answer.short_answer.end,
                "citation": answer.short_answer.citation,
            }
            if answer.short_answer
            else None
        ),
        "confidence": answer.confidence,
        "citations": [citation_to_dict(c) for c in answer.citations],
        "retrieved": _retrieved(answer.retrieved),
        "see_also": [
            {
                "document": s.document,
                "title": s.title,
                "paragraph": s.paragraph,
                "text": s.text,
                "score": s.score,
            }
            for s in answer.see_also
        ],
        "mode": answer.mode,
        "notice": answer.notice,  # in English; "notices" has it coded, for other languages
        "notices": [notice_to_dict(n) for n in read_notices(answer.notice)],
        "interpreted_as": answer.interpreted_as,
    }
    if answer.mode == "generative":
        out["grounded"] = answer.grounded
        out["unsupported"] = [{"text": u.text, "reason": u.reason} for u in answer.unsupported]
    return out


def verdict_to_dict(verdict: Verdict) -> dict[str, Any]:
    """The JSON object of a fact-check verdict; ``evidence`` has the shape of ``citations``."""
    return {
        "claim": verdict.claim,
        "verdict": verdict.verdict,
        "language": verdict.language,
        "explanation": verdict.explanation,
        "evidence": [citation_to_dict(c) for c in verdict.evidence],
        "comparisons": [
            {
                "claimed": c.claimed,
                "reported": c.reported,
                "match": c.match,
                "citation": c.citation,
                "reason": c.reason,
            }
            for c in verdict.comparisons
        ],
        "retrieved": _retrieved(verdict.retrieved),
    }


def _retrieved(hits: Sequence[Hit]) -> list[dict[str, Any]]:
    """The ranked passages considered, for ``retrieved`` (answers and verdicts alike)."""
    return [
        {"document": h.chunk.document, "paragraph": h.chunk.paragraph, "score": h.score}
        for h in hits
    ]
