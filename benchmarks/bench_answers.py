"""End-to-end answers on XQuAD-ru: every question asked of the 240-passage corpus through
``ReportQA.ask``, as a user would.

Prints the share of questions answered (not refused), the share whose quoted sentences hold a
gold answer span, the average number of quoted sentences, and latency. All XQuAD-ru questions are
answerable, so every refusal here is a false refusal.

    python benchmarks/bench_answers.py [--work /tmp/reportqa-xquad] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xquad import EVAL, xquad_qa  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-xquad"))
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    qa = xquad_qa(args.work)
    rows = [json.loads(line) for line in open(EVAL / "xquad-ru.questions.jsonl", encoding="utf-8")]
    if args.limit:
        rows = rows[: args.limit]
    answered = holds_gold = sentences = 0
    latencies = []
    for row in rows:
        started = time.perf_counter()
        answer = qa.ask(row["question"])
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.refused:
            continue
        answered += 1
        sentences += len(answer.citations)
        quoted = " ".join(c.quote for c in answer.citations)
        holds_gold += any(gold in quoted for gold in row["answers"])
    n = len(rows)
    latencies.sort()
    print(f"{n} questions: answered {answered / n:.3f} (false refusals {1 - answered / n:.3f})")
    print(
        f"quote holds a gold answer: {holds_gold / n:.3f} of all questions, {holds_gold / max(answered, 1):.3f} of answered"
    )
    print(f"quoted sentences per answer: {sentences / max(answered, 1):.2f}")
    print(
        f"latency p50 {statistics.median(latencies):.1f} ms, p95 {latencies[int(0.95 * (n - 1))]:.1f} ms"
    )


if __name__ == "__main__":
    main()
