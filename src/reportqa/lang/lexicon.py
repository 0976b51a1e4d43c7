"""Word translations between the languages of questions and of reports, as data.

The ``translations`` table of a language's resource file maps its words to the words of another
language they translate to: ``en.json`` holds ``{"ru": {"tyre": ["шина"], ...}}``. Entries are
dictionary forms; both sides are turned into word keys (``tokens.word_key``) when loaded, so an
inflected question word ("tyres", "шиналар") finds an inflected report word ("шин").

``translations(source, target)`` reads the table both ways: a Russian question against an English
report uses the English table read backwards. A language's table into itself holds its informal
words and the formal ones a report writes for them (``ru.json``: ``{"ru": {"телик":
["телевизор"]}}``); it is read one way only, informal to formal.

The embedding model matches words across languages too (``evidence/crosslingual.py``); a table
is what holds where it is unsure ("tyres" is not close to "шин" for it), and costs no model call.

``with_prefixes`` adds the prefix terms of translations (``tokens.prefix_term``), so that a translation
finds the report's derivations of it too ("producing" -> "производить" -> "производство"), as a
Russian word finds them in a Russian report.

Left out: phrases (each entry is one word), senses (all translations of a word count alike).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache, lru_cache

from . import resources
from .tokens import PREFIX, prefix_of, words_of

__all__ = ["translations", "with_prefixes"]


@lru_cache(maxsize=100_000)
def _key(word: str, language: str) -> str | None:
    found = words_of(word, language)
    return found[0].key if len(found) == 1 else None


@cache
def _raw_pairs(source: str, target: str) -> dict[str, tuple[str, ...]]:
    """Word key of ``source`` -> the words of ``target`` (as written in the tables) it
    translates to. Only the source side is keyed here."""
    out: dict[str, list[str]] = {}
    if source == target:
        # informal words and the formal ones for them: one way only
        if source in resources.LANGUAGES:
            for word, meanings in resources.raw(source)["translations"].get(source, {}).items():
                key = _key(word, source)
                if key is not None:
                    out.setdefault(key, []).extend(m for m in meanings if _key(m, source) != key)
        return {k: tuple(dict.fromkeys(v)) for k, v in out.items() if v}
    if source in resources.LANGUAGES:
        for word, meanings in resources.raw(source)["translations"].get(target, {}).items():
            key = _key(word, source)
            if key is not None:
                out.setdefault(key, []).extend(meanings)
    if target in resources.LANGUAGES:
        for word, meanings in resources.raw(target)["translations"].get(source, {}).items():
            for m in meanings:
                key = _key(m, source)
                if key is not None:
                    out.setdefault(key, []).append(word)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


class _Table(Mapping[str, frozenset[str]]):
    """The translations of one pair of languages, keyed lazily: a word's meanings are keyed
    the first time it is looked up (keying a whole table lemmatises thousands of words)."""

    def __init__(self, source: str, target: str) -> None:
        self._pairs = _raw_pairs(source, target)
        self._target = target
        self._keyed: dict[str, frozenset[str]] = {}  # at most one entry per table word

    def __getitem__(self, key: str) -> frozenset[str]:
        found = self._keyed.get(key)
        if found is None:
            words = self._pairs[key]  # KeyError for a word the table does not have
            found = frozenset(k for w in words if (k := _key(w, self._target)) is not None)
            self._keyed[key] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)


@cache
def translations(source: str, target: str) -> Mapping[str, frozenset[str]]:
    """Word key of ``source`` -> the word keys of ``target`` it translates to (for one language,
    its informal words -> the formal ones; empty for languages without a table)."""
    return _Table(source, target)


def with_prefixes(keys: frozenset[str], language: str) -> frozenset[str]:
    """Translated keys and the prefix terms of those long enough to have one: what a report
    word of ``language`` is matched against, by its key or by its ``prefix_term``."""
    n = PREFIX + (language == "kk")
    return keys | frozenset(prefix_of(k, language) for k in keys if len(k) >= n)
