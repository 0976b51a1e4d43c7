"""The earlier turns of a conversation, as every channel sends them.

A turn is ``{"role": "user" | "assistant", "content": str}``, the convention of LangChain and
OpenAI; an assistant turn may also carry ``citations``, the list in the shape answers give it
(``serialize.citation_to_dict``). Anything else is an ``InputError`` naming the turn and the field,
so that the HTTP API can answer 422 and ``reportqa ask --json -`` a ``{"line", "error"}`` line.

A history longer than the limits (``Settings.max_history_turns``, ``max_history_chars``) loses
its oldest turns; ``read_history`` says how many, and the answer says so in its notice.

Left out: what the turns mean for the question (``followup.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..inputs import clean_question
from ..models import Citation

__all__ = [
    "Turn",
    "History",
    "read_history",
    "ROLES",
    "TURN_FIELDS",
    "CITATION_FIELDS",
    "MAX_TURN_CHARS",
]

ROLES = ("user", "assistant")
TURN_FIELDS = frozenset({"role", "content", "citations"})
CITATION_FIELDS = frozenset(
    {"n", "document", "title", "paragraph", "quote", "start", "end", "score", "page", "section"}
)
# A turn's content may be a long answer, quotes and all (the HTTP API's schema says the same).
MAX_TURN_CHARS = 100_000


@dataclass(frozen=True)
class Turn:
    """One earlier turn: who spoke, what was said, and (an answer) what it cited."""

    role: str
    content: str
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class History:
    """The turns kept (oldest first) and how many older ones were dropped for the limits."""

    turns: tuple[Turn, ...] = ()
    dropped: int = 0


def read_history(raw: Any, max_turns: int, max_chars: int) -> History:
    """``raw`` (None, or a list of turn objects or ``Turn``s) checked and trimmed to the last
    ``max_turns`` turns holding at most ``max_chars`` characters of content. Raises
    ``InputError`` for anything that is not a list of turns."""
    if raw is None:
        return History()
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Sequence):
        raise InputError(
            "history must be a list of turns such as "
            '[{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}], '
            f"got {type(raw).__name__}"
        )
    turns = [_turn(item, i, MAX_TURN_CHARS) for i, item in enumerate(raw)]
    kept: list[Turn] = []
    chars = 0
    for turn in reversed(turns):
        if len(kept) >= max_turns or chars + len(turn.content) > max_chars:
            break
        kept.append(turn)
        chars += len(turn.content)
    kept.reverse()
    return History(tuple(kept), len(turns) - len(kept))


def _turn(item: Any, index: int, max_chars: int) -> Turn:
    where = f"history[{index}]"
    if isinstance(item, Turn):
        return item
    if not isinstance(item, Mapping):
        raise InputError(f'{where} must be an object {{"role", "content"}}, got {_kind(item)}')
    _known_fields(item, TURN_FIELDS, where, "a turn has role, content and (an answer) citations")
    role = item.get("role")
    if role not in ROLES:
        raise InputError(f'{where}.role must be "user" or "assistant", got {role!r}')
    content = item.get("content")
    if not isinstance(content, str):
        raise InputError(f"{where}.content must be a string, got {_kind(content)}")
    if len(content) > max_chars:
        raise InputError(
            f"{where}.content is {len(content)} characters long; the limit is {max_chars}"
        )
    raw_citations = item.get("citations")
    if raw_citations is None:
        citations: tuple[Citation, ...] = ()
    elif role != "assistant":
        raise InputError(f"{where}: only an assistant turn carries citations")
    elif not isinstance(raw_citations, list):
        raise InputError(f"{where}.citations must be a list, got {_kind(raw_citations)}")
    else:
        citations = tuple(
            _citation(c, f"{where}.citations[{j}]", j + 1) for j, c in enumerate(raw_citations)
        )
    text = content if role == "assistant" else _clean(content, where, max_chars)
    return Turn(role=role, content=text, citations=citations)


def _known_fields(item: Mapping[Any, Any], allowed: Any, where: str, expected: str) -> None:
    """An ``InputError`` naming the fields of ``item`` that are not ``allowed``, if any."""
    unknown = sorted(str(k) for k in item if k not in allowed)
    if unknown:
        raise InputError(f"{where} has unknown field(s) {', '.join(unknown)}: {expected}")


def _clean(content: str, where: str, max_chars: int) -> str:
    if not content.strip():
        return ""
    try:
        return clean_question(content, max_chars)
    except InputError as exc:
        raise InputError(f"{where}.content: {exc}") from None


def _citation(raw: Any, where: str, n: int) -> Citation:
    if not isinstance(raw, Mapping):
        raise InputError(f"{where} must be a citation object, got {_kind(raw)}")
    _known_fields(
        raw, CITATION_FIELDS, where, "a citation has " + ", ".join(sorted(CITATION_FIELDS))
    )
    document, paragraph = raw.get("document"), raw.get("paragraph")
    if not isinstance(document, str) or not _is_int(paragraph):
        raise InputError(f"{where} needs a document (string) and a paragraph (number)")
    for name, kind in (("n", int), ("start", int), ("end", int), ("score", float)):
        value = raw.get(name)
        if value is not None and not (_is_int(value) if kind is int else _is_number(value)):
            raise InputError(f"{where}.{name} must be a number, got {_kind(value)}")
    for name in ("title", "quote"):
        if raw.get(name) is not None and not isinstance(raw.get(name), str):
            raise InputError(f"{where}.{name} must be a string, got {_kind(raw.get(name))}")
    return Citation(
        n=int(raw.get("n") or n),
        document=document,
        title=str(raw.get("title") or ""),
        paragraph=int(paragraph or 0),
        quote=str(raw.get("quote") or ""),
        start=int(raw.get("start") or 0),
        end=int(raw.get("end") or 0),
        score=float(raw.get("score") or 0.0),
        page=raw.get("page") if _is_int(raw.get("page")) else None,
        section=raw.get("section") if isinstance(raw.get("section"), str) else None,
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
