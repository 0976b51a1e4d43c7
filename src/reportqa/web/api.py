"""The HTTP API: ``POST /api/ask``, ``POST /api/check``, ``POST /api/feedback``,
``GET /api/health``.

Endpoints are plain ``def`` functions, so FastAPI runs each in its thread pool: ``qa.ask`` is
CPU-bound and shared, and a slow request never blocks the event loop or the others. Every error
is a JSON ``{"error": code, "message": text}``: bad input is a 4xx that says what to send instead
(``install_error_handlers`` rewrites FastAPI's validation errors, quoting an example body of
the endpoint that was called), library errors keep their message. Bodies over the size limit are refused by ``middleware.BodyLimit`` before they get here.

The API holds to the OpenAPI schema it publishes: request bodies are validated strictly
(``schemas``), every status an operation can answer is declared on it (400 for a body that is
not UTF-8, 413, 422, 429 from ``middleware.RateLimit``, 503), and the configured length limit of
a question is written into the schema (``document_limits``). Methods an API path does not declare
get 405 with ``Allow`` from ``middleware.MethodGuard``, which reads them from ``api_methods``.

Left out: authentication (put a reverse proxy in front for it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InputError, ReportQAError
from ..models import Answer, Document, Verdict
from ..serialize import answer_to_dict, verdict_to_dict
from .feedback import FeedbackRecord, FeedbackStore
from .schemas import (
    EXAMPLE_CLAIM,
    EXAMPLE_FEEDBACK,
    NOT_BLANK,
    PLAIN_TEXT,
    AnswerOut,
    AskRequest,
    CheckRequest,
    DocumentOut,
    ErrorOut,
    FeedbackOut,
    FeedbackRequest,
    HealthOut,
    VerdictOut,
)

__all__ = [
    "QA",
    "api_router",
    "api_methods",
    "document_limits",
    "install_error_handlers",
    "error_response",
]

_ASK_EXAMPLE = '{"question": "Сколько вузов в области?"}'
# The body quoted in the error messages of each endpoint; /api/ask's for the others.
_EXAMPLES = {
    "/api/check": json.dumps({"claim": EXAMPLE_CLAIM}, ensure_ascii=False),
    "/api/feedback": json.dumps(EXAMPLE_FEEDBACK, ensure_ascii=False),
}


class QA(Protocol):
    """What the web layer needs of ``ReportQA``."""

    @property
    def documents(self) -> tuple[Document, ...]: ...

    @property
    def corpus_hash(self) -> str: ...

    def ask(self, question: str, history: Any = None, documents: Any = None) -> Answer: ...

    def stream(
        self, question: str, history: Any = None, documents: Any = None
    ) -> Iterator[str | Answer]: ...

    def check(self, claim: str) -> Verdict: ...


def error_response(status: int, error: str, message: str) -> JSONResponse:
    """The API's error body."""
    return JSONResponse({"error": error, "message": message}, status_code=status)


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The request body cannot be read (not UTF-8)."},
    413: {"model": ErrorOut, "description": "The request body is too large."},
    422: {"model": ErrorOut, "description": "The body or the question cannot be used."},
    429: {
        "model": ErrorOut,
        "description": "Too many requests from this client (the server's REPORTQA_RATE_LIMIT).",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before the next request.",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    },
}
_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorOut, "description": "The index cannot be used (the message says why)."},
}
# The request fields whose length limit is the setting ``max_question_chars``.
_LIMITED_TEXT = {"AskRequest": "question", "CheckRequest": "claim"}


def api_router(qa: QA, feedback: FeedbackStore, *, max_question_chars: int = 2000) -> APIRouter:
    """The API routes, answering with ``qa`` and logging ratings to ``feedback``; a question or
    claim longer than ``max_question_chars`` is a 422, as the schema says."""
    router = APIRouter(prefix="/api", tags=["api"])

    def too_long(text: str, what: str) -> JSONResponse | None:
        # Checked on the text as sent, before the library folds its white space, so that the
        # schema's maxLength is exactly what is refused.
        if len(text) <= max_question_chars:
            return None
        return error_response(
            422,
            f"invalid_{what}",
            f"the {what} is {len(text)} characters long; the limit is {max_question_chars}",
        )

    @router.post(
        "/ask",
        summary="Answer a question with quotes from the report",
        response_model=None,
        responses={200: {"model": AnswerOut}, **_ERRORS, **_UNAVAILABLE},
    )
    def ask(body: AskRequest) -> JSONResponse:
        """The same JSON as `reportqa ask --json`: the answer text with markers "[n]", its
        citations (quote, paragraph, character offsets), or `refused: true` with `see_also`."""
        refused = too_long(body.question, "question")
        if refused:
            return refused
        history = (
            None
            if body.history is None
            else [turn.model_dump(exclude_none=True) for turn in body.history]
        )
        try:
            answer = qa.ask(body.question, history, body.documents)
        except InputError as exc:
            code = "invalid_history" if str(exc).startswith("history") else "invalid_question"
            if str(exc).startswith(("no such document", "documents")):
                code = "invalid_documents"
            return error_response(422, code, str(exc))
        except ReportQAError as exc:
            return error_response(503, "unavailable", str(exc))
        return JSONResponse(answer_to_dict(answer))

    @router.post(
        "/check",
        summary="Check a claim, and the figures in it, against the report",
        response_model=None,
        responses={
            200: {"model": VerdictOut},
            **_ERRORS,
            422: {"model": ErrorOut, "description": "The body or the claim cannot be used."},
            **_UNAVAILABLE,
        },
    )
    def check(body: CheckRequest) -> JSONResponse:
        """The same JSON as `reportqa check --json`: the verdict (`supported`, `contradicted` or
        `not_found`), its explanation, the claimed and reported figures side by side
        (`comparisons`) and the quotes compared (`evidence`, shaped as the citations of
        `/api/ask`). A question, or a claim with nothing to check, is a 422 `invalid_claim`."""
        refused = too_long(body.claim, "claim")
        if refused:
            return refused
        try:
            verdict = qa.check(body.claim)
        except InputError as exc:
            return error_response(422, "invalid_claim", str(exc))
        except ReportQAError as exc:
            return error_response(503, "unavailable", str(exc))
        return JSONResponse(verdict_to_dict(verdict))

    @router.post(
        "/feedback",
        summary="Rate an answer (thumbs up or down)",
        response_model=FeedbackOut,
        responses={
            **_ERRORS,
            422: {"model": ErrorOut, "description": "The body breaks the schema: nothing is kept."},
            503: {"model": ErrorOut, "description": "The feedback log cannot be written."},
        },
    )
    def rate(body: FeedbackRequest) -> FeedbackOut | JSONResponse:
        """Appends the rating, the question, the answer and its citations to the feedback log.
        A body that breaks the schema in any way (a wrong type, a field it does not name, text
        too long or holding control characters) is a 422 and nothing is written."""
        record = FeedbackRecord(
            rating=body.rating,
            channel=body.channel,
            question=body.question,
            answer=body.answer,
            refused=body.refused,
            citations=tuple(c.model_dump() for c in body.citations),
            corpus_hash=qa.corpus_hash,
            comment=body.comment,
        )
        try:
            feedback.append(record)
        except ReportQAError as exc:
            return error_response(503, "feedback_unavailable", str(exc))
        return FeedbackOut()

    @router.get(
        "/health", summary="Is the server up, and on which corpus", response_model=HealthOut
    )
    def health() -> HealthOut:
        return HealthOut(
            corpus_hash=qa.corpus_hash,
            documents=[
                DocumentOut(id=d.id, title=d.title, paragraphs=len(d.paragraphs), sha256=d.sha256)
                for d in qa.documents
            ],
        )

    return router


def api_methods(router: APIRouter) -> dict[str, frozenset[str]]:
    """The methods each path of ``router`` declares, for ``middleware.MethodGuard``."""
    methods: dict[str, set[str]] = {}
    for route in router.routes:
        if isinstance(route, APIRoute):
            methods.setdefault(route.path, set()).update(route.methods or ())
    return {path: frozenset(m) for path, m in methods.items()}


def document_limits(
    app: FastAPI, *, max_question_chars: int, documents: Sequence[str] = ()
) -> None:
    """Write the length limit of questions and claims, a setting, into ``app``'s OpenAPI schema
    as their ``maxLength``, and the corpus's document ids as the ``enum`` of a question's
    ``documents``, so clients and schema-driven tests see the limits the API enforces."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            components = schema.get("components", {}).get("schemas", {})
            for model, field in _LIMITED_TEXT.items():
                if model in components:
                    components[model]["properties"][field]["maxLength"] = max_question_chars
            scope = components.get("AskRequest", {}).get("properties", {}).get("documents", {})
            for branch in [scope, *scope.get("anyOf", [])]:
                if documents and branch.get("type") == "array":
                    branch["items"]["enum"] = list(documents)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    """Turn FastAPI's request errors under ``/api/`` into one clear ``ErrorOut`` message."""

    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        error, message = describe_validation_errors(exc.errors(), _example(request))
        return error_response(422, error, message)

    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not request.url.path.startswith("/api/"):
            return await http_exception_handler(request, exc)
        if exc.status_code == 400:  # FastAPI could not decode the body
            example = _example(request)
            try:
                (await request.body()).decode("utf-8")
            except UnicodeDecodeError:
                message = f"the request body cannot be read: send UTF-8 JSON such as {example}"
                return error_response(400, "unreadable_body", message)
            # UTF-8 that the JSON parser gave up on: arrays or objects nested too deeply
            message = (
                "the request body could not be parsed as JSON (arrays or objects nested too "
                f"deeply): send {example}"
            )
            return error_response(422, "invalid_json", message)
        return error_response(exc.status_code, f"http_{exc.status_code}", str(exc.detail))

    app.add_exception_handler(RequestValidationError, on_invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http_error)  # type: ignore[arg-type]


def _example(request: Request) -> str:
    """The example body quoted in error messages of the endpoint ``request`` was sent to."""
    return _EXAMPLES.get(request.url.path.rstrip("/"), _ASK_EXAMPLE)


_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "model_type": "an object",
    "dict_type": "an object",
}


def describe_validation_errors(
    errors: Sequence[Any], example: str = _ASK_EXAMPLE
) -> tuple[str, str]:
    """A code and a sentence for the first problem of a request body, saying what to send
    (``example``, a valid body of the endpoint). The code names a field of the request
    (``invalid_history``), the sentence the place within it (``"history.1.citations.0.quote"``)."""
    code, message = _describe(errors, example)
    place = code.partition("_")[2]
    if "." in place:  # within a field: the field is what is invalid
        code = f"invalid_{place.split('.', 1)[0]}"
    return code, message


# The tags pydantic puts in a place within a history turn, after its index ("history.0.user").
_TURN_TAGS = frozenset({"user", "assistant"})


def _describe(errors: Sequence[Any], example: str) -> tuple[str, str]:
    for e in errors:
        loc = tuple(e.get("loc", ()))
        kind = e.get("type", "")
        field = ".".join(
            str(part)
            for i, part in enumerate(loc[1:], start=1)
            if not (part in _TURN_TAGS and isinstance(loc[i - 1], int))
        )
        if kind == "json_invalid":
            detail = (e.get("ctx") or {}).get("error", "")
            return "invalid_json", (
                f"the request body is not valid JSON ({detail}): send {example} "
                "with Content-Type: application/json"
            )
        if loc == ("body",) and kind == "missing":
            return "missing_body", f"the request has no body: send {example}"
        if loc == ("body",):
            return "invalid_body", (
                f"the request body must be a JSON object such as {example}, "
                "sent with Content-Type: application/json"
            )
        if kind == "missing":
            return f"missing_{field}", f'"{field}" is missing: send {example}'
        if kind == "extra_forbidden":
            return f"unknown_{field}", (
                f'"{field}" is not a field of this request: send only the fields the API schema '
                f"(/openapi.json) names, as in {example}"
            )
        if kind in _TYPE_NAMES:
            return f"invalid_{field}", f'"{field}" must be {_TYPE_NAMES[kind]}, as in {example}'
        if kind == "string_pattern_mismatch":
            pattern = (e.get("ctx") or {}).get("pattern")
            what = field.rsplit(".", 1)[-1]
            if pattern == NOT_BLANK:
                return f"invalid_{field}", f"the {what} is empty: send {example}"
            if pattern == PLAIN_TEXT:
                return f"invalid_{field}", (
                    f'"{field}" holds a control character: send plain text '
                    "(tab and newline are allowed)"
                )
        if kind == "value_error":
            return (
                f"invalid_{field}",
                f'"{field}" {(e.get("ctx") or {}).get("error", "is invalid")}',
            )
        if kind == "string_too_long":
            limit = (e.get("ctx") or {}).get("max_length")
            return f"invalid_{field}", f'"{field}" is too long: the limit is {limit} characters'
        return f"invalid_{field or 'request'}", f'"{field}": {e.get("msg", "invalid value")}'
    return "invalid_request", "the request cannot be used"
