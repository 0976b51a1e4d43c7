"""Language knowledge as data: one resource table per language, in ``resources/<lang>.json``.

Every word list the answering and checking code needs (stop words, question words, the nouns that
turn "which" into a question of amount, date, place or agent, measure words, direction words, small
talk, composition requests, relative years, cardinal number words, translations into the other
languages, ``lexicon.py``) is a table here, never a list in code. ``TABLES`` names
the tables every language must have; ``tests/test_lang.py`` checks each language has each one.

Entries are written as people write them ("скока", "how many", "қай жылы"). ``keys`` turns a
table into lemma keys (``tokens.word_key``), ``phrases`` into tuples of keys, so that a question
matches a table whatever the inflection: "какова сумма" and "какую сумму" both match
"какой" + "сумма".

Left out: anything that is not a word list. Patterns of figures (amounts, units, years) are a
parser, in ``numbers.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources as importlib_resources
from typing import Any

__all__ = [
    "LANGUAGES",
    "TABLES",
    "raw",
    "keys",
    "phrases",
    "grouped_phrases",
    "surface",
    "every_language",
    "every_language_keys",
    "strings",
    "as_pattern",
    "alternation",
    "typed",
    "typed_spellings",
    "words",
    "word_roles",
]

LANGUAGES = ("ru", "en", "kk")
# Tables every language has (an empty list is allowed where a language needs none).
TABLES = (
    "stopwords",
    "question_words",
    "which_words",
    "which_nouns",
    "measures",
    "answer_kind_words",
    "direction",
    "why_words",
    "small_talk",
    "compose_verbs",
    "compose_objects",
    "relative_years",
    "date_words",
    "function_words",
    "number_words",
    "hundred_words",
    "translations",
    "bound_words",
    "bound_words_after",
    "bound_endings",
    "month_names",
    "period_words",
    "list_joiners",
    "partitive_words",
    "source_words",
    "document_words",
    "year_relations",
    "not_counted",
    "number_parts",
    "negation_words",
)


@cache
def raw(language: str) -> dict[str, Any]:
    """The table file of ``language`` as stored."""
    if language not in LANGUAGES:
        raise KeyError(f"no resource table for language {language!r}")
    text = (
        importlib_resources.files("reportqa.lang")
        .joinpath("resources", f"{language}.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def _entries(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]


@cache
def surface(language: str, name: str) -> frozenset[str]:
    """The entries of a flat table, lower-cased with "ё" as "е" (as written, not lemmatised),
    and as typed without the language's own letters (``typed``: "канша" for "қанша")."""
    entries = {e.lower().replace("ё", "е") for e in _entries(raw(language)[name])}
    return frozenset(entries | {typed(e, language) for e in entries})


def typed(word: str, language: str) -> str:
    """``word`` as typed on a keyboard without the letters of ``language`` that Russian lacks,
    by its ``keyboard`` table ("өндіріс" is typed "ондирис"); unchanged for a language without
    one."""
    table = raw(language).get("keyboard")
    return "".join(table.get(ch, ch) for ch in word) if table else word


@cache
def typed_spellings(language: str) -> dict[str, frozenset[str]]:
    """The words of the tables of ``language`` (``words``) by how each is typed (``typed``):
    "канша" for "қанша" (and for "канша", a row of its own)."""
    found: dict[str, set[str]] = {}
    for w in words(language):
        found.setdefault(typed(w, language), set()).add(w)
    return {spelling: frozenset(ws) for spelling, ws in found.items()}


def strings(value: Any) -> Iterator[str]:
    """The strings of a table: its entries, in lists or groups (a group's name is not one)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


@cache
def word_roles(language: str) -> dict[str, frozenset[tuple[str, str]]]:
    """Every word of the tables of ``language`` (each word of every entry, lower-cased, with "ё"
    as "е"), and the words its ``translations`` translate from, in the order the tables list
    them: the tables and groups it is a word of (``(name, group)``; the group "" for a flat
    table, the target language for ``translations``)."""
    data = raw(language)
    found: dict[str, set[tuple[str, str]]] = {}
    for name in TABLES:
        value = data[name]
        if name == "translations":  # the words translated from: the keys of each target's table
            for target, table in value.items():
                for w in table:
                    found.setdefault(w.lower().replace("ё", "е"), set()).add((name, target))
            continue
        groups = value.items() if isinstance(value, dict) else [("", value)]
        for group, entries in groups:
            for entry in strings(entries):
                for w in entry.split():
                    found.setdefault(w.strip("*").lower().replace("ё", "е"), set()).add(
                        (name, group)
                    )
    return {w: frozenset(roles) for w, roles in found.items()}


@cache
def words(language: str) -> frozenset[str]:
    """Every word of the tables of ``language`` and the words its ``translations`` translate
    from (``word_roles``), of letters only: the words of the language the code knows."""
    return frozenset(w for w in word_roles(language) if w.isalpha())


@cache
def phrases(language: str, name: str, group: str | None = None) -> tuple[tuple[str, ...], ...]:
    """The entries of a table (or of one ``group`` of a grouped table) as tuples of word keys,
    longest first."""
    from .tokens import words_of

    table = raw(language)[name]
    entries = _entries(table[group] if group is not None else table)
    found = {tuple(t.key for t in words_of(entry, language)) for entry in entries}
    return tuple(sorted((p for p in found if p), key=len, reverse=True))


@cache
def keys(language: str, name: str, group: str | None = None) -> frozenset[str]:
    """The one-word entries of a table (or group) as word keys."""
    return frozenset(p[0] for p in phrases(language, name, group) if len(p) == 1)


@cache
def grouped_phrases(language: str, name: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each group of a grouped table (``question_words``, ``measures``, ...) as phrases."""
    return {group: phrases(language, name, group) for group in raw(language)[name]}


@cache
def every_language_keys(name: str) -> frozenset[str]:
    """The one-word entries of a flat table of every language, as word keys (``keys``): for
    words a question in any language may use of the same text ("outlet", "издание")."""
    return frozenset().union(*(keys(language, name) for language in LANGUAGES))


def every_language(name: str, group: str | None = None) -> list[str]:
    """The entries of one group of a grouped table (of a flat table when ``group`` is None) in
    every language, in ``LANGUAGES`` order: for patterns applied to a text whose language is not
    known (bound words, periods, the phrases that open the parts of a total)."""
    return [
        entry
        for language in LANGUAGES
        for entry in (raw(language)[name] if group is None else raw(language)[name][group])
    ]


def as_pattern(entry: str, ending: str = r"[^\W\d_]*") -> str:
    """A table entry as a regular expression: its words with white space between, a word
    ending in "*" followed by ``ending`` (by default any letters)."""
    return r"\s+".join(
        re.escape(w[:-1]) + ending if w.endswith("*") else re.escape(w) for w in entry.split()
    )


def alternation(name: str, group: str | None = None) -> str:
    """The entries of one group of a grouped table (of a flat table when ``group`` is None) in
    every language (``every_language``) as one alternation of their patterns (``as_pattern``);
    "" when there are none."""
    return "|".join(as_pattern(entry) for entry in every_language(name, group))
