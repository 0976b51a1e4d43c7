"""The shapes of the HTTP API, as pydantic models for request validation and the OpenAPI schema.

Responses of ``/api/ask`` are produced by ``serialize.answer_to_dict`` (the one place an Answer
becomes JSON, shared with ``reportqa ask --json``), those of ``/api/check`` by
``serialize.verdict_to_dict`` (shared with ``reportqa check --json``); ``AnswerOut`` and
``VerdictOut`` only document those shapes, and tests validate real output against them so the
documentation cannot drift from it.

Request models are strict, so the server holds to the schema it publishes: no coercion (``5`` is
not a question, ``0`` is not ``false``), no fields the schema does not name, bounded sizes, and
text patterns the schema states (a question or claim holds something besides white space and
control characters; feedback text holds no control characters at all). ``/api/feedback``, the one
endpoint that writes, so writes only what its schema allows. The length limit of a question or
claim is a setting (``max_question_chars``), so it is added to the published schema by the API
(``api.document_limits``) and checked there, not here.

Left out: versioning of the API (there is one version, the one the CLI prints).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue, field_validator

from ..dialogue.turns import MAX_TURN_CHARS

__all__ = [
    "AskRequest",
    "TurnIn",
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
EXAMPLE_FEEDBACK: dict[str, JsonValue] = {
    "rating": "up",
    "question": _EXAMPLE_QUESTION,
    "answer": "В области работают 8 вузов и 52 колледжа [1]",
    "citations": [],
}


# Characters that ``inputs.clean_question`` drops (controls, zero-width and direction marks,
# separators, the byte-order mark) or folds (white space): a question of only these is empty.
# JSON Schema patterns match anywhere in the string, so this one says "holds one other character".
# Written out rather than ``\s``, whose meaning differs between Python, ECMA and Rust regexes;
# a test checks it against ``clean_question`` for every code point.
NOT_BLANK = (
    r"[^\x00-\x20\x7f-\xa0\xad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064"
    r"\u2066-\u206f\u3000\ufeff]"
)
# Text that is stored (feedback): no C0 or C1 control characters but tab, newline and return.
PLAIN_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
_STRICT = ConfigDict(strict=True, extra="forbid")


def _json_integer(value: object) -> object:
    # JSON has one kind of number, and JSON Schema counts 68.0 as the integer 68; 68.5, "68" and
    # true are left to the strict check, which refuses them.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer as JSON Schema means it; otherwise strict.
JsonInt = Annotated[int, BeforeValidator(_json_integer)]
# A character offset. (Bounds inside the Annotated: on an optional field pydantic would write
# them into the schema as "ge"/"le", which no JSON Schema validator reads.)
_Offset = Annotated[int, Field(ge=0, le=2**53), BeforeValidator(_json_integer)]


def _valid_unicode(value: object) -> object:
    # JSON may carry lone surrogates ("\ud800") that no UTF-8 encoder accepts. Run before the
    # type check, so a non-string is left to it.
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("is not valid Unicode text (it holds a lone surrogate)") from None
    return value


class AskRequest(BaseModel):
    """A question about the report."""

    model_config = ConfigDict(
        **_STRICT, json_schema_extra={"examples": [{"question": _EXAMPLE_QUESTION}]}
    )

    question: str = Field(
        pattern=NOT_BLANK,
        description="The question, in Russian, Kazakh or English. Control characters are read as "
        "spaces; at most `max_question_chars` characters (the schema's maxLength).",
    )

    history: list[TurnIn] | None = Field(
        default=None,
        max_length=200,
        description="The conversation's earlier turns, oldest first, for a follow-up question "
        '("А проката?"): each `{"role": "user" | "assistant", "content": ...}`, an answer\'s '
        "turn with its `citations` as this endpoint returned them. The server keeps no state: "
        "send the whole thread each time. Past `max_history_turns` or `max_history_chars` the "
        "oldest turns are left out, and the answer's notice says so.",
    )

    documents: list[Annotated[str, Field(min_length=1, max_length=500)]] | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Answer from these documents only: their ids, the paths relative to the "
        "corpus folder that citations name (`/api/health` lists them). Every document when "
        "left out. An id the corpus does not have is a 422 (`invalid_documents`).",
    )

    _check_unicode = field_validator("question", mode="before")(_valid_unicode)


class CheckRequest(BaseModel):
    """A claim to check against the report."""

    model_config = ConfigDict(**_STRICT, json_schema_extra={"examples": [{"claim": EXAMPLE_CLAIM}]})

    claim: str = Field(
        pattern=NOT_BLANK,
        description="A statement, in Russian, Kazakh or English, not a question; at most "
        "`max_question_chars` characters. One that states nothing to check is a 422 "
        "`invalid_claim`.",
    )

    _check_unicode = field_validator("claim", mode="before")(_valid_unicode)


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
    page: int | None = Field(
        default=None, description="The PDF page of the paragraph; present only where known."
    )
    section: str | None = Field(
        default=None,
        description="The heading above the paragraph (DOCX, HTML); present only where known.",
    )


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


class NoticeOut(BaseModel):
    """A notice about an answer as a code and its parameters (``messages.py`` words each code in
    Russian, Kazakh and English), with its English text."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(description='E.g. "llm_timeout", "history_dropped"; "text": uncoded.')
    params: dict[str, str] = Field(description='E.g. {"seconds": "30"}.')
    text: str = Field(description="The notice in English.")
    texts: dict[str, str] = Field(
        description='The notice in each UI language: {"ru": ..., "kk": ..., "en": ...}.'
    )


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
    notice: str | None = Field(default=None, description="Notices about the answer, in English.")
    notices: list[NoticeOut] = Field(
        default_factory=list, description="The same notices as codes, to word in any language."
    )
    interpreted_as: str | None = Field(
        default=None,
        description="The standalone question actually answered, when a follow-up was completed "
        "from the history; null when the question was taken as it stood.",
    )


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
    """A citation as ``/api/ask`` returned it."""

    model_config = _STRICT

    n: JsonInt = Field(ge=1, le=1000)
    document: str = Field(max_length=1000, pattern=PLAIN_TEXT)
    title: str = Field(default="", max_length=2000, pattern=PLAIN_TEXT)
    paragraph: JsonInt = Field(ge=1, le=10_000_000)
    quote: str = Field(max_length=20_000, pattern=PLAIN_TEXT)
    start: _Offset | None = None
    end: _Offset | None = None
    score: float | None = Field(default=None, allow_inf_nan=False)
    page: Annotated[int, Field(ge=1, le=1_000_000), BeforeValidator(_json_integer)] | None = None
    section: str | None = Field(default=None, max_length=2000, pattern=PLAIN_TEXT)

    _check_unicode = field_validator("document", "title", "quote", "section", mode="before")(
        _valid_unicode
    )


class UserTurnIn(BaseModel):
    """A question asked earlier in the conversation."""

    model_config = _STRICT

    role: Literal["user"]
    content: str = Field(max_length=MAX_TURN_CHARS)

    _check_unicode = field_validator("content", mode="before")(_valid_unicode)


class AssistantTurnIn(BaseModel):
    """An answer given earlier in the conversation."""

    model_config = _STRICT

    role: Literal["assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)
    citations: list[FeedbackCitation] | None = Field(
        default=None, max_length=50, description="An answer's citations, as /api/ask gave them."
    )

    _check_unicode = field_validator("content", mode="before")(_valid_unicode)


# An earlier turn of a conversation, in the convention of OpenAI and LangChain. Its role decides
# its fields (only an answer carries citations), so the schema says so as the library checks it.
TurnIn = Annotated[UserTurnIn | AssistantTurnIn, Field(discriminator="role")]


AskRequest.model_rebuild()


class FeedbackRequest(BaseModel):
    """A thumbs up or down on an answer, with the answer as it was shown."""

    model_config = ConfigDict(**_STRICT, json_schema_extra={"examples": [EXAMPLE_FEEDBACK]})

    rating: Literal["up", "down"]
    question: str = Field(min_length=1, max_length=20_000, pattern=PLAIN_TEXT)
    answer: str = Field(min_length=1, max_length=100_000, pattern=PLAIN_TEXT)
    refused: bool = False
    citations: list[FeedbackCitation] = Field(default_factory=list, max_length=50)
    channel: Literal["page", "widget", "api"] = "api"
    comment: str = Field(default="", max_length=2000, pattern=PLAIN_TEXT)

    _check_unicode = field_validator("question", "answer", "comment", mode="before")(_valid_unicode)


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
