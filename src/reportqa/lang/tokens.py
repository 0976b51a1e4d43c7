"""Words with offsets and the keys they are matched by.

``razdel`` cuts text into tokens with character offsets. Each word gets a *key*, the form two
words are compared by:

- Russian: the lemma from ``pymorphy3`` ("предприятий" and "предприятие" are "предприятие");
- English (and Latin names in any text): the Snowball stem ("companies", "company": "compani");
- Kazakh (a word with a Kazakh-only letter, or any Cyrillic word of a text known to be Kazakh):
  the word less its case, plural and possessive endings, from the ``suffixes`` table of
  ``resources/kk.json`` ("колледждер" is "колледж", as the Russian lemma is).

Keys are lower case with "ё" as "е". A token glued across scripts ("Qarmet-те", a Kazakh ending on
a Latin name) is two words. A number is its own key.

Keys are cached per process, and an index carries the keys of its words and of the resource
tables (``index/wordkeys.py``): ``seed_keys`` hands them in when it is opened, so that a process
whose words are all there never loads ``pymorphy3``'s dictionaries.

Left out: lemmas in context (the most likely parse of a word alone is taken), compound splitting.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import razdel

from . import resources

__all__ = [
    "Token",
    "tokens",
    "words_of",
    "word_key",
    "word_language",
    "content_words",
    "content_keys",
    "is_content_word",
    "lexical_terms",
    "is_stopword",
    "key_of",
    "quoted_spans",
    "QUOTES",
    "KAZAKH_LETTERS",
    "PREFIX",
    "prefix_of",
    "is_russian_word",
    "other_keys",
    "seed_keys",
    "KEY_VERSION",
    "is_common_word",
    "is_table_word",
]

# The version of how a word's key and other readings are worked out, beyond the packages and
# tables that do it: raise it when ``word_key`` or ``_other_readings`` change, so that the keys an
# index carries (``index/wordkeys.py``) from before the change are not used.
KEY_VERSION = 2

KAZAKH_LETTERS = frozenset("әғқңөұүһі")
PREFIX = 5  # letters of a word's prefix term (BM25 and loose matching)
_MIN_KK_STEM = 3
# A dictionary form other than a Russian word's key counts when pymorphy3's parses give it at
# least this much probability in all ("стали": "стать" 0.975, "сталь" 0.025; "мира": "миро" 0.006
# does not count).
_OTHER_READING = 0.01


@dataclass(frozen=True)
class Token:
    """A token of a text: ``text[start:end]``, its kind ("word", "number" or "punct"), the
    language its word is keyed in, and its key (see the module docstring)."""

    text: str
    start: int
    end: int
    kind: str
    language: str
    key: str

    @property
    def lower(self) -> str:
        return self.text.lower().replace("ё", "е")


def _script(ch: str) -> str:
    if "a" <= ch.lower() <= "z":
        return "latin"
    if ch.isalpha():
        return "cyrillic"
    return ""


def _parts(text: str, start: int, language: str | None) -> Iterable[tuple[str, int]]:
    """A razdel token split where a hyphen joins words of two scripts ("Qarmet-те"). In a
    Kazakh text, the case and possessive endings that Kazakh writes after a hyphen on an
    abbreviation or a Latin name ("АЭА-ға", "QARMET-тің") are not a word of their own: the
    word is what stands before them."""
    if "-" not in text:
        yield text, start
        return
    head, _, tail = text.rpartition("-")
    if (
        head
        and (language == "kk" or KAZAKH_LETTERS.intersection(tail.lower()))
        and (_endings_only(tail.lower()))
    ):
        yield from _parts(head, start, language)
        return
    pos = 0
    pieces = text.split("-")
    scripts = [_script(p[:1]) for p in pieces]
    if len({s for s in scripts if s}) < 2:
        yield text, start
        return
    for piece in pieces:
        if piece:
            yield piece, start + pos
        pos += len(piece) + 1


def _hyphen_ending(before: list[Token], piece: str, start: int, language: str | None) -> bool:
    """Whether ``piece`` is the Kazakh ending of what comes right before a hyphen right before
    it ("15%-ға"), which razdel leaves as a word of its own."""
    if len(before) < 2 or before[-1].text != "-" or before[-1].end != start:
        return False
    if before[-2].end != before[-1].start:
        return False
    kazakh = language == "kk" or bool(KAZAKH_LETTERS.intersection(piece.lower()))
    return kazakh and _endings_only(piece.lower())


def _endings_only(word: str) -> bool:
    """Whether ``word`` is made of up to three endings of the Kazakh ``suffixes`` table."""
    level = {word}
    for _ in range(3):
        if "" in level:
            return True
        level = {w[: -len(s)] for w in level for s in _kazakh_suffixes() if w.endswith(s)}
    return "" in level


def word_language(word: str, hint: str | None = None) -> str:
    """The language a word is keyed in: "en" for Latin letters, "kk" for a Kazakh-only letter or
    a Cyrillic word of a Kazakh text (``hint``), else "ru"."""
    lower = word.lower()
    if any("a" <= ch <= "z" for ch in lower):
        return "en"
    if hint == "kk" or any(ch in KAZAKH_LETTERS for ch in lower):
        return "kk"
    return "ru"


# Texts of at most this many characters (questions, sentences) are tokenised once and kept: the
# validation, the retriever and the answerer each read a question.
_CACHED_CHARS = 1000


def tokens(text: str, language: str | None = None) -> list[Token]:
    """Every token of ``text`` in order; ``language`` is the text's language when known (a
    Cyrillic word of a Kazakh text is keyed as Kazakh)."""
    if len(text) <= _CACHED_CHARS:
        return list(_short_tokens(text, language))
    return _tokenize(text, language)


@lru_cache(maxsize=1024)
def _short_tokens(text: str, language: str | None) -> tuple[Token, ...]:
    return tuple(_tokenize(text, language))


def _tokenize(text: str, language: str | None) -> list[Token]:
    out: list[Token] = []
    for t in razdel.tokenize(text):
        for piece, start in _parts(t.text, t.start, language):
            end = start + len(piece)
            if piece[0].isdigit():
                out.append(Token(piece, start, end, "number", "", piece.replace(",", ".")))
            elif any(ch.isalpha() for ch in piece) and not _hyphen_ending(
                out, piece, start, language
            ):
                lang = word_language(piece, language)
                out.append(Token(piece, start, end, "word", lang, word_key(piece, lang)))
            else:
                out.append(Token(piece, start, end, "punct", "", ""))
    return out


def words_of(text: str, language: str | None = None) -> list[Token]:
    """The word and number tokens of ``text``."""
    return [t for t in tokens(text, language) if t.kind != "punct"]


@lru_cache(maxsize=200_000)
def word_key(word: str, language: str) -> str:
    """The key of one word in ``language`` ("ru", "en" or "kk")."""
    lower = word.lower().replace("ё", "е")
    seeded = _seeded_keys.get(language)
    if seeded is not None and (key := seeded.get(lower)) is not None:
        return key
    if language == "en":
        return _snowball().stemWord(lower)
    if language == "kk":
        return _kazakh_stem(lower)
    return _lemma(lower)


def key_of(word: str, hint: str | None = None) -> str:
    """The key of one word, keyed in the language its letters (and ``hint``, the language of
    its text) say (``word_language``)."""
    return word_key(word, word_language(word, hint))


QUOTES = {"«": "»", "“": "”", '"': '"'}


def quoted_spans(
    text: str, quotes: dict[str, str] = QUOTES, max_chars: int | None = 60
) -> list[tuple[int, int]]:
    """The spans inside quotes of ``text`` ("Сарань" of «Сарань»), stripped of white space,
    of at most ``max_chars`` characters (None: any); an inner quote of the same kind closes the
    span (``УК "СЭЗ "Сарыарка"`` gives ``СЭЗ``)."""
    spans = []
    i = 0
    while i < len(text):
        close = quotes.get(text[i])
        if close is not None:
            j = text.find(close, i + 1)
            inner = text[i + 1 : j]
            if i + 1 < j and (max_chars is None or j <= i + 1 + max_chars) and inner.strip():
                start = i + 1 + len(inner) - len(inner.lstrip())
                spans.append((start, start + len(inner.strip())))
                i = j + 1
                continue
        i += 1
    return spans


def is_stopword(token: Token) -> bool:
    """Whether a word token is a stop word of its language (by its written form)."""
    return token.lower in resources.surface(token.language or "ru", "stopwords")


def is_content_word(token: Token) -> bool:
    """Whether ``token`` is a word that carries meaning: no stop word, no single letter."""
    return token.kind == "word" and len(token.text) > 1 and not is_stopword(token)


def content_words(text: str, language: str | None = None) -> list[Token]:
    """The word tokens of ``text`` that carry meaning: no stop words, no single letters."""
    return [t for t in tokens(text, language) if is_content_word(t)]


def content_keys(text: str, language: str | None = None) -> list[str]:
    """The distinct keys of ``text``'s content words and numbers, in order."""
    seen: dict[str, None] = {}
    for t in tokens(text, language):
        if t.kind == "number" or is_content_word(t):
            seen.setdefault(t.key, None)
    return list(seen)


def prefix_term(token: Token) -> str:
    """The loose form of a word: "~" and its first letters (names declined the Russian way,
    words a lemmatiser does not know, derivations: "инвестиций" and "инвестировать")."""
    return prefix_of(token.lower, token.language)


def prefix_of(word: str, language: str) -> str:
    """``prefix_term`` of a lower-cased word keyed in ``language`` (one letter more in Kazakh)."""
    return "~" + word[: PREFIX + (language == "kk")]


def lexical_terms(text: str, language: str | None = None) -> list[str]:
    """Terms for BM25: each content word's key and its prefix term; each number as written."""
    terms: list[str] = []
    for t in tokens(text, language):
        if t.kind == "number":
            terms.append(t.key)
        elif t.kind == "word" and not is_stopword(t):
            terms.append(t.key)
            terms.append(prefix_term(t))
    return terms


# What was worked out before, handed in by ``seed_keys``: language -> lower-cased word -> key,
# Russian word -> its readings, word -> whether it is Russian. Each is replaced whole, never
# changed in place, so a reader in another thread sees the old table or the new one.
_seeded_keys: dict[str, dict[str, str]] = {}
_seeded_readings: dict[str, frozenset[str]] = {}
_seeded_known: dict[str, bool] = {}
_seed_lock = threading.Lock()


def seed_keys(
    keys: Mapping[str, Mapping[str, str]],
    readings: Mapping[str, Iterable[str]],
    known: Mapping[str, bool],
) -> None:
    """Take in what this very code worked out before (the caller checks that it is this code),
    so that ``word_key``, the other readings of Russian words and ``is_russian_word`` return it
    without ``pymorphy3``. ``keys``: language -> lower-cased word (with "ё" as "е") ->
    ``word_key`` of it; ``readings``: Russian word (the same form) -> the dictionary forms
    ``other_keys`` reads from; ``known``: word -> ``is_russian_word`` of it. Added to what was
    seeded before (several indexes in one process)."""
    global _seeded_keys, _seeded_readings, _seeded_known
    with _seed_lock:
        merged = {lang: dict(table) for lang, table in _seeded_keys.items()}
        for language, table in keys.items():
            merged.setdefault(language, {}).update(table)
        _seeded_keys = merged
        _seeded_readings = {
            **_seeded_readings,
            **{word: frozenset(forms) for word, forms in readings.items()},
        }
        _seeded_known = {**_seeded_known, **known}


_local = threading.local()


def _snowball() -> Any:
    stemmer = getattr(_local, "english", None)
    if stemmer is None:  # Snowball stemmers are not thread-safe: one per thread
        import Stemmer

        stemmer = _local.english = Stemmer.Stemmer("english")
    return stemmer


_morph_lock = threading.Lock()
_morph_load_lock = threading.Lock()


def _morph() -> Any:
    with _morph_load_lock:  # one dictionary load, however many threads ask first
        return _load_morph()


@lru_cache(maxsize=1)
def _load_morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    morph = _morph()
    with _morph_lock:
        parses = morph.parse(word)
    return parses[0].normal_form.replace("ё", "е") if parses else word


@lru_cache(maxsize=1)
def _kazakh_suffixes() -> tuple[str, ...]:
    suffixes = resources.raw("kk").get("suffixes", [])
    return tuple(sorted({s.lower() for s in suffixes}, key=len, reverse=True))


@lru_cache(maxsize=1)
def _kazakh_dictionary() -> frozenset[str]:
    """The Kazakh words in dictionary form that the lexicon translates (``translations``)."""
    table = resources.raw("kk").get("translations", {})
    return frozenset(w.lower() for entries in table.values() for w in entries)


def _kazakh_stem(word: str) -> str:
    """``word`` less up to three endings of the ``suffixes`` table. Of the word and the stems
    some choice of endings leaves (at least three letters), the shortest that the dictionary
    knows (``_kazakh_dictionary``: "зауыты" is "зауыт" + "ы", not "зауы" + "ты"; "облысында" is
    "облыс"). A word written without Kazakh-only letters that the dictionary does not know is
    keyed as the word of the tables it is typed as (``_typed_stem``). Otherwise the longest
    ending is taken at each step."""
    stem = _dictionary_stem(word)
    if stem is None and not KAZAKH_LETTERS.intersection(word):
        stem = _typed_stem(word)
    return stem if stem is not None else _stripped(word)


def _dictionary_stem(word: str) -> str | None:
    known = _kazakh_dictionary()
    found = _stems_in(word, known, _kazakh_suffixes())
    if not found:
        # a stem whose last consonant an ending voiced ("телигі" is "телик" + "і"; the
        # ``alternations`` table), looked up only when no stem is known as written
        voiced = _voiced_dictionary()
        found = [voiced[w] for w in _stems_in(word, voiced, _kazakh_suffixes()) if w != word]
    return min(found, key=lambda w: (len(w), w)) if found else None


def _voiced_dictionary() -> dict[str, str]:
    """The dictionary's words (``_kazakh_dictionary``) that end in a consonant an ending
    voices (the ``alternations`` table), as written before such an ending: "телиг" -> "телик"."""
    return _voiced_of(_kazakh_dictionary())


@lru_cache(maxsize=2)
def _voiced_of(known: frozenset[str]) -> dict[str, str]:
    table = resources.raw("kk").get("alternations", {})
    voiced = {plain.lower(): loud.lower() for plain, loud in table.items()}
    return {w[:-1] + voiced[w[-1]]: w for w in known if w and w[-1] in voiced}


def _stems_in(word: str, known: Any, suffixes: tuple[str, ...]) -> list[str]:
    """The word and the stems that up to three of ``suffixes`` leave, that are in ``known``."""
    level = {word}
    found = [word] if word in known else []
    for _ in range(3):
        level = {
            w[: -len(suffix)]
            for w in level
            for suffix in suffixes
            if w.endswith(suffix) and len(w) - len(suffix) >= _MIN_KK_STEM
        }
        found += [w for w in level if w in known]
    return found


def _stripped(word: str) -> str:
    for _ in range(3):
        for suffix in _kazakh_suffixes():
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_KK_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


@lru_cache(maxsize=1)
def _kazakh_typed() -> tuple[dict[str, str], tuple[str, ...]]:
    """The words of the Kazakh tables by how they are typed without Kazakh-only letters
    (``resources.typed``), where that spelling is one word's alone; and the endings of the
    ``suffixes`` table, as written and as typed."""
    spellings = resources.typed_spellings("kk")
    table = {typed: next(iter(ws)) for typed, ws in spellings.items() if len(ws) == 1}
    endings = set(_kazakh_suffixes()) | {resources.typed(s, "kk") for s in _kazakh_suffixes()}
    return table, tuple(sorted(endings, key=lambda s: (-len(s), s)))


def _typed_stem(word: str) -> str | None:
    """The key of the table word that ``word`` (no Kazakh-only letters) is typed as: "ондирис"
    is "өндіріс", "пайызга" is "пайыз", "ости" is "өсті"; None when it is typed as none."""
    table, endings = _kazakh_typed()
    found = _stems_in(word, table, endings)
    if not found:
        return None
    word = table[min(found, key=lambda w: (len(w), w))]
    stem = _dictionary_stem(word)
    return stem if stem is not None else _stripped(word)


@lru_cache(maxsize=50_000)
def is_russian_word(word: str) -> bool:
    """Whether ``pymorphy3``'s dictionary has ``word`` (lower case) as a Russian word form."""
    seeded = _seeded_known.get(word)
    if seeded is not None:
        return seeded
    morph = _morph()
    with _morph_lock:
        return bool(morph.word_is_known(word))


def pos_of(word: str) -> str | None:
    """The part of speech ``pymorphy3`` gives a Russian word ("VERB", "NOUN", ...), or None."""
    form = form_of(word)
    return form[0] if form else None


@lru_cache(maxsize=50_000)
def _best_parse(lower: str) -> Any:
    """The most likely ``pymorphy3`` parse of a lower-cased Russian word, or None."""
    morph = _morph()
    with _morph_lock:
        parses = morph.parse(lower)
    return parses[0] if parses else None


@lru_cache(maxsize=50_000)
def form_of(word: str) -> tuple[str, str | None] | None:
    """The part of speech and case of a Russian word's most likely parse (``pymorphy3``):
    ("ADJF", "gent") for "крупных", ("VERB", None) for "выпустили"; None when it has none."""
    parse = _best_parse(word.lower())
    if parse is None or not parse.tag.POS:
        return None
    tag = parse.tag
    return str(tag.POS), str(tag.case) if tag.case else None


_NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


def is_common_word(token: Token) -> bool:
    """Whether a word is one of its language's common words rather than a name: a Russian word
    ``pymorphy3``'s dictionary has, as other than a name (no ``Geox``, ``Surn``, ... in its most
    likely parse); a Kazakh word of the tables, of the lexicon's dictionary, or a Russian word;
    any English word (an English question's first word is not told apart by its capital)."""
    lower = token.lower.replace("ё", "е")
    if token.language == "en":
        return True
    if token.language == "kk":
        return (
            lower in _table_words("kk")
            or token.key in _table_keys("kk")
            or token.key in _kazakh_dictionary()
            # a word with a Kazakh-only letter is no Russian word (and needs no dictionary load)
            or (not KAZAKH_LETTERS.intersection(lower) and is_russian_word(lower))
        )
    if not is_russian_word(lower):
        return lower in _table_words("ru")
    parse = _best_parse(lower)
    return parse is None or not _NAME_GRAMMEMES & parse.tag.grammemes


@lru_cache(maxsize=3)
def _table_words(language: str) -> frozenset[str]:
    """Every word of every table of ``language`` (not only ``resources.TABLES``: the pronouns of
    ``followup_words`` too), lower-cased."""
    data = resources.raw(language)
    return frozenset(
        w.strip("*").lower().replace("ё", "е")
        for name, value in data.items()
        if not name.startswith("_")
        for entry in resources.strings(value)
        for w in entry.split()
    ) | resources.words(language)


@lru_cache(maxsize=3)
def _table_keys(language: str) -> frozenset[str]:
    return frozenset(word_key(w, language) for w in _table_words(language) if w.isalpha())


def is_table_word(token: Token, language: str) -> bool:
    """Whether a word, or a form of it, is a word of the tables of ``language`` ("tyres" for
    "tyre"): known as a common word there, whatever its capital."""
    return token.lower in _table_words(language) or token.key in _table_keys(language)


@lru_cache(maxsize=50_000)
def is_animate_noun(word: str) -> bool:
    """Whether a Russian word's most likely parse (``pymorphy3``) is an animate common noun of
    its dictionary: a person or a being ("актёр", "инвесторы"), not a thing ("компания"), a
    name or a guess for an unknown word ("обьем")."""
    lower = word.lower()
    if not is_russian_word(lower):
        return False
    parse = _best_parse(lower)
    if parse is None:
        return False
    tag = parse.tag
    return tag.POS == "NOUN" and tag.animacy == "anim" and not _NAME_GRAMMEMES & tag.grammemes


def other_keys(token: Token) -> frozenset[str]:
    """The other dictionary forms a Russian word of a text may stand for, besides its key (its
    most likely one): "стали" is "стать" in "стали известны" and "сталь" in "стали — на 6,6%".
    A text's words have these beside their keys, so that a question's "сталь" (or "steel",
    translated) finds the noun; a question's own words keep their key alone. Empty for words of
    other languages."""
    if token.kind != "word" or token.language != "ru":
        return frozenset()
    return _other_readings(token.lower.replace("ё", "е")) - {token.key}


@lru_cache(maxsize=50_000)
def _other_readings(word: str) -> frozenset[str]:
    seeded = _seeded_readings.get(word)
    if seeded is not None:
        return seeded
    morph = _morph()
    with _morph_lock:
        parses = morph.parse(word)
    weight: dict[str, float] = {}
    for p in parses:
        form = p.normal_form.replace("ё", "е")
        weight[form] = weight.get(form, 0.0) + p.score
    return frozenset(form for form, w in weight.items() if w >= _OTHER_READING)
