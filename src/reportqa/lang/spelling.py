"""Misspelt words found in a corpus vocabulary ("колледжй" is "колледжей", "чугунна" is
"чугуна"), with ``symspellpy`` (MIT).

A ``Speller`` is built from the words of the corpus (lower case) and their counts, when the first
word outside the vocabulary needs it. ``correct`` gives the corpus words closest to a word: one
edit away for words of four to seven letters, two for longer ones; the most frequent first.

``respell`` writes a Russian question's misspelt words as the corpus or the tables write them, so
that the query embedding, the keys and the question words all see the word that was meant
("Как называеться технохап в Карагандинской облости?" is asked as "Как называется технохаб в
Карагандинской области?"). A word is respelt only when neither the corpus, nor the tables, nor
the Russian dictionary knows it, it is not written as a name (capitalised past the first word),
it has at least ``RESPELL_MIN`` letters (table words: ``TABLE_MIN`` less one), and its nearest
spellings are one word (one key).

``table_word`` does the same for the words the code reads a question by (the resource tables of
its language: question words, stop words, kind words): "сколко" is "сколько", "называеться" is
"называется". It corrects only a word that the language's dictionary does not know (Russian,
``tokens.is_russian_word``; English and Kazakh have no dictionary here, so none of their words is
corrected this way) and that is one edit (a letter left out, added, changed, or two swapped) from
table words of at least ``TABLE_MIN`` letters with the same first letter, all of the same tables
(one, or variants such as "скоко" and "сколько").

An English question is respelt the same way against an English dictionary: the word list of
``pyspellchecker`` (MIT), loaded the first time an English question has a word that neither the
corpus nor the tables know. Such a word of at least ``EN_RESPELL_MIN`` letters that the list
lacks becomes its most frequent word one edit away ("manufacturng" is "manufacturing", "yeras"
is "years"); a word the list has ("planed") is left as typed. Kazakh has no dictionary here, so
its words are left as typed.

Left out: words shorter than four letters (too many neighbours), splitting glued words.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from . import resources

if TYPE_CHECKING:
    from .tokens import Token

__all__ = ["Speller", "respell", "table_word", "one_edit", "english_word"]

TABLE_MIN = 5  # letters of a table word that a misspelling may stand for
# letters of a word ``respell`` corrects against the corpus: a shorter one is too often a word
# the dictionary lacks ("метео" is not "метро")
RESPELL_MIN = 6
# letters of an English word ``respell`` corrects against the English word list
EN_RESPELL_MIN = 5


class Speller:
    """Nearest corpus words of a misspelt word. Safe to share between threads."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)
        self._symspell: Any = None
        self._lock = threading.Lock()
        # a question's words are looked up by the validation and again by the evidence
        self._nearest = lru_cache(maxsize=4096)(self._lookup)

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
        return list(self._nearest(word))

    def _lookup(self, word: str) -> tuple[str, ...]:
        from symspellpy import Verbosity

        limit = 1 if len(word) < 8 else 2
        found = self._index().lookup(word, Verbosity.CLOSEST, max_edit_distance=limit)
        return tuple([s.term for s in found if s.term != word][:3])


def one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter left out, added or changed, or two adjacent letters
    swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i, (x, y) in enumerate(zip(short, long)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


@cache
def _table_words(language: str) -> dict[tuple[str, int], tuple[str, ...]]:
    """The words of ``language``'s tables of at least ``TABLE_MIN`` letters, by first letter and
    length."""
    found: dict[tuple[str, int], list[str]] = {}
    for word in sorted(resources.words(language)):
        if len(word) >= TABLE_MIN:
            found.setdefault((word[0], len(word)), []).append(word)
    return {k: tuple(v) for k, v in found.items()}


@lru_cache(maxsize=20_000)
def table_word(word: str, language: str) -> str | None:
    """The word of the resource tables of ``language`` that ``word`` misspells (lower case), or
    None: for a table word, a word the language's dictionary knows, a language without a
    dictionary, or a word near none or several table words."""
    lower = word.lower().replace("ё", "е")
    if language != "ru" or len(lower) < TABLE_MIN - 1 or lower in resources.words(language):
        return None
    table = _table_words(language)
    near = [
        w
        for n in (len(lower) - 1, len(lower), len(lower) + 1)
        for w in table.get((lower[0], n), ())
        if one_edit(lower, w)
    ]
    # all of the same tables and groups: they read a question alike ("скоко" and "сколько" are
    # both amount words)
    roles = resources.word_roles(language)
    if not near or len({roles[w] for w in near}) != 1:
        return None
    from .tokens import is_russian_word

    if is_russian_word(lower):
        return None
    # the one the tables list first: the standard spelling before its variants ("сколько"
    # before "скоко")
    return min(near, key=_listed(language).__getitem__)


@cache
def _table_keys(language: str) -> frozenset[str]:
    from .tokens import key_of

    return frozenset(key_of(w, language) for w in resources.words(language))


@cache
def _listed(language: str) -> dict[str, int]:
    """Each table word of ``language`` by the place the tables first list it."""
    return {w: i for i, w in enumerate(resources.word_roles(language))}


def respell(text: str, known: Callable[[Token], bool], speller: Speller) -> str:
    """``text`` with its misspelt Russian words written as the tables (``table_word``) or the
    corpus (``speller``) write them, or its misspelt English words as the English word list
    writes them (``english_word``); ``known`` says whether the corpus has a word. Unchanged in
    another language: only these have a dictionary here to tell a misspelling from a word."""
    from .detect import detect_language
    from .tokens import is_russian_word, key_of, tokens

    language = detect_language(text)
    if language not in ("ru", "en"):
        return text
    table = resources.words(language)
    out: list[str] = []
    last = 0
    first = True
    for t in tokens(text, language):
        if t.kind != "word":
            continue
        name = not first and t.text[:1].isupper()
        first = False
        if name or t.language != language or t.lower in table or known(t):
            continue
        if language == "en":
            # a capitalised English word, even the first, may be a name ("Glencore …")
            if t.text[:1].isupper() or t.key in _table_keys("en"):
                continue
            fix = english_word(t.lower)
            if fix is not None:
                out += [text[last : t.start], _cased(fix, t.text)]
                last = t.end
            continue
        fix = table_word(t.lower, "ru")
        if fix is None:
            if len(t.lower) < RESPELL_MIN or is_russian_word(t.lower):
                continue
            near = speller.correct(t.lower)
            if not near or len({key_of(w, "ru") for w in near}) != 1:
                continue
            fix = near[0]
        out += [text[last : t.start], _cased(fix, t.text)]
        last = t.end
    return "".join(out) + text[last:] if out else text


_english_lock = threading.Lock()
_english_list: list[Any] = []


def _english() -> Any:
    """``pyspellchecker``'s English word list (about 0.3 s to load), loaded once."""
    with _english_lock:
        if not _english_list:
            from spellchecker import SpellChecker

            _english_list.append(SpellChecker(language="en", distance=1))
        return _english_list[0]


@lru_cache(maxsize=20_000)
def english_word(word: str) -> str | None:
    """The English word that ``word`` (lower case) misspells: the most frequent word of the
    English word list one edit away (a letter left out, added, changed, or two swapped), or
    None for a word the list has, a word of fewer than ``EN_RESPELL_MIN`` letters or of other
    than Latin letters, or a word near none."""
    if len(word) < EN_RESPELL_MIN or not word.isascii() or not word.isalpha():
        return None
    checker = _english()
    if word in checker or any(v in checker for v in _variants(word)):
        return None
    # the tables' words first, by spelling or by stem ("tyers" is "tyres", "minning" is
    # "mining", "exprts" is "export"), the most frequent of them
    from .tokens import key_of

    stem = key_of(word, "en")
    listed = [
        w
        for w, key in _english_table().items()
        if abs(len(w) - len(word)) <= 1
        and one_edit(word, w)
        or abs(len(key) - len(stem)) <= 1
        and one_edit(stem, key)
    ]
    near = set(listed) or checker.candidates(word) or set()
    # a first letter is seldom the one mistyped: "stell" is "steel" rather than "tell"
    near = {w for w in near if w[:1] == word[:1]} or near
    if not near or near == {word}:
        return None
    return max(sorted(near), key=checker.word_usage_frequency)


@cache
def _english_table() -> dict[str, str]:
    """The English tables' words of ``TABLE_MIN`` letters or more ("tyre" too: a word of
    ``EN_RESPELL_MIN`` letters may be it with an ending), and their keys."""
    from .tokens import key_of

    return {w: key_of(w, "en") for w in resources.words("en") if len(w) >= TABLE_MIN - 1}


def _variants(word: str) -> list[str]:
    """``word`` with a British ending written as the American one (the ``spelling_variants``
    table of ``en.json``): "centre" is "center"."""
    return [
        word[: -len(british)] + american
        for british, american in resources.raw("en").get("spelling_variants", [])
        if word.endswith(british)
    ]


def _cased(word: str, like: str) -> str:
    """``word`` in the case of ``like``: all capitals, a capital first, or as it is."""
    if len(like) > 1 and like.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word
