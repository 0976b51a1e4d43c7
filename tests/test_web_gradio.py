"""The chat page's Gradio API, asked through ``gradio_client`` against a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from reportqa import ReportQA, Settings, answer_to_dict
from reportqa.web.app import create_app
from reportqa.web.live import LiveServer

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
QUESTION = "Сколько планируется инвестировать в QARMET до 2028 года?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ReportQA]]:
    settings = Settings.from_env(
        env={},
        corpus=CORPUS,
        index=tmp_path_factory.getbasetemp() / "web-index",  # shared with the other web tests
        feedback_log=tmp_path_factory.mktemp("feedback") / "feedback.jsonl",
    )
    qa = ReportQA.open(settings)
    with LiveServer(create_app(qa, settings)) as live:
        yield live.url, qa


@pytest.fixture(scope="module")
def client(server: tuple[str, ReportQA]) -> Iterator[Client]:
    client = Client(server[0] + "/", verbose=False, download_files=False)
    yield client
    client.close()  # ends its heartbeat stream, so the server stops at once


def test_ask_through_the_gradio_api(client: Client, server: tuple[str, ReportQA]) -> None:
    result = client.predict(QUESTION, api_name="/ask")
    assert result == answer_to_dict(server[1].ask(QUESTION))
    (citation,) = result["citations"]
    assert citation["paragraph"] == 3 and "1,6 трлн тенге" in citation["quote"]
    short = result["short_answer"]  # the figure asked for, from the quote it stands in
    assert short is not None and short["citation"] == citation["n"]
    assert short["text"] in citation["quote"] and any(ch.isdigit() for ch in short["text"])


def test_the_api_page_lists_only_ask(client: Client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"]


def test_bad_question_is_an_app_error_with_the_message(
    client: Client, server: tuple[str, ReportQA]
) -> None:
    with pytest.raises(AppError, match="the question is empty"):
        client.predict("   ", api_name="/ask")
    assert httpx.get(server[0] + "/api/health").status_code == 200


def test_questions_open_only_once_the_page_has_its_language(server: tuple[str, ReportQA]) -> None:
    # Asked before the load event relabels the page, an answer would be overwritten by it.
    config = httpx.get(server[0] + "/config", timeout=30).json()
    by_elem = {c["props"].get("elem_id"): c for c in config["components"]}
    question, claim = by_elem["rq-question"], by_elem["rq-claim"]
    assert question["props"]["interactive"] is False and claim["props"]["interactive"] is False
    assert by_elem["rq-examples"]["props"]["visible"] is False
    loads = [d for d in config["dependencies"] if any(t[1] == "load" for t in d["targets"])]
    (load,) = loads
    assert {question["id"], claim["id"], by_elem["rq-chat"]["id"]} <= set(load["outputs"])
