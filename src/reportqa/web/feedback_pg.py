"""Feedback in PostgreSQL, for replicas: every server behind the load balancer writes its ratings
to one table, so none is lost with a replica, and none is kept only on one machine.

``PostgresFeedback(url)`` opens a small connection pool (psycopg 3, ``psycopg_pool``) and brings
the schema up to date before it is used: ``MIGRATIONS`` are applied in order, each once, inside a
transaction holding an advisory lock, so replicas that start together do not race, and a start
against an up-to-date database changes nothing. The applied ones are listed in
``reportqa_migrations``. ``append`` inserts one row and returns only after the commit: a rating
the API acknowledged is in the database.

Left out: reading the ratings back (SQL does that), and psycopg itself from the default install:
``pip install 'reportqa[postgres]'``. The URL (with its password) is never shown in messages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..errors import ReportQAError
from .feedback import FeedbackRecord

__all__ = ["PostgresFeedback", "MIGRATIONS", "TABLE"]

TABLE = "reportqa_feedback"
# Append only: a migration, once released, is never edited; a change is a new one.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        f"""
        CREATE TABLE IF NOT EXISTS {TABLE} (
            id          bigserial PRIMARY KEY,
            time        timestamptz NOT NULL,
            rating      text NOT NULL CHECK (rating IN ('up', 'down')),
            channel     text NOT NULL,
            question    text NOT NULL,
            answer      text NOT NULL,
            refused     boolean NOT NULL,
            citations   jsonb NOT NULL,
            corpus_hash text NOT NULL,
            comment     text NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS {TABLE}_time ON {TABLE} (time);
        """,
    ),
)
# Any constant shared by the replicas: pg_advisory_xact_lock serialises their migrations.
_MIGRATION_LOCK = 0x7265706F7274  # "report"
_INSERT = f"""
    INSERT INTO {TABLE}
        (time, rating, channel, question, answer, refused, citations, corpus_hash, comment)
    VALUES (%s::timestamptz, %s, %s, %s, %s, %s, %s, %s, %s)
"""


class PostgresFeedback:
    """Ratings in the table ``reportqa_feedback`` of the database at ``url``; safe to share
    between threads. Raises ``ReportQAError`` when psycopg is missing or the database cannot be
    reached or migrated."""

    def __init__(self, url: str, *, max_connections: int = 8, timeout: float = 10.0) -> None:
        try:
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise ReportQAError(
                "REPORTQA_DATABASE_URL is set but psycopg is not installed: "
                "pip install 'reportqa[postgres]'"
            ) from None
        self.where = f"PostgreSQL {_shown(url)}, table {TABLE}"
        self._timeout = timeout
        try:
            self._pool = ConnectionPool(
                url,
                min_size=1,
                max_size=max_connections,
                timeout=timeout,
                open=False,
                # A connection the server dropped (a restart, a failover) is replaced, not used.
                check=ConnectionPool.check_connection,
                name="reportqa-feedback",
            )
            self._pool.open(wait=True, timeout=timeout)
        except Exception as exc:  # psycopg's errors, and the pool's timeout
            raise ReportQAError(
                f"cannot connect to {_shown(url)} for feedback ({_reason(exc)}): check "
                "REPORTQA_DATABASE_URL and that the database accepts connections"
            ) from None
        try:
            self.migrate()
        except BaseException:
            self._pool.close()
            raise

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks, in order; the versions applied (none when
        it is up to date). Raises ``ReportQAError`` when they cannot be."""
        try:
            with self._pool.connection(timeout=self._timeout) as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS reportqa_migrations "
                    "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
                )
                rows = conn.execute("SELECT version FROM reportqa_migrations").fetchall()
                done = {int(r[0]) for r in rows}
                applied = []
                for version, sql in MIGRATIONS:
                    if version in done:
                        continue
                    conn.execute(sql.encode())  # several statements, no parameters
                    conn.execute(
                        "INSERT INTO reportqa_migrations (version) VALUES (%s)", (version,)
                    )
                    applied.append(version)
                return applied
        except ReportQAError:
            raise
        except Exception as exc:
            raise ReportQAError(
                f"cannot create the feedback table in {self.where} ({_reason(exc)}): the "
                "database user needs CREATE on its schema"
            ) from None

    def append(self, record: FeedbackRecord) -> None:
        """Insert ``record``; returns after the commit. Raises ``ReportQAError`` when it is not
        committed."""
        from psycopg.types.json import Jsonb

        values: tuple[Any, ...] = (
            record.time,
            record.rating,
            record.channel,
            record.question,
            record.answer,
            record.refused,
            Jsonb([dict(c) for c in record.citations]),
            record.corpus_hash,
            record.comment,
        )
        try:
            # The block commits on leaving, and raises if the commit fails.
            with self._pool.connection(timeout=self._timeout) as conn:
                conn.execute(_INSERT, values)
        except Exception as exc:
            raise ReportQAError(
                f"cannot write feedback to {self.where} ({_reason(exc)}): "
                "check that the database is up"
            ) from None

    def close(self) -> None:
        """Close the pool's connections."""
        self._pool.close()


def _shown(url: str) -> str:
    """``url`` without its user and password: host, port and database."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname or 'localhost'}{port}{parts.path or '/'}"


def _reason(exc: BaseException) -> str:
    """The first line of a database error, which never holds the password."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
