"""Cleaning what users send: a question or a claim becomes clean text, or an ``InputError``
saying what to send instead. The CLI, the HTTP API, the chat page and ``ReportQA`` all call these.

Left out: deciding whether a question can be answered (that is the evidence model's job).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .errors import InputError
from .lang.names import unmix_scripts
from .lang.numbers import parse_quantities

__all__ = ["clean_question", "clean_claim"]

# C0 and C1 controls (but tab and newline, folded below), the zero-width space, line and
# paragraph separators: each stands between words.
_CONTROL = frozenset(
    [chr(c) for c in range(0x00, 0x09)]
    + [chr(c) for c in range(0x0B, 0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u200b", "\u2028", "\u2029"]
)

# Format characters that show nothing and join what is around them, dropped: the soft hyphen,
# the Arabic letter mark, the Mongolian vowel separator, zero-width non-joiner and joiner,
# direction marks, embeddings, overrides and isolates, the word joiner and invisible operators,
# the byte-order mark. ("ш\u00adин" is "шин".)
_INVISIBLE = frozenset(
    ["\u00ad", "\u061c", "\u180e", "\ufeff"]
    + [chr(c) for c in range(0x200C, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2060, 0x2065)]
    + [chr(c) for c in range(0x2066, 0x2070)]
)


def clean_question(text: Any, max_chars: int) -> str:
    """``text`` with control characters stripped and white space folded. Raises ``InputError``
    for a non-string, an empty question, or one over ``max_chars`` characters."""
    if not isinstance(text, str):
        raise InputError(f"the question must be text, got {type(text).__name__}")
    if len(text) > max_chars * 4:
        raise InputError(f"the question is {len(text)} characters long; the limit is {max_chars}")
    # Undecodable bytes of a command-line argument arrive as lone surrogates: they become U+FFFD.
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if ch in _CONTROL else ch for ch in text if ch not in _INVISIBLE)
    text = unmix_scripts(" ".join(text.split()))
    if not text:
        raise InputError("the question is empty: type a question about the report")
    if len(text) > max_chars:
        raise InputError(f"the question is {len(text)} characters long; the limit is {max_chars}")
    return text


def clean_claim(text: Any, max_chars: int) -> str:
    """``text`` cleaned as a question is (the same limit), and checked to state something: words
    besides its figures, and not a question. Raises ``InputError``, whose message says what to
    send instead."""
    from .evidence.question import read_question

    try:
        claim = clean_question(text, max_chars)
    except InputError as exc:
        raise InputError(str(exc).replace("question", "claim")) from None
    shown = claim if len(claim) <= 40 else claim[:37] + "…"
    read = read_question(claim)
    if claim.endswith("?") and read.kind != "other":
        # "Сколько вузов в области?" asks; "Правда ли, что вузов 8?" still states something.
        raise InputError(
            f"«{shown}» is a question, not a claim: state the fact to check "
            "(«В области работают 8 вузов»), or ask it with `reportqa ask`"
        )
    quantities = parse_quantities(claim)
    words = [t for t in read.words if not any(q.start <= t.start < q.end for q in quantities)]
    if not words or (len(words) < 2 and not quantities):
        raise InputError(
            f"nothing to check in «{shown}»: state a fact about the report, "
            "e.g. «В области работают 8 вузов»"
        )
    return claim
