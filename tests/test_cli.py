from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportqa.cli import main
from reportqa.index.store import load_index

from .conftest import CORPUS


@pytest.fixture
def run(report_index: Path):
    """Run the CLI on the shipped corpus with the session's index."""
    runner = CliRunner()

    def invoke(
        *args: str,
        input: bytes | str | None = None,
        index: Path | None = None,
        corpus: Path = CORPUS,
    ):
        return runner.invoke(
            main,
            [*args, "--corpus", str(corpus), "--index", str(index or report_index)],
            input=input,
        )

    return invoke


def test_ask_json_has_the_documented_shape(run) -> None:
    result = run("ask", "Сколько вузов работает в области?", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"question", "answer", "refused", "citations", "retrieved"}
    assert data["refused"] is False
    c = data["citations"][0]
    assert set(c) == {"n", "document", "title", "paragraph", "quote", "start", "end", "score"}
    assert c["document"] == "karaganda-industry.txt" and c["paragraph"] == 10
    assert "8 вузов" in c["quote"]
    assert {"document", "paragraph", "score"} <= set(data["retrieved"][0])


def test_ask_text_shows_sources(run) -> None:
    result = run("ask", "Сколько вузов работает в области?")
    assert result.exit_code == 0
    assert "[1]" in result.output and "абзац 10" in result.output


def test_refusal_lists_see_also_and_keeps_retrieved(run) -> None:
    # A refusal as the CLI renders it; --min-confidence 1 makes the model refuse whatever it
    # thinks (whether it refuses this question is a benchmark figure, not a test).
    result = run("ask", "Who is the mayor of Karaganda?", "--json", "--min-confidence", "1")
    data = json.loads(result.output)
    assert data["refused"] is True and data["citations"] == []
    assert data["retrieved"] and data["see_also"]
    assert data["answer"] == "The report does not say."


@pytest.mark.parametrize(
    "question, message",
    [
        ("", "the question is empty"),
        ("   ", "the question is empty"),
        ("x" * 100_000, "limit is 2000"),
    ],
)
def test_bad_questions_exit_non_zero_with_one_line(run, question: str, message: str) -> None:
    result = run("ask", question)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_batch_answers_every_line_and_reports_bad_ones(run) -> None:
    lines = (
        "Сколько вузов?\n\n".encode()
        + b"\xff\xfe\n"
        + b"How many colleges?\n"
        + b"x" * 5000
        + b"\n"
    )
    result = run("ask", "--json", "-", input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(rows) == 5
    assert rows[0]["refused"] is False
    assert rows[1] == {
        "line": 2,
        "error": "the question is empty: type a question about the report",
    }
    assert rows[2]["line"] == 3 and "UTF-8" in rows[2]["error"]
    assert rows[3]["refused"] is False
    assert rows[4]["line"] == 5 and "limit" in rows[4]["error"]


def test_a_json_line_nested_too_deeply_is_a_question_and_the_rest_answered(run) -> None:
    nested = '{"question": "a", "history": ' + "[" * 980 + "]" * 980 + "}"
    assert len(nested) < 2000  # under the question limit: not refused for its length
    lines = f"Сколько вузов?\n{nested}\nHow many colleges?\n"
    result = run("ask", "--json", "-", input=lines)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(rows) == 3 and rows[2]["refused"] is False


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"id": "q1", "question": "\xff\xfe"}\n', "line 1 is not valid UTF-8"),
        (b"[" * 5000 + b"]" * 5000 + b"\n", "line 1 is nested too deeply"),
        (
            b'{"id": "q1", "question": "Q?", "answers": "372"}\n',
            "row q1: 'answers' must be a list of strings",
        ),
        (
            b'{"id": "q1", "question": "Q?", "answers": ["5"], "paragraph": "five"}\n',
            "row q1: 'paragraph' must be a number or null",
        ),
        (
            b'{"id": "d1", "turns": [{"question": "Q?", "answers": 5}]}\n',
            "dialogue d1 turn 1: 'answers' must be a list of strings",
        ),
    ],
)
def test_eval_refuses_a_file_it_cannot_score_with_a_reason(
    run, tmp_path: Path, content: bytes, message: str
) -> None:
    """Not silently scored: a string of answers was split into its letters."""
    questions = tmp_path / "questions.jsonl"
    questions.write_bytes(content)
    result = run("eval", str(questions))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_empty_corpus_folder(run, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("ask", "вопрос?", corpus=empty, index=tmp_path / "ix")
    assert result.exit_code == 1 and "holds no text" in result.output


def test_invalid_utf8_corpus_file_is_left_out_named_and_the_rest_answered(
    run, report_corpus: Path, tmp_path: Path
) -> None:
    index = tmp_path / "ix"
    assert run("index", corpus=report_corpus, index=index).exit_code == 0
    before = load_index(index).path
    (report_corpus / "broken.txt").write_bytes(b"\xc3\x28 bad")
    warning = (
        "reportqa: warning: broken.txt was left out of the corpus because it is not valid "
        "UTF-8 (line 1, byte 0): convert it to UTF-8 or remove it from the corpus folder"
    )
    result = run("ask", "Сколько вузов?", "--json", corpus=report_corpus, index=index)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()  # CliRunner mixes stderr into output
    assert warning in lines
    assert json.loads(lines[-1])["refused"] is False
    assert load_index(index).path == before  # the same documents: the index is kept, not rebuilt
    for command in ("index", "list"):
        result = run(command, corpus=report_corpus, index=index)
        assert result.exit_code == 0 and warning in result.output.splitlines(), command
    assert "up to date" in run("index", corpus=report_corpus, index=index).output


def test_a_broken_file_does_not_keep_a_new_document_out(
    run, report_corpus: Path, tmp_path: Path
) -> None:
    (report_corpus / "extra.md").write_text(
        "# Дополнение\n\nВ области открыт новый аэропорт.", encoding="utf-8"
    )
    (report_corpus / "scan.pdf").write_bytes(b"%PDF-1.4 truncated")
    result = run("index", corpus=report_corpus, index=tmp_path / "ix")
    assert result.exit_code == 0, result.output
    assert "reportqa: warning: scan.pdf was left out of the corpus because it cannot be read " in (
        result.output
    )
    assert "(2 documents," in result.output


def test_a_corpus_of_only_broken_files_is_an_error_naming_them(run, tmp_path: Path) -> None:
    folder, index = tmp_path / "corpus", tmp_path / "ix"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(b"\xff")
    result = run("ask", "Сколько вузов?", corpus=folder, index=index)
    assert result.exit_code == 1
    assert "holds no text" in result.output and "bad.txt is not valid UTF-8" in result.output
    assert not index.exists()


def test_truncated_faiss_file_is_rebuilt_and_told(run, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    run("index", index=index)
    f = load_index(index).path / "chunks.faiss"
    f.write_bytes(f.read_bytes()[:64])
    result = run("ask", "Сколько вузов?", "--json", index=index)
    assert result.exit_code == 0
    assert "unusable" in result.output  # CliRunner mixes stderr into output
    assert json.loads(result.output.strip().splitlines()[-1])["refused"] is False


def test_manifest_from_another_model_is_a_clear_error(run, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    run("index", index=index)
    manifest_path = load_index(index).path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["embedding"] = "sentence-transformers:other-model"
    manifest_path.write_text(json.dumps(manifest))
    result = run("ask", "Сколько вузов?", index=index)
    assert result.exit_code == 1
    assert "built with model sentence-transformers:other-model" in result.output
    assert "reportqa index" in result.output


def test_index_command_rebuilds_on_request(run, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    first = run("index", index=index)
    assert first.exit_code == 0 and "10 chunks" in first.output
    # the report's words for other languages' questions, embedded ahead and kept beside it
    assert re.search(r"embedded [1-9]\d+ corpus words", first.output), first.output
    assert (index / "word-vectors.npz").exists()
    again = run("index", index=index)
    assert "up to date" in again.output and "corpus words" not in again.output
    forced = run("index", "--rebuild", index=index)
    assert "a rebuild was asked for" in forced.output and "embedded 0 new texts" in forced.output


QUESTIONS = [
    {"id": "q1", "lang": "ru", "question": "Сколько вузов работает в области?",
     "answers": ["8 вузов"], "paragraph": 10},
    {"id": "q2", "lang": "en", "question": "How many colleges are in the region?",
     "answers": ["52 колледжа"], "paragraph": 10},
    {"id": "q3", "lang": "kk", "question": "Облыста неше колледж бар?",
     "answers": ["52 колледжа"], "paragraph": 10},
    {"id": "q4", "lang": "en", "question": "Who is the mayor of Karaganda?",
     "answers": [], "paragraph": None},
]  # fmt: skip


def test_eval_prints_per_question_lines_and_totals(run, tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    lines = [json.dumps(row, ensure_ascii=False) for row in QUESTIONS]
    questions.write_text("\n".join(lines) + "\n\n", encoding="utf-8")  # a blank line is skipped
    result = run("eval", str(questions))
    assert result.exit_code == 0, result.output
    *rows, last = result.output.strip().splitlines()
    totals = json.loads(last)
    assert totals["questions"] == 4
    assert set(totals) >= {
        "hit@1",
        "hit@3",
        "answered_with_gold",
        "refusal_accuracy",
        "false_refusals",
        "p50_ms",
        "p95_ms",
        "short_answers",
        "short_answers_right",
    }
    # one line per question, in order, and totals that are the lines counted
    assert [r.split()[1] for r in rows] == ["q1", "q2", "q3", "q4"]
    assert all(r.split()[2] in ("answered", "refused") for r in rows)
    assert totals["accuracy"] == round(sum(r.startswith("ok ") for r in rows) / 4, 3)
    assert totals["hit@1"] == round(sum("hit@1=1" in r for r in rows) / 3, 3)
    assert totals["false_refusals"] == sum("refused" in r for r in rows[:3])
    assert "hit@1" not in rows[3]  # no gold paragraph, no hit to count
    languages = totals["by_language"]
    assert {k: v["questions"] for k, v in languages.items()} == {"ru": 1, "en": 2, "kk": 1}
    assert languages["kk"]["refusal_accuracy"] is None  # kk has no unanswerable question
    assert languages["en"]["refusal_accuracy"] in (0.0, 1.0)


def test_a_short_answer_is_right_when_it_and_a_gold_string_hold_one_another_as_words() -> None:
    from reportqa.evaluate import short_right

    assert short_right("372 тысячи", ["372 тысячи шин"])  # the gold holds it
    assert short_right("«Qarmet» (Темиртау)", ["qarmet"])  # case and punctuation folded
    assert short_right("в 2024 году", ["2024"])  # it holds the gold
    assert short_right("Ещё 5", ["еще 5"])  # ё as е
    assert not short_right("5", ["15 тысяч", "136"])  # a part of a word is not a word
    assert not short_right("четыре", ["118"])
    assert not short_right("", ["5"])
    assert not short_right("...", ["5"])  # no words at all


def test_eval_names_a_bad_line_of_the_questions_file(run, tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text('{"id": "q1", "question": "Сколько вузов?"}\n{not json\n', "utf-8")
    result = run("eval", str(questions))
    assert result.exit_code == 1
    assert "line 2 is not valid JSON" in result.output
    assert "Traceback" not in result.output
