"""Thumbs up or down on an answer, kept in a local JSON Lines log (the default) or, for replicas,
in PostgreSQL (``feedback_pg.py``, when ``REPORTQA_DATABASE_URL`` is set): ``open_feedback``
picks one. Either store returns from ``append`` only once the record is kept (written to the
file, or committed), so a rating the API acknowledges is not lost with its process.

In the log, one record per line: the time, the rating, where it came from (chat page, widget,
API), the question, the answer text, whether it was a refusal, its citations, and the content
hash of the corpus the answer came from, so a rating can be traced to the exact text that was
quoted (the database's table has the same columns). Writes
are serialised by a lock and each record is written with one ``write`` call on a file opened in
append mode, so concurrent requests never interleave lines.

Left out: rotation, reading the log back, and any personal data (no IP address, no user agent).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from ..config import Settings
from ..errors import ReportQAError

__all__ = ["FeedbackRecord", "FeedbackLog", "FeedbackStore", "open_feedback"]


@dataclass(frozen=True)
class FeedbackRecord:
    """One rating of one answer."""

    rating: str  # "up" or "down"
    channel: str  # "page", "widget" or "api"
    question: str
    answer: str
    refused: bool
    citations: tuple[Mapping[str, Any], ...]
    corpus_hash: str
    comment: str = ""
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        if self.rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', got {self.rating!r}")


class FeedbackStore(Protocol):
    """Where ratings go. ``append`` returns once the record is kept, and raises
    ``ReportQAError`` when it cannot be."""

    @property
    def where(self) -> str: ...

    def append(self, record: FeedbackRecord) -> None: ...

    def close(self) -> None: ...


def open_feedback(settings: Settings) -> FeedbackStore:
    """The feedback store ``settings`` ask for: PostgreSQL when ``database_url`` is set (its
    table is created or brought up to date now), else the JSON Lines log ``feedback_log``.
    Raises ``ReportQAError`` when the database cannot be reached or psycopg is missing."""
    if settings.database_url:
        from .feedback_pg import PostgresFeedback

        return PostgresFeedback(settings.database_url)
    return FeedbackLog(settings.feedback_log)


class FeedbackLog:
    """Appends ``FeedbackRecord``s to ``path`` as JSON Lines; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return f"log {self.path}"

    def close(self) -> None:
        """Nothing to release: the file is opened for each record."""

    def append(self, record: FeedbackRecord) -> None:
        """Write ``record`` as one line. Raises ``ReportQAError`` if the log cannot be written."""
        data = asdict(record)
        data["citations"] = [dict(c) for c in record.citations]
        line = json.dumps(data, ensure_ascii=False) + "\n"
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(line)
            except OSError as exc:
                raise ReportQAError(
                    f"cannot write the feedback log {self.path} ({exc.strerror}): "
                    "set REPORTQA_FEEDBACK_LOG to a writable file"
                ) from None

    @staticmethod
    def citations_of(answer: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
        """The citations of an ``answer_to_dict`` result, as kept in the log."""
        keep = ("n", "document", "title", "paragraph", "quote", "start", "end")
        cited: Sequence[Mapping[str, Any]] = answer.get("citations") or ()
        return tuple({k: c.get(k) for k in keep} for c in cited)
