"""Replicas with nothing lost: PostgreSQL, two `reportqa serve` processes on one shared index
folder, and nginx in front with ``deploy/nginx.conf`` (ports changed, nothing else).

20 clients each use the chat page (Gradio's ``/ask`` event: a POST that queues it, then a GET
that streams it, which must reach the same replica), ``/api/ask`` and ``/api/feedback``. One
replica is killed with SIGKILL mid-load, and a document is added to the shared corpus and
indexed while the survivor serves. Then:

- every rating the API acknowledged is a row in the database;
- every page request of a browser (its cookie) went to one replica, and after the kill to the
  survivor only; a client without the cookie, as a control, does lose its events;
- every request started after the kill succeeded, the index switch included;
- the survivor serves the new index.

Skipped with a reason where PostgreSQL, psycopg, nginx or runuser (as root) are missing. Real
model: marked slow.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from .postgres import free_port, postgres_skip_reason, running_postgres

ROOT = Path(__file__).resolve().parents[1]
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
CLIENTS = 20
KILL_AFTER = 8.0  # seconds of load before one replica is killed
LOAD_SECONDS = 30.0  # at least; longer until the survivor serves the new index
QUESTIONS = (
    "Сколько вузов в области?",
    "На сколько выросло производство чугуна?",
    "Сколько шин произведено?",
    "How many colleges are there in the region?",
    "Сколько планируется инвестировать в QARMET до 2028 года?",
)
EXTRA = "Отчёт о туризме\n\nВ 2024 году Карагандинскую область посетили 900 тысяч туристов.\n"


def _skip_reason() -> str | None:
    if NGINX is None:
        return "nginx is not installed (apt-get install nginx)"
    return postgres_skip_reason()


SKIP = _skip_reason()
needs_all = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")


@dataclass
class Replica:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Event:
    started: float
    client: int
    kind: str  # "page", "ask", "feedback"
    ok: bool
    detail: str = ""


def start_replica(
    tmp: Path, name: str, corpus: Path, index: Path, database: str, env: dict[str, str]
) -> Replica:
    port = free_port()
    log = tmp / f"{name}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "reportqa", "serve", "--corpus", str(corpus)]
        + ["--index", str(index), "--port", str(port)],
        env={
            **env,
            "REPORTQA_DATABASE_URL": database,
            "REPORTQA_INDEX_CHECK_SECONDS": "1",
            "REPORTQA_FEEDBACK_LOG": str(tmp / f"{name}-feedback.jsonl"),
        },
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return Replica(port, process, log)


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{log.name} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not start: {log.read_text(errors='replace')[-2000:]}")


def nginx_config(tmp: Path, replicas: list[Replica], port: int) -> Path:
    """``deploy/nginx.conf`` with the test's ports, in a main config of the test's own."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    for default, replica in zip(("127.0.0.1:7861", "127.0.0.1:7862"), replicas):
        assert text.count(f"server {default} ") == 2, "both upstreams name each replica"
        text = text.replace(f"server {default} ", f"server {replica.address} ")
    assert text.count("listen 8080;") == 1
    text = text.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    (tmp / "reportqa.conf").write_text(text, encoding="utf-8")
    temp = "\n".join(
        f"  {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    main = tmp / "nginx-main.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'nginx-error.log'};\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"{temp}\n  uwsgi_temp_path {tmp / 'uwsgi'};\n  scgi_temp_path {tmp / 'scgi'};\n"
        f"  include {tmp / 'reportqa.conf'};\n"
        "  log_format route '$msec $reportqa_route $request_method $uri $status $upstream_addr';\n"
        f"  access_log {tmp / 'access.log'} route;\n"
        "}\n",
        encoding="utf-8",
    )
    return main


@pytest.fixture
def cluster(
    tmp_path: Path, report_corpus: Path, report_index: Path
) -> Iterator[tuple[str, str, list[Replica], Path]]:
    """(nginx URL, database URL, the two replicas, the shared corpus folder)."""
    index = tmp_path / "shared-index"
    shutil.copytree(report_index, index)  # the session's index is not ours to change
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")}
    nginx_tmp = tmp_path / "nginx"
    nginx_tmp.mkdir()
    with running_postgres() as database:
        replicas = [
            start_replica(tmp_path, name, report_corpus, index, database, env)
            for name in ("replica-a", "replica-b")
        ]
        nginx: subprocess.Popen[bytes] | None = None
        try:
            for r in replicas:
                wait_healthy(f"http://{r.address}", r.process, r.log, timeout=240)
            port = free_port()
            main = nginx_config(nginx_tmp, replicas, port)
            assert NGINX is not None
            nginx = subprocess.Popen(
                [NGINX, "-c", str(main), "-p", str(nginx_tmp), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=(nginx_tmp / "nginx-stderr.log").open("wb"),
            )
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, nginx, nginx_tmp / "nginx-stderr.log", timeout=30)
            yield url, database, replicas, report_corpus
        finally:
            if nginx is not None:
                nginx.terminate()
                nginx.wait(timeout=30)
            for r in replicas:
                if r.process.poll() is None:
                    r.process.terminate()
                    try:
                        r.process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        r.process.kill()
                        r.process.wait(timeout=30)
            for r in replicas:
                assert not (tmp_path / f"{r.log.stem}-feedback.jsonl").exists()


def page_event(
    client: httpx.Client, question: str, stream_with: httpx.Client | None = None
) -> str | None:
    """Gradio's `/ask` as the page's queue runs it: POST queues the event, GET streams it
    (from ``stream_with``, another browser, when given). None when the answer came, else what
    went wrong."""
    try:
        joined = client.post("/gradio_api/call/ask", json={"data": [question]})
        if joined.status_code != 200:
            return f"queue {joined.status_code}"
        event = joined.json()["event_id"]
        streamed = (stream_with or client).get(f"/gradio_api/call/ask/{event}")
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}"
    if streamed.status_code == 200 and "event: complete" in streamed.text:
        return None
    return f"stream {streamed.status_code} {streamed.text[:80]!r}"


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)")
def test_the_shipped_nginx_config_is_valid(tmp_path: Path) -> None:
    """``nginx -t`` on ``deploy/nginx.conf`` as the replica test uses it: fast, no replicas."""
    replicas = [Replica(port, None, tmp_path / "unused.log") for port in (7001, 7002)]  # type: ignore[arg-type]
    main = nginx_config(tmp_path, replicas, free_port())
    assert NGINX is not None
    checked = subprocess.run(
        [NGINX, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr.decode(errors="replace")
    text = (tmp_path / "reportqa.conf").read_text(encoding="utf-8")
    assert "hash $reportqa_route consistent" in text and "127.0.0.1:7002" in text


@pytest.mark.slow
@needs_all
def test_replicas_behind_nginx_lose_no_acknowledged_feedback_and_keep_pages_sticky(
    cluster: tuple[str, str, list[Replica], Path], tmp_path: Path
) -> None:
    import psycopg

    url, database, (replica_a, replica_b), corpus = cluster
    events: list[Event] = []
    acknowledged: set[str] = set()
    lock = threading.Lock()
    stop = threading.Event()
    started = time.monotonic()

    def record(event: Event) -> None:
        with lock:
            events.append(event)

    def client(n: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            http.get("/")  # the page: nginx gives this browser its route cookie
            step = 0
            while not stop.is_set() and step < 10_000:
                step += 1
                question = f"{QUESTIONS[(n + step) % len(QUESTIONS)]} ({n}-{step})"
                began = time.monotonic()
                error = page_event(http, question)
                record(Event(began, n, "page", error is None, error or ""))

                began = time.monotonic()
                try:
                    status = http.post("/api/ask", json={"question": question}).status_code
                except httpx.HTTPError as exc:
                    status, error = 0, type(exc).__name__
                record(Event(began, n, "ask", status == 200, str(status)))

                rated = f"client {n} rating {step} {uuid.uuid4()}"
                body = {"rating": "up", "question": rated, "answer": "—", "channel": "api"}
                began = time.monotonic()
                try:
                    response = http.post("/api/feedback", json=body)
                    ok = response.status_code == 200 and response.json() == {"status": "recorded"}
                    detail = str(response.status_code)
                except httpx.HTTPError as exc:
                    ok, detail = False, type(exc).__name__
                if ok:
                    with lock:
                        acknowledged.add(rated)
                record(Event(began, n, "feedback", ok, detail))

    # The control: without its cookie, a request is routed anew, and an event queued on one
    # replica is asked of the other (a chance of one half each time): lost.
    lost = 0
    for n in range(20):
        with (
            httpx.Client(base_url=url, timeout=60) as one,
            httpx.Client(base_url=url, timeout=60) as other,
        ):
            lost += page_event(one, f"{QUESTIONS[0]} (control {n})", stream_with=other) is not None
    assert lost > 0, "without sticky routing no event was lost: the check below means nothing"

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    switched_at: float | None = None
    try:
        time.sleep(KILL_AFTER)
        replica_b.process.send_signal(signal.SIGKILL)
        replica_b.process.wait(timeout=30)
        killed_at = time.monotonic()
        wall_killed_at = time.time()

        # Meanwhile, `reportqa index` adds a document to the shared folder.
        (corpus / "tourism.txt").write_text(EXTRA, encoding="utf-8")
        build = subprocess.run(
            [sys.executable, "-m", "reportqa", "index", "--corpus", str(corpus)]
            + ["--index", str(tmp_path / "shared-index")],
            capture_output=True,
            timeout=300,
            env={k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")},
        )
        assert build.returncode == 0, build.stderr.decode(errors="replace")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            health = httpx.get(f"{url}/api/health", timeout=30).json()
            if len(health["documents"]) == 2:
                switched_at = time.monotonic()
                break
            time.sleep(0.5)
        while time.monotonic() < max(started + LOAD_SECONDS, (switched_at or 0) + 5):
            time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert switched_at is not None, "the survivor did not switch to the new index"

    # 1. Every acknowledged rating is in the database.
    with psycopg.connect(database) as conn:
        stored = {q for (q,) in conn.execute("SELECT question FROM reportqa_feedback")}
    assert len(acknowledged) >= CLIENTS
    assert acknowledged - stored == set()
    after_kill = [e for e in events if e.kind == "feedback" and e.ok and e.started > killed_at]
    assert after_kill, "no rating was acknowledged after the kill"

    # 2. Everything started after the kill (and during the index switch) succeeded.
    late = [e for e in events if e.started > killed_at + 0.5]
    failed = [e for e in late if not e.ok]
    assert late and failed == [], failed[:5]
    assert {e.kind for e in late} == {"page", "ask", "feedback"}

    # 3. Sticky pages: each browser's page requests went to one replica, then to the survivor.
    served: dict[str, list[tuple[float, str]]] = defaultdict(list)
    api: dict[str, int] = defaultdict(int)
    for line in (tmp_path / "nginx" / "access.log").read_text().splitlines():
        at, route, _method, uri, _status, upstream = line.split(" ", 5)
        last = upstream.split(",")[-1].strip()  # after a refused connection, the one that served
        if uri.startswith("/api/"):
            api[last] += 1
        else:
            served[route].append((float(at), last))
    before = {
        route: {u for at, u in hits if at < wall_killed_at - 0.5} for route, hits in served.items()
    }
    # The clients' browsers; the control's made one request each.
    browsers = {route: ups for route, ups in before.items() if ups and len(served[route]) > 1}
    assert len(browsers) >= CLIENTS
    assert all(len(ups) == 1 for ups in browsers.values()), browsers
    assert {u for ups in browsers.values() for u in ups} == {replica_a.address, replica_b.address}
    for route, hits in served.items():
        later = {u for at, u in hits if at > wall_killed_at + 0.5}
        assert later <= {replica_a.address}, (route, later)
    assert api[replica_a.address] > 0 and api[replica_b.address] > 0  # round-robin
    print(  # the figures, for `pytest -s`
        f"\nreplicas: {len(acknowledged)} ratings acknowledged, {len(stored)} rows, "
        f"{len(acknowledged - stored)} acknowledged and missing; "
        f"{sum(not e.ok for e in events)} of {len(events)} requests failed, all started before "
        f"the kill + 0.5 s; {len(browsers)} browsers, each on one replica; API requests per "
        f"replica {dict(api)}; switched to the new index "
        f"{switched_at - killed_at:.1f} s after the kill (the build included)"
    )
