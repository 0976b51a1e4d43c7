"""Thumbs up or down on an answer, appended to a local JSON Lines log.

One record per line: the time, the rating, where it came from (chat page, widget, API), the
question, the answer text, whether it was a refusal, its citations, and the content hash of the
corpus the answer came from, so a rating can be traced to the exact text that was quoted. Writes
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
from typing import Any

from ..errors import ReportQAError

__all__ = ["FeedbackRecord", "FeedbackLog"]


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


class FeedbackLog:
    """Appends ``FeedbackRecord``s to ``path`` as JSON Lines; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

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
