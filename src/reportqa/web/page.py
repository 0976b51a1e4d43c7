"""The chat page: a Gradio Blocks app with the conversation, a sources panel, example questions,
a language switch, Markdown export and thumbs up/down; and beside it, in a second tab, the
fact-check: a claim, example claims, and the verdict with its figures and quotes (``checkview.py``).

The conversation is kept as a list of ``Answer``s in ``gr.State``; the chat, the sources panel
and the export are all re-rendered from it (``render.py``, ``export.py``), which is what lets the
language switch re-label everything, answers included; the last verdict is kept likewise. User text reaches the Chatbot escaped
(``markup.escape_markdown``), with Gradio's sanitiser left on as a second line of defence.

The language comes from ``?lang=`` or the browser's ``Accept-Language`` when the page loads, and
the radio switches it. ``gr.api`` exposes ``/ask`` to ``gradio_client``; the UI's own events are
private so that the API page lists only that one.

Links into the report are absolute (the server's address as the request reached it), so that
they still work when the page is embedded on another site as Gradio's ``<gradio-app>`` web
component.

The fact-check calls ``qa.check``, the function behind ``reportqa check`` and ``/api/check``. A
claim it cannot use (an ``InputError``: empty, too long, a question, nothing to check) is a
warning with the library's message, not an error: the user only has to rephrase.

Answers stream (``qa.stream``): the question shows at once with "searching", then an LLM's text
as it is written, escaped like any answer (it is untrusted), then the verified ``Answer``
replaces it, with its citations and sources. Without an LLM the ``Answer`` is all there is. The
``/ask`` API endpoint stays a plain function returning the final JSON, for ``gradio_client``.

The answers shown are the conversation: a follow-up ("А проката?") is asked with them as its
history (``conversation``), and its answer shows in small type the question it was read as
(``interpreted_as``). "Clear" starts a new conversation.

When the library holds several documents, a picker (an accordion titled with what is searched)
scopes the questions to the documents ticked; ``?doc=NAME`` in the page's URL, or in the ``src``
of a ``<gradio-app>`` embedding it, ticks them on load. A new choice starts a new thread: the
answers shown stay, but a follow-up is read only against those asked since (``thread``).

With a ``Library`` that takes uploads (``REPORTQA_ALLOW_UPLOAD=1``), "Add a report" hands the file
to ``Library.add``; the new document is then picked. A file it refuses is a warning with the
reason, and nothing changes.

Left out: per-user history across reloads, a Gradio API endpoint for the fact-check
(``/api/check`` serves programs), a scope for the fact-check, uploads through the HTTP API.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import gradio as gr
from gradio.components.chatbot import Message, MessageDict

from ..errors import InputError, ReportQAError
from ..index.corpus import SUFFIXES
from ..models import Answer, Document, Verdict
from ..serialize import answer_to_dict, citation_to_dict
from .api import QA
from .checkview import verdict_html
from .chrome import header_html, intro_html
from .examples import example_claims, example_questions
from .export import conversation_markdown
from .feedback import FeedbackLog, FeedbackRecord, FeedbackStore
from .i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, pick_language, t
from .markup import escape_html, escape_markdown
from .render import answer_markdown, partial_markdown, question_markdown, sources_html

if TYPE_CHECKING:
    from ..library import Library

__all__ = ["build_page"]

_PRIVATE: dict[str, Any] = {"api_visibility": "private"}
# A question (or claim) sent while the last one is still being answered, its last message on its
# way, is taken when that one is done, reading the box then. Gradio's default for a submit or a
# click ("once") would drop it without a word.
_TAKEN_NEXT: dict[str, Any] = {"trigger_mode": "always_last"}
# Run in the browser before ``start``: the ``doc`` parameters of the ``src`` of the
# ``<gradio-app>`` this page is embedded as (the first on the host page), one a line; "" on the
# page itself, whose own URL the server reads.
_EMBED_DOCS = """() => {
  const app = document.querySelector("gradio-app[src]");
  if (!app) return [""];
  try {
    const src = new URL(app.getAttribute("src"), location.href);
    return [src.searchParams.getAll("doc").join("\\n")];
  } catch (e) {
    return [""];
  }
}"""


def build_page(
    qa: QA, feedback: FeedbackStore, *, max_question_chars: int, library: Library | None = None
) -> gr.Blocks:
    """The Gradio Blocks of the chat page, answering with ``qa``; with a ``library`` that takes
    uploads (``Library.uploads``), an "Add a report" upload too."""
    uploads = library is not None and library.uploads

    def docs() -> dict[str, Document]:
        """The library's documents now (an upload adds to them)."""
        return {d.id: d for d in qa.documents}

    # Each session's exported conversation, removed with the page (or at exit): Gradio serves a
    # copy from its own cache, so nothing here outlives the page.
    export_root = Path(tempfile.mkdtemp(prefix="reportqa-export-"))
    lang0 = DEFAULT_LANGUAGE

    def header(lang: str) -> str:
        return header_html(lang)

    def intro(lang: str, base: str = "") -> str:
        return intro_html(lang, list(qa.documents), base)

    def messages(answers: list[Answer], lang: str, base: str) -> list[MessageDict | Message]:
        out: list[MessageDict | Message] = []
        for turn, answer in enumerate(answers, 1):
            out.append({"role": "user", "content": question_markdown(answer.question)})
            out.append({"role": "assistant", "content": answer_markdown(answer, turn, lang, base)})
        return out

    def samples(lang: str) -> list[list[str]]:
        return [[q] for q in example_questions(qa.documents, lang)]

    def claim_samples(lang: str) -> list[list[str]]:
        return [[c] for c in example_claims(qa.documents, lang)]

    def export_file(answers: list[Answer], lang: str, request: gr.Request | None) -> str:
        session = (
            (getattr(request, "session_hash", None) or "anonymous") if request else "anonymous"
        )
        folder = export_root / "".join(ch for ch in session if ch.isalnum())[:64]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "reportqa-conversation.md"
        text = conversation_markdown(
            answers, docs(), corpus_hash=qa.corpus_hash, base_url=_base_url(request), lang=lang
        )
        path.write_text(text, encoding="utf-8")
        return str(path)

    def respond(
        question: str,
        answers: list[Answer],
        lang: str,
        picked: list[str] | None,
        thread: int,
        request: gr.Request | None,
    ) -> Iterator[Any]:
        if not (question or "").strip():
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        base = _base_url(request)
        try:
            # The thread so far (the answers since the scope was last chosen) is the history a
            # follow-up is read against, in the documents picked (all when none); an InputError
            # (empty, too long, a document the library lacks) comes before any item.
            items = qa.stream(
                question,
                history=conversation(answers[thread:]),
                documents=list(picked) if picked else None,
            )
        except ReportQAError as exc:
            raise gr.Error(str(exc), title=t(lang, "error")) from None
        shown = messages(answers, lang, base)
        shown.append({"role": "user", "content": question_markdown(question)})

        def pending(text: str, box: str | None = None) -> tuple[Any, ...]:
            """The chat with the answer so far; ``box`` the question box's new value, if any."""
            reply: MessageDict = {"role": "assistant", "content": partial_markdown(text, lang)}
            question_box = gr.skip() if box is None else box
            return [*shown, reply], gr.skip(), question_box, gr.skip(), gr.skip()

        # The question box is cleared once, at the start: what the reader types while the
        # answer comes stays, and if sent meanwhile it is asked next (``_TAKEN_NEXT``).
        yield pending("", box="")
        text = ""
        try:
            for item in items:
                if isinstance(item, Answer):
                    answers = [*answers, item]
                    break
                text += item
                yield pending(text)
            else:
                raise ReportQAError("the answer stream ended without an answer")
        except ReportQAError as exc:
            # Take back the pending turn and give the question back to rephrase or retry.
            yield messages(answers, lang, base), gr.skip(), question, gr.skip(), gr.skip()
            raise gr.Error(str(exc), title=t(lang, "error")) from None
        yield (
            messages(answers, lang, base),
            answers,
            gr.skip(),
            sources_html(answers, docs(), lang, base),
            gr.DownloadButton(value=export_file(answers, lang, request), interactive=True),
        )

    def ask_example(
        sample: list[str],
        answers: list[Answer],
        lang: str,
        picked: list[str] | None,
        thread: int,
        request: gr.Request,
    ) -> Iterator[Any]:
        yield from respond(sample[0] if sample else "", answers, lang, picked, thread, request)

    def check(claim: str, lang: str, request: gr.Request) -> Any:
        try:
            verdict = qa.check(claim)
        except InputError as exc:  # empty, too long, a question, or nothing to check
            # Gradio renders a toast's message as HTML, and the message quotes the claim.
            gr.Warning(escape_html(str(exc)), title=t(lang, "check_error"))
            return gr.skip(), gr.skip()
        except ReportQAError as exc:
            raise gr.Error(escape_html(str(exc)), title=t(lang, "check_error")) from None
        return verdict, verdict_html(verdict, docs(), lang, _base_url(request))

    def check_example(sample: list[str], lang: str, request: gr.Request) -> Any:
        claim = sample[0] if sample else ""
        return claim, *check(claim, lang, request)

    def choices() -> list[tuple[str, str]]:
        """The picker's choices: each document by its title (and its id when two share one)."""
        titles = [d.title for d in qa.documents]
        return [
            (d.title if titles.count(d.title) == 1 else f"{d.title} ({d.id})", d.id)
            for d in qa.documents
        ]

    def scope_title(lang: str, picked: list[str] | None) -> str:
        n = len([p for p in picked or () if p in docs()])
        total = len(qa.documents)
        return t(lang, "scope_some", n=n, total=total) if n else t(lang, "scope_all")

    def scope_controls(lang: str, picked: list[str] | None, **accordion: Any) -> tuple[Any, Any]:
        """The picker and its accordion, shown when the library holds several documents."""
        return (
            gr.Accordion(
                label=scope_title(lang, picked), visible=len(qa.documents) > 1, **accordion
            ),
            gr.CheckboxGroup(
                choices=choices(),
                value=list(picked or []),
                label=t(lang, "scope"),
                info=t(lang, "scope_info"),
            ),
        )

    def rescope(lang: str, picked: list[str] | None, answers: list[Answer]) -> Any:
        """A new choice of documents: its title, and a new thread from the next question on
        (the answers shown stay, but a follow-up is no longer read against them)."""
        return gr.Accordion(label=scope_title(lang, picked)), len(answers)

    def relabel(
        lang: str,
        answers: list[Answer],
        verdict: Verdict | None,
        picked: list[str] | None,
        request: gr.Request,
        **accordion: Any,
    ) -> Any:
        base = _base_url(request)
        return (
            header(lang),
            intro(lang, base),
            gr.Radio(value=lang, label=t(lang, "language")),
            gr.Chatbot(value=messages(answers, lang, base), label=t(lang, "chat")),
            gr.Textbox(
                label=t(lang, "question"),
                placeholder=t(lang, "placeholder"),
                submit_btn=t(lang, "ask"),
                interactive=True,
            ),
            gr.Dataset(samples=samples(lang), label=t(lang, "examples"), visible=True),
            f"### {escape_markdown(t(lang, 'sources'))}",
            sources_html(answers, docs(), lang, base),
            gr.DownloadButton(
                label=t(lang, "export"),
                value=export_file(answers, lang, request) if answers else None,
                interactive=bool(answers),
            ),
            gr.Tab(label=t(lang, "chat_tab")),
            gr.Tab(label=t(lang, "check_tab")),
            gr.Textbox(
                label=t(lang, "claim"), placeholder=t(lang, "claim_placeholder"), interactive=True
            ),
            gr.Button(value=t(lang, "check"), interactive=True),
            gr.Dataset(samples=claim_samples(lang), label=t(lang, "example_claims"), visible=True),
            verdict_html(verdict, docs(), lang, base),
            *scope_controls(lang, picked, **accordion),
            gr.UploadButton(t(lang, "upload"), visible=uploads),
        )

    def start(embedded_docs: str, request: gr.Request) -> Any:
        """On load: the page in the browser's language, and only then open to questions. (Asked
        earlier, an answer could be overwritten by this relabelling, whose inputs predate it.)
        ``?doc=NAME`` (repeatable) picks documents of the library to begin with: in the page's
        URL, or in the ``src`` of a ``<gradio-app>`` embedding it (``embedded_docs``, one a line,
        read by ``_EMBED_DOCS`` in the browser)."""
        headers = dict(request.headers) if request else {}
        params = dict(request.query_params) if request else {}
        lang = pick_language(headers.get("accept-language"), params.get("lang"))
        asked = request.query_params.getlist("doc") if request else []
        asked += (embedded_docs or "").splitlines()
        picked = [d for d in dict.fromkeys(asked) if d in docs()]
        # A scope from the URL is shown open: the reader sees what the questions search.
        return relabel(lang, [], None, picked, request, **({"open": True} if picked else {}))

    def rate(answers: list[Answer], lang: str, data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn = int(index) // 2  # messages alternate: question, answer
        if data.liked not in (True, False) or not 0 <= turn < len(answers):
            return
        answer = answer_to_dict(answers[turn])
        feedback.append(
            FeedbackRecord(
                rating="up" if data.liked else "down",
                channel="page",
                question=answer["question"],
                answer=answer["answer"],
                refused=answer["refused"],
                citations=FeedbackLog.citations_of(answer),
                corpus_hash=qa.corpus_hash,
            )
        )
        gr.Info(t(lang, "thanks"))

    def add_report(file: str | None, lang: str, answers: list[Answer], request: gr.Request) -> Any:
        """An uploaded report added to the library (``Library.add``) and picked, starting a new
        thread; a file that cannot be added is a warning saying why, and nothing changes."""
        if library is None or not file:
            return (gr.skip(),) * 5
        path = Path(file)  # Gradio's copy, under the name the file had
        try:
            added = library.add(path.name, path.read_bytes())
        except ReportQAError as exc:
            # Gradio renders a toast's message as HTML, and the message names the file.
            gr.Warning(escape_html(str(exc)), title=t(lang, "upload_error"))
            return (gr.skip(),) * 5
        gr.Info(escape_html(t(lang, "uploaded", title=added.document.title)))
        picked = [added.document.id]
        return (
            intro(lang, _base_url(request)),
            *scope_controls(lang, picked, open=True),
            len(answers),
            gr.Dataset(samples=samples(lang)),
        )

    def clear(lang: str) -> Any:
        return (
            [],
            sources_html([], docs(), lang),
            gr.DownloadButton(value=None, interactive=False),
            0,
        )

    def api_ask(question: str) -> dict[str, Any]:
        """Answer a question about the report: the JSON of `reportqa ask --json`."""
        try:
            return answer_to_dict(qa.ask(question))
        except ReportQAError as exc:
            raise gr.Error(str(exc)) from None

    with gr.Blocks(
        title=t(lang0, "title"), analytics_enabled=False, delete_cache=(3600, 3600)
    ) as page:
        answers = gr.State([])
        verdict = gr.State(None)
        thread = gr.State(0)  # where the current thread begins in ``answers``
        embed_hint = gr.Textbox(visible=False)  # the ``?doc=`` of an embedding's src (start)
        # The title with the language switch beside it (under it on a narrow phone), then the
        # intro: never the switch beside a long text column (static/page.css).
        with gr.Row(equal_height=False, elem_id="rq-top"):
            head = gr.HTML(header(lang0), elem_id="rq-header", padding=False)
            lang = gr.Radio(
                choices=[(LANGUAGE_NAMES[c], c) for c in LANGUAGES],
                value=lang0,
                label=t(lang0, "language"),
                elem_id="rq-lang",
                scale=0,
                min_width=0,
                container=False,
            )
        about = gr.HTML(intro(lang0), elem_id="rq-intro", padding=False)
        with gr.Tabs(elem_id="rq-tabs"):
            chat_tab = gr.Tab(t(lang0, "chat_tab"), id="chat", elem_id="rq-chat-tab")
            with chat_tab, gr.Row(equal_height=False, elem_id="rq-chat-row"):
                with gr.Column(scale=3, min_width=280):
                    chat = gr.Chatbot(
                        label=t(lang0, "chat"),
                        elem_id="rq-chat",
                        height=520,
                        sanitize_html=True,
                        allow_tags=False,
                        render_markdown=True,
                        latex_delimiters=[],
                        buttons=[],
                        feedback_options=("Like", "Dislike"),
                        layout="bubble",
                    )
                    question = gr.Textbox(
                        label=t(lang0, "question"),
                        placeholder=t(lang0, "placeholder"),
                        submit_btn=t(lang0, "ask"),
                        interactive=False,  # until start() has set the language
                        max_length=max_question_chars,
                        elem_id="rq-question",
                        lines=1,
                    )
                    # The documents to answer from, when there is a choice (scope_controls).
                    scope_box = gr.Accordion(
                        scope_title(lang0, []),
                        open=False,
                        visible=len(qa.documents) > 1,
                        elem_id="rq-scope",
                    )
                    with scope_box:
                        picker = gr.CheckboxGroup(
                            choices=choices(),
                            value=[],
                            label=t(lang0, "scope"),
                            info=t(lang0, "scope_info"),
                            elem_id="rq-picker",
                        )
                    examples = gr.Dataset(
                        components=[question],
                        samples=samples(lang0),
                        label=t(lang0, "examples"),
                        visible=False,  # until start()
                        elem_id="rq-examples",
                        samples_per_page=8,
                    )
                    export = gr.DownloadButton(
                        label=t(lang0, "export"),
                        value=None,
                        interactive=False,
                        elem_id="rq-export",
                        size="sm",
                    )
                    upload = gr.UploadButton(
                        t(lang0, "upload"),
                        file_types=list(SUFFIXES),
                        type="filepath",
                        size="sm",
                        visible=uploads,
                        elem_id="rq-upload",
                    )
                with gr.Column(scale=2, min_width=280, elem_id="rq-sources-column"):
                    sources_title = gr.Markdown(f"### {escape_markdown(t(lang0, 'sources'))}")
                    sources = gr.HTML(sources_html([], docs(), lang0), elem_id="rq-sources")
            check_tab = gr.Tab(t(lang0, "check_tab"), id="check", elem_id="rq-check-tab")
            with check_tab, gr.Row(equal_height=False):
                with gr.Column(scale=2, min_width=300):
                    claim = gr.Textbox(
                        label=t(lang0, "claim"),
                        placeholder=t(lang0, "claim_placeholder"),
                        interactive=False,  # until start()
                        max_length=max_question_chars,
                        elem_id="rq-claim",
                        lines=2,
                    )
                    check_btn = gr.Button(
                        t(lang0, "check"),
                        variant="primary",
                        elem_id="rq-check-button",
                        interactive=False,  # until start()
                    )
                    claim_examples = gr.Dataset(
                        components=[claim],
                        samples=claim_samples(lang0),
                        label=t(lang0, "example_claims"),
                        visible=False,  # until start()
                        elem_id="rq-claim-examples",
                    )
                with gr.Column(scale=3, min_width=320):
                    result = gr.HTML(verdict_html(None, docs(), lang0), elem_id="rq-verdict")

        outputs = [chat, answers, question, sources, export]
        asked = [answers, lang, picker, thread]
        question.submit(respond, [question, *asked], outputs, **_TAKEN_NEXT, **_PRIVATE)
        examples.click(ask_example, [examples, *asked], outputs, **_TAKEN_NEXT, **_PRIVATE)
        # Off the queue: a question asked right after a pick (both events of one session in the
        # queue at once) sometimes never got its answer shown, though the server had sent it
        # (Gradio 6.31; the picker's browser test failed 8 runs in 14 so, none in 26 off it).
        picker.input(rescope, [lang, picker, answers], [scope_box, thread], queue=False, **_PRIVATE)
        checked = [verdict, result]
        check_btn.click(check, [claim, lang], checked, **_TAKEN_NEXT, **_PRIVATE)
        claim.submit(check, [claim, lang], checked, **_TAKEN_NEXT, **_PRIVATE)
        claim_examples.click(
            check_example, [claim_examples, lang], [claim, *checked], **_TAKEN_NEXT, **_PRIVATE
        )
        relabelled = [
            *(head, about, lang, chat, question, examples, sources_title, sources, export),
            *(chat_tab, check_tab, claim, check_btn, claim_examples, result),
            *(scope_box, picker, upload),
        ]
        # the user's switch
        lang.input(relabel, [lang, answers, verdict, picker], relabelled, **_PRIVATE)
        chat.like(rate, [answers, lang], None, **_PRIVATE)
        added = [about, scope_box, picker, thread, examples]
        upload.upload(add_report, [upload, lang, answers], added, **_PRIVATE)
        chat.clear(clear, [lang], [answers, sources, export, thread], **_PRIVATE)
        page.load(start, embed_hint, relabelled, js=_EMBED_DOCS, **_PRIVATE)
        gr.api(api_ask, api_name="ask")
    page.queue(default_concurrency_limit=8)
    weakref.finalize(page, shutil.rmtree, export_root, ignore_errors=True)
    return page


def conversation(answers: list[Answer]) -> list[dict[str, Any]]:
    """The answers of the chat as the turns ``ReportQA.stream`` reads a follow-up against."""
    turns: list[dict[str, Any]] = []
    for answer in answers:
        turns.append({"role": "user", "content": answer.question})
        turns.append(
            {
                "role": "assistant",
                "content": answer.answer,
                "citations": [citation_to_dict(c) for c in answer.citations],
            }
        )
    return turns


def _base_url(request: gr.Request | None) -> str:
    """The server's address as the browser used it, for absolute links in exports. (Not the
    ``Origin`` header: a page embedding the ``<gradio-app>`` component has its own origin.)"""
    if request is None:
        return "http://localhost/"
    headers = {k.lower(): v for k, v in dict(request.headers).items()}
    host = headers.get("x-forwarded-host") or headers.get("host") or "localhost"
    scheme = headers.get("x-forwarded-proto") or urlsplit(str(getattr(request, "url", ""))).scheme
    return f"{scheme.split(',')[0].strip() or 'http'}://{host.split(',')[0].strip()}/"
