"""Sentences with character offsets, from ``razdel`` (abbreviations such as "тыс.", "млн", "г.",
initials and decimal commas do not end a sentence).

Left out: sentences across paragraphs (a paragraph is split on its own).
"""

from __future__ import annotations

import razdel

__all__ = ["split_sentences"]


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences of ``text``, shifted by ``offset``, each without
    surrounding white space."""
    spans = []
    for s in razdel.sentenize(text):
        piece = s.text
        if not piece.strip():
            continue
        start = s.start + len(piece) - len(piece.lstrip())
        end = s.stop - (len(piece) - len(piece.rstrip()))
        spans.append((start + offset, end + offset))
    return spans
