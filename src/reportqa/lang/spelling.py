"""Misspelt words found in a corpus vocabulary ("колледжй" is "колледжей", "чугунна" is
"чугуна"), with ``symspellpy`` (MIT).

A ``Speller`` is built from the words of the corpus (lower case) and their counts, when the first
word outside the vocabulary needs it. ``correct`` gives the corpus words closest to a word: one
edit away for words of four to seven letters, two for longer ones; the most frequent first.

Left out: words shorter than four letters (too many neighbours), splitting glued words.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

__all__ = ["Speller"]


class Speller:
    """Nearest corpus words of a misspelt word. Safe to share between threads."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)
        self._symspell: Any = None
        self._lock = threading.Lock()

    def _index(self) -> Any:
        with self._lock:
            if self._symspell is None:
                from symspellpy import SymSpell

                symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
                for word, count in self.counts.items():
                    if len(word) >= 4:
                        symspell.create_dictionary_entry(word, count)
                self._symspell = symspell
            return self._symspell

    def correct(self, word: str) -> list[str]:
        """The corpus words nearest ``word`` (none when it is a corpus word or too short)."""
        word = word.lower().replace("ё", "е")
        if len(word) < 4 or word in self.counts:
            return []
        from symspellpy import Verbosity

        limit = 1 if len(word) < 8 else 2
        found = self._index().lookup(word, Verbosity.CLOSEST, max_edit_distance=limit)
        return [s.term for s in found if s.term != word][:3]
