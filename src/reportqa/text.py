"""Language-aware text processing: sentence splitting, tokens for lexical search, language guess.

Sentences are split with Russian conventions in mind: "тыс.", "млн", "г.", initials ("А. С.
Пушкин") and decimal commas do not end a sentence; a full stop ends one only when the next word
starts with a capital, a digit, a quote or a dash. Tokens are lower-cased, "ё" is folded to "е",
and each word is stemmed by the language of its script: Snowball Russian for Russian Cyrillic,
Snowball English for Latin; Kazakh words (Cyrillic with letters Russian lacks: ә ғ қ ң ө ұ ү һ і)
keep their first letters only, because a Russian stemmer would cut Kazakh suffixes wrongly.

Left out: full morphological analysis (lemmatisation), transliteration between scripts.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

__all__ = [
    "split_sentences",
    "tokenize",
    "content_terms",
    "lexical_terms",
    "word_terms",
    "vocabulary_words",
    "detect_language",
    "KAZAKH_LETTERS",
    "STOPWORDS",
    "is_small_talk",
    "is_composition_request",
]

KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_KAZAKH_PREFIX = 6
_PREFIX = 5

# Words before a full stop that do not end a sentence, whatever follows.
_ABBREVIATIONS = frozenset(
    """тыс млн млрд трлн руб долл коп г гг ул им проф акад см рис табл д пр п ст корп обл пос
    тел т е др мин макс ок прим напр англ рус каз стр гл ч млрд кв куб км кг ед чел шт
    mr mrs ms dr st inc ltd co jr sr vs etc e g i e no fig approx""".split()
)
# A sentence end: . ! ? … (possibly several, possibly closing quotes or brackets after them),
# then white space.
_END = re.compile(r"[.!?…]+[\"»”)\]]*(?=\s)")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"«“(\[—–-]?\s*[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9]")
_WORD_BEFORE = re.compile(r"(\w+)\W*$")

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]")
_LATIN = re.compile(r"[a-z]")

STOPWORDS = frozenset(
    """и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только
    ее её мне было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни
    быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где
    есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж
    тогда кто этот того потому этого какой какая какое какие каков какова каковы какую каким
    каких каком какого какому какими совсем ним
    здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при
    наконец два об другой хоть после над больше тот через эти нас про всего них много
    разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им
    более всегда конечно всю между это сколько который которая которые которых также
    the a an of in on at to for from by with and or is are was were be been being what which who
    whom whose when where why how much many does do did has have had will would shall should
    can could this that these those it its as there their they them about into than then
    қанша қандай не кім қашан қайда неше бар ма ме ба бе па пе және мен бен пен""".split()
)


# Greetings, thanks and "how are you" in the three languages: words that ask nothing of a report.
_SMALL_TALK = frozenset(
    """hi hello hey hiya thanks thank thx bye goodbye good morning afternoon evening night day
    today you your yours are how doing fine ok okay please nice great me i my we our
    привет приветствую здравствуй здравствуйте добрый доброе доброго утро утра день вечер вечера
    спасибо благодарю пока до свидания дела делишки ты тебя вы вас твои ваши сегодня хорошо
    отлично пожалуйста меня мне у как
    сәлем сәлеметсіз сәлеметсіздер салем рахмет рақмет қалайсың қалайсыз қалың қал қалай жақсы
    сау болыңыз болыңдар саған сізге сіз сен бүгін""".split()
)


def is_small_talk(text: str) -> bool:
    """Whether ``text`` is only a greeting, thanks or "how are you" ("hi, how are you today?",
    "Здравствуйте! Как у вас дела?", "Сәлем, қалайсыз?"): no word in it could be looked up."""
    words = _TOKEN.findall(text.lower().replace("ё", "е"))
    return bool(words) and all(w in _SMALL_TALK or w in STOPWORDS for w in words)


# A request to compose something (a poem, a joke, an essay): no sentence of a report answers it.
_COMPOSE = re.compile(
    r"\b(?:write|compose|make\s+up|sing|draw|generate|create)\b.{0,40}?"
    r"\b(?:poem|poetry|song|story|joke|essay|limerick|haiku|rap|verse|letter|tweet|speech|code)s?\b|"
    r"\btell\b.{0,20}?\bjokes?\b|"
    r"\b(?:напиши|напишите|сочини|сочините|придумай|придумайте|расскажи|расскажите|спой|нарисуй|"
    r"составь)\b.{0,40}?\b(?:стих\w*|песн\w*|рассказ\w*|сказк\w*|шутк\w*|анекдот\w*|"
    r"эссе|сочинени\w*|поэм\w*|рэп|письм\w*|код\w*|речь)|"
    r"\b(?:өлең|ән|әңгіме|ертегі|әзіл|анекдот|эссе)\w*\b.{0,40}?\b(?:жаз|шығар|айт)\w*",
    re.IGNORECASE,
)


def is_composition_request(text: str) -> bool:
    """Whether ``text`` asks for something to be composed ("Write me a poem about steel",
    "Сочини стих о заводе", "Болат туралы өлең жаз") rather than for what the report says."""
    return bool(_COMPOSE.search(text))


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences of ``text``, shifted by ``offset``, each stripped
    of surrounding white space."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if not _NEXT_STARTS_SENTENCE.match(text, end):
            continue
        if match.group().startswith(".") and _is_abbreviation(text[start : match.start()]):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    result = []
    for s, e in spans:
        piece = text[s:e]
        if not piece.strip():
            continue
        s += len(piece) - len(piece.lstrip())
        e -= len(piece) - len(piece.rstrip())
        result.append((s + offset, e + offset))
    return result


def _is_abbreviation(before: str) -> bool:
    match = _WORD_BEFORE.search(before)
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "А. С. Пушкин"
    return word.lower() in _ABBREVIATIONS


# Kazakh words common in questions that are written with letters Russian has too.
_KAZAKH_WORDS = frozenset(
    """бар жоқ неше нешеу және бойынша туралы облыста облыстағы облыстың облысында жылы жылғы
    саны мен бен пен ма ме ба бе па пе ме екен қалай""".split()
)


_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")


def detect_language(text: str, default: str = "ru") -> str:
    """ "kk", "ru" or "en": Kazakh when its words (with a Kazakh-only letter, or Kazakh function
    words) outnumber Russian function words, else the majority script. Quoted names do not count:
    «Жұмыс тап» in a Russian sentence leaves it Russian."""
    lowered = _QUOTED.sub(" ", text.lower())
    words = re.findall(r"[а-яёәғқңөұүһі]+", lowered)
    kazakh = sum(w in _KAZAKH_WORDS or any(ch in KAZAKH_LETTERS for ch in w) for w in words)
    russian = sum(w in STOPWORDS and w not in _KAZAKH_WORDS for w in words)
    if kazakh > russian:
        return "kk"
    cyrillic = len(_CYRILLIC.findall(lowered))
    latin = len(_LATIN.findall(lowered))
    if cyrillic == latin == 0:
        return default
    return "ru" if cyrillic >= latin else "en"


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased, stemmed tokens of ``text`` (numbers kept whole: "1,6", "2024")."""
    tokens = []
    for raw in _TOKEN.findall(text.lower().replace("ё", "е")):
        if not keep_stopwords and raw in STOPWORDS:
            continue
        tokens.append(_stem(raw))
    return tokens


def lexical_terms(text: str) -> list[str]:
    """Terms for BM25: each word's stem, plus its first five letters marked with "~".

    The stem matches inflections a Snowball stemmer knows; the prefix catches the rest (names
    declined the Russian way, Kazakh words, words the stemmer over- or under-cuts). On XQuAD-ru the
    two together rank better than either alone (see benchmarks/bench_retrieval.py)."""
    terms = []
    for raw in _TOKEN.findall(text.lower().replace("ё", "е")):
        if raw in STOPWORDS:
            continue
        terms.append(_stem(raw))
        if not raw[0].isdigit():
            terms.append("~" + raw[:_PREFIX])
    return terms


def word_terms(text: str) -> list[tuple[str, str]]:
    """For each distinct content word of ``text``: its stem and its "~" prefix term, the two
    forms ``lexical_terms`` indexes (a number is its own stem and prefix)."""
    seen: dict[tuple[str, str], None] = {}
    for raw in _TOKEN.findall(text.lower().replace("ё", "е")):
        if raw in STOPWORDS or (len(raw) < 2 and not raw.isdigit()):
            continue
        prefix = raw if raw[0].isdigit() else "~" + raw[:_PREFIX]
        seen.setdefault((_stem(raw), prefix), None)
    return list(seen)


def vocabulary_words(text: str) -> list[str]:
    """Distinct lower-cased content words of ``text`` (three letters or more, no numbers), in
    order: the words matched across languages by their embeddings."""
    seen: dict[str, None] = {}
    for raw in _TOKEN.findall(text.lower().replace("ё", "е")):
        if len(raw) >= 3 and not raw[0].isdigit() and raw not in STOPWORDS:
            seen.setdefault(raw, None)
    return list(seen)


def content_terms(text: str) -> list[str]:
    """Distinct stemmed tokens of ``text`` that carry meaning (no stop words), in order."""
    seen: dict[str, None] = {}
    for token in tokenize(text):
        if len(token) > 1 or token.isdigit():
            seen.setdefault(token, None)
    return list(seen)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    if word[0].isdigit():
        return word
    if any(ch in KAZAKH_LETTERS for ch in word):
        return word[:_KAZAKH_PREFIX]
    if _CYRILLIC.search(word):
        return _stemmers()["russian"].stemWord(word)
    if _LATIN.search(word):
        return _stemmers()["english"].stemWord(word)
    return word


@lru_cache(maxsize=1)
def _stemmers() -> dict[str, Stemmer._Stemmer]:
    return {"russian": Stemmer.Stemmer("russian"), "english": Stemmer.Stemmer("english")}
