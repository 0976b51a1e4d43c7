"""The API and the widget keep no state between requests, so a load balancer may send each
request of one conversation to another replica: two servers on one index folder answer a
conversation split between them exactly as one server answers it whole. (The chat page does
keep state per process: ``tests/test_replicas.py`` checks its sticky routing.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from reportqa import ReportQA, Settings
from reportqa.index.store import load_index
from reportqa.web.app import create_app
from reportqa.web.live import LiveServer

from .conftest import fake_index


def without_timings(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "timings"}


def test_a_conversation_split_between_two_replicas_is_answered_as_by_one(tmp_path: Path) -> None:
    documents, data, embedder = fake_index(
        tmp_path / "corpus", tmp_path / "index", info={"corpus_hash": "kamensk"}
    )
    settings = Settings(corpus=tmp_path / "corpus", index=tmp_path / "index")
    # Two processes' worth: each loads the shared folder itself.
    apps = [
        create_app(
            ReportQA(settings, tuple(documents), load_index(tmp_path / "index"), embedder),
            settings,
        )
        for _ in range(2)
    ]
    first = "Сколько шин произвёл завод в 2024 году?"
    with LiveServer(apps[0]) as a, LiveServer(apps[1]) as b:
        with httpx.Client(base_url=a.url, timeout=30) as on_a:
            one = on_a.post("/api/ask", json={"question": first}).json()
            history = [
                {"role": "user", "content": first},
                {"role": "assistant", "content": one["answer"], "citations": one["citations"]},
            ]
            followup = {"question": "А автобусов?", "history": history}
            whole = on_a.post("/api/ask", json=followup).json()
            widget_a = on_a.get("/widget?doc=kamensk.txt").text
        with httpx.Client(base_url=b.url, timeout=30) as on_b:
            split = on_b.post("/api/ask", json=followup).json()  # the second turn elsewhere
            widget_b = on_b.get("/widget?doc=kamensk.txt").text
    assert without_timings(split) == without_timings(whole)
    assert split["interpreted_as"]  # read as a follow-up, from the history the client sent
    assert widget_a == widget_b  # the same page from any replica: nothing per process in it
    for app in apps:
        app.state.feedback.close()
