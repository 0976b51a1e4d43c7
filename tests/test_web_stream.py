"""The chat page's ask handler streaming: the partial text of an LLM, escaped, then the verified
answer rendered in its place. Driven through the handler the page registers, with a fake ``qa``
(deltas then an ``Answer``) and with the real pipeline and LangChain's fake chat model."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from reportqa import ReportQA
from reportqa.answer.generative import GenerativeAnswerer
from reportqa.errors import InputError
from reportqa.index.corpus import load_corpus
from reportqa.models import Answer, Citation, Document, Unsupported, Verdict
from reportqa.web.feedback import FeedbackLog
from reportqa.web.page import build_page

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
QUOTE = "В области работают 8 вузов и 52 колледжа, из которых 40 реализуют дуальное обучение."
XSS = "<img src=x onerror=alert(1)>"


class StreamingQA:
    """A ``qa`` whose ``stream`` yields the given items; ``ask`` is not to be called."""

    def __init__(self, documents: tuple[Document, ...], items: list[str | Answer]) -> None:
        self.documents = documents
        self.corpus_hash = "test"
        self.items = items

    def ask(self, question: str, history: Any = None) -> Answer:
        raise AssertionError("the chat page streams")

    def stream(
        self, question: str, history: Any = None, documents: Any = None
    ) -> Iterator[str | Answer]:
        self.history = history  # the conversation shown so far, as the page sends it
        if not question.strip() or question == "?":
            raise InputError("the question is empty: ask about the report")
        return iter(self.items)

    def check(self, claim: str) -> Verdict:
        raise AssertionError("not used")


@pytest.fixture(scope="module", autouse=True)
def _collect() -> Iterator[None]:
    """Collect the pages built here before pytest ends: left to a later garbage collection,
    their finalizers can run inside the ``ast.parse`` of pytest's assertion rewriting (when
    hypothesis's plugin imports it at the summary) and CPython 3.11 fails with "AST constructor
    recursion depth mismatch"."""
    yield
    gc.collect()


@pytest.fixture(scope="module")
def documents() -> tuple[Document, ...]:
    return tuple(load_corpus(CORPUS))


def answer_of(documents: tuple[Document, ...], question: str) -> Answer:
    document = documents[0]
    start = document.text.index(QUOTE)
    paragraph = next(p.number for p in document.paragraphs if p.start <= start < p.end)
    citation = Citation(
        1, document.id, document.title, paragraph, QUOTE, start, start + len(QUOTE), 0.9
    )
    return Answer(
        question,
        "Согласно отчёту, в области 8 вузов [1]. Их станет 20.",
        False,
        "ru",
        citations=(citation,),
        mode="generative",
        grounded=False,
        unsupported=(Unsupported("Их станет 20.", "«20» is not in the cited passage [1]"),),
        notice="1 sentence of this answer could not be checked against the report",
    )


def handler(qa: Any, name: str = "respond") -> Any:
    page = build_page(qa, FeedbackLog(Path("unused.jsonl")), max_question_chars=500)
    return next(f.fn for f in page.fns.values() if getattr(f.fn, "__name__", "") == name)


def last_reply(state: tuple[Any, ...]) -> str:
    chat = state[0]
    assert chat[-1]["role"] == "assistant"
    return str(chat[-1]["content"])


def test_deltas_stream_escaped_then_the_answer_replaces_them(
    documents: tuple[Document, ...],
) -> None:
    question = "Сколько вузов?"
    qa = StreamingQA(documents, ["Согласно ", "отчёту [1] ", XSS, answer_of(documents, question)])
    states = list(handler(qa)(question, [], "en", None, 0, None))
    searching, *partials, final = states
    assert last_reply(searching) == "Searching the report…"
    assert searching[0][-2] == {"role": "user", "content": "Сколько вузов?"}
    assert searching[2] == ""  # the question box is cleared at once
    # and never again: a next question typed while this answer comes stays in the box
    assert all(isinstance(s[2], type(gr.skip())) for s in [*partials, final])
    assert [last_reply(s) for s in partials] == [
        "Согласно",
        "Согласно отчёту \\[1\\]",
        "Согласно отчёту \\[1\\] &lt;img src=x onerror=alert(1)&gt;",
    ]
    assert all(isinstance(s[1], type(gr.skip())) for s in [searching, *partials])
    text = last_reply(final)
    assert "[\\[1\\]](#src-1-1)" in text
    assert "❌ _Not supported by the report: Их станет 20._" in text
    assert "(reason: «20» is not in the cited passage \\[1\\])" in text
    assert "⚠️ _Written by a language model; not all of it is supported" in text
    assert "ℹ️ _Note: 1 sentence of this answer" in text
    assert "<img" not in "".join(last_reply(s) for s in states)
    assert final[1] == [answer_of(documents, question)]  # the state keeps the Answer
    assert 'id="src-1-1"' in final[3]  # the sources panel has the cited card


def test_an_input_error_is_raised_before_anything_is_shown(
    documents: tuple[Document, ...],
) -> None:
    qa = StreamingQA(documents, [])
    with pytest.raises(gr.Error, match="the question is empty"):
        next(handler(qa)("?", [], "ru", None, 0, None))


def test_a_stream_without_an_answer_takes_back_the_pending_turn(
    documents: tuple[Document, ...],
) -> None:
    qa = StreamingQA(documents, ["Согласно "])
    states = handler(qa)("Сколько вузов?", [], "ru", None, 0, None)
    assert len(next(states)[0]) == 2
    assert len(next(states)[0]) == 2
    restored = next(states)
    assert restored[0] == [] and restored[2] == "Сколько вузов?"
    with pytest.raises(gr.Error, match="ended without an answer"):
        next(states)


def test_an_example_streams_too(documents: tuple[Document, ...]) -> None:
    question = "Сколько вузов?"
    qa = StreamingQA(documents, ["Согласно ", answer_of(documents, question)])
    states = list(handler(qa, "ask_example")([question], [], "ru", None, 0, None))
    assert len(states) == 3 and "[\\[1\\]](#src-1-1)" in last_reply(states[-1])


def test_the_real_pipeline_streams_an_llm_answer(
    report_qa: ReportQA, monkeypatch: pytest.MonkeyPatch
) -> None:
    extractive = report_qa.extractive
    reply = (
        "До 2028 года в QARMET планируется инвестировать 2 трлн тенге [1]. "
        "Из них 572,9 млрд тенге уже вложено в 2024 году [1]."
    )
    model = GenericFakeChatModel(messages=iter([AIMessage(reply)]))
    monkeypatch.setattr(report_qa, "answerer", GenerativeAnswerer(model, extractive, timeout=10))
    question = "Сколько планируется инвестировать в QARMET до 2028 года?"
    states = list(handler(report_qa)(question, [], "ru", None, 0, None))
    assert len(states) > 10  # "searching", a state per delta, the answer
    assert last_reply(states[-2]).startswith("До 2028 года в QARMET")
    text = last_reply(states[-1])
    assert "[\\[1\\]](#src-1-1)" in text
    # The verifier's reason and the notice in the page's language, the quote as in the report.
    assert "(причина: «2 трлн тенге» нет в цитируемом фрагменте \\[1\\])" in text
    assert "_Примечание: 1 предложение ответа не удалось сверить с отчётом" in text
    (answer,) = states[-1][1]
    assert (answer.mode, answer.grounded, len(answer.unsupported)) == ("generative", False, 1)


def test_the_page_shows_a_real_short_answer_in_bold_before_the_quote(report_qa: ReportQA) -> None:
    question = "Сколько шин произведено в 2024 году?"
    (final,) = list(handler(report_qa)(question, [], "ru", None, 0, None))[-1:]
    (answer,) = final[1]
    short = answer.short_answer
    assert short is not None and any(ch.isdigit() for ch in short.text), answer.answer
    first, second, *_ = last_reply(final).split("\n\n")
    assert first == f"**{short.text}** [\\[{short.citation}\\]](#src-1-{short.citation})"
    assert second.startswith("«") and f"](#src-1-{short.citation})" in second
    assert answer.answer.startswith(f"{short.text} — «")  # the state keeps the whole text


def test_a_question_or_claim_sent_while_one_is_answered_is_taken_next(
    documents: tuple[Document, ...],
) -> None:
    """Gradio's default for a submit drops one sent while the last is pending: "always_last"
    runs it when that one is done (with the box as it is then, which the answer left alone)."""
    page = build_page(
        StreamingQA(documents, []), FeedbackLog(Path("unused.jsonl")), max_question_chars=500
    )
    modes = {f.fn.__name__: f.trigger_mode for f in page.fns.values() if f.fn is not None}
    asking = ("respond", "ask_example", "check", "check_example")
    assert {name: modes[name] for name in asking} == dict.fromkeys(asking, "always_last")


def test_choosing_documents_does_not_queue_beside_a_question(
    documents: tuple[Document, ...],
) -> None:
    """A pick and a question right after it, both queued, sometimes lost the answer in the
    browser though the server had sent it: the pick's small event runs off the queue."""
    page = build_page(
        StreamingQA(documents, []), FeedbackLog(Path("unused.jsonl")), max_question_chars=500
    )
    queued = {f.fn.__name__: f.queue for f in page.fns.values() if f.fn is not None}
    assert queued["rescope"] is False
    assert queued["respond"] is True  # answers stream through the queue


def test_the_exported_conversations_folder_goes_with_the_process(tmp_path: Path) -> None:
    """Each page made a temporary folder for its exported conversations and left it behind
    (one test run left 175 of them in /tmp). It is removed when the page is, or at exit:
    Gradio keeps a served page alive for the process."""
    script = (
        "from pathlib import Path\n"
        "from reportqa.index.corpus import load_corpus\n"
        "from reportqa.web.feedback import FeedbackLog\n"
        "from reportqa.web.page import build_page\n"
        "import test_web_stream as t\n"
        "qa = t.StreamingQA(tuple(load_corpus(t.CORPUS)), [])\n"
        "page = build_page(qa, FeedbackLog(Path('unused.jsonl')), max_question_chars=500)\n"
        "import tempfile\n"
        "print(len(list(Path(tempfile.gettempdir()).glob('reportqa-export-*'))))\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "1"  # made while the page lived
    assert not list(tmp_path.glob("reportqa-export-*"))
