"""Evaluation over a question file in the format of ``report-dev.jsonl``.

Each row: ``id``, ``lang``, ``question``, ``answers`` (strings any of which a correct answer
quotes; empty when the report does not answer) and ``paragraph`` (the gold paragraph or null).
Reported: gold-paragraph hit@1 and @3, answers holding a gold string, refusal accuracy on
unanswerable questions, false refusals, and p50/p95 latency.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .models import Answer

__all__ = ["QuestionResult", "EvalReport", "evaluate_questions", "read_jsonl"]


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


@dataclass(frozen=True)
class EvalReport:
    results: tuple[QuestionResult, ...]

    def totals(self) -> dict[str, Any]:
        rs = self.results
        answerable = [r for r in rs if r.answerable]
        unanswerable = [r for r in rs if not r.answerable]
        with_paragraph = [r for r in rs if r.hit1 is not None]
        latencies = sorted(r.latency_ms for r in rs)
        return {
            "questions": len(rs),
            "hit@1": _ratio(sum(bool(r.hit1) for r in with_paragraph), len(with_paragraph)),
            "hit@3": _ratio(sum(bool(r.hit3) for r in with_paragraph), len(with_paragraph)),
            "answered_with_gold": _ratio(sum(r.correct for r in answerable), len(answerable)),
            "refusal_accuracy": _ratio(sum(r.refused for r in unanswerable), len(unanswerable)),
            "false_refusals": sum(r.refused for r in answerable),
            "p50_ms": _percentile(latencies, 50),
            "p95_ms": _percentile(latencies, 95),
        }


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file; a bad line is an ``InputError`` naming the line."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} line {number} is not valid JSON: {exc.msg}") from None
            if not isinstance(row, dict):
                raise InputError(f"{path} line {number} is not a JSON object")
            yield row


def evaluate_questions(rows: list[dict[str, Any]], ask: Callable[[str], Answer]) -> EvalReport:
    """Ask every question of ``rows`` and score the answers."""
    results: list[QuestionResult] = []
    for row in rows:
        if "question" not in row:
            raise InputError(f"row {row.get('id', '?')} has no 'question'")
        gold = [str(a) for a in row.get("answers") or []]
        started = time.perf_counter()
        answer = ask(row["question"])
        latency = (time.perf_counter() - started) * 1000
        quoted = " ".join(c.quote for c in answer.citations)
        answerable = bool(gold)
        correct = (
            (not answer.refused and any(g in quoted for g in gold))
            if answerable
            else answer.refused
        )
        paragraph = row.get("paragraph")
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
            )
        )
    return EvalReport(tuple(results))


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    index = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return round(values[index], 2)
