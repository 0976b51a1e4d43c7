"""Evaluation over a question file in the format of ``report-dev.jsonl``.

Each row: ``id``, ``lang``, ``question``, ``answers`` (strings any of which a correct answer
quotes; empty when the report does not answer) and ``paragraph`` (the gold paragraph or null).
Reported: gold-paragraph hit@1 and @3, answers holding a gold string (in the short answer or a
quote), refusal accuracy on unanswerable questions, false refusals, and p50/p95 latency, overall
and per language; and of the answerable questions, how many got a short answer and how many of
those are right: as lower-cased words with punctuation folded, the short answer holds a gold
string or a gold string holds it ("372 тысячи" for "372 тысячи шин"; "5" is not "15 тысяч").

A dialogues file (rows ``{"id", "lang", "turns": [{"question", "answers", "paragraph"}, ...]}``)
is scored by ``evaluate_dialogues``: each turn is asked with the turns before it as its history
(the answers given, with their citations), and first turns and follow-ups are scored apart.

A claims file (``report-dev-claims.jsonl``: rows with ``claim`` instead of ``question``, the
expected ``verdict`` and the gold ``paragraph`` or null) is scored by ``evaluate_claims``: verdict
accuracy, the confusion matrix (expected by given), whether the first evidence quote comes from the
gold paragraph, whether every compared figure stands in the quote cited for it, and latency.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .models import Answer, Verdict

__all__ = [
    "QuestionResult",
    "EvalReport",
    "evaluate_questions",
    "answer_words",
    "short_right",
    "read_jsonl",
    "ClaimResult",
    "ClaimReport",
    "evaluate_claims",
    "check_claim_rows",
    "is_claims_file",
    "VERDICTS",
    "DialogueTurnResult",
    "DialogueReport",
    "evaluate_dialogues",
    "is_dialogues_file",
]

VERDICTS = ("supported", "contradicted", "not_found")


@dataclass(frozen=True)
class QuestionResult:
    id: str
    question: str
    answerable: bool
    refused: bool
    correct: bool  # answered with a gold string, or (unanswerable) refused
    hit1: bool | None
    hit3: bool | None
    latency_ms: float
    answer: str
    language: str = ""  # the row's "lang", else the answer's
    short_right: bool | None = None  # None when unanswerable or no short answer was given


@dataclass(frozen=True)
class EvalReport:
    results: tuple[QuestionResult, ...]

    def totals(self) -> dict[str, Any]:
        rs = self.results
        answerable = [r for r in rs if r.answerable]
        unanswerable = [r for r in rs if not r.answerable]
        with_paragraph = [r for r in rs if r.hit1 is not None]
        latencies = sorted(r.latency_ms for r in rs)
        by_language: dict[str, dict[str, Any]] = {}
        for language in sorted({r.language for r in rs}):
            mine = [r for r in rs if r.language == language]
            a = [r for r in mine if r.answerable]
            u = [r for r in mine if not r.answerable]
            by_language[language] = {
                "questions": len(mine),
                "accuracy": _ratio(sum(r.correct for r in mine), len(mine)),
                "answered_with_gold": _ratio(sum(r.correct for r in a), len(a)),
                "refusal_accuracy": _ratio(sum(r.refused for r in u), len(u)),
                "false_refusal_rate": _ratio(sum(r.refused for r in a), len(a)),
            }
        return {
            "questions": len(rs),
            "accuracy": _ratio(sum(r.correct for r in rs), len(rs)),
            "hit@1": _ratio(sum(bool(r.hit1) for r in with_paragraph), len(with_paragraph)),
            "hit@3": _ratio(sum(bool(r.hit3) for r in with_paragraph), len(with_paragraph)),
            "answered_with_gold": _ratio(sum(r.correct for r in answerable), len(answerable)),
            "refusal_accuracy": _ratio(sum(r.refused for r in unanswerable), len(unanswerable)),
            "false_refusals": sum(r.refused for r in answerable),
            "short_answers": sum(r.short_right is not None for r in answerable),
            "short_answers_right": sum(bool(r.short_right) for r in answerable),
            "p50_ms": _percentile(latencies, 50),
            "p95_ms": _percentile(latencies, 95),
            "by_language": by_language,
        }


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file; a bad line (not UTF-8, not JSON, not an object) is an
    ``InputError`` naming the line."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path} line {number} is not valid UTF-8 (byte {exc.start + 1}): "
                    "save the file as UTF-8"
                ) from None
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} line {number} is not valid JSON: {exc.msg}") from None
            except RecursionError:
                raise InputError(f"{path} line {number} is nested too deeply") from None
            if not isinstance(row, dict):
                raise InputError(f"{path} line {number} is not a JSON object")
            yield row


def _gold(row: dict[str, Any], where: str) -> tuple[list[str], int | None]:
    """A row's (or turn's) gold answers and paragraph, as the file format has them: a list of
    strings (empty or absent when the report does not answer) and a paragraph number or null.
    Anything else is an ``InputError`` naming ``where``, not a silent score."""
    answers = row.get("answers")
    if answers is None:
        answers = []
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise InputError(f"{where}: 'answers' must be a list of strings, got {answers!r}")
    return answers, _paragraph(row, where)


def _paragraph(row: dict[str, Any], where: str) -> int | None:
    paragraph = row.get("paragraph")
    if paragraph is not None and (isinstance(paragraph, bool) or not isinstance(paragraph, int)):
        raise InputError(f"{where}: 'paragraph' must be a number or null, got {paragraph!r}")
    return paragraph


def evaluate_questions(rows: list[dict[str, Any]], ask: Callable[[str], Answer]) -> EvalReport:
    """Ask every question of ``rows`` and score the answers."""
    results: list[QuestionResult] = []
    for row in rows:
        if "question" not in row:
            raise InputError(f"row {row.get('id', '?')} has no 'question'")
        gold, paragraph = _gold(row, f"row {row.get('id', len(results) + 1)}")
        started = time.perf_counter()
        answer = ask(row["question"])
        latency = (time.perf_counter() - started) * 1000
        short = answer.short_answer.text if answer.short_answer else ""
        quoted = " ".join([short, *(c.quote for c in answer.citations)])
        answerable = bool(gold)
        correct = (
            (not answer.refused and any(g in quoted for g in gold))
            if answerable
            else answer.refused
        )
        paragraphs = [h.chunk.paragraph for h in answer.retrieved]
        results.append(
            QuestionResult(
                id=str(row.get("id", len(results) + 1)),
                question=row["question"],
                answerable=answerable,
                refused=answer.refused,
                correct=correct,
                hit1=None if paragraph is None else paragraphs[:1] == [paragraph],
                hit3=None if paragraph is None else paragraph in paragraphs[:3],
                latency_ms=round(latency, 2),
                answer=answer.answer,
                language=str(row.get("lang") or answer.language),
                short_right=short_right(short, gold) if short and answerable else None,
            )
        )
    return EvalReport(tuple(results))


def short_right(short: str, gold: Sequence[str]) -> bool:
    """Whether a short answer is right: as lower-cased words with punctuation folded, it holds
    a gold string or a gold string holds it."""
    mine = answer_words(short)
    return bool(mine) and any(
        _holds(mine, theirs) or _holds(theirs, mine) for theirs in map(answer_words, gold) if theirs
    )


def answer_words(text: str) -> list[str]:
    """An answer's words as SQuAD compares them: lower case, punctuation folded to spaces (and
    ё read as е)."""
    folded = "".join(
        " " if unicodedata.category(ch).startswith("P") else ch
        for ch in text.lower().replace("ё", "е")
    )
    return folded.split()


def _holds(outer: list[str], inner: list[str]) -> bool:
    n = len(inner)
    return any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


@dataclass(frozen=True)
class ClaimResult:
    id: str
    claim: str
    expected: str
    verdict: str  # as given, or "error" when the claim was refused as input
    correct: bool
    evidence_hit: bool | None  # first evidence from the gold paragraph; None without one
    figures_quoted: bool  # every compared reported figure stands in the quote cited for it
    latency_ms: float
    explanation: str


@dataclass(frozen=True)
class ClaimReport:
    results: tuple[ClaimResult, ...]

    def confusion(self) -> dict[str, dict[str, int]]:
        """Counts by expected verdict, then by given verdict ("error" included when it occurs)."""
        given = list(VERDICTS) + (
            ["error"] if any(r.verdict == "error" for r in self.results) else []
        )
        table = {e: dict.fromkeys(given, 0) for e in VERDICTS}
        for r in self.results:
            table[r.expected][r.verdict] += 1
        return table

    def totals(self) -> dict[str, Any]:
        rs = self.results
        with_paragraph = [r for r in rs if r.evidence_hit is not None]
        latencies = sorted(r.latency_ms for r in rs)
        return {
            "claims": len(rs),
            "verdict_accuracy": _ratio(sum(r.correct for r in rs), len(rs)),
            "confusion": self.confusion(),
            "evidence_hit": _ratio(
                sum(bool(r.evidence_hit) for r in with_paragraph), len(with_paragraph)
            ),
            "figures_quoted": _ratio(sum(r.figures_quoted for r in rs), len(rs)),
            "p50_ms": _percentile(latencies, 50),
            "p95_ms": _percentile(latencies, 95),
        }


def is_claims_file(rows: list[dict[str, Any]]) -> bool:
    """Whether ``rows`` are claims to check (rows with "claim" and none with "question")."""
    return any("claim" in r for r in rows) and not any("question" in r for r in rows)


def check_claim_rows(rows: list[dict[str, Any]]) -> None:
    """Raise ``InputError`` naming the first row without a claim or with an unknown verdict."""
    for number, row in enumerate(rows, start=1):
        where = f"row {row.get('id', number)}"
        if not isinstance(row.get("claim"), str):
            raise InputError(f"{where} has no 'claim' text")
        if row.get("verdict") not in VERDICTS:
            raise InputError(
                f"{where}: 'verdict' must be one of {', '.join(VERDICTS)}, "
                f"got {row.get('verdict')!r}"
            )
        _paragraph(row, where)


def evaluate_claims(rows: list[dict[str, Any]], check: Callable[[str], Verdict]) -> ClaimReport:
    """Check every claim of ``rows`` and score the verdicts. A claim ``check`` refuses with an
    ``InputError`` counts as the verdict "error"."""
    check_claim_rows(rows)
    results: list[ClaimResult] = []
    for row in rows:
        expected = row["verdict"]
        started = time.perf_counter()
        try:
            verdict: Verdict | None = check(row["claim"])
        except InputError as exc:
            verdict, explanation = None, str(exc)
        latency = (time.perf_counter() - started) * 1000
        given = verdict.verdict if verdict else "error"
        paragraph = row.get("paragraph")
        hit = None
        if paragraph is not None and verdict is not None:
            hit = bool(verdict.evidence) and verdict.evidence[0].paragraph == paragraph
        quoted = verdict is not None and all(
            c.reported is None
            or c.citation is None
            or _figure_in(c.reported, verdict.evidence[c.citation - 1].quote)
            for c in verdict.comparisons
        )
        results.append(
            ClaimResult(
                id=str(row.get("id", len(results) + 1)),
                claim=row["claim"],
                expected=expected,
                verdict=given,
                correct=given == expected,
                evidence_hit=hit,
                figures_quoted=quoted,
                latency_ms=round(latency, 2),
                explanation=verdict.explanation if verdict else explanation,
            )
        )
    return ClaimReport(tuple(results))


@dataclass(frozen=True)
class DialogueTurnResult:
    dialogue: str
    turn: int  # 0 for the first question of a dialogue
    question: str
    language: str
    answerable: bool
    refused: bool
    correct: bool  # answered with a gold string, or (unanswerable) refused
    interpreted_as: str | None
    latency_ms: float
    answer: str
    short_right: bool | None = None  # None when unanswerable or no short answer was given

    @property
    def followup(self) -> bool:
        return self.turn > 0


@dataclass(frozen=True)
class DialogueReport:
    results: tuple[DialogueTurnResult, ...]

    def totals(self) -> dict[str, Any]:
        """Accuracy of first turns and of follow-ups, overall and per language."""

        def score(rs: list[DialogueTurnResult]) -> dict[str, Any]:
            a = [r for r in rs if r.answerable]
            u = [r for r in rs if not r.answerable]
            return {
                "turns": len(rs),
                "accuracy": _ratio(sum(r.correct for r in rs), len(rs)),
                "answered_with_gold": _ratio(sum(r.correct for r in a), len(a)),
                "refusal_accuracy": _ratio(sum(r.refused for r in u), len(u)),
                "interpreted": sum(r.interpreted_as is not None for r in rs),
            }

        out: dict[str, Any] = {}
        for part, followup in (("first", False), ("followup", True)):
            mine = [r for r in self.results if r.followup == followup]
            out[part] = score(mine)
            out[part]["by_language"] = {
                lang: score([r for r in mine if r.language == lang])
                for lang in sorted({r.language for r in mine})
            }
        latencies = sorted(r.latency_ms for r in self.results)
        out["p50_ms"] = _percentile(latencies, 50)
        out["p95_ms"] = _percentile(latencies, 95)
        return out


def is_dialogues_file(rows: list[dict[str, Any]]) -> bool:
    """Whether ``rows`` are dialogues (rows with "turns")."""
    return bool(rows) and all("turns" in r for r in rows)


def evaluate_dialogues(
    rows: list[dict[str, Any]],
    ask: Callable[[str, list[dict[str, Any]]], Answer],
    with_history: bool = True,
) -> DialogueReport:
    """Ask every turn of every dialogue of ``rows``, with the turns before it (questions and the
    answers given, with their citations) as its history; ``with_history=False`` asks each turn
    alone (the baseline)."""
    from .serialize import citation_to_dict

    results: list[DialogueTurnResult] = []
    for number, row in enumerate(rows, start=1):
        turns = row.get("turns")
        name = str(row.get("id", number))
        if not isinstance(turns, list) or not turns:
            raise InputError(f"dialogue {name} has no 'turns' list")
        history: list[dict[str, Any]] = []
        for i, turn in enumerate(turns):
            if not isinstance(turn, dict) or not isinstance(turn.get("question"), str):
                raise InputError(f"dialogue {name} turn {i + 1} has no 'question' text")
            gold, _ = _gold(turn, f"dialogue {name} turn {i + 1}")
            started = time.perf_counter()
            answer = ask(turn["question"], history if with_history else [])
            latency = (time.perf_counter() - started) * 1000
            short = answer.short_answer.text if answer.short_answer else ""
            quoted = " ".join([short, *(c.quote for c in answer.citations)])
            correct = (
                (not answer.refused and any(g in quoted for g in gold)) if gold else answer.refused
            )
            results.append(
                DialogueTurnResult(
                    dialogue=name,
                    turn=i,
                    question=turn["question"],
                    language=str(row.get("lang") or answer.language),
                    answerable=bool(gold),
                    refused=answer.refused,
                    correct=correct,
                    interpreted_as=answer.interpreted_as,
                    latency_ms=round(latency, 2),
                    answer=answer.answer,
                    short_right=short_right(short, gold) if short and gold else None,
                )
            )
            history = [
                *history,
                {"role": "user", "content": turn["question"]},
                {
                    "role": "assistant",
                    "content": answer.answer,
                    "citations": [citation_to_dict(c) for c in answer.citations],
                },
            ]
    return DialogueReport(tuple(results))


def _figure_in(reported: str, quote: str) -> bool:
    """Whether every number of ``reported`` ("1,6 трлн тенге by 2028") is stated in ``quote``;
    a year in brackets is the one a relative "в этом году" of the quote means, not a quote."""
    import re

    from .lang.numbers import parse_quantities, quantities_match

    reported = re.sub(r"\(\d{4}\)", " ", reported)
    stated = parse_quantities(quote)
    return all(
        any(quantities_match(q, p) or q.value == p.value for p in stated)
        for q in parse_quantities(reported)
    )


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    index = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return round(values[index], 2)
