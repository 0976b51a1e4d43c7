"""The shapes of the HTTP API, as pydantic models for request validation and the OpenAPI schema.

Responses of ``/api/ask`` are produced by ``serialize.answer_to_dict`` (the one place an Answer
becomes JSON, shared with ``reportqa ask --json``), those of ``/api/check`` by
``serialize.verdict_to_dict`` (shared with ``reportqa check --json``); ``AnswerOut`` and
``VerdictOut`` only document those shapes, and tests validate real output against them so the
documentation cannot drift from it.

Left out: versioning of the API (there is one version, the one the CLI prints).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "AskRequest",
    "AnswerOut",
    "CheckRequest",
    "CitationOut",
    "ComparisonOut",
    "VerdictOut",
    "FeedbackRequest",
    "FeedbackOut",
    "HealthOut",
    "ErrorOut",
]

_EXAMPLE_QUESTION = "Сколько вузов в области?"
EXAMPLE_CLAIM = "В области работают 8 вузов"


def _valid_unicode(value: str) -> str:
    # JSON may carry lone surrogates ("\ud800") that no UTF-8 encoder accepts.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode text (it holds a lone surrogate)") from None
    return value


class AskRequest(BaseModel):
    """A question about the report."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"question": _EXAMPLE_QUESTION}]})

    question: str = Field(description="The question, in Russian, Kazakh or English.")

    _check_unicode = field_validator("question")(_valid_unicode)


class CheckRequest(BaseModel):
    """A claim to check against the report."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"claim": EXAMPLE_CLAIM}]})

    claim: str = Field(description="A statement, in Russian, Kazakh or English, not a question.")

    _check_unicode = field_validator("claim")(_valid_unicode)


class CitationOut(BaseModel):
    """A verbatim quote the answer rests on; ``start``/``end`` are offsets into the document."""

    model_config = ConfigDict(extra="allow")

    n: int = Field(description='The number of the marker "[n]" in the answer text.')
    document: str
    title: str
    paragraph: int = Field(description="Paragraph number, from 1; the report view anchor #pN.")
    quote: str
    start: int
    end: int
    score: float


class RetrievedOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    document: str
    paragraph: int
    score: float


class SeeAlsoOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    document: str
    paragraph: int


class ShortAnswerOut(BaseModel):
    """The exact span answering a question of amount, date, place or name."""

    model_config = ConfigDict(extra="allow")

    text: str = Field(description='Verbatim from the report, e.g. "372 тысячи шин".')
    start: int = Field(description="Offset in the document, like citations[].start.")
    end: int
    citation: int = Field(description='The "[n]" of the quote it stands in.')


class AnswerOut(BaseModel):
    """The JSON of ``reportqa ask --json``."""

    model_config = ConfigDict(extra="allow")

    question: str
    answer: str = Field(description='The answer text with citation markers "[n]".')
    refused: bool = Field(description="True when the report does not say.")
    language: str
    short_answer: ShortAnswerOut | None = Field(
        default=None, description="The exact span first, for amounts, dates, places and names."
    )
    confidence: float | None = Field(
        default=None, description="The evidence model's probability that the quote answers."
    )
    citations: list[CitationOut]
    retrieved: list[RetrievedOut]
    see_also: list[SeeAlsoOut] = Field(description="Passages near a refused question.")
    mode: str
    notice: str | None = None


class ComparisonOut(BaseModel):
    """A figure of the claim beside the report's figure for the same thing."""

    model_config = ConfigDict(extra="allow")

    claimed: str = Field(description='As the claim writes it, e.g. "2 трлн тенге до 2028 года".')
    reported: str | None = Field(description="As the report writes it; null when it has none.")
    match: bool | None = Field(description="null: the report neither confirms nor contradicts.")
    citation: int | None = Field(description='The "[n]" of the evidence quoting the figure.')
    reason: str = Field(
        description='Why it does not match: "value", "period", "no_period", "bound", '
        '"missing"; "" when it matches.'
    )


class VerdictOut(BaseModel):
    """The JSON of ``reportqa check --json``."""

    model_config = ConfigDict(extra="allow")

    claim: str
    verdict: Literal["supported", "contradicted", "not_found"]
    language: str
    explanation: str = Field(description='The verdict in words, with markers "[n]".')
    evidence: list[CitationOut] = Field(description="The quotes compared, numbered [n].")
    comparisons: list[ComparisonOut]
    retrieved: list[RetrievedOut]


class FeedbackCitation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    n: int
    document: str = Field(max_length=1000)
    title: str = Field(default="", max_length=2000)
    paragraph: int
    quote: str = Field(max_length=20_000)
    start: int | None = None
    end: int | None = None


class FeedbackRequest(BaseModel):
    """A thumbs up or down on an answer, with the answer as it was shown."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rating": "up",
                    "question": _EXAMPLE_QUESTION,
                    "answer": "В области работают 8 вузов и 52 колледжа [1]",
                    "citations": [],
                }
            ]
        }
    )

    rating: Literal["up", "down"]
    question: str = Field(max_length=20_000)
    answer: str = Field(max_length=100_000)
    refused: bool = False
    citations: list[FeedbackCitation] = Field(default_factory=list, max_length=50)
    channel: Literal["page", "widget", "api"] = "api"
    comment: str = Field(default="", max_length=2000)

    _check_unicode = field_validator("question", "answer", "comment")(_valid_unicode)


class FeedbackOut(BaseModel):
    status: Literal["recorded"] = "recorded"


class DocumentOut(BaseModel):
    id: str
    title: str
    paragraphs: int
    sha256: str


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"
    corpus_hash: str
    documents: list[DocumentOut]


class ErrorOut(BaseModel):
    """Every 4xx and 5xx of the API: a stable code and a message saying what to do."""

    error: str = Field(description="A short code, e.g. invalid_json, question_too_long.")
    message: str
