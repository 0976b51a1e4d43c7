"""Follow-up questions without an LLM: does a question continue the conversation, and if so, what
standalone question does it ask?

**Whether it continues.** A logistic model (``followup_model.json`` beside this module, fitted
by ``benchmarks/train_followup.py``, whose provenance it carries) weighs ``FEATURES``, read
through the ``followup_words`` table of the question's language (``lang/resources``): an opener
("а …?", "and …?", "ал …"), a closer ("… ше?"), a reference to what was said (pronouns,
demonstratives: "его", "there", "олар"), a fragment with no question word of its own ("А
проката?"), how many words of its own it has, whether those are only nouns of what is measured
("На какую сумму?", "What is the total cost?"), how many of them the previous question shares,
and names (the previous question's or new ones). A first question, or one the model does not
take as a follow-up, is answered exactly as it stands.

**What it asks.** The thread keeps the last standalone question as the question it was built
from and what the thread lent it in brackets, so a thread of follow-ups rolls on:

- a fragment ("А проката?", "And tyres?", "Ал шиналар ше?") takes the last question and puts
  itself in place of what it replaces, the brackets kept: a period in place of the period ("А в
  2023 году?", in the brackets too; a bare year takes the year's place, "А 2023?" -> "в 2023
  году"), its own names in place of the last question's names, with the words that go with
  them when it has such words too ("А в индустриальной зоне «Сарань»?" after "… в СЭЗ
  «Сарыарка»?"), a phrase starting with a preposition added at the end ("А в
  промышленности?"), otherwise a word in place of the last question's word it shares the most final letters with
  (the same case ending: "чугуна" for "проката"), else the word asked about ("buses" for
  "tyres");
- a question with its own question word ("Когда его будут финансировать?", "Where are they
  from?"), or one that asks without one (a yes/no question, a request: "Is there …?", "Name one
  of them", "Есть ли …?"), or a fragment naming only what is measured ("And the cost?"), gets in brackets the
  entity it lacks, and the period when it names none and asks of the same measure (a topic word
  of the last question, or only a measure): "Когда его будут финансировать («Картех»)?". The
  entity is the last question's names, those of the report's title aside in any language and
  case, with a title word beside them (where every question is set: "Карагандинской",
  "Karaganda region", "Қарағанды"), else the phrase it asked about ("manufacturing
  enterprises", never the measured noun: "wind farm", not "capacity"); after an answer to
  "which one, who, where", the names the answer gives in its own words, else those of its
  quote beside the most words of the question ("tech hub": технохаб "Картех"); after "where",
  these beside the entity asked about, which the answer only places.

The paragraphs the last answer cited are kept in ``Resolution.cited``: the pipeline retrieves
them first for a follow-up, scored as the best it retrieved.

Left out: syntax (which word a pronoun stands for is not parsed; the entity stands in for all of
them, and the phrase asked about is its first words, not a parsed noun phrase), translating the
entity into the report's language (the retriever and the evidence model match across
languages), and any word list: those are rows of the tables.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources as importlib_resources

from ..evidence.features import name_in_title
from ..evidence.question import SHIFTS, Question, find_phrases, read_question
from ..lang import resources
from ..lang.detect import detect_language
from ..lang.lexicon import translations
from ..lang.numbers import Quantity
from ..lang.tokens import (
    QUOTES,
    Token,
    form_of,
    is_stopword,
    is_table_word,
    pos_of,
    quoted_spans,
)
from ..models import Document
from .turns import Turn

__all__ = [
    "Resolution",
    "resolve",
    "setting_of",
    "Setting",
    "FEATURES",
    "TABLE",
    "followup_probability",
]

TABLE = "followup_words"
GROUPS = (
    "openers",
    "closers",
    "references",
    "periods",
    "fragment_heads",
    "existential",
    "period_before",
    "period_after",
    "pro_forms",
    "asking_first",
    "asking_particles",
)
FEATURES = (
    "opener",
    "closer",
    "reference",
    "fragment",
    "short",
    "bare",
    "length",
    "overlap",
    "names",
    "new_names",
)
MODEL_FILE = "followup_model.json"
_SHORT = 2  # a question of at most this many words of its own is short
_PHRASE = 2  # words of the phrase a question asks about, from the word it asks about on
_LONG = 6  # the ``length`` feature counts words of its own up to this many
# the reports' titles and their languages: what every question is set in (``setting_of``)
Setting = frozenset[tuple[str, str]]
_PERIOD_KINDS = frozenset({"year", "year_range", "duration"})
_YEARS = (1900, 2100)  # a bare number in these is a year (``_bare_year``)
# pymorphy3's parts of speech of a predicate: verb, infinitive, gerund, short participle
_PREDICATES = frozenset({"VERB", "INFN", "GRND", "PRTS"})


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


def resolve(question: str, history: Sequence[Turn], setting: Setting = frozenset()) -> Resolution:
    """``question`` read against ``history`` (oldest turn first). ``setting``: the reports'
    titles with their languages (``setting_of``), which name what every question of a report is
    set in ("Карагандинской" of "Промышленное развитие Карагандинской области"), so that a name
    of them, in any language or spelling ("Karaganda", "Қарағанды"), is not the thing a
    follow-up asks about."""
    thread: _Thread | None = None
    cited: tuple[tuple[str, int], ...] = ()
    for turn in history:
        if turn.role == "user" and turn.content:
            thread = _step(turn.content, thread, setting)[1]
            cited = ()
        elif turn.role == "assistant":
            if turn.citations:
                cited = tuple(dict.fromkeys((c.document, c.paragraph) for c in turn.citations))
            if thread is not None and thread.asks_entity:
                thread = _answered_by(thread, turn, setting)
    if thread is None:  # nothing asked before: what _step would say, without reading a thread
        return Resolution(question, question, False, 0.0, cited)
    resolution, _ = _step(question, thread, setting)
    return dataclasses.replace(resolution, cited=cited)


def setting_of(documents: Sequence[Document], languages: Mapping[str, str]) -> Setting:
    """The documents' titles with their languages, for ``resolve``; ``languages`` maps each
    document's id to its language (``pipeline.document_languages``)."""
    return frozenset((d.title, languages[d.id]) for d in documents if d.title.strip())


@dataclass(frozen=True)
class _Thread:
    """What a conversation is about so far: its last standalone question, as the question it
    was built from (``base``) and what the thread lent it in brackets (``context``), the
    entity it is about (names and the phrase asked about) and the period it names, as written
    there."""

    base: str
    context: tuple[str, ...]
    entity: str
    period: str
    asks_entity: bool = False  # it asks which one, who or where: the answer is the entity

    @property
    def standalone(self) -> str:
        return _compose(self.base, self.context)

    @property
    def language(self) -> str:
        return detect_language(self.standalone)


def _compose(base: str, context: Sequence[str]) -> str:
    text = base.rstrip().rstrip("?!.").rstrip()
    text = text[:1].upper() + text[1:]
    return f"{text} ({', '.join(context)})?" if context else f"{text}?"


@lru_cache(maxsize=4096)
def _step(
    question: str, thread: _Thread | None, setting: Setting = frozenset()
) -> tuple[Resolution, _Thread]:
    """One question read against the thread so far, and the thread after it. Cached: every
    question of a conversation rereads the turns before it, which then cost nothing."""
    # a fragment may have no word of its language ("Ал инвестиция?"): the thread's is kept
    language = detect_language(question, prior=thread.language if thread else None)
    table = language if language in resources.LANGUAGES else "ru"
    whole = _read(question, language)
    if thread is None:
        return Resolution(question, question, False, 0.0), _start(whole, table, setting)
    if _about_document(whole, table):
        # "who published it?", "откуда эти данные?": on the document, not on what the thread is
        # about, which goes on after it
        return Resolution(question, question, False, 0.0), thread
    core = _core(question, whole.tokens, table)
    read = _read(core, language) if core else whole
    prior = _read(thread.standalone, thread.language)
    features = _features(whole, read, prior, core != question.rstrip("?!. "), table)
    probability = followup_probability(features)
    if probability < _threshold():
        return Resolution(question, question, False, probability, (), features), _start(
            whole, table, setting
        )
    if features["fragment"] and not _measured_only(read, table):
        after = _fragment(core, read, thread, table, language, setting)
    else:
        base = core or question
        own = _period_span(read, table)
        after = _Thread(
            base,
            _context(read, thread, table, setting),
            _entity(read, table, setting) if _named(read, setting) else thread.entity,
            read.text[own[0] : own[1]] if own else thread.period,
        )
    return Resolution(question, after.standalone, True, probability, (), features), after


def _start(read: Question, table: str, setting: Setting = frozenset()) -> _Thread:
    span = _period_span(read, table)
    period = read.text[span[0] : span[1]] if span else ""
    if _about_document(read, table):
        # a thread opened on the document or its source is about no entity of its own, and its
        # answer names the outlet, which the talk is not about
        return _Thread(read.text, (), "", period, False)
    return _Thread(read.text, (), _entity(read, table, setting), period, _asks_entity(read, table))


def _about_document(read: Question, table: str) -> bool:
    """Whether a question names the document itself or its source (the ``document_words`` and
    ``source_words`` tables: "эта статья", "who published", "қай басылым")."""
    words = resources.keys(table, "document_words") | resources.keys(table, "source_words")
    return any(t.key in words for t in read.tokens if t.kind == "word")


def _asks_entity(read: Question, table: str) -> bool:
    """Whether a question asks which one, who or where, so that the answer names what the thread
    is about next: an agent or place question, or a "which" word before a noun that is not a
    measure ("which company", "қай зауыт"; not "what does", "какой объём")."""
    if read.kind in ("agent", "place"):
        return True
    if read.kind != "other":
        return False
    measured = _which_nouns(table)
    for _, last in find_phrases(read.tokens, resources.phrases(table, "which_words")):
        following = next((t for t in read.tokens[last + 1 :] if t.kind != "punct"), None)
        if following is not None and following.kind == "word" and not is_stopword(following):
            if following.key not in measured:
                return True
    return False


_MAX_ANSWER_NAMES = 4


def _answered_by(thread: _Thread, turn: Turn, setting: Setting = frozenset()) -> _Thread:
    """The thread after an answer to "which one, who, where": the names the answer gives that
    the question did not have are what "they", "it", "there" refer to next (after "where",
    with what the question asked the place of: the answer places it). Those it states in
    its own words (outside its quotes: the short answer) when it states any, else those of its
    first quote, and of these the ones beside a word of the question ("технохаб "Картех"" for
    "which tech hub?", not the "Совет" of the same sentence) when there are such; never a name
    of the setting ("Карагандинской" of the quote, as the question's own names, ``_named``)."""
    asked = _read(thread.standalone)
    known = {t.key for t in asked.tokens}
    for text in (_unquoted(turn.content), " ".join(c.quote for c in turn.citations[:1])):
        read = _read(text) if text.strip() else None
        names = [t for t in _named(read, setting) if t.key not in known] if read is not None else []
        if names and read is not None:
            near = _beside_asked(read, names, asked)
            chosen = (near or names)[:_MAX_ANSWER_NAMES]
            entity = _names_text(text, chosen)
            if asked.kind == "place" and thread.entity:
                # "where will the centre be?" "In Saran.": "it" is still the centre, "there"
                # is Saran; both go on
                entity = f"{thread.entity}, {entity}"
            return dataclasses.replace(thread, entity=entity, asks_entity=False)
    return thread


_BESIDE = 2  # words between a name and the question's word it goes with


def _beside_asked(read: Question, names: list[Token], asked: Question) -> list[Token]:
    """The ``names`` of an answer beside the most words of the question (within ``_BESIDE``
    words), a word matched by key, or by a translation into the answer's language, or as the
    head of a compound ("hub": "технохаб"); none when no name is beside any."""
    words = [t for t in read.tokens if t.kind == "word"]
    at = {t.start: i for i, t in enumerate(words)}
    meanings = []
    for t in asked.words:
        lang = t.language or asked.language
        meanings.append({t.key} | set(translations(lang, read.language).get(t.key, frozenset())))

    def matches(word: Token, keys: set[str]) -> bool:
        return word.key in keys or any(len(k) >= 3 and word.key.endswith(k) for k in keys)

    def beside(name: Token) -> int:
        i = at.get(name.start)
        if i is None:
            return 0
        around = words[max(0, i - _BESIDE) : i + _BESIDE + 1]
        return sum(any(matches(w, keys) for w in around if w is not name) for keys in meanings)

    counts = [beside(n) for n in names]
    best = max(counts, default=0)
    return [n for n, c in zip(names, counts) if c == best] if best else []


def _unquoted(text: str) -> str:
    """``text`` less what it quotes (an answer's quotes of the report) and its markers [n]."""
    spans = quoted_spans(text, max_chars=None)
    out, at = [], 0
    for start, end in spans:
        out.append(text[at : max(at, start - 1)])
        at = end + 1
    out.append(text[at:])
    return " ".join("".join(out).replace("[", " ").replace("]", " ").split())


def _named(read: Question, setting: Setting) -> list[Token]:
    """The question's names other than those of the setting: a name that a title names, as the
    evidence model reads it (``name_in_title``: the same spelling key, or its first letters)."""
    return [t for t in read.names if not _in_setting(t, setting)]


def _entity(read: Question, table: str, setting: Setting = frozenset()) -> str:
    """What a question is about: its names, else the phrase it asks about ("manufacturing
    enterprises"). With names, that phrase is mostly what is counted or measured of them
    ("участников" of «Сарыарка»), which a follow-up asks again of the same names."""
    names = _named(read, setting)
    if names:
        return _names_text(read.text, names)
    focus = _focus(read, table, setting)
    if focus is None:
        return ""
    replaceable = _replaceable(read, table)
    words = [t for t in replaceable if not _is_predicate(t, read, table)]
    run = _run_around(read, words if focus in words else replaceable, focus)
    at = run.index(focus)
    if _asked_before(read, focus, table) and at:
        run = run[max(0, at + 1 - _PHRASE) : at + 1]  # "Картех технохабы қашан …"
    else:
        run = run[at : at + _PHRASE]  # its head follows it: "manufacturing enterprises"
    return read.text[run[0].start : run[-1].end]


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


def _threshold() -> float:
    """The probability from which a question is read as a follow-up (chosen with the fit)."""
    return float(_model().get("threshold", 0.5))  # type: ignore[arg-type]


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
    # a reference word inside a relative year ("this year") or an existential phrase ("are
    # there") refers to nothing said before
    idle = {
        i
        for first, last in find_phrases(toks, _relative(table))
        + _surface_spans(toks, table, "existential")
        for i in range(first, last + 1)
    }
    references = {w for p in _surface(table, "references") for w in p}
    reference = any(
        t.lower in references for i, t in enumerate(toks) if t.kind == "word" and i not in idle
    )
    own = [t for t in _topic_words(read, table) if not _in_period(t, read, table)]
    prior_keys = {t.key for t in _topic_words(prior, table)} | {t.key for t in prior.names}
    overlap = sum(t.key in prior_keys for t in own) / len(own) if own else 0.0
    new_names = any(t.key not in prior_keys for t in read.names)
    measured = _which_nouns(table)
    return {
        "opener": float(opener),
        "closer": float(closer),
        "reference": float(reference),
        "fragment": float(_is_fragment(read, table) and (marked or len(own) <= _SHORT)),
        "short": float(len(own) <= _SHORT),
        "bare": float(all(t.key in measured for t in own)),  # "На какую сумму?", "Who?"
        "length": min(len(own), _LONG) / _LONG,
        "overlap": overlap,
        "names": float(bool(read.names)),
        "new_names": float(new_names),
    }


def _measured_only(read: Question, table: str) -> bool:
    """Whether a question's own words are all nouns of what is measured ("And the cost?"): a
    fragment that names no word of the last question to replace, so the thread is added to it
    in brackets instead."""
    own = [t for t in _topic_words(read, table) if not _in_period(t, read, table)]
    measured = _which_nouns(table)
    return bool(own) and all(t.key in measured for t in own)


def _is_fragment(read: Question, table: str) -> bool:
    """No question word of its own: neither a kind, nor why, nor a "which" word, nor one of the
    ``other`` group of ``question_words`` ("Что ещё нашли?", "How big is it?"), nor what asks
    without one (``asking_first`` opening it: "Is there …?", "Name one of them"; a word of
    ``asking_particles`` anywhere: "Есть ли …?", "… бар ма?")."""
    which = find_phrases(read.tokens, resources.phrases(table, "which_words"))
    other = find_phrases(read.tokens, resources.phrases(table, "question_words", "other"))
    words = [t for t in read.tokens if t.kind != "punct"]
    asking = bool(words) and bool(_surface_at(words, 0, table, "asking_first"))
    asking = asking or any(t.lower in _surface_words(table, "asking_particles") for t in words)
    return read.kind == "other" and not read.why and not which and not other and not asking


# -- completing the question ---------------------------------------------------------------------


def _fragment(
    core: str,
    read: Question,
    thread: _Thread,
    table: str,
    language: str,
    setting: Setting = frozenset(),
) -> _Thread:
    """The thread's question with the fragment put in place of what it replaces (its brackets
    kept), and the fragment as the period when it names one."""
    base = thread.base.rstrip().rstrip("?!.").rstrip()
    prior = _read(base)
    context = thread.context
    if not core:
        return dataclasses.replace(thread, base=base)
    core = _inside(core, language)
    if _period_tokens(read, table):
        core = _as_period(core, read, thread.period, table)
        if thread.period and thread.period in base:
            at = base.rindex(thread.period)
            base = _splice(base, (at, at + len(thread.period)), core)
        elif thread.period and thread.period in context:
            context = tuple(core if c == thread.period else c for c in context)
        else:
            span = _period_span(prior, table)
            base = _splice(base, span, core) if span else f"{base} {core}"
        return _Thread(base, context, thread.entity, core)
    first = next((t for t in read.tokens if t.kind != "punct"), None)
    candidates = _replaceable(prior, table)
    modifier = _pro_form_modifier(core, read, table)
    named = None if modifier else _names_run(prior, read, candidates, first, table, setting)
    if named is not None:  # "А «Сарань»?" after "… в СЭЗ «Сарыарка»?": its names for those
        base = _splice(base, named, core)
    elif (
        first is not None and first.kind == "word" and _is_adjunct(first, table)
    ) or not candidates:
        base = f"{base} {core}"  # "в промышленности": an adjunct, added
    else:
        asked = _focus(prior, table)
        mine = [t.lower for t in _topic_words(read, table)] or [
            t.lower for t in read.tokens if t.kind == "word"
        ]

        forms = _forms(read)

        def rank(t: Token) -> tuple[bool, int, bool, int]:
            ending = max((_common_ending(t.lower, w) for w in mine), default=0)
            agrees = t.language == "ru" and form_of(t.text) in forms
            return agrees, ending, asked is not None and t.start == asked.start, -t.start

        if modifier is not None and asked is not None:
            # "the Turkish one" after "Which US company …?": the words before the noun asked
            # about give way to the fragment's ("Which Turkish company …?")
            first, head, asking = _noun_phrase(prior, candidates, asked, table)
            if first is not head or asking:
                base = _splice(base, (first.start, head.start), f"{modifier} ")
            else:  # "How many of them are large?": "small ones" stands for "large"
                base = _splice(base, (head.start, head.end), modifier)
        else:
            target = max(candidates, key=rank)
            run = _stood_for(_run_around(prior, candidates, target), target, forms)
            base = _splice(base, (run[0].start, run[-1].end), core)
    done = _read(base, language)
    return _Thread(base, context, _entity(done, table, setting) or thread.entity, thread.period)


def _inside(core: str, language: str) -> str:
    """The fragment as it reads inside the thread's question: its first word lower-cased when
    it is a common word, not a name ("Проката?" gives "… производство проката", "Tyres?" "How
    many tyres …"; "Темиртау?", "Hyundai?" and "«Сарань»" stay as they are). An English word is
    common when the language's tables know it (``tokens.is_common_word`` takes any English word
    for one)."""
    read = _read(core, language)
    first = next((t for t in read.tokens if t.kind != "punct"), None)
    if (
        first is None
        or first.kind != "word"
        or not first.text[:1].isupper()
        or first.text.isupper()
        or any(n.start == first.start for n in read.names)
        or (first.language == "en" and not is_table_word(first, "en"))
    ):
        return core
    return core[: first.start] + first.text[:1].lower() + core[first.start + 1 :]


def _names_run(
    prior: Question,
    read: Question,
    candidates: list[Token],
    first: Token | None,
    table: str,
    setting: Setting,
) -> tuple[int, int] | None:
    """Where in the last question a fragment that names its own names goes: the last
    question's first names (the setting's aside) with their quote marks, and, when the fragment
    has words besides its names, the replaceable words next to them that say nothing happens
    ("СЭЗ «Сарыарка»", "«Сарыарка» арнайы экономикалық аймағында"; "And QARMET?" after "What
    did Samsung launch …?" takes the name's place alone), with the stop word before them when
    the fragment starts with one too ("в СЭЗ «Сарыарка»" for "в индустриальной зоне «Сарань»",
    "the Saryarka SEZ" for "the Saran industrial zone"). None when either names none."""
    mine = _named(read, setting)
    names = _named(prior, setting) if mine else []
    if not names:
        return None
    own = {t.start for t in mine}
    described = any(t.start not in own for t in _topic_words(read, table))
    nouns = [t for t in candidates if not _is_predicate(t, prior, table)] if described else []
    run = _run_around(prior, [*nouns, *names], names[0])
    words = [t for t in prior.tokens if t.kind != "punct"]
    begin = next(i for i, t in enumerate(words) if t.start == run[0].start)
    leading = first is not None and first.kind == "word" and is_stopword(first)
    if leading and begin > 0 and is_stopword(words[begin - 1]):
        begin -= 1
    return _with_quotes(prior.text, words[begin].start, run[-1].end)


def _pro_form_modifier(core: str, read: Question, table: str) -> str | None:
    """The words a fragment ending in a pro-form (``pro_forms``: "the Turkish one", "the
    small ones") gives the noun it stands for, less the articles and determiners before them
    (``fragment_heads``): "Turkish". None for a fragment without one, or with nothing else."""
    words = [t for t in read.tokens if t.kind == "word"]
    if not words or words[-1].lower not in _surface_words(table, "pro_forms"):
        return None
    heads = _surface_words(table, "fragment_heads")
    first = next((i for i, t in enumerate(words[:-1]) if t.lower not in heads), None)
    if first is None:
        return None
    return core[words[first].start : words[-2].end]


def _noun_phrase(
    read: Question, candidates: list[Token], asked: Token, table: str
) -> tuple[Token, Token, bool]:
    """The first word and the head of the noun phrase of the word a question asks about: the
    replaceable words around it, the last of them the head, and the content words right before
    them that ask nothing ("US" of "Which US company", "large" of "How many large
    enterprises"); and whether a word of a question phrase comes right before it ("many" of
    "How many enterprises"), so that the phrase is the noun asked about."""
    run = _run_around(read, candidates, asked)
    words = [t for t in read.tokens if t.kind != "punct"]
    at = next(i for i, t in enumerate(words) if t.start == run[0].start)
    while (
        at > 0
        and words[at - 1].kind == "word"
        and not is_stopword(words[at - 1])
        and not _is_asking(words[at - 1], table)
    ):
        at -= 1
    asking = at > 0 and words[at - 1].lower in _question_phrase_words(table)
    return words[at], run[-1], asking


@cache
def _question_phrase_words(table: str) -> frozenset[str]:
    """Every word of the question and "which" phrases of the tables, as written ("how",
    "many", "which")."""
    raw = resources.raw(table)
    entries = [e for group in raw["question_words"].values() for e in group]
    entries += list(raw["which_words"])
    return frozenset(w for e in entries for w in e.lower().replace("ё", "е").split())


def _is_adjunct(token: Token, table: str) -> bool:
    """Whether a fragment's first word opens an adjunct to add ("в промышленности", "in
    industry"): a stop word that is not an article or determiner of the ``fragment_heads``
    row ("the second", "its cost" stand in for a word)."""
    return is_stopword(token) and token.lower not in _surface_words(table, "fragment_heads")


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


def _forms(fragment: Question) -> frozenset[tuple[str, str | None]]:
    """The part of speech and case of each Russian content word of a fragment ("бытовой
    техники": an adjective and a noun in the genitive); empty when one of its words is not
    Russian or has no parse, for ``pymorphy3`` reads Russian forms only."""
    mine = [t for t in fragment.tokens if t.kind == "word" and not is_stopword(t)]
    forms = [form_of(t.text) if t.language == "ru" else None for t in mine]
    return frozenset(f for f in forms if f) if mine and None not in forms else frozenset()


def _stood_for(
    run: list[Token], target: Token, forms: frozenset[tuple[str, str | None]]
) -> list[Token]:
    """The words of ``run`` a fragment stands in for: ``target`` and its neighbours that have
    the part of speech and case of one of the fragment's words (``forms``): "крупных" stands in
    for "производственных" of "производственных предприятий", not for the noun; "бытовой
    техники" for "шин" of "шин выпустили". The whole run when the forms are unknown (a word that
    is not Russian) or the target has none of them."""
    if not forms or any(t.language != "ru" for t in run) or form_of(target.text) not in forms:
        return run
    at = next(i for i, t in enumerate(run) if t.start == target.start)
    first = last = at
    while first > 0 and form_of(run[first - 1].text) in forms:
        first -= 1
    while last + 1 < len(run) and form_of(run[last + 1].text) in forms:
        last += 1
    return run[first : last + 1]


def _context(
    read: Question, thread: _Thread, table: str, setting: Setting = frozenset()
) -> tuple[str, ...]:
    """What a question of its own lacks of the thread, to add in brackets: the entity, and the
    period when it asks of the same measure (``_same_measure``)."""
    context: list[str] = []
    keys = {t.key for t in read.tokens}
    if not _named(read, setting) and thread.entity:
        entity_keys = {t.key for t in _read(thread.entity).tokens if t.kind == "word"}
        if not entity_keys <= keys:
            context.append(thread.entity)
    if thread.period and not _period_tokens(read, table) and _same_measure(read, thread, table):
        context.append(thread.period)
    return tuple(context)


def _same_measure(read: Question, thread: _Thread, table: str) -> bool:
    """Whether a question asks of what the thread's question measured, so that its period holds
    for it too: it shares a topic word with it ("А сколько из них крупных?") or names only a
    measure ("На какую сумму?"). A question of another thing ("Насколько выросло производство
    стали?" after "Сколько вложат в QARMET до 2028 года?") is not set in that period."""
    own = [t for t in _topic_words(read, table) if not _in_period(t, read, table)]
    prior = {t.key for t in _topic_words(_read(thread.standalone), table)}
    measured = _which_nouns(table)
    return any(t.key in prior for t in own) or all(t.key in measured for t in own)


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


def _focus(read: Question, table: str, setting: Setting = frozenset()) -> Token | None:
    """The word a question asks about: the first replaceable word after its question word
    ("Сколько вузов", "which companies"), else, when the question word ends the question (a
    Kazakh "… өнім көлемі қанша?"), the last one before it; a name of the setting
    ("Karaganda") only when there is no other."""
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
    measured = _which_nouns(table)
    ranked = [t for t in candidates if t.key not in measured] or candidates
    ranked = [t for t in ranked if not _is_predicate(t, read, table)] or ranked
    named = _setting_words(read, setting)
    ranked = [t for t in ranked if t.start not in named] or ranked
    following = [t for t in ranked if t.start > after]
    return following[0] if following else ranked[-1]


def _asked_before(read: Question, focus: Token, table: str) -> bool:
    """Whether the word asked about comes before every question word ("Картех технохабы қашан
    ашылады?"): then its phrase ends with it, as a Kazakh head ends its phrase."""
    return not any(
        t.start < focus.start for t in read.tokens if t.kind == "word" and _is_asking(t, table)
    )


def _in_setting(token: Token, setting: Setting) -> bool:
    return any(name_in_title(token.text, _title_names(title), lang) for title, lang in setting)


def _setting_words(read: Question, setting: Setting) -> frozenset[int]:
    """The offsets of a question's words that name its setting: a name of a title
    (``_in_setting``: "Karaganda", "karaganda", "Қарағанды"), and a word beside it that is a word
    of that title or translates to one ("region" of "Karaganda region", for "Карагандинской
    области")."""
    words = [t for t in read.tokens if t.kind == "word"]
    named = {i for i, t in enumerate(words) if len(t.text) > 2 and _in_setting(t, setting)}
    out = {words[i].start for i in named}
    for i in named:
        for j in (i - 1, i + 1):
            if 0 <= j < len(words) and j not in named and _of_titles(words[j], setting):
                out.add(words[j].start)
    return frozenset(out)


def _of_titles(token: Token, setting: Setting) -> bool:
    """Whether a word is a word of a title, or translates to one."""
    for title, lang in setting:
        keys = _title_keys(title, lang)
        mine = {token.key} | set(translations(token.language or lang, lang).get(token.key, ()))
        if keys & mine:
            return True
    return False


@lru_cache(maxsize=64)
def _title_names(title: str) -> str:
    """The names of a title: its words past the first that start with a capital
    ("Карагандинской" of "Промышленное развитие Карагандинской области")."""
    return " ".join(w for w in title.split()[1:] if w[:1].isupper())


@lru_cache(maxsize=64)
def _title_keys(title: str, language: str) -> frozenset[str]:
    return frozenset(t.key for t in read_question(title, language).tokens if t.kind == "word")


def _is_predicate(token: Token, read: Question, table: str) -> bool:
    """Whether a word says what happens rather than what the question is about ("Когда
    откроется технохаб?"): a verb form by ``pymorphy3`` for a Russian word, or, in a language
    whose clauses end with their verb (``predicate_last`` of its table: Kazakh, "Картех
    технохабы қашан ашылады?"), the question's last word before its particles, unless that is
    a stop word ("облыста қанша колледж бар?")."""
    if token.language == "ru":
        return pos_of(token.lower) in _PREDICATES
    last = resources.raw(table).get("predicate_last")
    if last is None:
        return False
    particles = {p.lower() for p in last["after"]}
    words = [t for t in read.tokens if t.kind == "word" and t.lower not in particles]
    return bool(words) and token.start == words[-1].start and not is_stopword(words[-1])


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
    start, stop = _with_quotes(question, words[begin].start, words[end - 1].end)
    return question[start:stop]


def _with_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """The span ``start:end`` of ``text`` with the quote marks right around it (``QUOTES``):
    "«Сарань»" of "Ал «Сарань» ше?", not "Сарань»"."""
    opening, closing = set(QUOTES), set(QUOTES.values())
    while start > 0 and text[start - 1] in opening:
        start -= 1
    while end < len(text) and text[end] in closing:
        end += 1
    return start, end


def _topic_words(read: Question, table: str) -> list[Token]:
    """The words a question is about: content words less question words, follow-up words."""
    asked = set(resources.keys(table, "which_words"))
    for group in resources.grouped_phrases(table, "question_words").values():
        asked |= {p[0] for p in group if len(p) == 1}
    marks = {w for g in ("openers", "closers", "references") for p in _surface(table, g) for w in p}
    toks = read.tokens
    phrases = [p for g in resources.grouped_phrases(table, "question_words").values() for p in g]
    spans = find_phrases(toks, tuple(sorted(phrases, key=len, reverse=True)))
    inside = {toks[i].start for first, last in spans for i in range(first, last + 1)}
    return [
        t
        for t in toks
        if t.kind == "word"
        and t.start not in inside
        and len(t.text) > 1
        and not is_stopword(t)
        and t.key not in asked
        and t.lower not in marks
    ]


@lru_cache(maxsize=4096)
def _period_tokens(read: Question, table: str) -> tuple[tuple[int, int], ...]:
    """Character spans of what names a period: years, durations, relative years, period words."""
    spans = [(q.start, q.end) for q in read.quantities if q.kind in _PERIOD_KINDS or _bare_year(q)]
    toks = read.tokens
    for first, last in find_phrases(toks, _relative(table)):
        spans.append((toks[first].start, toks[last].end))
    periods = resources.keys(table, TABLE, "periods")
    spans += [(t.start, t.end) for t in toks if t.kind == "word" and t.key in periods]
    return tuple(spans)


def _as_period(core: str, read: Question, period: str, table: str) -> str:
    """A fragment that is a bare year ("А 2023?") as the thread's period with that year in it
    ("в 2024 году" -> "в 2023 году"); one that names the year before another ("the year before",
    "годом ранее": the ``before`` group of ``relative_years``) as the thread's period a year
    earlier; any other fragment as it is."""
    if not period:
        return core
    years = [q.text for q in read.quantities if _bare_year(q)]
    words = [t for t in read.tokens if t.kind == "word"]
    before = resources.grouped_phrases(table, "relative_years").get("before", ())
    earlier = not years and bool(find_phrases(read.tokens, before))
    if not earlier and (len(years) != 1 or words):
        return core
    for q in _read(period).quantities:
        digits = next((i for i in range(len(q.text) - 3) if q.text[i : i + 4].isdigit()), None)
        if q.kind in ("year", "number") and digits is not None:
            at = q.start + digits
            year = str(int(q.text[digits : digits + 4]) - 1) if earlier else years[0]
            return period[:at] + year + period[at + 4 :]
    return core


def _bare_year(q: Quantity) -> bool:
    """A number of four digits that counts nothing, in the years a report speaks of: a period
    in a follow-up ("А 2023?", "what about 2025"), where no year word follows it."""
    return (
        q.kind == "number"
        and q.noun is None
        and q.unit is None
        and len(q.text) == 4
        and q.text.isdigit()
        and _YEARS[0] <= q.value <= _YEARS[1]
    )


def _in_period(token: Token, read: Question, table: str) -> bool:
    return any(s <= token.start < e for s, e in _period_tokens(read, table))


def _period_span(read: Question, table: str) -> tuple[int, int] | None:
    """Where the question names its period, from its first to its last mention, with the
    preposition before it or the postposition after it (the ``period_before`` and
    ``period_after`` rows: "в 2024 году", "in 2024", "2028 жылға дейін")."""
    spans = _period_tokens(read, table)
    if not spans:
        return None
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    words = [t for t in read.tokens if t.kind != "punct"]
    before = [t for t in words if t.end <= start]
    for phrase in _surface(table, "period_before"):
        if len(before) >= len(phrase) and _matches(before, len(before) - len(phrase), phrase):
            start = before[len(before) - len(phrase)].start
            break
    after = [t for t in words if t.start >= end]
    for phrase in _surface(table, "period_after"):
        if _matches(after, 0, phrase):
            end = after[len(phrase) - 1].end
            break
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
def _surface_words(table: str, group: str) -> frozenset[str]:
    return frozenset(w for p in _surface(table, group) for w in p)


@cache
def _which_nouns(table: str) -> frozenset[str]:
    """The nouns a "which" question measures by ("capacity", "объём"): what is asked, not
    what it is asked about."""
    groups = resources.grouped_phrases(table, "which_nouns")
    measured = (groups.get(kind, ()) for kind in ("quantity", "date"))
    return frozenset(p[0] for g in measured for p in g if len(p) == 1)


@cache
def _relative(table: str) -> tuple[tuple[str, ...], ...]:
    groups = resources.grouped_phrases(table, "relative_years")
    named = (groups.get(group, ()) for group, _ in SHIFTS)
    return tuple(sorted({p for g in named for p in g}, key=len, reverse=True))


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


def _surface_spans(toks: Sequence[Token], table: str, group: str) -> list[tuple[int, int]]:
    """Where the phrases of a ``followup_words`` group occur (as written, longest first at each
    word, ``_surface_at``): (first, last) indexes into ``toks``."""
    positions = [i for i, t in enumerate(toks) if t.kind != "punct"]
    words = [toks[i] for i in positions]
    found = []
    for at in range(len(words)):
        if n := _surface_at(words, at, table, group):
            found.append((positions[at], positions[at + n - 1]))
    return found
