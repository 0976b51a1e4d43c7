"""The API holds to the OpenAPI schema it publishes, and limits each client's rate.

- schemathesis, run over ``/openapi.json`` of a live server with every check, finds nothing, and
  ``/api/feedback`` wrote only records its schema allows;
- the text patterns of the schema say exactly what ``inputs.clean_question`` accepts, for every
  code point and for generated text (hypothesis);
- the rate limit: its arithmetic on a fake clock, then 429 with ``Retry-After`` on a live server,
  per client (uvicorn trusts X-Forwarded-For from loopback, as it would from a local proxy).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportqa import ReportQA, Settings
from reportqa.config import Rate
from reportqa.errors import InputError
from reportqa.inputs import clean_question
from reportqa.web.app import create_app
from reportqa.web.live import LiveServer
from reportqa.web.middleware import RateLimit
from reportqa.web.schemas import NOT_BLANK, PLAIN_TEXT, ErrorOut, FeedbackRequest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SCHEMATHESIS_CONFIG = Path(__file__).parent / "schemathesis.toml"


def settings_for(tmp_path_factory: pytest.TempPathFactory, **overrides: object) -> Settings:
    """The shipped corpus and the session's shared web index (see test_web_api.py), ignoring
    REPORTQA_* of the environment, with a feedback log of this test's own."""
    return Settings.from_env(
        env={},
        corpus=CORPUS,
        index=tmp_path_factory.getbasetemp() / "web-index",
        feedback_log=tmp_path_factory.mktemp("feedback") / "feedback.jsonl",
        **overrides,
    )


# The schema's text patterns ------------------------------------------------------------------


def _is_blank(text: str) -> bool:
    try:
        clean_question(text, max_chars=len(text) + 10)
    except InputError as exc:
        assert "empty" in str(exc)
        return True
    return False


def test_not_blank_pattern_is_clean_questions_rule_for_every_code_point() -> None:
    pattern = re.compile(NOT_BLANK)
    wrong = [
        hex(c)
        for c in range(0x110000)
        if not 0xD800 <= c <= 0xDFFF and bool(pattern.search(chr(c))) == _is_blank(chr(c))
    ]
    assert wrong == []


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_not_blank_pattern_agrees_with_clean_question_on_text(text: str) -> None:
    assert bool(re.search(NOT_BLANK, text)) != _is_blank(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_plain_text_pattern_is_what_feedback_accepts(text: str) -> None:
    """The pattern as the schema states it (Python's re here, ECMA's in clients) and as pydantic
    enforces it (Rust's regex) agree."""
    body = {"rating": "up", "question": "q", "answer": "a", "comment": text}
    try:
        FeedbackRequest.model_validate(body)
        accepted = True
    except ValueError:
        accepted = False
    assert accepted == bool(re.fullmatch(PLAIN_TEXT, text))
    controls = [ch for ch in text if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F]
    assert accepted == all(ch in "\t\n\r" for ch in controls)


# schemathesis ----------------------------------------------------------------------------------


def _schemathesis() -> str | None:
    if importlib.util.find_spec("schemathesis") is None:
        return None
    return shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which(
        "schemathesis"
    )


@pytest.mark.slow
@pytest.mark.skipif(_schemathesis() is None, reason="schemathesis is not installed (.[test])")
def test_schemathesis_finds_no_failures(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """Every check of schemathesis over a few hundred generated requests (examples, boundary
    values, malformed bodies, undeclared methods, random fuzzing): 0 failures. The same command
    by hand is in the README."""
    settings = settings_for(tmp_path_factory)
    qa = ReportQA.open(settings)
    report = tmp_path / "schemathesis.json"
    with LiveServer(create_app(qa, settings)) as server:
        run = subprocess.run(
            [
                str(_schemathesis()),
                "--config-file",
                str(SCHEMATHESIS_CONFIG),
                "run",
                f"{server.url}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "25",
                "--seed",
                "11",
                "--workers",
                "2",
                "--report",
                "json",
                "--report-json-path",
                str(report),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
    result = json.loads(report.read_text(encoding="utf-8"))
    summary = run.stdout[-8000:]
    assert result["failures"] == [] and result["errors"] == [], summary
    assert run.returncode == 0, summary
    assert result["test_cases"]["generated"] >= 200
    assert result["operations"]["tested"] == 4
    # /api/feedback wrote only what its schema allows, and it did write.
    records = settings.feedback_log.read_text(encoding="utf-8").splitlines()
    assert records
    for line in records:
        record = json.loads(line)
        sent = {k: v for k, v in record.items() if k not in ("time", "corpus_hash")}
        FeedbackRequest.model_validate(sent)


# The rate limit --------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_admits_a_burst_then_one_per_interval() -> None:
    clock = Clock()
    limit = RateLimit(lambda s, r, w: None, requests=3, seconds=60, clock=clock)  # type: ignore[arg-type, return-value]
    assert [limit.wait("a") for _ in range(3)] == [0, 0, 0]
    assert limit.wait("a") == pytest.approx(20)  # one every 60/3 s
    assert limit.wait("b") == 0  # per client
    clock.now += 19.5
    assert limit.wait("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limit.wait("a") == 0
    assert limit.wait("a") == pytest.approx(20)
    clock.now += 600  # a quiet client has its whole burst back, no more
    assert [limit.wait("a") for _ in range(4)][-2:] == [0, pytest.approx(20)]


def test_rate_limit_forgets_clients_whose_bucket_is_full_again() -> None:
    clock = Clock()
    limit = RateLimit(lambda s, r, w: None, requests=2, seconds=10, clock=clock, max_clients=100)  # type: ignore[arg-type, return-value]
    for i in range(100):
        limit.wait(f"10.0.0.{i}")
    clock.now += 10
    limit.wait("10.0.1.1")
    assert len(limit._full_at) == 1


@pytest.mark.parametrize(
    ("text", "rate"),
    [("30/minute", Rate(30, 60)), ("5/s", Rate(5, 1)), ("100/hours", Rate(100, 3600)), ("", None)],
)
def test_rate_limit_setting(text: str, rate: Rate | None) -> None:
    assert Rate.parse(text) == rate
    assert Settings.from_env(env={"REPORTQA_RATE_LIMIT": text}).rate_limit == text


@pytest.mark.parametrize("text", ["30", "30/week", "0/minute", "many/minute"])
def test_a_malformed_rate_limit_is_refused_with_the_form_to_use(text: str) -> None:
    with pytest.raises(InputError, match="REQUESTS/PERIOD such as 30/minute"):
        Settings.from_env(env={"REPORTQA_RATE_LIMIT": text})


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = settings_for(
        tmp_path_factory, rate_limit="3/minute", cors_origins=("http://allowed.example",)
    )
    with LiveServer(create_app(ReportQA.open(settings), settings)) as server:
        yield server.url


def test_a_client_over_the_limit_gets_429_with_retry_after(limited: str) -> None:
    client = {"x-forwarded-for": "203.0.113.7", "origin": "http://allowed.example"}
    with httpx.Client(base_url=limited, timeout=30, headers=client) as c:
        # Every API request counts, answered or refused.
        statuses = [
            c.post("/api/check", json={"claim": "В области работают 8 вузов"}).status_code,
            c.post("/api/ask", json={"question": 5}).status_code,
            c.post("/api/feedback", json={}).status_code,
        ]
        assert statuses == [200, 422, 422]
        response = c.post("/api/ask", json={"question": "Сколько вузов в области?"})
        assert response.status_code == 429
        assert 1 <= int(response.headers["retry-after"]) <= 20
        assert response.headers["content-type"] == "application/json"
        error = ErrorOut.model_validate(response.json())
        assert error.error == "rate_limited" and "at most 3 every 60 s" in error.message
        # A widget on an allowed origin may read how long to wait.
        assert "retry-after" in response.headers["access-control-expose-headers"].lower()
        # Health checks are not limited, so a load balancer never marks the server down.
        assert c.get("/api/health").status_code == 200
    # Another client is not held back by the first.
    other = httpx.post(
        limited + "/api/ask",
        json={"question": "Сколько вузов в области?"},
        headers={"x-forwarded-for": "203.0.113.8"},
        timeout=30,
    )
    assert other.status_code == 200 and other.json()["citations"]


def test_the_429_is_what_the_schema_documents(limited: str) -> None:
    schema = httpx.get(limited + "/openapi.json").json()
    for path in ("/api/ask", "/api/check", "/api/feedback"):
        documented = schema["paths"][path]["post"]["responses"]["429"]
        assert documented["headers"]["Retry-After"]["required"] is True
        assert documented["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
