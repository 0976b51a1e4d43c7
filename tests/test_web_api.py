"""The HTTP API, the report view and the headers, against a live uvicorn server on 127.0.0.1 over
httpx, answering with the real ``ReportQA`` on the shipped report.

The index is built once per session into the session's temporary folder (every web test module
opens the same folder, so only the first one builds it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from reportqa import ReportQA, Settings, answer_to_dict
from reportqa.errors import ReportQAError
from reportqa.serialize import verdict_to_dict
from reportqa.web.app import create_app
from reportqa.web.examples import example_claims, example_questions
from reportqa.web.live import LiveServer
from reportqa.web.schemas import EXAMPLE_CLAIM, AnswerOut, VerdictOut

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
QUESTION = "Сколько вузов в области?"
QUOTE = "В области работают 8 вузов и 52 колледжа, из которых 40 реализуют дуальное обучение."


@dataclass
class Live:
    url: str
    qa: ReportQA
    settings: Settings


def settings_for(tmp_path_factory: pytest.TempPathFactory, **overrides: object) -> Settings:
    """Settings on the shipped corpus, ignoring REPORTQA_* of the environment, with the shared
    session index and a feedback log of this test's own."""
    return Settings.from_env(
        env={},
        corpus=CORPUS,
        index=tmp_path_factory.getbasetemp() / "web-index",
        feedback_log=tmp_path_factory.mktemp("feedback") / "feedback.jsonl",
        **overrides,
    )


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    settings = settings_for(tmp_path_factory, cors_origins=("http://allowed.example",))
    qa = ReportQA.open(settings)
    with LiveServer(create_app(qa, settings)) as server:
        yield Live(server.url, qa, settings)


@pytest.fixture
def client(live: Live) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


def assert_still_serving(client: httpx.Client) -> None:
    assert client.get("/api/health").status_code == 200
    assert client.post("/api/ask", json={"question": QUESTION}).json()["citations"]


# The API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_example_questions_are_answered_and_the_last_is_refused(live: Live, lang: str) -> None:
    """The examples users click must show what they promise: cited answers, then a refusal."""
    *answerable, unanswerable = example_questions(live.qa.documents, lang)
    for question in answerable:
        assert live.qa.ask(question).citations, question
    assert live.qa.ask(unanswerable).refused


def test_health_names_the_corpus(client: httpx.Client, live: Live) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["corpus_hash"] == live.qa.corpus_hash
    assert body["documents"][0]["id"] == "karaganda-industry.txt"
    assert body["documents"][0]["paragraphs"] == len(live.qa.documents[0].paragraphs)


def test_ask_returns_the_json_of_ask_json(client: httpx.Client, live: Live) -> None:
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == json.loads(json.dumps(answer_to_dict(live.qa.ask(QUESTION))))
    AnswerOut.model_validate(body)  # the documented schema matches what is served
    (citation,) = body["citations"]
    assert citation["quote"] == QUOTE and citation["paragraph"] == 10
    text = live.qa.documents[0].text
    assert text[citation["start"] : citation["end"]] == QUOTE
    assert "[1]" in body["answer"]


def test_ask_refusal_has_see_also(client: httpx.Client) -> None:
    body = client.post(
        "/api/ask", json={"question": "Какова численность населения Караганды?"}
    ).json()
    assert body["refused"] is True and body["citations"] == []
    assert body["short_answer"] is None
    assert body["see_also"] and {"document", "paragraph", "text"} <= set(body["see_also"][0])
    AnswerOut.model_validate(body)


def test_ask_gives_the_short_answer_with_offsets_in_the_document(
    client: httpx.Client, live: Live
) -> None:
    question = "Сколько шин произведено в 2024 году?"
    body = client.post("/api/ask", json={"question": question}).json()
    assert body == json.loads(json.dumps(answer_to_dict(live.qa.ask(question))))
    assert AnswerOut.model_validate(body).short_answer is not None
    short = body["short_answer"]
    assert set(short) == {"text", "start", "end", "citation"}
    assert any(ch.isdigit() for ch in short["text"]), body["answer"]
    text = live.qa.documents[0].text
    assert text[short["start"] : short["end"]] == short["text"]
    # It stands in the quote its marker names, and the answer text starts with it.
    (quote,) = [c for c in body["citations"] if c["n"] == short["citation"]]
    assert quote["start"] <= short["start"] < short["end"] <= quote["end"]
    assert body["answer"].startswith(short["text"] + " — «")
    assert isinstance(body["confidence"], float) and 0 < body["confidence"] <= 1


@pytest.mark.parametrize("question", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_markup_in_a_question_comes_back_as_json_data(client: httpx.Client, question: str) -> None:
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["question"] == question


BAD_REQUESTS = {
    "empty body": dict(content=b"", headers={"content-type": "application/json"}),
    "no body, no type": dict(),
    "invalid JSON": dict(content=b'{"question": ', headers={"content-type": "application/json"}),
    "not UTF-8": dict(
        content=b'{"question": "\xff\xfe"}', headers={"content-type": "application/json"}
    ),
    "number question": dict(json={"question": 5}),
    "null question": dict(json={"question": None}),
    "list question": dict(json={"question": ["a"]}),
    "object question": dict(json={"question": {"a": 1}}),
    "missing question": dict(json={"q": QUESTION}),
    "array body": dict(json=[QUESTION]),
    "string body": dict(json=QUESTION),
    "form body": dict(data={"question": QUESTION}),
    "blank question": dict(json={"question": " \n\t "}),
    "too long question": dict(json={"question": "а" * 10_000}),
    "1 MB question": dict(json={"question": "а" * 1_000_000}),
    "1 MB garbage": dict(content=b"x" * 1_000_000, headers={"content-type": "application/json"}),
    "lone surrogate": dict(
        content=b'{"question": "\\ud800"}', headers={"content-type": "application/json"}
    ),
}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_bad_input_is_a_clear_4xx_and_the_server_keeps_serving(
    client: httpx.Client, case: str
) -> None:
    response = client.post("/api/ask", **BAD_REQUESTS[case])  # type: ignore[arg-type]
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert set(body) == {"error", "message"}
    assert len(body["message"]) > 20
    assert_still_serving(client)


@pytest.mark.parametrize(
    ("case", "status", "error", "says"),
    [
        ("empty body", 422, "missing_body", "has no body"),
        ("invalid JSON", 422, "invalid_json", "not valid JSON"),
        ("number question", 422, "invalid_question", "must be a string"),
        ("missing question", 422, "missing_question", "is missing"),
        ("array body", 422, "invalid_body", "JSON object"),
        ("blank question", 422, "invalid_question", "empty"),
        ("too long question", 422, "invalid_question", "limit is 2000"),
        ("1 MB question", 413, "body_too_large", "larger than"),
        ("lone surrogate", 422, "invalid_question", "not valid Unicode"),
    ],
)
def test_bad_input_messages(
    client: httpx.Client, case: str, status: int, error: str, says: str
) -> None:
    response = client.post("/api/ask", **BAD_REQUESTS[case])  # type: ignore[arg-type]
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert says in response.json()["message"]


@pytest.mark.parametrize(
    ("history", "says"),
    [
        (
            [{"role": "assistant", "content": "a", "citations": [{"n": 1}]}],
            '"history.0.citations.0.document" is missing',
        ),
        (
            [{"role": "user", "content": "q", "citations": []}],
            '"history.0.citations" is not a field of this request',
        ),
        ([{"role": "user"}], '"history.0.content" is missing'),
        ([{"role": "user", "content": 5}], '"history.0.content" must be a string'),
    ],
)
def test_an_error_within_the_history_has_one_code_and_says_where(
    client: httpx.Client, history: list[dict[str, object]], says: str
) -> None:
    """A client can act on a code that does not carry list indices or pydantic's union tags."""
    response = client.post("/api/ask", json={"question": "А автобусов?", "history": history})
    assert (response.status_code, response.json()["error"]) == (422, "invalid_history")
    assert says in response.json()["message"]


def test_a_body_nested_too_deeply_to_parse_is_invalid_json_not_unreadable(
    client: httpx.Client,
) -> None:
    body = '{"question": "a", "history": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client.post(
        "/api/ask", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]) == (422, "invalid_json")
    assert "nested too deeply" in response.json()["message"]
    assert_still_serving(client)


# Fact-check --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_example_claims_show_the_three_verdicts(live: Live, lang: str) -> None:
    """The fact-check tab's examples show what they promise, in every UI language."""
    verdicts = [live.qa.check(c).verdict for c in example_claims(live.qa.documents, lang)]
    assert verdicts == ["contradicted", "supported", "not_found"]


def test_check_contradicted_claim_compares_the_figures(client: httpx.Client, live: Live) -> None:
    claim = "В области 8 вузов и 60 колледжей"
    response = client.post("/api/check", json={"claim": claim})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == json.loads(json.dumps(verdict_to_dict(live.qa.check(claim))))
    VerdictOut.model_validate(body)  # the documented schema matches what is served
    assert body["verdict"] == "contradicted"
    (wrong,) = [c for c in body["comparisons"] if c["match"] is False]
    assert (wrong["claimed"], wrong["reported"], wrong["reason"]) == (
        "60 колледжей",
        "52 колледжа",
        "value",
    )
    (evidence,) = body["evidence"]
    assert evidence["n"] == wrong["citation"] and evidence["quote"] == QUOTE
    assert live.qa.documents[0].text[evidence["start"] : evidence["end"]] == QUOTE


def test_check_supported_english_claim(client: httpx.Client) -> None:
    claim = "QARMET plans to invest 1.6 trillion tenge by 2028"
    body = client.post("/api/check", json={"claim": claim}).json()
    assert (body["verdict"], body["language"]) == ("supported", "en")
    assert [c["match"] for c in body["comparisons"]] == [True]
    assert "1,6 трлн тенге" in body["evidence"][0]["quote"]
    VerdictOut.model_validate(body)


@pytest.mark.parametrize(
    ("claim", "says"),
    [
        ("???", "nothing to check"),
        ("Сколько вузов в области?", "is a question, not a claim"),
        (" \n ", "the claim is empty"),
        ("а" * 10_000, "limit is 2000"),
    ],
)
def test_check_unusable_claim_is_422_invalid_claim(
    client: httpx.Client, claim: str, says: str
) -> None:
    response = client.post("/api/check", json={"claim": claim})
    assert (response.status_code, response.json()["error"]) == (422, "invalid_claim")
    assert says in response.json()["message"]


BAD_CHECKS = {
    "empty body": dict(content=b"", headers={"content-type": "application/json"}),
    "invalid JSON": dict(content=b'{"claim": ', headers={"content-type": "application/json"}),
    "not UTF-8": dict(content=b'{"claim": "\xff"}', headers={"content-type": "application/json"}),
    "number claim": dict(json={"claim": 5}),
    "list claim": dict(json={"claim": ["a"]}),
    "missing claim": dict(json={"question": QUESTION}),
    "array body": dict(json=["a claim"]),
    "1 MB claim": dict(json={"claim": "а" * 1_000_000}),
    "lone surrogate": dict(
        content=b'{"claim": "\\ud800"}', headers={"content-type": "application/json"}
    ),
}


@pytest.mark.parametrize(
    ("case", "status", "error", "says"),
    [
        ("empty body", 422, "missing_body", "has no body"),
        ("invalid JSON", 422, "invalid_json", "not valid JSON"),
        ("not UTF-8", 400, "unreadable_body", "cannot be read"),
        ("number claim", 422, "invalid_claim", "must be a string"),
        ("list claim", 422, "invalid_claim", "must be a string"),
        ("missing claim", 422, "missing_claim", "is missing"),
        ("array body", 422, "invalid_body", "JSON object"),
        ("1 MB claim", 413, "body_too_large", "larger than"),
        ("lone surrogate", 422, "invalid_claim", "not valid Unicode"),
    ],
)
def test_check_bad_input_is_a_clear_4xx_and_the_server_keeps_serving(
    client: httpx.Client, case: str, status: int, error: str, says: str
) -> None:
    response = client.post("/api/check", **BAD_CHECKS[case])  # type: ignore[arg-type]
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "message"}
    assert (response.status_code, body["error"]) == (status, error)
    assert says in body["message"]
    if status != 413 and case != "lone surrogate":  # the example quoted is a claim, not a question
        assert json.dumps({"claim": EXAMPLE_CLAIM}, ensure_ascii=False) in body["message"]
        assert "question" not in body["message"]
    assert_still_serving(client)
    assert client.post("/api/check", json={"claim": "В области 8 вузов"}).status_code == 200


def test_check_is_unavailable_when_the_library_fails(
    tmp_path_factory: pytest.TempPathFactory, live: Live
) -> None:
    """A library error other than bad input is a 503 with its message, not a traceback."""

    class Broken:
        documents = live.qa.documents
        corpus_hash = live.qa.corpus_hash

        def ask(self, question: str) -> object:
            raise ReportQAError("the index is corrupt: run `reportqa index`")

        def check(self, claim: str) -> object:
            raise ReportQAError("the index is corrupt: run `reportqa index`")

    with LiveServer(create_app(Broken(), settings_for(tmp_path_factory))) as server:  # type: ignore[arg-type]
        response = httpx.post(server.url + "/api/check", json={"claim": "В области 8 вузов"})
    assert response.status_code == 503
    assert response.json() == {
        "error": "unavailable",
        "message": "the index is corrupt: run `reportqa index`",
    }


def test_concurrent_requests_all_succeed(live: Live) -> None:
    def ask(i: int) -> int:
        with httpx.Client(base_url=live.url, timeout=30) as c:
            return c.post("/api/ask", json={"question": f"{QUESTION} {i}"}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert set(pool.map(ask, range(60))) == {200}


def test_feedback_is_appended_to_the_log(client: httpx.Client, live: Live) -> None:
    answer = client.post("/api/ask", json={"question": QUESTION}).json()
    payload = {**{k: answer[k] for k in ("question", "answer", "refused", "citations")}}
    response = client.post("/api/feedback", json={**payload, "rating": "down", "channel": "widget"})
    assert response.json() == {"status": "recorded"}
    record = json.loads(live.settings.feedback_log.read_text(encoding="utf-8").splitlines()[-1])
    assert record["rating"] == "down" and record["channel"] == "widget"
    assert record["question"] == QUESTION and record["answer"] == answer["answer"]
    assert record["citations"][0]["quote"] == QUOTE
    assert record["corpus_hash"] == live.qa.corpus_hash


@pytest.mark.parametrize(
    "payload",
    [
        {"rating": "meh", "question": "q", "answer": "a"},
        {"rating": "up"},
        {"rating": "up", "question": 1, "answer": "a"},
    ],
)
def test_bad_feedback_is_a_4xx(client: httpx.Client, payload: dict[str, object]) -> None:
    response = client.post("/api/feedback", json=payload)
    assert response.status_code == 422 and response.json()["message"]


GOOD_FEEDBACK: dict[str, object] = {
    "rating": "up",
    "question": QUESTION,
    "answer": "8 вузов [1]",
    "citations": [{"n": 1, "document": "karaganda-industry.txt", "paragraph": 10, "quote": QUOTE}],
}
CITATION = GOOD_FEEDBACK["citations"][0]  # type: ignore[index]

# Each breaks the schema of /api/feedback in one way (schemathesis found the first ones accepted).
BAD_FEEDBACK: dict[str, tuple[dict[str, object], str]] = {
    "boolean end": ({"citations": [{**CITATION, "end": False}]}, "must be an integer"),
    "string n": ({"citations": [{**CITATION, "n": "1"}]}, "must be an integer"),
    "fractional paragraph": ({"citations": [{**CITATION, "paragraph": 10.5}]}, "an integer"),
    "negative start": ({"citations": [{**CITATION, "start": -1}]}, "greater than or equal"),
    "number refused": ({"refused": 0}, "must be true or false"),
    "unknown field": ({"user_id": "x"}, "is not a field of this request"),
    "unknown citation field": ({"citations": [{**CITATION, "html": "<b>"}]}, "not a field"),
    "control character": ({"question": "Сколько\x00 вузов?"}, "control character"),
    "C1 control": ({"comment": "ok\x85"}, "control character"),
    "over-long comment": ({"comment": "а" * 2001}, "the limit is 2000"),
    "too many citations": ({"citations": [CITATION] * 51}, "at most 50"),
    "empty answer": ({"answer": ""}, "at least 1"),
    "unknown channel": ({"channel": "email"}, "channel"),
}


@pytest.mark.parametrize("case", list(BAD_FEEDBACK))
def test_feedback_that_breaks_the_schema_is_a_422_and_writes_nothing(
    client: httpx.Client, live: Live, case: str
) -> None:
    log = live.settings.feedback_log
    before = log.read_bytes() if log.exists() else b""
    change, says = BAD_FEEDBACK[case]
    response = client.post("/api/feedback", json={**GOOD_FEEDBACK, **change})
    assert response.status_code == 422, response.text
    assert says in response.json()["message"]
    assert (log.read_bytes() if log.exists() else b"") == before


def test_feedback_with_a_lone_surrogate_in_a_quote_is_refused(client: httpx.Client) -> None:
    body = json.dumps(GOOD_FEEDBACK, ensure_ascii=False).replace("8 вузов", "\\ud800")
    response = client.post(
        "/api/feedback", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and "not valid Unicode" in response.json()["message"]


def test_feedback_as_the_widget_sends_it_is_recorded(client: httpx.Client) -> None:
    """The widget sends an answer's citations as /api/ask gave them (with their score), and a
    whole number may come as 10.0 (JSON Schema's integer): strict, but not stricter than JSON."""
    cited = {**CITATION, "paragraph": 10.0, "start": 0, "end": 5, "score": 0.93}
    body = {**GOOD_FEEDBACK, "citations": [cited], "channel": "widget", "refused": False}
    assert client.post("/api/feedback", json=body).json() == {"status": "recorded"}


# Methods and statuses --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/widget", "/report", "/gradio.js", "/"])
def test_a_page_answers_head_as_it_answers_get(client: httpx.Client, path: str) -> None:
    """Uptime monitors ask with HEAD."""
    head, get = client.head(path), client.get(path)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"] and not head.content


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/api/ask", "POST"),
        ("GET", "/api/ask", "POST"),
        ("PUT", "/api/feedback", "POST"),
        ("DELETE", "/api/check", "POST"),
        ("OPTIONS", "/api/ask", "POST"),  # not a CORS preflight: no Origin
        ("POST", "/api/health", "GET"),
        ("PATCH", "/api/health", "GET"),
        ("TRACE", "/widget", "GET, HEAD"),  # the pages this server renders, not Gradio's 404
        ("PUT", "/report", "GET, HEAD"),
        ("DELETE", "/gradio.js", "GET, HEAD"),
    ],
)
def test_an_undeclared_method_is_405_with_allow(
    client: httpx.Client, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["error"] == "method_not_allowed"
    if path.startswith("/api/"):  # the pages are not in the API's schema
        declared = client.get("/openapi.json").json()["paths"][path]
        assert {m.upper() for m in declared} == {allow}


def test_an_unknown_api_path_is_a_json_404(client: httpx.Client) -> None:
    response = client.post("/api/answer", json={"question": QUESTION})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found" and "/api/ask" in response.json()["message"]


def test_every_error_status_the_api_answers_is_in_the_schema(client: httpx.Client) -> None:
    """400 (not UTF-8), 413 (too large), 422 (breaks the schema), 429 (rate limit, see
    test_web_contract.py) and 503 (library failure) on every operation that takes a body."""
    schema = client.get("/openapi.json").json()
    for path in ("/api/ask", "/api/check", "/api/feedback"):
        documented = schema["paths"][path]["post"]["responses"]
        assert {"200", "400", "413", "422", "429", "503"} <= set(documented), path
        unreadable = client.post(
            path, content=b'{"a": "\xff"}', headers={"content-type": "application/json"}
        )
        too_large = client.post(path, json={"question": "а" * 1_000_000})
        assert (unreadable.status_code, too_large.status_code) == (400, 413)
    limit = schema["components"]["schemas"]["AskRequest"]["properties"]["question"]["maxLength"]
    assert limit == 2000  # the setting max_question_chars, as the API enforces it
    assert client.post("/api/ask", json={"question": "а" * 2000}).status_code == 200
    # The limit holds for the text as sent, before its white space is folded.
    refused = client.post("/api/ask", json={"question": "а" + " " * 2500})
    assert (refused.status_code, refused.json()["error"]) == (422, "invalid_question")


def test_openapi_schema_documents_the_api(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/check", "/api/feedback", "/api/health"} <= set(schema["paths"])
    ask = schema["paths"]["/api/ask"]["post"]
    ref = ask["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][ref]["properties"]["question"]["type"] == "string"
    assert {"200", "413", "422"} <= set(ask["responses"])
    docs = client.get("/docs")
    assert docs.status_code == 200
    # rendered here, offline: no script, nothing from another site, every endpoint documented
    assert "<script" not in docs.text and "https://" not in docs.text
    for path in ("/api/ask", "/api/check", "/api/feedback", "/api/health"):
        assert path in docs.text
    assert 'id="schema-VerdictOut"' in docs.text and "&quot;claim&quot;" in docs.text
    assert client.get("/redoc").status_code == 404  # ReDoc's page loads its script from a CDN
    check = schema["paths"]["/api/check"]["post"]
    ref = check["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][ref]["properties"]["claim"]["type"] == "string"
    ok = check["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/VerdictOut") and {"422", "503"} <= set(check["responses"])
    assert {"ComparisonOut", "VerdictOut"} <= set(schema["components"]["schemas"])


# CORS and framing ----------------------------------------------------------------------------


def test_cors_allows_configured_origins_only(client: httpx.Client) -> None:
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    allowed = client.options("/api/ask", headers={"origin": "http://allowed.example", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "http://allowed.example"
    other = client.options("/api/ask", headers={"origin": "http://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers
    simple = client.post(
        "/api/ask", json={"question": QUESTION}, headers={"origin": "http://evil.example"}
    )
    assert "access-control-allow-origin" not in simple.headers


def test_only_the_widget_may_be_framed_by_other_sites(client: httpx.Client) -> None:
    widget = client.get("/widget")
    assert widget.status_code == 200
    assert widget.headers["content-security-policy"].endswith("; frame-ancestors *")
    assert "script-src 'self'" in widget.headers["content-security-policy"]
    assert "x-frame-options" not in widget.headers
    for path in ("/", "/report", "/docs"):
        response = client.get(path)
        assert response.status_code == 200
        assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_widget_frame_ancestors_come_from_settings(
    tmp_path_factory: pytest.TempPathFactory, live: Live
) -> None:
    settings = settings_for(tmp_path_factory, frame_ancestors=("self", "https://news.example.kz"))
    with LiveServer(create_app(live.qa, settings)) as server:
        csp = httpx.get(server.url + "/widget").headers["content-security-policy"]
    assert csp.endswith("; frame-ancestors 'self' https://news.example.kz")


def test_widget_page_escapes_its_configuration(client: httpx.Client) -> None:
    html = client.get("/widget", headers={"accept-language": "kk"}).text
    assert '<html lang="kk">' in html
    config = html.split('<script type="application/json" id="rq-config">', 1)[1].split(
        "</script>", 1
    )[0]
    assert "<" not in config
    assert json.loads(config)["lang"] == "kk"


# Report view ---------------------------------------------------------------------------------


def test_report_view_anchors_and_highlight(client: httpx.Client, live: Live) -> None:
    c = live.qa.ask(QUESTION).citations[0]
    response = client.get("/report", params={"doc": c.document, "hl": f"{c.start}-{c.end}"})
    assert response.status_code == 200
    assert "script-src" not in response.headers["content-security-policy"]  # no script at all
    html = response.text
    for p in live.qa.documents[0].paragraphs:
        assert f'id="p{p.number}"' in html and f'href="#p{p.number}"' in html
    assert f"<mark>{QUOTE}</mark>" in html


@pytest.mark.parametrize(
    "query", ["hl=abc", "hl=9-1", "hl=1-99999999999", "lang=zz", "hl=%3Cscript%3E"]
)
def test_report_view_ignores_bad_parameters(client: httpx.Client, query: str) -> None:
    response = client.get("/report?" + query)
    assert response.status_code == 200 and "<mark>" not in response.text


def test_report_view_unknown_document_is_404(client: httpx.Client) -> None:
    response = client.get("/report", params={"doc": "<script>.txt"})
    assert response.status_code == 404 and "<script>.txt" not in response.text


def test_ask_takes_documents_to_answer_from(client: httpx.Client) -> None:
    question = "Сколько вузов работает в области?"
    doc = "karaganda-industry.txt"
    ok = client.post("/api/ask", json={"question": question, "documents": [doc]})
    assert ok.status_code == 200 and {c["document"] for c in ok.json()["citations"]} == {doc}
    bad = client.post("/api/ask", json={"question": question, "documents": ["nope.txt"]})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_documents"
    assert doc in bad.json()["message"]  # the error names the documents there are
    # the published schema enumerates them
    prop = client.get("/openapi.json").json()["components"]["schemas"]["AskRequest"]
    arrays = [b for b in prop["properties"]["documents"]["anyOf"] if b.get("type") == "array"]
    assert arrays[0]["items"]["enum"] == [doc]
    assert_still_serving(client)
