"""The word keys an index carries, so that a process that opens it need not work them out again.

A one-question process keys the words of the resource tables (``lang.resources.phrases``, the
``translations`` of ``lang.lexicon``) and of the documents' titles, reads the other dictionary
forms of the report's Russian words (``lang.tokens.other_keys``) and asks whether words typed like
Kazakh ones are Russian (``lang.detect``): that loads ``pymorphy3``'s dictionaries and parses
thousands of words, for the same results every time. A build writes them once, in
``word-keys.json``::

    {"fingerprint": {...},                           what worked them out (``fingerprint``)
     "keys": {"ru": {"шин": "шина", ...}, "en": {...}, "kk": {...}},
     "readings": {"стали": ["сталь", "стать"], ...},
     "known": {"ай": true, "канша": false, ...}}

``keys`` holds ``tokens.word_key`` of every word of the corpus's chunks, of their documents'
titles and of every table entry (language -> lower-cased word -> key); ``readings`` the
``tokens._other_readings`` of the chunks' words keyed in Russian (only a text's words are read
for them, never a table's); ``known`` the ``tokens.is_russian_word`` of every word of the Kazakh
tables as typed without Kazakh letters (``resources.typed_spellings``: what ``detect_language``
asks of a text's words). Opening the index hands them to ``tokens.seed_keys`` when the
fingerprint is that of the running code; a file with another fingerprint (other packages, tables,
or ``tokens.KEY_VERSION``) is left unread, and all is worked out as without it.

Left out: the words of questions (they are not known at build; a new word is keyed, loading
``pymorphy3`` when it is Russian), parts of speech (``tokens.pos_of``, ``form_of``: only some
questions and follow-ups ask for them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from ..lang import resources
from ..lang.tokens import KEY_VERSION, _other_readings, is_russian_word, seed_keys, tokens
from .analysis import ChunkAnalysis

__all__ = [
    "WordKeys",
    "fingerprint",
    "word_keys_record",
    "write_word_keys",
    "read_word_keys",
    "seed_word_keys",
]

# The packages that work out the keys: the lemmatiser and its dictionary, the English stemmer.
_KEYERS = ("pymorphy3", "pymorphy3-dicts-ru", "PyStemmer")
# Tables of a language file that hold no words the code keys.
_NOT_WORDS = frozenset({"_about", "keyboard", "suffixes"})


@dataclass(frozen=True)
class WordKeys:
    """What an index carries: language -> lower-cased word -> key, Russian word -> the
    dictionary forms it may stand for, word -> whether it is Russian."""

    keys: dict[str, dict[str, str]]
    readings: dict[str, tuple[str, ...]]
    known: dict[str, bool]


@lru_cache(maxsize=1)
def fingerprint() -> dict[str, Any]:
    """What the keys are worked out by: ``tokens.KEY_VERSION``, the versions of the packages that
    lemmatise and stem, and the SHA-256 of the resource tables (Kazakh stems come from their
    ``suffixes`` and ``translations``)."""
    digest = hashlib.sha256()
    folder = importlib_resources.files("reportqa.lang").joinpath("resources")
    for name in sorted(f.name for f in folder.iterdir() if f.name.endswith(".json")):
        digest.update(name.encode() + b"\0" + folder.joinpath(name).read_bytes())
    found: dict[str, Any] = {"key_version": KEY_VERSION}
    for package in _KEYERS:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "-"
    found["resources"] = digest.hexdigest()
    return found


def word_keys_record(
    analyses: Sequence[ChunkAnalysis], titles: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """What ``word-keys.json`` holds: the keys of the words of ``analyses`` (as stored in them),
    of ``titles`` (each with its document's language) and of the resource tables, the readings
    of the words of ``analyses`` keyed in Russian, and which Kazakh table words typed without
    Kazakh letters are Russian."""
    keys: dict[str, dict[str, str]] = {}
    for analysis in analyses:
        for t in analysis.tokens:
            if t.kind == "word":
                keys.setdefault(t.language, {})[t.lower] = t.key
    russian = sorted(keys.get("ru", {}))
    for text, language in dict.fromkeys((*titles, *_table_texts())):  # a text once
        for t in tokens(text, language):
            if t.kind == "word":
                keys.setdefault(t.language, {})[t.lower] = t.key
    readings = {w: sorted(_other_readings(w)) for w in russian}
    return {
        "fingerprint": fingerprint(),
        "keys": {lang: dict(sorted(table.items())) for lang, table in sorted(keys.items())},
        "readings": readings,
        "known": {w: is_russian_word(w) for w in sorted(resources.typed_spellings("kk"))},
    }


def write_word_keys(path: Path, record: dict[str, Any]) -> None:
    """``record`` (``word_keys_record``) as ``word-keys.json`` at ``path``."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False, separators=(",", ":"))


def read_word_keys(path: Path) -> WordKeys | None:
    """The keys in ``word-keys.json`` at ``path``; None when they were worked out by other code
    (``fingerprint``). Raises ``OSError``, ``ValueError`` or ``TypeError`` for a file that
    cannot be read or is not such a record."""
    with open(path, encoding="utf-8") as f:
        record = json.load(f)
    if not isinstance(record, dict):
        raise TypeError("not a record of word keys")
    if record.get("fingerprint") != fingerprint():
        return None
    keys, readings, known = record["keys"], record["readings"], record["known"]
    if not (
        isinstance(keys, dict)
        and isinstance(readings, dict)
        and isinstance(known, dict)
        and all(
            isinstance(table, dict)
            and all(isinstance(w, str) and isinstance(k, str) for w, k in table.items())
            for table in keys.values()
        )
        and all(
            isinstance(forms, list) and all(isinstance(f, str) for f in forms)
            for forms in readings.values()
        )
        and all(isinstance(w, str) and isinstance(k, bool) for w, k in known.items())
    ):
        raise TypeError("not a record of word keys")
    return WordKeys(keys, {w: tuple(forms) for w, forms in readings.items()}, known)


def seed_word_keys(found: WordKeys) -> None:
    """Hand what the index carries to ``lang.tokens`` (``seed_keys``)."""
    seed_keys(found.keys, found.readings, found.known)


def _table_texts() -> Iterator[tuple[str, str]]:
    """Every entry of every table with the language its words are keyed in: a table's own
    language, except the meanings of ``translations`` (in the language they translate to)."""
    for language in resources.LANGUAGES:
        for name, table in resources.raw(language).items():
            if name in _NOT_WORDS:
                continue
            if name != "translations":
                yield from ((text, language) for text in resources.strings(table))
                continue
            for target, pairs in table.items():
                for word, meanings in pairs.items():
                    yield word, language
                    yield from ((m, target) for m in meanings)
