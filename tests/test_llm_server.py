"""The real client path end to end: ``ChatOpenAI`` (through ``chat_model_from_spec``) against a
local OpenAI-compatible server on 127.0.0.1 that serves canned completions, streamed (SSE) and
not, and misbehaves on demand: wrong numbers, markers of passages never sent, a stall longer than
the timeout, malformed bodies, a refused connection. The same server speaks enough of Ollama's
``/api/chat`` for ``ChatOllama``.

Nothing here leaves the loopback interface: the server binds 127.0.0.1 and the client is given its
address, with a placeholder key.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from reportqa import Answer, ReportQA, answer_to_dict
from reportqa.answer.extractive import ExtractiveAnswerer
from reportqa.answer.generative import GenerativeAnswerer, chat_model_from_spec
from reportqa.models import Hit

QUESTION = "Сколько планируется инвестировать в QARMET до 2028 года?"
GOOD = (
    "До 2028 года в QARMET планируется инвестировать 1,6 трлн тенге [1]. "
    "Из них 572,9 млрд тенге уже вложено в 2024 году [1]."
)
WRONG_NUMBER = (
    "До 2028 года в QARMET планируется инвестировать 2 трлн тенге [1]. "
    "Из них 572,9 млрд тенге уже вложено в 2024 году [1]."
)
CITES_SEVEN = (
    "До 2028 года в QARMET планируется инвестировать 1,6 трлн тенге [1]. "
    "Из них 572,9 млрд тенге уже вложено в 2024 году [7]."
)


@dataclass
class Reply:
    """A canned reply: ``text`` as a completion (SSE when the request streams, JSON if not), or
    a ``raw`` body with ``status``; ``stall`` seconds of silence first (or after the first SSE
    event, with ``stall_after_first``)."""

    text: str = ""
    raw: bytes | None = None
    status: int = 200
    content_type: str = "application/json"
    stall: float = 0.0
    stall_after_first: bool = False


@dataclass
class FakeOpenAI:
    """The state of the loopback server: replies to serve in order, requests received."""

    base_url: str
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def env(self) -> dict[str, str]:
        return {"OPENAI_BASE_URL": self.base_url}


def _completion(text: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": "test-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        },
        ensure_ascii=False,
    ).encode()


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "test-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(body, ensure_ascii=False).encode() + b"\n\n"


def _events(text: str) -> list[bytes]:
    words = text.split(" ")
    pieces = [w + " " for w in words[:-1]] + [words[-1]]
    return (
        [_chunk({"role": "assistant", "content": ""})]
        + [_chunk({"content": p}) for p in pieces]
        + [_chunk({}, "stop"), b"data: [DONE]\n\n"]
    )


def _ollama_line(text: str, done: bool) -> bytes:
    body: dict[str, Any] = {
        "model": "test-model",
        "created_at": "2025-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": text},
        "done": done,
    }
    if done:
        body["done_reason"] = "stop"
    return json.dumps(body, ensure_ascii=False).encode() + b"\n"


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    state = FakeOpenAI(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server API)
            length = int(self.headers.get("Content-Length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append({"path": self.path, **request})
            reply = state.replies.pop(0) if state.replies else Reply(text=GOOD)
            if reply.stall and not reply.stall_after_first and state.stop.wait(reply.stall):
                return
            if reply.raw is not None:
                self._send(reply.status, reply.content_type, reply.raw)
            elif self.path == "/api/chat":  # Ollama: one JSON object per line
                lines = [_ollama_line(reply.text, done=False), _ollama_line("", done=True)]
                self._send(200, "application/x-ndjson", b"".join(lines))
            elif request.get("stream"):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i, event in enumerate(_events(reply.text)):
                    self.wfile.write(event)
                    self.wfile.flush()
                    if i == 1 and reply.stall_after_first and state.stop.wait(reply.stall):
                        return
            else:
                self._send(200, "application/json", _completion(reply.text))

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def hits(report_qa: ReportQA) -> list[Hit]:
    return report_qa.retrieve(QUESTION)[:4]


def _answerer(
    server: FakeOpenAI, extractive: ExtractiveAnswerer, timeout: float = 10.0
) -> GenerativeAnswerer:
    model = chat_model_from_spec("openai:test-model", timeout, env=server.env())
    return GenerativeAnswerer(model, extractive, timeout=timeout)


def _ask(answerer: GenerativeAnswerer, hits: list[Hit], stream: bool) -> tuple[list[str], Answer]:
    if not stream:
        return [], answerer.answer(QUESTION, hits)
    items = list(answerer.stream(QUESTION, hits))
    *deltas, last = items
    assert isinstance(last, Answer)
    assert all(isinstance(d, str) for d in deltas)
    return [str(d) for d in deltas], last


def _assert_verbatim(answer: Answer, report_qa: ReportQA) -> None:
    for c in answer.citations:
        document = report_qa.document(c.document)
        assert document is not None
        assert document.text[c.start : c.end] == c.quote


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_a_correct_answer_is_grounded(
    server: FakeOpenAI,
    extractive: ExtractiveAnswerer,
    hits: list[Hit],
    report_qa: ReportQA,
    stream: bool,
) -> None:
    server.replies.append(Reply(text=GOOD))
    deltas, answer = _ask(_answerer(server, extractive), hits, stream)
    assert answer.mode == "generative"
    assert answer.grounded is True
    assert answer.answer == GOOD
    assert [c.n for c in answer.citations] == [1]
    assert "1,6 трлн тенге" in answer.citations[0].quote
    assert answer.citations[0].paragraph == hits[0].chunk.paragraph
    _assert_verbatim(answer, report_qa)
    if stream:
        assert len(deltas) > 5 and "".join(deltas) == GOOD
    request = server.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["model"] == "test-model"
    assert bool(request.get("stream")) is stream
    system, user = request["messages"]
    assert system["role"] == "system" and "Answer in Russian" in system["content"]
    assert "[4]" in user["content"] and "[5]" not in user["content"]  # the 4 passages sent


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_a_wrong_number_is_caught(
    server: FakeOpenAI, extractive: ExtractiveAnswerer, hits: list[Hit], stream: bool
) -> None:
    server.replies.append(Reply(text=WRONG_NUMBER))
    _, answer = _ask(_answerer(server, extractive), hits, stream)
    assert answer.mode == "generative"
    assert answer.grounded is False
    assert [u.text for u in answer.unsupported] == [
        "До 2028 года в QARMET планируется инвестировать 2 трлн тенге [1]."
    ]
    assert "«2 трлн тенге»" in answer.unsupported[0].reason
    assert answer.notice and "unsupported" in answer.notice
    data = answer_to_dict(answer)
    assert data["grounded"] is False
    assert data["unsupported"][0]["reason"] == answer.unsupported[0].reason


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_a_marker_of_a_passage_never_sent_is_caught(
    server: FakeOpenAI, extractive: ExtractiveAnswerer, hits: list[Hit], stream: bool
) -> None:
    assert len(hits) == 4
    server.replies.append(Reply(text=CITES_SEVEN))
    _, answer = _ask(_answerer(server, extractive), hits, stream)
    assert answer.mode == "generative"
    assert answer.grounded is False
    assert answer.answer.endswith("в 2024 году [?].")
    assert [c.n for c in answer.citations] == [1]
    (unsupported,) = answer.unsupported
    assert unsupported.reason == "cites [7], but only 4 passages were sent"


def test_an_answer_citing_only_unsent_passages_falls_back(
    server: FakeOpenAI, extractive: ExtractiveAnswerer, hits: list[Hit]
) -> None:
    server.replies.append(Reply(text="В QARMET вложат 1,6 трлн тенге [7]."))
    answer = _answerer(server, extractive).answer(QUESTION, hits)
    assert answer.mode == "extractive"
    assert answer.notice == (
        "the LLM's answer cites no passage of the report; this is the extractive answer"
    )
    assert answer.citations and "grounded" not in answer_to_dict(answer)


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_a_stalled_server_times_out_quickly_into_the_extractive_answer(
    server: FakeOpenAI, extractive: ExtractiveAnswerer, hits: list[Hit], stream: bool
) -> None:
    server.replies.extend([Reply(text=GOOD, stall=30), Reply(text=GOOD, stall=30)])
    started = time.monotonic()
    _, answer = _ask(_answerer(server, extractive, timeout=0.5), hits, stream)
    elapsed = time.monotonic() - started
    assert elapsed < 10.0  # the server stalls for 30 s
    assert answer.mode == "extractive"
    assert answer.notice == "the LLM did not answer within 0.5 s; this is the extractive answer"
    assert answer.citations and not answer.refused


def test_a_stream_that_stalls_midway_ends_with_the_extractive_answer(
    server: FakeOpenAI, extractive: ExtractiveAnswerer, hits: list[Hit]
) -> None:
    server.replies.append(Reply(text=GOOD, stall=30, stall_after_first=True))
    started = time.monotonic()
    deltas, answer = _ask(_answerer(server, extractive, timeout=0.5), hits, stream=True)
    assert time.monotonic() - started < 10.0
    assert deltas  # the first words arrived and were shown ...
    assert answer.mode == "extractive"  # ... and then replaced
    assert answer.notice is not None and "did not answer within 0.5 s" in answer.notice


@pytest.mark.parametrize(
    "reply",
    [
        Reply(raw=b'{"id": "chatcmpl-test", "choices": [{"index": 0, "mess'),
        Reply(raw=json.dumps({"id": "chatcmpl-test", "object": "chat.completion"}).encode()),
        Reply(raw=json.dumps({"choices": None}).encode()),
        Reply(raw=b"<html>Bad gateway</html>", status=502, content_type="text/html"),
    ],
    ids=["invalid-json", "no-choices", "null-choices", "http-502"],
)
def test_a_malformed_response_falls_back(
    server: FakeOpenAI, extractive: ExtractiveAnswerer, hits: list[Hit], reply: Reply
) -> None:
    server.replies.extend([reply, reply])  # once more for the client's one retry
    answer = _answerer(server, extractive).answer(QUESTION, hits)
    assert answer.mode == "extractive"
    assert answer.notice is not None and answer.notice.startswith("the LLM failed (")
    assert answer.notice.endswith("; this is the extractive answer")
    assert answer.citations


@pytest.mark.parametrize(
    ("body", "notice"),
    [
        (b"data: {not json\n\n", "the LLM failed ("),
        (
            b'data: {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m"}'
            b"\n\ndata: [DONE]\n\n",
            "the LLM returned an empty answer; ",
        ),
    ],
    ids=["invalid-json", "no-choices"],
)
def test_a_malformed_stream_falls_back(
    server: FakeOpenAI, extractive: ExtractiveAnswerer, hits: list[Hit], body: bytes, notice: str
) -> None:
    reply = Reply(raw=body, content_type="text/event-stream")
    server.replies.extend([reply, reply])
    *_, answer = _answerer(server, extractive).stream(QUESTION, hits)
    assert isinstance(answer, Answer)
    assert answer.mode == "extractive"
    assert answer.notice is not None and answer.notice.startswith(notice)


def test_a_refused_connection_falls_back(extractive: ExtractiveAnswerer, hits: list[Hit]) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    model = chat_model_from_spec(
        "openai:test-model", 5.0, env={"OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    )
    started = time.monotonic()
    answer = GenerativeAnswerer(model, extractive, timeout=5.0).answer(QUESTION, hits)
    assert time.monotonic() - started < 5.0
    assert answer.mode == "extractive"
    assert answer.notice == "the LLM could not be reached; this is the extractive answer"


def test_the_pipeline_answers_through_the_server(
    server: FakeOpenAI, report_qa: ReportQA, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    qa = ReportQA(report_qa.settings, report_qa.documents, report_qa.data, report_qa.embedder)
    extractive = qa.answerer
    assert isinstance(extractive, ExtractiveAnswerer)
    qa.answerer = GenerativeAnswerer(
        chat_model_from_spec("openai:test-model", 10.0), extractive, timeout=10.0
    )
    server.replies.append(Reply(text=GOOD))
    answer = qa.ask(QUESTION)
    data = answer_to_dict(answer)
    assert data["mode"] == "generative" and data["grounded"] is True
    assert data["unsupported"] == []
    assert {"retrieve_ms", "answer_ms", "llm_ms"} <= set(answer.timings)
    assert server.requests[-1]["messages"][1]["content"].count("\n[") == len(answer.retrieved)


def test_ollama_answers_through_the_server_and_times_out_quickly(
    server: FakeOpenAI, extractive: ExtractiveAnswerer, hits: list[Hit]
) -> None:
    host = server.base_url.removesuffix("/v1")
    model = chat_model_from_spec("ollama:test-model", 0.5, env={"OLLAMA_HOST": host})
    answerer = GenerativeAnswerer(model, extractive, timeout=0.5)
    server.replies.append(Reply(text=GOOD))
    answer = answerer.answer(QUESTION, hits)
    assert (answer.mode, answer.grounded, answer.answer) == ("generative", True, GOOD)
    assert server.requests[-1]["path"] == "/api/chat"
    assert server.requests[-1]["model"] == "test-model"
    server.replies.append(Reply(text=GOOD, stall=30))
    started = time.monotonic()
    answer = answerer.answer(QUESTION, hits)
    assert time.monotonic() - started < 10.0
    assert answer.notice == "the LLM did not answer within 0.5 s; this is the extractive answer"


def test_settings_llm_switches_the_pipeline_to_generative_answers(
    server: FakeOpenAI, report_qa: ReportQA, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = report_qa.settings.replace(llm="openai:test-model", llm_timeout=10.0)
    qa = ReportQA(settings, report_qa.documents, report_qa.data, report_qa.embedder)
    if not isinstance(qa.answerer, GenerativeAnswerer):
        pytest.skip("ReportQA does not build a GenerativeAnswerer from Settings.llm yet")
    assert qa.answerer.timeout == 10.0
    server.replies.append(Reply(text=WRONG_NUMBER))
    answer = qa.ask(QUESTION)
    assert (answer.mode, answer.grounded) == ("generative", False)
    if not hasattr(qa, "stream"):
        pytest.skip("ReportQA.stream is not wired yet")
    server.replies.append(Reply(text=GOOD))
    *deltas, last = qa.stream(QUESTION)
    assert "".join(str(d) for d in deltas) == GOOD
    assert isinstance(last, Answer) and last.grounded is True
    assert {"retrieve_ms", "answer_ms", "llm_ms"} <= set(last.timings)
