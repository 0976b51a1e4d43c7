"""Follow-up questions without an LLM: does a question continue the conversation, and if so, what
standalone question does it ask?

**Whether it continues.** A small logistic model (``followup_model.json`` beside this module)
weighs signals read through the ``followup_words`` table of the question's language
(``lang/resources``): an opener ("а …?", "and …?", "ал …"), a closer ("… ше?"), a reference to
what was said (pronouns, demonstratives: "его", "there", "олар"), a fragment with no question
word of its own ("А проката?"), few words of its own, how many of its words the previous question
shares, and names the previous question did not have (a new topic). A first question, or one the
model does not take as a follow-up, is answered exactly as it stands.

**What it asks.** The previous question, itself completed (so a thread of follow-ups rolls on),
lends what the new one lacks:

- a fragment ("А проката?", "And tyres?", "Ал шиналар ше?") takes the previous question and puts
  itself in place of what it replaces: a period in place of the period ("А в 2023 году?"), a
  phrase starting with a preposition added at the end ("А в промышленности?"), otherwise a word
  in place of the previous question's word it shares the most final letters with (the same case
  ending: "чугуна" for "проката"), else the first word asked about ("buses" for "tyres");
- a question with its own question word ("Когда его будут финансировать?", "Where are they
  from?") gets the previous question's names (or, with none, the word it asked about) and its
  period when it names none, in brackets: "Когда его будут финансировать (технохаб)?".

The paragraphs the last answer cited are kept in ``Resolution.cited``: the pipeline prefers them
when retrieving for a follow-up.

Left out: syntax (which word a pronoun stands for is not parsed; the previous question's names
stand in for all of them), answers as antecedents ("Картех" of the previous answer is reached
through its cited paragraph, not by name), and any word list: those are rows of the tables.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources as importlib_resources

from ..evidence.question import Question, find_phrases, read_question
from ..lang import resources
from ..lang.detect import detect_language
from ..lang.tokens import QUOTES, Token, is_stopword
from .turns import Turn

__all__ = ["Resolution", "resolve", "FEATURES", "TABLE", "followup_probability"]

TABLE = "followup_words"
GROUPS = ("openers", "closers", "references", "periods")
FEATURES = ("opener", "closer", "reference", "fragment", "short", "overlap", "new_names")
MODEL_FILE = "followup_model.json"
_SHORT = 2  # a question of at most this many words of its own is short
_PERIOD_KINDS = frozenset({"year", "year_range", "duration"})


@dataclass(frozen=True)
class Resolution:
    """How a question was read against the conversation."""

    question: str
    standalone: str  # the question to answer: the completed one, or the question itself
    followup: bool
    probability: float  # the model's P(it continues the conversation); 0 with no history
    cited: tuple[tuple[str, int], ...] = ()  # (document, paragraph) the last answer cited
    features: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def interpreted_as(self) -> str | None:
        """The standalone question when it differs from the question, else None."""
        return self.standalone if self.standalone != self.question else None


def resolve(question: str, history: Sequence[Turn]) -> Resolution:
    """``question`` read against ``history`` (oldest turn first)."""
    thread: _Thread | None = None
    cited: tuple[tuple[str, int], ...] = ()
    for turn in history:
        if turn.role == "user" and turn.content:
            thread = _step(turn.content, thread)[1]
            cited = ()
        elif turn.role == "assistant":
            if turn.citations:
                cited = tuple(dict.fromkeys((c.document, c.paragraph) for c in turn.citations))
            if thread is not None and thread.asks_entity:
                thread = _answered_by(thread, turn)
    resolution, _ = _step(question, thread)
    return dataclasses.replace(resolution, cited=cited)


@dataclass(frozen=True)
class _Thread:
    """What a conversation is about so far: its last standalone question, the entity it is
    about (names, or the word asked about) and the period it names, as written there."""

    standalone: str
    entity: str
    period: str
    asks_entity: bool = False  # it asks which one, who or where: the answer is the entity


@lru_cache(maxsize=4096)
def _step(question: str, thread: _Thread | None) -> tuple[Resolution, _Thread]:
    """One question read against the thread so far, and the thread after it. Cached: every
    question of a conversation rereads the turns before it, which then cost nothing."""
    language = detect_language(question)
    table = language if language in resources.LANGUAGES else "ru"
    whole = _read(question, language)
    if thread is None:
        return Resolution(question, question, False, 0.0), _start(whole, table)
    core = _core(question, whole.tokens, table)
    read = _read(core, language) if core else whole
    prior = _read(thread.standalone, detect_language(thread.standalone))
    features = _features(whole, read, prior, core != question.rstrip("?!. "), table)
    probability = followup_probability(features)
    if probability < 0.5:
        return Resolution(question, question, False, probability, (), features), _start(
            whole, table
        )
    if features["fragment"]:
        standalone, period = _fragment(core, read, prior, thread, table)
        done = _read(standalone, language)
        entity = _entity(done, table) if not period or not thread.entity else thread.entity
        after = _Thread(standalone, entity, period or thread.period)
    else:
        standalone = _with_context(core or question, read, thread, table)
        own = _period_span(read, table)
        after = _Thread(
            standalone,
            _names_text(read.text, read.names) if read.names else thread.entity,
            read.text[own[0] : own[1]] if own else thread.period,
        )
    return Resolution(question, standalone, True, probability, (), features), after


def _start(read: Question, table: str) -> _Thread:
    span = _period_span(read, table)
    period = read.text[span[0] : span[1]] if span else ""
    return _Thread(read.text, _entity(read, table), period, _asks_entity(read, table))


def _asks_entity(read: Question, table: str) -> bool:
    which = find_phrases(read.tokens, resources.phrases(table, "which_words"))
    return read.kind in ("agent", "place") or (bool(which) and read.kind == "other")


_MAX_ANSWER_NAMES = 4


def _answered_by(thread: _Thread, turn: Turn) -> _Thread:
    """The thread after an answer to "which one, who, where": the names the answer quotes
    that the question did not have are what "they", "it", "there" refer to next."""
    text = " ".join(c.quote for c in turn.citations[:1]) or turn.content
    asked = _read(thread.standalone)
    known = {t.key for t in asked.tokens}
    names = [t for t in _read(text).names if t.key not in known]
    if not names:
        return thread
    entity = _names_text(text, names[:_MAX_ANSWER_NAMES])
    return dataclasses.replace(thread, entity=entity, asks_entity=False)


def _entity(read: Question, table: str) -> str:
    """What a question is about: its names, else the word it asks about."""
    if read.names:
        return _names_text(read.text, read.names)
    focus = _focus(read, table)
    return focus.text if focus is not None else ""


@lru_cache(maxsize=4096)
def _read(text: str, language: str | None = None) -> Question:
    return read_question(text, language)


# -- the decision --------------------------------------------------------------------------------


@cache
def _model() -> dict[str, object]:
    text = importlib_resources.files("reportqa.dialogue").joinpath(MODEL_FILE).read_text("utf-8")
    model = json.loads(text)
    if tuple(model["features"]) != FEATURES:
        raise ValueError(f"{MODEL_FILE} has features {model['features']}, the code {FEATURES}")
    return dict(model)


def followup_probability(features: dict[str, float]) -> float:
    """The model's P(the question continues the conversation)."""
    model = _model()
    weights = dict(zip(FEATURES, model["weights"]))  # type: ignore[call-overload]
    z = float(model["bias"]) + sum(weights[name] * features[name] for name in FEATURES)  # type: ignore[arg-type]
    return 1.0 / (1.0 + math.exp(-z))


def _features(
    whole: Question, read: Question, prior: Question, marked: bool, table: str
) -> dict[str, float]:
    toks = whole.tokens
    words = [t for t in toks if t.kind != "punct"]
    opener = bool(words) and bool(_surface_at(words, 0, table, "openers"))
    closer = bool(words) and any(
        _matches(words, len(words) - len(p), p) for p in _surface(table, "closers")
    )
    relative = {
        i for first, last in find_phrases(toks, _relative(table)) for i in range(first, last + 1)
    }
    references = {w for p in _surface(table, "references") for w in p}
    reference = any(
        t.lower in references for i, t in enumerate(toks) if t.kind == "word" and i not in relative
    )
    own = [t for t in _topic_words(read, table) if not _in_period(t, read, table)]
    prior_keys = {t.key for t in _topic_words(prior, table)} | {t.key for t in prior.names}
    overlap = sum(t.key in prior_keys for t in own) / len(own) if own else 0.0
    new_names = any(t.key not in prior_keys for t in read.names)
    return {
        "opener": float(opener),
        "closer": float(closer),
        "reference": float(reference),
        "fragment": float(_is_fragment(read, table) and (marked or len(own) <= _SHORT)),
        "short": float(len(own) <= _SHORT),
        "overlap": overlap,
        "new_names": float(new_names),
    }


def _is_fragment(read: Question, table: str) -> bool:
    """No question word of its own: neither a kind, nor why, nor a "which" word."""
    which = find_phrases(read.tokens, resources.phrases(table, "which_words"))
    return read.kind == "other" and not read.why and not which


# -- completing the question ---------------------------------------------------------------------


def _fragment(
    core: str, read: Question, prior: Question, thread: _Thread, table: str
) -> tuple[str, str]:
    """The previous question with the fragment put in place of what it replaces, and the
    fragment when it names a period ("" otherwise)."""
    text = prior.text.rstrip().rstrip("?!.").rstrip()
    if not core:
        return text + "?", ""
    if _period_tokens(read, table):
        if thread.period and thread.period in text:
            at = text.rindex(thread.period)
            span: tuple[int, int] | None = (at, at + len(thread.period))
        else:
            span = _period_span(prior, table)
        if span is None:
            return f"{text} {core}?", core
        return _splice(text, span, core) + "?", core
    first = next((t for t in read.tokens if t.kind != "punct"), None)
    if first is not None and first.kind == "word" and is_stopword(first):
        return f"{text} {core}?", ""  # "в промышленности": an adjunct, added
    candidates = _replaceable(prior, table)
    if not candidates:
        return f"{text} {core}?", ""
    asked = _focus(prior, table)
    mine = [t.lower for t in read.tokens if t.kind == "word"]

    def rank(t: Token) -> tuple[int, bool, int]:
        ending = max((_common_ending(t.lower, w) for w in mine), default=0)
        return ending, asked is not None and t.start == asked.start, -t.start

    target = max(candidates, key=rank)
    run = _run_around(prior, candidates, target)
    return _splice(text, (run[0].start, run[-1].end), core) + "?", ""


def _run_around(read: Question, candidates: list[Token], target: Token) -> list[Token]:
    """``target`` with the replaceable words right next to it: the phrase a fragment stands
    in for ("pig iron production" for "steel", "жоғары оқу орны" for "колледждер")."""
    words = [t for t in read.tokens if t.kind != "punct"]
    ok = {t.start for t in candidates}
    at = next(i for i, t in enumerate(words) if t.start == target.start)
    first = last = at
    while first > 0 and words[first - 1].start in ok:
        first -= 1
    while last + 1 < len(words) and words[last + 1].start in ok:
        last += 1
    return words[first : last + 1]


def _with_context(core: str, read: Question, thread: _Thread, table: str) -> str:
    """The question with what it lacks of the thread in brackets: the entity, the period."""
    text = core.rstrip().rstrip("?!.").rstrip()
    text = text[:1].upper() + text[1:]
    context: list[str] = []
    keys = {t.key for t in read.tokens}
    if not read.names and thread.entity:
        entity_keys = {t.key for t in _read(thread.entity).tokens if t.kind == "word"}
        if not entity_keys <= keys:
            context.append(thread.entity)
    if thread.period and not _period_tokens(read, table):
        context.append(thread.period)
    return f"{text} ({', '.join(context)})?" if context else f"{text}?"


def _replaceable(read: Question, table: str) -> list[Token]:
    """The words a fragment may stand in for: topic words that are neither names, nor a
    period, nor the direction the question presumes."""
    names = {t.key for t in read.names}
    direction = {p[0] for g in resources.grouped_phrases(table, "direction").values() for p in g}
    return [
        t
        for t in _topic_words(read, table)
        if t.key not in names and t.key not in direction and not _in_period(t, read, table)
    ]


def _focus(read: Question, table: str) -> Token | None:
    """The word a question asks about: the first replaceable word after its question word
    ("Сколько вузов", "which companies"), else its first replaceable word."""
    candidates = _replaceable(read, table)
    if not candidates:
        return None
    topic = {t.start for t in _topic_words(read, table)}
    asked = [
        t
        for t in read.tokens
        if t.kind == "word" and not is_stopword(t) and t.start not in topic and len(t.text) > 1
    ]
    marks = [t.start for t in asked] + [
        t.start for t in read.tokens if t.kind == "word" and is_stopword(t) and _is_asking(t, table)
    ]
    after = min(marks) if marks else -1
    return next((t for t in candidates if t.start > after), candidates[0])


def _is_asking(token: Token, table: str) -> bool:
    """Whether a (stop) word is a question or "which" word of the tables."""
    which = resources.keys(table, "which_words")
    words = {p[0] for g in resources.grouped_phrases(table, "question_words").values() for p in g}
    return token.key in which or token.key in words


def _core(question: str, toks: Sequence[Token], table: str) -> str:
    """The question less its opener and closer (and its final punctuation)."""
    words = [t for t in toks if t.kind != "punct"]
    if not words:
        return ""
    begin, end = 0, len(words)
    opener = _surface_at(words, 0, table, "openers")
    if opener and len(words) > opener:
        begin = opener
    for phrase in _surface(table, "closers"):
        at = len(words) - len(phrase)
        if at > begin and _matches(words, at, phrase):
            end = at
            break
    if begin >= end:
        return ""
    return question[words[begin].start : words[end - 1].end]


def _topic_words(read: Question, table: str) -> list[Token]:
    """The words a question is about: content words less question words, follow-up words."""
    asked = set(resources.keys(table, "which_words"))
    for group in resources.grouped_phrases(table, "question_words").values():
        asked |= {p[0] for p in group if len(p) == 1}
    marks = {w for g in ("openers", "closers", "references") for p in _surface(table, g) for w in p}
    return [
        t
        for t in read.tokens
        if t.kind == "word"
        and len(t.text) > 1
        and not is_stopword(t)
        and t.key not in asked
        and t.lower not in marks
    ]


@lru_cache(maxsize=4096)
def _period_tokens(read: Question, table: str) -> tuple[tuple[int, int], ...]:
    """Character spans of what names a period: years, durations, relative years, period words."""
    spans = [(q.start, q.end) for q in read.quantities if q.kind in _PERIOD_KINDS]
    toks = read.tokens
    for first, last in find_phrases(toks, _relative(table)):
        spans.append((toks[first].start, toks[last].end))
    periods = resources.keys(table, TABLE, "periods")
    spans += [(t.start, t.end) for t in toks if t.kind == "word" and t.key in periods]
    return tuple(spans)


def _in_period(token: Token, read: Question, table: str) -> bool:
    return any(s <= token.start < e for s, e in _period_tokens(read, table))


def _period_span(read: Question, table: str) -> tuple[int, int] | None:
    """Where the question names its period, from its first to its last mention, with the
    preposition before it ("в 2024 году", "in 2024")."""
    spans = _period_tokens(read, table)
    if not spans:
        return None
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    before = [t for t in read.tokens if t.end <= start and t.kind != "punct"]
    if before and before[-1].kind == "word" and is_stopword(before[-1]):
        start = before[-1].start
    return start, end


def _splice(text: str, span: tuple[int, int], insert: str) -> str:
    start, end = span
    out = text[:start] + insert + text[end:]
    return out[:1].upper() + out[1:] if start == 0 else out


def _names_text(text: str, names: Sequence[Token]) -> str:
    """The previous question's names as it wrote them, quotes kept: «Сарыарка», QARMET."""
    out: list[str] = []
    for t in names:
        start, end = t.start, t.end
        if start and text[start - 1] in QUOTES and end < len(text):
            close = text.find(QUOTES[text[start - 1]], end)
            if close != -1 and close - end < 40:
                start, end = start - 1, close + 1
        piece = text[start:end]
        if not out or piece not in out[-1]:
            out.append(piece)
    return " ".join(out)


def _common_ending(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


# -- table access ------------------------------------------------------------------------------


@cache
def _surface(table: str, group: str) -> tuple[tuple[str, ...], ...]:
    """A group of ``followup_words`` as written (lower case), longest first: openers, closers
    and references are small closed words, matched as written, whatever their lemma."""
    entries = resources.raw(table)[TABLE][group]
    phrases = {tuple(e.lower().replace("ё", "е").split()) for e in entries}
    return tuple(sorted((p for p in phrases if p), key=len, reverse=True))


@cache
def _relative(table: str) -> tuple[tuple[str, ...], ...]:
    groups = resources.grouped_phrases(table, "relative_years").values()
    return tuple(sorted({p for g in groups for p in g}, key=len, reverse=True))


def _matches(words: Sequence[Token], at: int, phrase: tuple[str, ...]) -> bool:
    if at < 0 or at + len(phrase) > len(words):
        return False
    return all(words[at + j].lower == w for j, w in enumerate(phrase))


def _surface_at(words: Sequence[Token], at: int, table: str, group: str) -> int:
    """The length of the longest phrase of ``group`` at word ``at``, or 0."""
    for phrase in _surface(table, group):
        if _matches(words, at, phrase):
            return len(phrase)
    return 0
