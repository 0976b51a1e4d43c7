"""How a fact-check is told: its findings made into a ``Verdict``, the evidence numbered as
citations by first use, each claimed figure beside the reported one, and an explanation in the
claim's language (Russian, Kazakh or English): "Contradicted: claimed 2 trillion tenge by 2028;
the report says 1,6 трлн тенге by 2028 [1]."

Figures and quotes stay as the claim and the report write them; only the framing words and the
years (written by ``numbers.format_quantity``) follow the claim's language. What the findings are
is decided in ``factcheck.py``; this module only words them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..answer.extractive import cite
from ..evidence.features import Candidate as Evidence
from ..lang.numbers import Quantity, format_quantity
from ..models import Citation, Comparison, Hit, Verdict
from .figures import Figure

__all__ = ["Finding", "render_verdict"]


@dataclass(frozen=True)
class Finding:
    """One thing the fact-checker compared: a figure of the claim (for a claim without figures,
    a stand-in holding only its years, or nothing), the report's figure paired with it and the
    sentence holding that, and the outcome."""

    claimed: Figure
    evidence: Evidence | None = None
    confidence: float = 0.0  # how sure it is that the sentence is about the claim's subject
    reported: Figure | None = None
    outcome: str = "missing"  # "match", "differ", "unclear" or "missing"
    # "" (match), "value", "period", "no_period", "bound", "direction" or "missing"
    reason: str = "missing"


_PHRASES: dict[str, dict[str, str]] = {
    "supported": {"ru": "Подтверждается", "kk": "Расталады", "en": "Supported"},
    "contradicted": {"ru": "Опровергается", "kk": "Теріске шығарылады", "en": "Contradicted"},
    "not_found": {
        "ru": "В отчёте этого нет",
        "kk": "Есепте бұл айтылмаған",
        "en": "Not found in the report",
    },
    "claimed": {"ru": "утверждается {}", "kk": "мәлімдемеде {}", "en": "claimed {}"},
    "reported": {"ru": "в отчёте {}", "kk": "есепте {}", "en": "the report says {}"},
    "missing": {
        "ru": "в отчёте такой цифры нет",
        "kk": "есепте мұндай көрсеткіш жоқ",
        "en": "the report gives no such figure",
    },
    "no_period": {"ru": "без указания года", "kk": "жылы көрсетілмеген", "en": "without a year"},
    "bound": {
        "ru": "(только граница, не само значение)",
        "kk": "(тек шегі, мәні емес)",
        "en": "(a bound, not the figure itself)",
    },
    "other_period": {
        "ru": "(в абзаце речь о {})",
        "kk": "(абзацта {} туралы)",
        "en": "(its passage speaks of {})",
    },
    "stated": {"ru": "в отчёте: {}", "kk": "есепте: {}", "en": "the report says: {}"},
    "unbacked": {
        "ru": "но об этом отчёт не говорит: {}",
        "kk": "бірақ есепте бұл туралы айтылмаған: {}",
        "en": "but the report does not mention: {}",
    },
    "direction": {
        "ru": "(в отчёте изменение в другую сторону)",
        "kk": "(есепте өзгеріс керісінше)",
        "en": "(the report says it went the other way)",
    },
    "judged": {
        "ru": "(по совокупности признаков, а не по одной цифре)",
        "kk": "(жеке сан бойынша емес, белгілердің жиынтығы бойынша)",
        "en": "(weighing all the evidence, not figure by figure)",
    },
    "unstated": {
        "ru": "ни одно предложение отчёта этого не утверждает",
        "kk": "есептің бірде-бір сөйлемі мұны айтпайды",
        "en": "no sentence of the report states it",
    },
}
_KK_YEARS = {"in": "{} жылы", "by": "{} жылға дейін", "since": "{} жылдан бастап", "for": "{} жылы"}


def render_verdict(
    claim: str,
    language: str,
    verdict: str,
    findings: Sequence[Finding],
    hits: Sequence[Hit],
    unbacked: Sequence[str] = (),
    judged: bool = False,
) -> Verdict:
    """The ``Verdict`` on ``claim`` from the fact-checker's findings; ``unbacked`` are words of
    the claim the report never uses near its figures (why figures that match are not enough);
    ``judged`` says that the verdict model weighed the findings otherwise than the figure-by-figure
    rules would (the explanation says so)."""
    citations: dict[tuple[str, int], Citation] = {}
    for f in findings:
        if f.evidence is not None:
            key = (f.evidence.hit.chunk.document, f.evidence.sentence.start)
            if key not in citations:
                citations[key] = cite(f.evidence, len(citations) + 1, f.confidence)
    comparisons: list[Comparison] = []
    parts: list[str] = []
    for f in findings:
        citation = None
        if f.evidence is not None:
            citation = citations[(f.evidence.hit.chunk.document, f.evidence.sentence.start)]
        if not f.claimed.text and f.claimed.period is None and citation is not None:
            # a claim without figures or years, stated by a sentence
            parts.append(_phrase("stated", language).format(f"«{citation.quote}» [{citation.n}]"))
            continue
        claimed = _figure_text(f.claimed, language)
        if f.reported is None or citation is None:
            reported, said = None, _phrase("missing", language)
        else:
            reported = _figure_text(f.reported, language) or f"«{citation.quote}»"
            said = _phrase("reported", language).format(f"{reported} [{citation.n}]")
            if f.reason == "no_period":
                said += ", " + _phrase("no_period", language)
            elif f.reason == "direction":
                said += " " + _phrase("direction", language)
            elif f.reason == "bound":
                said += " " + _phrase("bound", language)
            elif f.reason == "period" and f.reported.inherited:
                years = ", ".join(str(y) for y in sorted(f.reported.years))
                said += " " + _phrase("other_period", language).format(years)
        match = {"match": True, "differ": False}.get(f.outcome)
        comparisons.append(
            Comparison(claimed, reported, match, citation.n if citation else None, f.reason)
        )
        parts.append(_phrase("claimed", language).format(claimed) + "; " + said)
    if not parts:
        parts.append(_phrase("unstated", language))
    if unbacked:
        parts[-1] += ", " + _phrase("unbacked", language).format(", ".join(unbacked))
    explanation = _phrase(verdict, language)
    if judged:
        explanation += " " + _phrase("judged", language)
    explanation += ": " + parts[0]
    explanation += "".join(". " + part[:1].upper() + part[1:] for part in parts[1:]) + "."
    return Verdict(
        claim=claim,
        verdict=verdict,
        language=language,
        explanation=explanation,
        evidence=tuple(citations.values()),
        comparisons=tuple(comparisons),
        retrieved=tuple(hits),
    )


def _phrase(key: str, language: str) -> str:
    return _PHRASES[key].get(language, _PHRASES[key]["en"])


def _figure_text(f: Figure, language: str) -> str:
    """The figure as written, then its year in the claim's language: "1,6 трлн тенге by 2028".
    A month is named in the claim's language ("May", "май")."""
    text = f.text
    if f.quantity.kind == "date" and 1 <= f.quantity.value <= 12:
        text = format_quantity(f.quantity, "en" if language == "en" else "ru")
    return f"{text} {period_text(f.period, language)}".strip()


def period_text(q: Quantity | None, language: str) -> str:
    """A year or range of years written for ``language``: "by 2028", "до 2028 года". A year the
    report gives relative to its date stays as written, the year it means beside it: "в этом
    году (2025)"."""
    if q is None:
        return ""
    if not any(ch.isdigit() for ch in q.text):
        return f"{q.text[:1].lower()}{q.text[1:]} ({int(q.value)})"
    if language != "kk":
        return format_quantity(q, "en" if language == "en" else "ru")
    if q.kind == "year_range":
        return f"{int(q.value)}–{int(q.end_value or q.value)} жылдары"
    return _KK_YEARS.get(q.relation or "", "{} жыл").format(int(q.value))
