"""Feedback in PostgreSQL (``web/feedback_pg.py``) and the settings of replica mode.

The database tests run a real PostgreSQL (``tests/postgres.py``), skipped with a reason where it
or psycopg is missing; the settings tests need nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reportqa import ReportQA, Settings
from reportqa.config import uploads_allowed
from reportqa.errors import InputError, ReportQAError
from reportqa.web.app import create_app
from reportqa.web.feedback import FeedbackLog, FeedbackRecord, open_feedback
from reportqa.web.live import LiveServer

from .conftest import fake_index
from .postgres import free_port, postgres_skip_reason, running_postgres

SKIP = postgres_skip_reason()
needs_postgres = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")

RECORD = FeedbackRecord(
    rating="down",
    channel="api",
    question="Сколько вузов в области?",
    answer="«В области работают 8 вузов…» [1]",
    refused=False,
    citations=({"n": 1, "document": "a.txt", "paragraph": 3, "quote": "8 вузов"},),
    corpus_hash="abc",
    comment="не то",
)


# Settings ------------------------------------------------------------------------------------


def test_a_database_url_or_the_replica_flag_means_replica_mode_and_no_uploads() -> None:
    plain = Settings.from_env(env={"REPORTQA_ALLOW_UPLOAD": "1"})
    assert not plain.replica_mode and uploads_allowed(plain)
    url = Settings.from_env(
        env={"REPORTQA_ALLOW_UPLOAD": "1", "REPORTQA_DATABASE_URL": "postgresql://u@db/reportqa"}
    )
    assert url.replica_mode and not uploads_allowed(url)
    flag = Settings.from_env(env={"REPORTQA_ALLOW_UPLOAD": "1", "REPORTQA_REPLICA": "1"})
    assert flag.replica_mode and not uploads_allowed(flag)


def test_a_database_url_that_is_not_postgresql_is_refused_with_an_example() -> None:
    with pytest.raises(InputError, match="postgresql://"):
        Settings.from_env(env={"REPORTQA_DATABASE_URL": "sqlite:///feedback.db"})
    with pytest.raises(InputError, match="index_check_seconds"):
        Settings.from_env(env={"REPORTQA_INDEX_CHECK_SECONDS": "-1"})


def test_without_a_database_url_feedback_stays_a_jsonl_log(tmp_path: Path) -> None:
    store = open_feedback(Settings(feedback_log=tmp_path / "f.jsonl"))
    assert isinstance(store, FeedbackLog)
    store.append(RECORD)
    assert json.loads((tmp_path / "f.jsonl").read_text(encoding="utf-8"))["comment"] == "не то"


def test_an_unreachable_database_is_an_error_at_start_that_hides_the_password() -> None:
    url = f"postgresql://reportqa:s3cret@127.0.0.1:{free_port()}/reportqa"
    if SKIP and "psycopg" in SKIP:
        pytest.skip(SKIP)
    with pytest.raises(ReportQAError, match="REPORTQA_DATABASE_URL") as caught:
        open_feedback(Settings(database_url=url))
    assert "s3cret" not in str(caught.value)
    assert "127.0.0.1" in str(caught.value)


# PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    if SKIP:
        pytest.skip(SKIP)
    with running_postgres() as url:
        yield url


def rows(
    url: str,
    sql: str = "SELECT question, rating, channel, refused, citations, comment, "
    "corpus_hash FROM reportqa_feedback ORDER BY id",
) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def clean(database: str) -> str:
    import psycopg

    with psycopg.connect(database) as conn:
        conn.execute("DROP TABLE IF EXISTS reportqa_feedback, reportqa_migrations")
    return database


@needs_postgres
def test_the_migration_creates_the_table_once_and_a_second_start_changes_nothing(
    clean: str,
) -> None:
    from reportqa.web.feedback_pg import PostgresFeedback

    first = PostgresFeedback(clean)
    first.append(RECORD)
    assert first.migrate() == []  # already up to date
    first.close()
    second = PostgresFeedback(clean)  # a restart, or another replica
    second.close()
    assert rows(clean, "SELECT version FROM reportqa_migrations") == [(1,)]
    assert len(rows(clean)) == 1  # the row written before the restart is still there


@needs_postgres
def test_replicas_starting_together_migrate_once(clean: str) -> None:
    from reportqa.web.feedback_pg import PostgresFeedback

    stores: list[PostgresFeedback] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            stores.append(PostgresFeedback(clean))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for store in stores:
        store.close()
    assert errors == []
    assert rows(clean, "SELECT version FROM reportqa_migrations") == [(1,)]


@needs_postgres
def test_a_record_is_one_row_with_its_citations_as_json(clean: str) -> None:
    store = open_feedback(Settings(database_url=clean))
    try:
        store.append(RECORD)
        assert "s3cret" not in store.where and "reportqa_feedback" in store.where
    finally:
        store.close()
    ((question, rating, channel, refused, citations, comment, corpus_hash),) = rows(clean)
    assert (question, rating, channel, refused, comment, corpus_hash) == (
        RECORD.question,
        "down",
        "api",
        False,
        "не то",
        "abc",
    )
    assert citations == [dict(RECORD.citations[0])]


@needs_postgres
def test_connections_the_server_dropped_are_replaced_not_used(clean: str) -> None:
    """A database restart or failover drops the pool's connections: the next rating is still
    written, on a new connection."""
    import psycopg

    store = open_feedback(Settings(database_url=clean))
    try:
        store.append(RECORD)
        with psycopg.connect(clean, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = 'reportqa' AND pid <> pg_backend_pid()"
            ).fetchone()
        assert killed and killed[0] >= 1
        store.append(RECORD)
    finally:
        store.close()
    assert len(rows(clean)) == 2


@needs_postgres
def test_the_api_acknowledges_feedback_once_it_is_in_the_database(
    clean: str, tmp_path: Path
) -> None:
    documents, data, embedder = fake_index(
        tmp_path / "corpus", tmp_path / "index", info={"corpus_hash": "kamensk"}
    )
    log = tmp_path / "feedback.jsonl"
    settings = Settings(
        corpus=tmp_path / "corpus", index=tmp_path / "index", feedback_log=log, database_url=clean
    )
    qa = ReportQA(settings, tuple(documents), data, embedder)
    app = create_app(qa, settings)
    body = {
        "rating": "up",
        "question": "Сколько шин?",
        "answer": "372 тысячи шин [1]",
        "citations": [],
        "refused": False,
        "channel": "widget",
    }
    try:
        with LiveServer(app) as server:
            response = httpx.post(f"{server.url}/api/feedback", json=body, timeout=30)
            # The moment the API says "recorded", the row is committed: read it at once,
            # on another connection.
            assert response.status_code == 200, response.text
            assert response.json() == {"status": "recorded"}
            assert [r[:3] for r in rows(clean)] == [("Сколько шин?", "up", "widget")]
            refused = httpx.post(
                f"{server.url}/api/feedback", json={**body, "rating": "meh"}, timeout=30
            )
            assert refused.status_code == 422
    finally:
        app.state.feedback.close()
    assert len(rows(clean)) == 1  # the refused body wrote nothing
    assert not log.exists()  # nothing went to the JSONL log


@needs_postgres
def test_a_rating_that_cannot_be_committed_is_a_503_not_an_acknowledgement(
    clean: str, tmp_path: Path
) -> None:
    import psycopg

    documents, data, embedder = fake_index(
        tmp_path / "corpus", tmp_path / "index", info={"corpus_hash": "kamensk"}
    )
    settings = Settings(corpus=tmp_path / "corpus", index=tmp_path / "index", database_url=clean)
    app = create_app(ReportQA(settings, tuple(documents), data, embedder), settings)
    body = {"rating": "down", "question": "Сколько шин?", "answer": "—", "channel": "api"}
    try:
        with LiveServer(app) as server:
            with psycopg.connect(clean) as conn:  # the database loses the table under it
                conn.execute("DROP TABLE reportqa_feedback")
            response = httpx.post(f"{server.url}/api/feedback", json=body, timeout=30)
    finally:
        app.state.feedback.close()
    assert response.status_code == 503
    assert response.json()["error"] == "feedback_unavailable"
    assert "reportqa_feedback" in response.json()["message"]
