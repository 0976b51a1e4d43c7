"""Names across scripts: a spelling key under which "Кармет" and "QARMET", "Самсунг" and
"Samsung", "Сарыарка" and "Saryarka" agree.

``spelling_key`` writes a word in Latin letters (``to_latin`` of ``resources/scripts.json``) and
folds spellings that sound alike (``fold``: q and k, w and v, y and i ...). Two names are the same
when their keys are equal or one edit apart (``same_name``, for names of five letters or more).
A word made of a name by a suffix of ``derived_suffixes`` ("Саранском" of "Сарань", "Теміртаулық"
of "Temirtau") is that name too (``derived_name``). A name with a case ending ("Теміртауда")
is also read as its key, the word less the endings its language's key drops
(``name_spellings``: "Теміртауда" is "temirtauda" and "temirtau", as "Темиртау" is).

Left out: names whose transliteration differs by more than one letter, word order.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources as importlib_resources
from itertools import groupby
from typing import Any

__all__ = [
    "spelling_key",
    "same_name",
    "derived_name",
    "edit_distance",
    "name_spellings",
    "unmix_scripts",
]


@lru_cache(maxsize=1)
def _scripts() -> dict[str, Any]:
    text = (
        importlib_resources.files("reportqa.lang")
        .joinpath("resources", "scripts.json")
        .read_text(encoding="utf-8")
    )
    return dict(json.loads(text))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    data = _scripts()
    fold = tuple(sorted(data["fold"].items(), key=lambda kv: len(kv[0]), reverse=True))
    return data["to_latin"], fold


@lru_cache(maxsize=1)
def _look_alikes() -> tuple[dict[str, str], dict[str, str]]:
    """Latin letters drawn like Cyrillic ones, and the other way round (``look_alikes``)."""
    to_cyrillic = dict(_scripts()["look_alikes"])
    return to_cyrillic, {c: latin for latin, c in to_cyrillic.items()}


def _cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def unmix_scripts(text: str) -> str:
    """``text`` with each word that mixes Latin and Cyrillic letters written in one script: in
    Cyrillic when each of its Latin letters has a Cyrillic look-alike ("Cколько" with a Latin C
    is "Сколько"), else in Latin when each of its Cyrillic letters has a Latin one ("Qаrmet"
    with a Cyrillic а); a word neither way can spell is left as it is. Length and offsets are
    kept: a letter becomes one letter."""
    if text.isascii() or not any(ch.isascii() and ch.isalpha() for ch in text):
        return text
    to_cyrillic, to_latin = _look_alikes()
    out = []
    for is_word, group in groupby(text, key=str.isalpha):
        word = "".join(group)
        latin = [ch for ch in word if ch.isascii()]
        if is_word and latin and any(_cyrillic(ch) for ch in word):
            if all(ch in to_cyrillic for ch in latin):
                word = "".join(to_cyrillic.get(ch, ch) for ch in word)
            elif all(to_latin.get(ch) for ch in word if _cyrillic(ch)):
                word = "".join(to_latin.get(ch, ch) for ch in word)
        out.append(word)
    return "".join(out)


@lru_cache(maxsize=100_000)
def spelling_key(word: str) -> str:
    """``word`` in folded Latin letters: "Кармет" and "QARMET" are both "karmet"."""
    to_latin, fold = _tables()
    latin = "".join(to_latin.get(ch, ch) for ch in word.lower().replace("ё", "е"))
    latin = "".join(ch for ch in latin if ch.isalpha())
    out, i = [], 0
    while i < len(latin):
        for source, target in fold:
            if latin.startswith(source, i):
                out.append(target)
                i += len(source)
                break
        else:
            out.append(latin[i])
            i += 1
    folded = "".join(out)
    # Doubled letters are often written single in the other script ("Холдинг", "Holding").
    return "".join(ch for j, ch in enumerate(folded) if j == 0 or ch != folded[j - 1])


_KEY_MIN = 5  # letters of a name's key's spelling from which the key stands for the name


def name_spellings(text: str, key: str) -> tuple[str, ...]:
    """The spelling keys a name is read as: as written, and as its word key (the word less the
    case endings its language's key drops: "Теміртауда", key "теміртау", is "temirtauda" and
    "temirtau") when that differs and has five letters or more, since a shorter key may be a
    stem cut too far ("Қарағанды" is keyed "қара")."""
    written = spelling_key(text)
    stem = spelling_key(key)
    if stem == written or len(stem) < _KEY_MIN:
        return (written,)
    return (written, stem)


def same_name(a: str, b: str) -> bool:
    """Whether two words are one name across scripts: equal spelling keys, or (five letters or
    more) keys one edit apart."""
    ka, kb = spelling_key(a), spelling_key(b)
    if ka == kb:
        return bool(ka)
    return min(len(ka), len(kb)) >= 5 and edit_distance(ka, kb, 1) <= 1


@lru_cache(maxsize=1)
def _derived_suffixes() -> tuple[str, ...]:
    return tuple(_scripts()["derived_suffixes"])


_DERIVED_MIN = 5  # letters of a name's key from which its derived words are read


def derived_name(word_key: str, name_key: str) -> bool:
    """Whether a word's spelling key is a name's (five letters or more) made an adjective or a
    Kazakh noun: the name's key, or that less its last letter, then a suffix of
    ``derived_suffixes`` ("saranskom" of "saran", "karagandinskoi" of "karaganda")."""
    if len(name_key) < _DERIVED_MIN or len(word_key) <= len(name_key) - 1:
        return False
    return any(
        word_key.startswith(stem) and word_key[len(stem) :].startswith(_derived_suffixes())
        for stem in (name_key, name_key[:-1])
    )


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
