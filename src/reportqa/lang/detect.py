"""Which language a text is in: Russian, Kazakh or English.

Kazakh when its Kazakh words (with a letter Russian lacks, in the ``function_words`` table of
``resources/kk.json``, or a word of the Kazakh tables with such a letter typed without it: "кай",
"акша", unless a Russian word is spelt so: "автомобили", or a word of the Russian tables:
"тенге", which pymorphy3's dictionary lacks) outnumber Russian stop words (less those of the
Kazakh tables too: "не" is Russian "not" and Kazakh "what") and English stop words; English
when its stop words outnumber both (a Cyrillic name in an English question); otherwise the
majority script. Quoted names do not count: «Жұмыс тап» in a Russian sentence leaves it
Russian.

Left out: other languages (a Latin-script text is English), mixed-language texts beyond the
majority.
"""

from __future__ import annotations

from functools import lru_cache

from . import resources
from .tokens import KAZAKH_LETTERS, is_russian_word

__all__ = ["detect_language"]

_QUOTES = {"«": "»", "“": "”", '"': '"'}


def _unquoted(text: str) -> str:
    out, closing = [], None
    for ch in text:
        if closing is not None:
            if ch == closing:
                closing = None
            continue
        if ch in _QUOTES:
            closing = _QUOTES[ch]
            continue
        out.append(ch)
    return "".join(out) if closing is None else text


@lru_cache(maxsize=1)
def _typed_kazakh() -> frozenset[str]:
    """The words of the Kazakh tables that have a letter Russian lacks, as typed without it."""
    return frozenset(
        typed
        for typed, ws in resources.typed_spellings("kk").items()
        if any(w != typed for w in ws)
    )


@lru_cache(maxsize=4096)
def detect_language(text: str, default: str = "ru", prior: str | None = None) -> str:
    """ "kk", "ru" or "en" (``default`` when ``text`` has no letters). ``prior``: the language
    of the conversation it continues, which a Cyrillic text with no word marking either Kazakh
    or Russian ("Ал инвестиция?" typed without Kazakh letters) keeps. Cached: a question is
    detected by the follow-up step, the retriever and the answerer."""
    lowered = _unquoted(text.lower().replace("ё", "е"))
    words = [w for w in "".join(ch if ch.isalpha() else " " for ch in lowered).split()]
    cyrillic_words = [w for w in words if not any("a" <= ch <= "z" for ch in w)]
    kazakh_function = resources.surface("kk", "function_words")
    russian_stop = resources.surface("ru", "stopwords")
    typed = _typed_kazakh()
    russian_words, kazakh_words = resources.words("ru"), resources.words("kk")
    english_stop = resources.surface("en", "stopwords")
    kazakh = sum(
        w in kazakh_function
        or any(ch in KAZAKH_LETTERS for ch in w)
        or (w in typed and not (is_russian_word(w) or w in russian_words))
        for w in cyrillic_words
    )
    # a word of both languages ("не": not, and the Kazakh "what") marks neither
    russian = sum(
        w in russian_stop and w not in kazakh_function and w not in kazakh_words
        for w in cyrillic_words
    )
    # an English sentence naming a Kazakh name ("the Тау-Кен Темір plant") has more English
    # stop words than Kazakh words
    english = sum(w in english_stop for w in words if w.isascii())
    if kazakh > russian and kazakh >= english:
        return "kk"
    if english > russian and english > kazakh:
        return "en"  # "Where is Йылдырым Холдинг based?"
    latin = sum(ch.isascii() and ch.isalpha() for ch in lowered)
    cyrillic = sum(ch.isalpha() and not ch.isascii() for ch in lowered)
    if not latin and not cyrillic:
        return default
    if cyrillic >= latin:
        return prior if prior in ("kk", "ru") and kazakh == russian else "ru"
    return "en"
