"""The extractive answerer and the evidence layer under it.

Mechanisms first, on a small report written here and indexed with the fake embedder (fast and
exact): the features a candidate sentence gets for what the question asks and presumes, the
fitted model (its file checked against the features, its probabilities), the answerer's
threshold, its citations and its short answer, and their JSON. Then the real model on the
shipped report: citations, framing and refusals that users see.

Accuracy over the question sets of ``../shared/eval`` is a benchmark figure
(``reportqa eval``, ``benchmarks/bench_answers.py``), not a test here.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from reportqa import ReportQA, ReportQAError, answer_to_dict
from reportqa.answer.extractive import ExtractiveAnswerer
from reportqa.answer.short import _dates, _listed, _unasked_end, short_answer
from reportqa.evidence.features import (
    FEATURES,
    NOT_MEASURED,
    Candidate,
    expected_best,
    lent_span,
    own_words,
)
from reportqa.evidence.model import EvidenceModel, load_model, load_pinned_model, load_ranker
from reportqa.evidence.question import read_question
from reportqa.index.corpus import document_sources
from reportqa.lang.detect import detect_language
from reportqa.lang.numbers import parse_quantities
from reportqa.lang.tokens import tokens
from reportqa.models import Document
from reportqa.retrieval import HybridSearcher

from .conftest import KAMENSK, FakeEmbedder, fake_index


@dataclass
class Small:
    """The small report indexed with the fake embedder, and an answerer over it."""

    document: Document
    searcher: HybridSearcher
    answerer: ExtractiveAnswerer

    def evidence(self, question: str, k: int = 5) -> list[Candidate]:
        return self.answerer.evidence(question, self.searcher.search(question, k=k))

    def sentence(self, question: str, starts: str) -> Candidate:
        """The candidate sentence starting with ``starts``, as evidence for ``question``."""
        found = [c for c in self.evidence(question) if c.sentence.text.startswith(starts)]
        assert len(found) == 1, [c.sentence.text for c in self.evidence(question)]
        return found[0]

    def answerer_at(self, min_confidence: float) -> ExtractiveAnswerer:
        return ExtractiveAnswerer(self.searcher, [self.document], min_confidence)


def indexed(
    tmp_path: Path,
    text: str = KAMENSK,
    name: str = "kamensk.txt",
    meta: dict[str, str] | None = None,
) -> Small:
    """``text`` (with ``meta``, its metadata) indexed with the fake embedder under
    ``tmp_path``, and an answerer over it."""
    documents, data, embedder = fake_index(
        tmp_path / "corpus", tmp_path / "small-index", text, name=name, meta=meta
    )
    searcher = HybridSearcher(
        data,
        embedder,
        dense_weight=0.3,
        sentence_weight=0.3,
        sources=document_sources(documents),
    )
    return Small(documents[0], searcher, ExtractiveAnswerer(searcher, documents))


@pytest.fixture
def small(tmp_path: Path) -> Small:
    return indexed(tmp_path)


# --- features: what is asked, and what it presumes ------------------------------------------------


def test_every_candidate_carries_the_features_in_the_models_order(small: Small) -> None:
    candidates = small.evidence("Сколько шин произвели?")
    assert len(candidates) == 7  # every sentence of the five passages, once
    for c in candidates:
        assert c.features.shape == (len(FEATURES),)
        assert [c.feature(name) for name in FEATURES] == list(c.features)
    probabilities = [c.probability for c in candidates]
    assert probabilities == sorted(probabilities, reverse=True)


def test_the_words_a_thread_lent_a_follow_up_are_features_apart(small: Small) -> None:
    """The brackets that end a completed follow-up hold what the thread lent it: their share of
    the question's weight is ``lent``, and ``own_coverage`` is the coverage of the rest, so a
    sentence that answers what the user typed is not judged by the lent words alone."""
    completed = "Когда его будут финансировать («Картех»)?"
    start, end = lent_span(completed)
    assert completed[start:end] == "«Картех»"
    assert lent_span("Сколько шин (автомобильных) произвели?") == (0, 0)
    assert lent_span("(Шины) сколько?") == (0, 0)
    plain = small.evidence("Сколько шин произвели?")
    assert all(c.feature("lent") == 0 for c in plain)
    assert all(c.feature("own_coverage") == c.feature("coverage") for c in plain)
    lent = small.evidence("Сколько шин произвели (Тау-Кен Темир)?")
    assert all(0 < c.feature("lent") < 1 for c in lent)
    best = max(lent, key=lambda c: c.feature("own_coverage"))
    assert best.feature("own_coverage") > best.feature("coverage")


def test_a_how_many_question_asks_for_an_amount(small: Small) -> None:
    question = "Сколько шин произвели?"
    figures = small.sentence(question, "В 2024 году завод")
    assert figures.feature("kind_quantity") == 1.0
    assert figures.feature("has_kind") == 1.0
    year_only = small.sentence(question, "Специальная экономическая зона")
    assert year_only.feature("kind_quantity") == 1.0
    assert year_only.feature("has_kind") == 0.0  # a year is not an amount
    assert year_only.feature("has_kind_passage") == 1.0  # but its passage counts 24 participants
    other = small.sentence("Что произвёл завод?", "В 2024 году завод")
    assert other.feature("kind_quantity") == other.feature("has_kind") == 0.0


@pytest.mark.parametrize(
    "question, before",
    [
        ("What is the capacity of the wind power station?", 0.667),
        ("Жел электр станциясының қуаты қандай?", 0.333),
    ],
)
def test_a_translation_may_be_the_head_of_a_compound(
    tmp_path: Path, question: str, before: float
) -> None:
    """What English and Kazakh write in several words Russian may write in one: "station" and
    "станция" are held by "ветроэлектростанции" as its head (as a prefix is held), where the
    sentence held only the words the lexicon translates to the whole compound (``before``)."""
    text = (
        "Ветроэнергетика\n\nВ этом году завершится строительство ветроэлектростанции "
        "мощностью 150 МВт. Завод выпустил 372 тысячи шин.\n"
    )
    found = {
        c.sentence.text[:10]: c.feature("coverage")
        for c in indexed(tmp_path, text).evidence(question, 3)
    }
    assert found["В этом год"] > before + 0.15
    assert found["Завод выпу"] == 0.0


def test_a_year_the_sentence_contradicts_is_a_year_conflict(small: Small) -> None:
    asked = small.sentence("Сколько шин произвели в 2022 году?", "В 2024 году завод")
    assert asked.feature("year_conflict") == 1.0 and asked.feature("year_match") == 0.0
    stated = small.sentence("Сколько шин произвели в 2024 году?", "В 2024 году завод")
    assert stated.feature("year_match") == 1.0 and stated.feature("year_conflict") == 0.0
    # a sentence without a year is held to its passage's years, at half the weight
    near = small.sentence("Сколько чугуна выпустили в 2022 году?", "Выпуск чугуна")
    assert near.feature("year_conflict") == 0.5
    # and the conflict costs probability: the same sentence, the year asked changed
    assert asked.probability < stated.probability


@pytest.mark.parametrize(
    "question, share",
    [
        ("Сколько шин произвели?", 0.0),  # both words are the report's ("произвёл")
        ("Сколько стоит билет в кино?", 1.0),  # none of them in any form
        # "бабки" (money) and "вложили" are in no form in this small report; "зону", "Сарань" are
        ("Сколько бабок вложили в зону «Сарань»?", 0.5),
        ("How many tyres were made?", 0.0),  # translated: "шина", "произвести" ("произвёл")
        ("How many cinema tickets were sold?", 1.0),
    ],
)
def test_unknown_words_are_the_share_the_corpus_has_in_no_form(
    small: Small, question: str, share: float
) -> None:
    candidates = small.evidence(question)
    assert {c.feature("unknown_words") for c in candidates} == {share}


def test_a_sentence_about_another_named_zone_is_a_name_conflict(small: Small) -> None:
    # "В ней" follows the zone named in the sentence before it: «Сарыарка», not «Сарань» (which
    # the report names elsewhere)
    other = small.sentence("Сколько участников в зоне «Сарань»?", "В ней")
    assert other.feature("name_conflict") == 1.0
    assert other.feature("name_absent") == 1.0  # not in this passage
    # a name the report never uses cannot be another thing's: it is only absent
    unknown = small.sentence("Сколько участников в зоне «Экибастуз»?", "В ней")
    assert unknown.feature("name_conflict") == 0.0
    assert unknown.feature("name_absent") == 1.0
    same = small.sentence("Сколько участников в зоне «Сарыарка»?", "В ней")
    assert same.feature("name_conflict") == 0.0
    assert same.feature("name_in_passage") == 1.0 and same.feature("name_in_sentence") == 0.0
    assert other.probability < same.probability


@pytest.mark.parametrize(
    "question",
    [
        "Сколько шин произвели в Карагандинской области?",
        "How many tyres were made in the Karaganda region?",
    ],
)
def test_a_name_of_the_documents_title_is_in_every_passage(tmp_path: Path, question: str) -> None:
    """A report on a region does not repeat the region in each sentence: a name its title holds,
    in any script or derived form ("Karaganda", "Карагандинской"), is not absent from a passage
    that does not write it; a name the title does not hold still is."""
    text = "# Промышленность Карагандинской области\n\nЗавод выпустил 372 тысячи шин.\n"
    region = indexed(tmp_path, text, name="region.md")

    def tyres(asked: str) -> Candidate:
        return next(c for c in region.evidence(asked, 3) if "шин" in c.sentence.text)

    titled = tyres(question)
    assert titled.feature("name_in_passage") == 1.0 and titled.feature("name_absent") == 0.0
    other = tyres(
        question.replace("Карагандинской", "Павлодарской").replace("Karaganda", "Pavlodar")
    )
    assert other.feature("name_absent") == 1.0


def test_an_adjective_of_a_name_is_the_name_in_a_sentence(tmp_path: Path) -> None:
    """An adjective of a name ("в Саранском индустриальном парке") names the town «Сарань» a
    question asks about: the sentence has the name, and is not about another named thing."""
    text = (
        "Инвестиции\n\nИндустриальная зона «Сарыарка» привлекла 211 млрд тенге. Среди проектов "
        "— локализационный центр бытовой техники в Саранском индустриальном парке.\n"
    )
    question = "Что планируется в индустриальном парке «Сарань»?"
    found = {c.sentence.text[:12]: c for c in indexed(tmp_path, text).evidence(question, 3)}
    park = found["Среди проект"]
    assert park.feature("name_in_sentence") == 1.0 and park.feature("name_conflict") == 0.0
    assert found["Индустриальн"].feature("name_in_sentence") == 0.0


def test_a_kazakh_name_with_a_case_ending_is_the_name_of_a_russian_sentence(
    tmp_path: Path,
) -> None:
    """ "Теміртауда" (in Temirtau) is read as its key "теміртау" too, which is "Темиртау" across
    scripts: the sentence has the name, not a name absent; a town it never names stays absent."""
    text = (
        "Индустрия\n\nПараллельно прорабатывается создание промышленного парка площадью 15 тыс. "
        "гектаров в Темиртау. Завод выпустил 372 тысячи шин.\n"
    )
    region = indexed(tmp_path, text)

    def park(asked: str) -> Candidate:
        return next(c for c in region.evidence(asked, 3) if "парка" in c.sentence.text)

    named = park("Теміртауда өнеркәсіп паркінің ауданы қандай?")
    assert named.feature("name_in_sentence") == 1.0 and named.feature("name_absent") == 0.0
    other = park("Екібастұзда өнеркәсіп паркінің ауданы қандай?")
    assert other.feature("name_in_sentence") == 0.0 and other.feature("name_absent") == 1.0


SOURCED = (
    "Промышленность Каменска\n\nРегион наращивает выпуск, передает KamInfo.kz. В 2024 году "
    "завод произвёл 1400 единиц автобусов и 372 тысячи шин.\n\nИндустриальная зона «Сарань» "
    "привлекла 472 млрд тенге инвестиций.\n"
)


@pytest.mark.parametrize(
    "question",
    [
        "Which outlet reported it?",
        "Какое издание это опубликовало?",
        "Бұл жаңалықты қай басылым таратты?",
    ],
)
def test_the_sentence_naming_the_documents_source_holds_a_question_on_it(
    tmp_path: Path, question: str
) -> None:
    """A question on who published the report ("which outlet", "какое издание", "қай
    басылым": the ``source_words`` tables) is held by the sentence that names the document's
    source (the ``source`` of its metadata), and that sentence alone has ``source_asked``. The
    same text without that metadata gives it neither."""
    sourced = indexed(tmp_path / "a", SOURCED, meta={"source": "KamInfo.kz"})
    plain = indexed(tmp_path / "b", SOURCED)
    for small, named in ((sourced, True), (plain, False)):
        found = {c.sentence.text[:7]: c for c in small.evidence(question)}
        assert {"Регион ", "В 2024 ", "Индустр"} <= set(found)
        source = found["Регион "]
        assert (source.feature("coverage") == 1.0) is named
        assert (source.feature("source_asked") > 0) is named
        assert found["В 2024 "].feature("source_asked") == 0.0
        assert found["Индустр"].feature("source_asked") == 0.0
    # a question that asks nothing of the source has no source_asked anywhere
    tyres = sourced.evidence("Сколько шин произвели?")
    assert all(c.feature("source_asked") == 0.0 for c in tyres)


def test_the_passage_naming_the_source_is_found_by_a_source_word(tmp_path: Path) -> None:
    """Retrieval finds the passage that names its document's source by a word asking for one,
    whatever word the passage reports it with ("издание" for "передает"); that word adds
    nothing to the passage's length."""
    sourced = indexed(tmp_path / "a", SOURCED, meta={"source": "KamInfo.kz"})
    plain = indexed(tmp_path / "b", SOURCED)
    chunks = sourced.searcher.data.chunks
    (named,) = [i for i, c in enumerate(chunks) if "KamInfo" in c.text]
    scores = sourced.searcher.bm25.scores(["издание"])
    assert scores[named] > 0
    assert not np.delete(scores, named).any()
    assert not plain.searcher.bm25.scores(["издание"]).any()
    assert list(sourced.searcher.bm25.lengths) == list(plain.searcher.bm25.lengths)
    tyres = sourced.searcher.bm25.scores(["шина"])
    assert tyres[named] > 0 and tyres[named] == plain.searcher.bm25.scores(["шина"])[named]


@pytest.mark.parametrize(
    "question, content, document",
    [
        ("Что пишет эта статья о шинах?", "шина", "статья"),
        ("What does the article say about tyres?", "tyre", "articl"),
        ("Бұл мақалада шиналар туралы не делінген?", "шина", "мақала"),
    ],
)
def test_the_words_naming_the_document_are_no_content_words(
    question: str, content: str, document: str
) -> None:
    """ "This article", "the news" (the ``document_words`` tables) refer to the document, not to
    what is asked; a word of both tables asks for the source ("who reported it")."""
    keys = {t.key for t in read_question(question).words}
    assert document not in keys
    assert any(k.startswith(content) for k in keys), keys
    assert "report" in {t.key for t in read_question("Who reported the news?").words}


def test_the_window_holds_the_words_of_the_sentence_before(small: Small) -> None:
    # "В ней зарегистрировано 24 участника" follows the sentence naming the zone
    question = "Сколько участников зарегистрировано в зоне «Сарыарка»?"
    after = small.sentence(question, "В ней")
    assert after.feature("coverage_window") > after.feature("coverage")
    # the first sentence of a passage has no sentence before it: its window is its own words
    first = small.sentence(question, "Специальная экономическая зона")
    assert first.feature("coverage_window") == first.feature("coverage")


TOYS = """\
Игрушки Вятки

Первые дымковские игрушки появились в 1811 году. Игрушки из глины лепили во многих сёлах, а первые \
мастерские открылись там только в 1850 году.
"""


def test_a_phrase_of_the_question_and_an_answer_beside_it_are_features(tmp_path: Path) -> None:
    """``pairs`` is the share of the question's neighbouring words held together, and
    ``span_near`` how close the answer of the kind asked for is to a word the question shares:
    both tell the sentence that says what is asked from one that has its words apart."""
    toys = indexed(tmp_path, TOYS, name="toys.txt")
    question = "Когда появились первые дымковские игрушки?"
    said = toys.sentence(question, "Первые дымковские")
    apart = toys.sentence(question, "Игрушки из глины")
    assert said.feature("pairs") == 1.0  # появились-первые, первые-дымковские, дымковские-игрушки
    # "игрушки" and "первые" are there too, but eight words apart: words, not the phrase
    assert apart.feature("coverage") > 0 and apart.feature("pairs") == 0
    assert said.feature("span_near") == 0.5  # one word ("в") between "появились" and 1811
    assert 0 < apart.feature("span_near") < said.feature("span_near")
    # a question of no kind asks for no span
    assert toys.sentence("Что такое дымковские игрушки?", "Первые").feature("span_near") == 0
    # across languages words have no places to compare: missing, not "none held"
    other = toys.sentence("When did the first Dymkovo toys appear?", "Первые дымковские")
    assert other.feature("cross_lingual") == 1.0
    assert other.feature("pairs") == other.feature("span_near") == NOT_MEASURED < 0


def test_the_ranks_of_cosine_and_coverage_among_the_candidates(small: Small) -> None:
    candidates = small.evidence("Сколько шин произвели?")
    for rank, value in (("cosine_rank", "cosine"), ("coverage_rank", "coverage")):
        values = sorted({c.feature(value) for c in candidates}, reverse=True)
        for c in candidates:
            assert c.feature(rank) == 1.0 / (1 + values.index(c.feature(value)))


def test_a_why_question_presuming_a_fall_conflicts_with_a_rise(small: Small) -> None:
    fall = small.sentence("Почему упало производство стали?", "В 2024 году производство")
    assert fall.feature("why") == 1.0
    assert fall.feature("direction_conflict") == 1.0
    rise = small.sentence("Почему выросло производство стали?", "В 2024 году производство")
    assert rise.feature("direction_conflict") == 0.0
    plain = small.sentence("Как изменилось производство стали?", "В 2024 году производство")
    assert plain.feature("direction_conflict") == 0.0  # no direction presumed, none to conflict


def test_a_word_of_two_readings_holds_a_question_word_of_either(small: Small) -> None:
    # "стали" reads first as the verb "стать"; "steel" translates to the noun "сталь"
    question = "By how much did steel output grow in 2024?"
    steel = small.sentence(question, "В 2024 году производство")
    iron = small.sentence(question, "Выпуск чугуна")
    assert steel.feature("coverage") > iron.feature("coverage")
    assert steel.probability > iron.probability


@pytest.mark.parametrize(
    "question, greeting, compose",
    [
        ("hi, how are you today?", True, False),
        ("Здравствуйте! Как у вас дела?", True, False),
        ("Сәлем, қалайсыз?", True, False),
        ("Write me a poem about steel", False, True),
        ("Сочини стих о заводе", False, True),
        ("Сколько шин произвели в 2024 году?", False, False),
    ],
)
def test_small_talk_and_requests_to_compose_are_features_of_every_candidate(
    small: Small, question: str, greeting: bool, compose: bool
) -> None:
    read = read_question(question)
    if greeting:
        assert read.small_talk >= 0.8  # (nearly) all its words are small talk or stop words
    assert read.compose is compose
    candidates = small.evidence(question)
    assert candidates
    for c in candidates:
        assert c.feature("small_talk") == pytest.approx(read.small_talk)
        assert c.feature("compose") == float(compose)


def test_standout_is_how_far_a_sentence_stands_out_beyond_chance(small: Small) -> None:
    question = "Сколько шин произвели в 2024 году?"
    cosines = small.searcher.sentence_scores(question)
    chance = expected_best(len(cosines))
    for c in small.evidence(question):
        z = (cosines[c.row] - cosines.mean()) / cosines.std()
        assert c.feature("cosine") == pytest.approx(cosines[c.row])
        assert c.feature("standout") == pytest.approx(z - chance)
    assert max(c.feature("cosine_gap") for c in small.evidence(question)) == 0.0


def test_expected_best_grows_with_the_number_of_scores() -> None:
    assert expected_best(1) == 0.0
    values = [expected_best(n) for n in (5, 44, 1200, 10_000)]
    assert values == sorted(values)
    assert values[1] == pytest.approx(2.19, abs=0.01)  # the report's 44 sentences
    assert values[2] == pytest.approx(3.28, abs=0.01)  # XQuAD-ru's 1200


# --- the model ------------------------------------------------------------------------------------


def test_the_shipped_model_is_fitted_on_these_features() -> None:
    model = load_model()
    assert model.features == FEATURES
    assert 0 < model.threshold < 1
    assert model.provenance["command"]  # how to refit it is stored with it


def test_the_shipped_ranker_is_fitted_on_these_features_and_orders_otherwise() -> None:
    ranker, model = load_ranker(), load_model()
    assert ranker.features == FEATURES and ranker.kind == "trees"
    assert ranker.provenance["command"].startswith("python benchmarks/train_ranker.py")
    assert ranker.provenance["out_of_fold"]["threshold"] == model.threshold
    rows = np.random.default_rng(3).normal(size=(200, len(FEATURES)))
    scores = ranker.probabilities(rows)
    assert len(set(np.round(scores, 6))) > 10  # the rows reach different leaves
    assert not np.array_equal(np.argsort(scores), np.argsort(model.probabilities(rows)))


def _stump(feature: str, left: float, right: float) -> EvidenceModel:
    """A one-split model: ``left`` below 0.5 of ``feature``, ``right`` above."""
    tree = {
        "split_feature": FEATURES.index(feature),
        "threshold": 0.5,
        "default_left": True,
        "left_child": {"leaf_value": left},
        "right_child": {"leaf_value": right},
    }
    return EvidenceModel("trees", FEATURES, 0.5, {"trees": [{"tree_structure": tree}]}, {})


def test_the_ranker_chooses_the_sentence_and_the_model_whether_to_answer(small: Small) -> None:
    question = "Сколько шин произвели в 2024 году?"
    hits = small.searcher.search(question, k=3)
    # the evidence model trusts any sentence but a passage's first; the ranker only the first
    model = _stump("first_sentence", 2.0, -2.0)
    ranker = _stump("first_sentence", -1.0, 1.0)
    documents = [small.document]
    alone = ExtractiveAnswerer(small.searcher, documents, 0.5, model=model)
    ranked = ExtractiveAnswerer(small.searcher, documents, 0.5, model=model, ranker=ranker)
    first = {h.chunk.sentences[0].start for h in hits}
    assert (
        alone.ranker is None
        and alone.order(alone.evidence(question, hits))[0].sentence.start not in first
    )
    answer = ranked.answer(question, hits)
    assert not answer.refused
    assert answer.citations[0].start in first  # the ranker's choice, at P 0.12
    assert answer.confidence == round(1 / (1 + np.exp(-2.0)), 4)  # the model's highest
    # whether to answer is the model's alone: above its highest probability, none
    strict = ExtractiveAnswerer(small.searcher, documents, 0.9, model=model, ranker=ranker)
    assert strict.answer(question, hits).refused


def test_a_model_fitted_on_other_features_is_rejected(tmp_path: Path) -> None:
    data = load_model().to_json()  # the shipped model, as stored
    same = tmp_path / "same.json"
    same.write_text(json.dumps(data), encoding="utf-8")
    assert load_model(same).features == FEATURES
    data["features"] = [*data["features"][:-1], "last_sentence"]
    renamed = tmp_path / "renamed.json"
    renamed.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReportQAError, match="train_evidence.py"):
        load_model(renamed)
    data["features"] = list(reversed(FEATURES))  # the same names in another order
    reordered = tmp_path / "reordered.json"
    reordered.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReportQAError, match="other features"):
        load_model(reordered)


def test_the_shipped_model_is_read_as_trees_and_gives_probabilities() -> None:
    model = load_model()
    assert model.kind == "trees" and 0.0 < model.threshold < 1.0
    rows = np.random.default_rng(0).normal(size=(50, len(FEATURES)))
    p = model.probabilities(rows)
    assert p.shape == (50,) and ((0 < p) & (p < 1)).all()
    assert len(set(np.round(p, 6))) > 10  # the rows reach different leaves


def test_the_shipped_model_only_rises_with_words_held_and_falls_with_conflicts() -> None:
    model = load_model()
    signs = dict(zip(FEATURES, model.provenance["trees"]["monotone_constraints"]))
    assert signs["coverage"] == 1 and signs["missing"] == signs["year_conflict"] == -1
    rng = np.random.default_rng(2)
    rows = np.abs(rng.normal(size=(40, len(FEATURES))))
    for name, sign in signs.items():
        if not sign:
            continue
        i = FEATURES.index(name)
        low, high = rows.copy(), rows.copy()
        low[:, i], high[:, i] = 0.0, 1.0
        change = model.probabilities(high) - model.probabilities(low)
        assert (sign * change >= -1e-12).all(), name


def test_the_tree_evaluator_gives_what_lightgbm_gives() -> None:
    lgb = pytest.importorskip("lightgbm")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from evidence_data import fit_trees

    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 6))
    y = ((X[:, 0] * X[:, 1] > 0) ^ (X[:, 2] > 1)).astype(float)  # needs interactions
    settings = {"learning_rate": 0.1, "num_leaves": 8, "min_data_in_leaf": 10, "seed": 1}
    params = fit_trees(X, y, np.ones(len(y)), settings, 40)
    model = EvidenceModel("trees", tuple(f"f{i}" for i in range(6)), 0.5, params, {})
    booster = lgb.train(
        {"objective": "binary", "verbose": -1, "num_threads": 2, **settings},
        lgb.Dataset(X, y),
        num_boost_round=40,
    )
    rows = rng.normal(size=(200, 6))
    assert model.probabilities(rows) == pytest.approx(booster.predict(rows), abs=1e-12)
    with pytest.raises(ValueError, match="not finite"):
        fit_trees(np.full((20, 6), np.nan), y[:20], np.ones(20), settings, 2)


def test_a_ranker_is_fitted_on_groups_and_scores_as_lightgbm_does() -> None:
    lgb = pytest.importorskip("lightgbm")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from evidence_data import fit_trees

    rng = np.random.default_rng(4)

    def groups(count: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """``count`` questions of 3 to 8 sentences; the answer has the highest f0 + f1."""
        sizes = [int(n) for n in rng.integers(3, 9, size=count)]
        X = rng.normal(size=(sum(sizes), 4))
        y = np.zeros(len(X), dtype=int)
        at = 0
        for n in sizes:
            y[at + int(np.argmax(X[at : at + n, 0] + X[at : at + n, 1]))] = 1
            at += n
        return X, y, sizes

    X, y, sizes = groups(200)
    settings = {
        "objective": "lambdarank",
        "learning_rate": 0.1,
        "num_leaves": 8,
        "min_data_in_leaf": 10,
        "seed": 1,
    }
    params = fit_trees(X, y, None, settings, 40, group=sizes)
    ranker = EvidenceModel("trees", tuple(f"f{i}" for i in range(4)), 0.0, params, {})
    booster = lgb.train(
        {"verbose": -1, "num_threads": 2, **settings},
        lgb.Dataset(X, y, group=sizes),
        num_boost_round=40,
    )
    rows = rng.normal(size=(100, 4))
    p = ranker.probabilities(rows)
    assert np.log(p / (1 - p)) == pytest.approx(booster.predict(rows), abs=1e-9)
    # on questions it never saw, its first sentence is mostly the answer (by chance: 1 in 5.5)
    X, y, sizes = groups(100)
    scores = ranker.probabilities(X)
    starts = np.cumsum([0, *sizes[:-1]])
    firsts = [y[a + int(np.argmax(scores[a : a + n]))] for a, n in zip(starts, sizes)]
    assert np.mean(firsts) > 0.7


def test_a_tree_model_stored_flat_gives_every_probability_of_the_nested_one() -> None:
    stump = {
        "split_feature": 1,
        "threshold": 0.25,
        "default_left": False,
        "left_child": {
            "split_feature": 0,
            "threshold": -0.5,
            "default_left": True,
            "left_child": {"leaf_value": -1.25},
            "right_child": {"leaf_value": 0.5},
        },
        "right_child": {"leaf_value": 1.75},
    }
    other = {
        "split_feature": 0,
        "threshold": 0.1,
        "left_child": {"leaf_value": 0.3},
        "right_child": {"leaf_value": -0.7},
    }
    trees = [{"tree_structure": stump}, {"tree_structure": other}]
    nested = EvidenceModel("trees", ("a", "b"), 0.5, {"init": 0.1, "trees": trees}, {})
    flat = nested.flattened()
    assert "trees" not in flat.params and set(flat.params["forest"]) >= {"root", "value"}
    again = json.loads(json.dumps(flat.to_json()))
    stored = EvidenceModel("trees", ("a", "b"), 0.5, again["params"], {})
    rows = np.random.default_rng(2).normal(size=(300, 2))
    rows[::7, 1] = np.nan  # missing values go each split's default way in both forms
    assert (stored.probabilities(rows) == nested.probabilities(rows)).all()
    broken = dict(again["params"], forest=dict(again["params"]["forest"], left=[0]))
    with pytest.raises(ReportQAError, match="damaged"):
        EvidenceModel("trees", ("a", "b"), 0.5, broken, {}).probabilities(rows)


def test_the_shipped_tree_models_are_stored_flat() -> None:
    """A refit must write the flat form, which a one-question process reads ten times faster."""
    from reportqa.retrieval.hybrid import FUSION_FEATURES, FUSION_FILE

    for model in (load_model(), load_model(FUSION_FILE, FUSION_FEATURES)):
        assert model.kind == "trees" and "forest" in model.params and "trees" not in model.params


def test_a_tree_model_is_evaluated_without_lightgbm() -> None:
    stump = {
        "split_feature": FEATURES.index("has_kind"),
        "threshold": 0.5,
        "default_left": True,
        "left_child": {"leaf_value": -2.0},
        "right_child": {"leaf_value": 2.0},
    }
    model = EvidenceModel(
        "trees", FEATURES, 0.5, {"init": 0.5, "trees": [{"tree_structure": stump}]}, {}
    )
    rows = np.zeros((3, len(FEATURES)))
    rows[1, FEATURES.index("has_kind")] = 1.0
    rows[2, FEATURES.index("has_kind")] = np.nan  # a missing value goes the default way
    expected = 1 / (1 + np.exp(-np.array([-1.5, 2.5, -1.5])))
    assert model.probabilities(rows) == pytest.approx(expected)
    assert model.probabilities(np.zeros((0, len(FEATURES)))).shape == (0,)


# --- the answerer ---------------------------------------------------------------------------------


def test_nothing_reaches_a_confidence_of_one_so_the_answer_is_refused(small: Small) -> None:
    question = "Сколько шин произвели в 2024 году?"
    hits = small.searcher.search(question, k=3)
    answer = small.answerer_at(1.0).answer(question, hits)
    assert answer.refused and not answer.citations and answer.short_answer is None
    assert answer.answer == "В отчёте нет ответа на этот вопрос."
    assert answer.see_also and answer.retrieved == tuple(hits)
    best = small.answerer.evidence(question, hits)[0]
    assert answer.confidence == round(best.probability, 4)  # how close it came


def test_at_a_confidence_of_zero_the_best_sentence_is_quoted_verbatim(small: Small) -> None:
    question = "Как изменилось производство стали?"
    hits = small.searcher.search(question, k=3)
    answer = small.answerer_at(0.0).answer(question, hits)
    assert not answer.refused and answer.citations
    ranked = small.answerer.evidence(question, hits)
    best = small.answerer.order(ranked)[0]
    first = answer.citations[0]
    assert first.start == best.sentence.start  # the ranker's first sentence is quoted first
    assert answer.confidence == round(ranked[0].probability, 4)  # the highest probability
    for n, c in enumerate(answer.citations, start=1):
        assert c.n == n and c.document == "kamensk.txt"
        assert small.document.text[c.start : c.end] == c.quote
        assert f"«{c.quote}» [{n}]" in answer.answer


def test_the_short_answer_is_the_figure_counting_what_is_asked(small: Small) -> None:
    sentence = small.sentence("Сколько шин произвели?", "В 2024 году завод")
    facts = small.answerer.builder.sentence_facts(sentence.hit.chunk.id, sentence.sentence.start)
    text = small.document.text
    for question, expected in [
        # what it counts goes with it, unless the question says it already
        ("Сколько произвёл завод?", "1400 единиц автобусов"),
        ("Сколько шин произвели?", "372 тысячи"),
        ("Сколько автобусов выпустил завод?", "1400"),  # the words before the noun go too
    ]:
        short = short_answer(read_question(question), facts, "kamensk.txt", 1)
        assert short is not None
        assert short.text == expected and text[short.start : short.end] == expected
        assert short.document == "kamensk.txt" and short.citation == 1
    # a year the question names is not its answer, and a "what" question has no short answer
    when = short_answer(read_question("Когда произвели 372 тысячи шин?"), facts, "kamensk.txt", 1)
    assert when is not None and when.text == "2024"  # the year, not its word
    assert short_answer(read_question("Что произвёл завод?"), facts, "kamensk.txt", 1) is None


def test_the_short_answer_follows_the_question_s_own_words_before_the_lent_ones(
    small: Small,
) -> None:
    """A follow-up completed with words its thread lent in brackets ("buses (tyres)") asks for
    its own: the lent words anchor the span only when its own anchor nothing."""
    sentence = small.sentence("Сколько шин произвели?", "В 2024 году завод")
    facts = small.answerer.builder.sentence_facts(sentence.hit.chunk.id, sentence.sentence.start)
    for question, expected in [
        ("Сколько автобусов (шин)?", "1400"),  # its own word, not the lent one
        ("Сколько шин (автобусов)?", "372 тысячи"),
        ("Сколько (шин)?", "372 тысячи"),  # no word of its own: the lent one
    ]:
        short = short_answer(read_question(question), facts, "kamensk.txt", 1)
        assert short is not None and short.text == expected, question
    assert own_words(read_question("Сколько автобусов (шин)?"))[0].text == "автобусов"
    assert len(own_words(read_question("Сколько автобусов (шин)?"))) == 1
    plain = read_question("Сколько автобусов и шин?")
    assert own_words(plain) == plain.words  # no lent brackets: every word is its own


@pytest.mark.parametrize(
    ("question", "sentence", "figure", "expected"),
    [
        ("Сколько лет было Мэннингу?", "Ему было 39 лет.", "39 лет", "39"),  # its unit, said
        ("Каков его возраст?", "Ему было 39 лет.", "39 лет", "39 лет"),
        ("Сколько команд он довёл?", "Он довёл две разных команды.", "две разных команды", "две"),
        (
            "Сколько он довёл?",
            "Он довёл две разных команды.",
            "две разных команды",
            "две разных команды",
        ),
    ],
)
def test_a_figure_leaves_off_the_words_the_question_says(
    question: str, sentence: str, figure: str, expected: str
) -> None:
    facts = SimpleNamespace(text=sentence, start=0, tokens=tuple(tokens(sentence, "ru")))
    q = parse_quantities(sentence)[0]
    start = sentence.index(figure)
    asked = {t.key for t in read_question(question).tokens if t.kind == "word"}
    end = _unasked_end(facts, q.end, start + len(figure), asked, frozenset())  # type: ignore[arg-type]
    assert sentence[start:end] == expected


@pytest.mark.parametrize(
    ("sentence", "names", "expected"),
    [
        ("Конкурируют Марокко и Эфиопия.", ["Марокко", "Эфиопия"], ["Марокко и Эфиопия"]),
        ("Гриссом, Уайт и Чаффи погибли.", ["Гриссом", "Уайт", "Чаффи"], ["Гриссом, Уайт и Чаффи"]),
        ("Марокко обогнало Эфиопию.", ["Марокко", "Эфиопию"], ["Марокко", "Эфиопию"]),
        ("Morocco and Ethiopia compete.", ["Morocco", "Ethiopia"], ["Morocco and Ethiopia"]),
        ("Қарағанды мен Теміртау.", ["Қарағанды", "Теміртау"], ["Қарағанды мен Теміртау"]),
    ],
)
def test_names_listed_together_are_one_answer(
    sentence: str, names: list[str], expected: list[str]
) -> None:
    language = detect_language(sentence)
    facts = SimpleNamespace(text=sentence, start=10, language=language)
    spans = [(10 + sentence.index(n), 10 + sentence.index(n) + len(n)) for n in names]
    found = _listed(facts, spans)  # type: ignore[arg-type]
    assert [sentence[a - 10 : b - 10] for a, b in found] == expected


@pytest.mark.parametrize(
    ("sentence", "spans"),
    [
        ("Он родился 7 января 1796 года в Москве.", ["7 января 1796"]),
        ("Съёмки начались в октябре 1998 года.", ["октябре 1998"]),
        ("Мода пришла в 1990-х годах.", ["1990-х годах"]),  # a decade keeps its word
        ("В мае запущена одна печь, в ноябре ожидается вторая.", ["мае", "ноябре"]),
        ("Закон принят в 2024 году.", ["2024"]),
    ],
)
def test_a_date_is_one_span_without_its_year_word(sentence: str, spans: list[str]) -> None:
    facts = SimpleNamespace(text=sentence, quantities=tuple(parse_quantities(sentence)))
    found = _dates(facts, read_question("Когда это было?"))  # type: ignore[arg-type]
    assert [sentence[a:b] for a, b in found] == spans
    # a year the question names is not its answer
    named = _dates(facts, read_question("Что было в 2024 году?"))  # type: ignore[arg-type]
    assert "2024" not in [sentence[a:b] for a, b in named]


def test_the_answer_leads_with_its_short_answer(small: Small) -> None:
    question = "Сколько шин произвели в 2024 году?"
    answer = small.answerer_at(0.0).answer(question, small.searcher.search(question, k=3))
    assert answer.short_answer is not None
    assert answer.short_answer.text == "372 тысячи"
    cited = answer.citations[answer.short_answer.citation - 1]
    assert cited.start <= answer.short_answer.start < answer.short_answer.end <= cited.end
    assert answer.answer.startswith(f"372 тысячи — «{cited.quote}» [{cited.n}]")
    data = answer_to_dict(answer)
    json.dumps(data)
    assert data["short_answer"] == {
        "text": "372 тысячи",
        "start": answer.short_answer.start,
        "end": answer.short_answer.end,
        "citation": cited.n,
    }
    assert data["confidence"] == answer.confidence and 0 < data["confidence"] <= 1


def test_without_a_short_answer_the_quote_is_framed_and_the_json_says_null(small: Small) -> None:
    question = "Как изменилось производство стали?"
    answer = small.answerer_at(0.0).answer(question, small.searcher.search(question, k=3))
    assert answer.short_answer is None
    assert answer.answer.startswith("Согласно отчёту: «")
    refused = small.answerer_at(1.0).answer(question, small.searcher.search(question, k=3))
    for a in (answer, refused):
        data = answer_to_dict(a)
        assert data["short_answer"] is None and isinstance(data["confidence"], float)


class _CountingQueries(FakeEmbedder):
    """The fake embedder (a text's vector does not depend on its company), recording each
    ``embed_queries`` call."""

    batch_invariant = True

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[list[str]] = []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.queries.append(list(texts))
        return super().embed_queries(texts)


def test_words_looked_up_across_languages_share_the_questions_model_call(tmp_path: Path) -> None:
    documents, data, _ = fake_index(tmp_path / "corpus", tmp_path / "small-index")
    # "zorbles" has no translation and is not in the report: only the embedding space can
    # match it, and that costs a model call
    question = "How many zorbles and tyres did the plant make in 2024?"
    embedder = _CountingQueries()
    searcher = HybridSearcher(data, embedder, dense_weight=0.3, sentence_weight=0.3)
    answerer = ExtractiveAnswerer(searcher, documents, 0.0)
    searcher.companion = answerer.builder
    hits = searcher.search(question, k=3)
    assert len(embedder.queries) == 1
    assert embedder.queries[0][0] == question and "zorbles" in embedder.queries[0][1:]
    assert "tyres" not in embedder.queries[0]  # the lexicon translates it: no lookup
    answer = answerer.answer(question, hits)
    assert len(embedder.queries) == 1  # the answer step embedded no query of its own
    # and it is the answer, with the features, of one that embeds the words itself
    alone = HybridSearcher(data, FakeEmbedder(), dense_weight=0.3, sentence_weight=0.3)
    plain = ExtractiveAnswerer(alone, documents, 0.0)
    assert alone.search(question, k=3) == hits
    assert plain.answer(question, hits).answer == answer.answer
    for a, b in zip(plain.evidence(question, hits), answerer.evidence(question, hits)):
        assert np.array_equal(a.features, b.features) and a.probability == b.probability
    # a question asked again embeds nothing new
    searcher.clear_cache()
    searcher.search(question, k=3)
    assert embedder.queries[1] == [question]


# --- the real model on the shipped report ----------------------------------------------------------


def test_citations_quote_the_corpus_verbatim(report_qa: ReportQA) -> None:
    answer = report_qa.ask("Сколько проектов в инвестиционном пуле?")
    text = report_qa.documents[0].text
    assert answer.citations
    for c in answer.citations:
        assert text[c.start : c.end] == c.quote
        p = report_qa.documents[0].paragraphs[c.paragraph - 1]
        assert p.start <= c.start and c.end <= p.end
        assert f"[{c.n}]" in answer.answer
        assert c.quote in answer.answer


@pytest.mark.parametrize(
    "question, intro",
    [
        ("Какие производства планируется ввести в этом году?", "Согласно отчёту:"),
        ("What production facilities are planned to open this year?", "According to the report:"),
        ("QARMET-те жаңғырту кезінде не істелді?", "Есеп бойынша:"),
    ],
)
def test_framing_follows_the_question_language(
    report_qa: ReportQA, question: str, intro: str
) -> None:
    answer = report_qa.ask(question)
    assert not answer.refused and answer.short_answer is None  # a "what": the sentence answers
    assert answer.answer.startswith(intro)
    assert all(detect_language(c.quote) == "ru" for c in answer.citations)  # quotes stay Russian


@pytest.mark.parametrize(
    "question, short",
    [
        # "941 производственное предприятие, из них 36 крупных, 67 средних и 838 малых": a part
        # counts what its total counts, so a question naming a part's own word asks for it
        ("Сколько малых производственных предприятий работает в регионе?", "838"),
        ("How many small manufacturing firms are there?", "838"),
        ("Облыста қанша ірі кәсіпорын бар?", "36"),
        # naming no part, the total
        ("Сколько производственных предприятий в области?", "941"),
        # "До 2028 года планируется инвестировать 1,6 трлн тенге, в том числе 572,9 млрд тенге
        # уже вложено в 2024 году": "invested" is the part's word too, but not its own
        ("How much is planned to be invested in QARMET until 2028?", "1,6 трлн тенге"),
        ("Сколько уже вложено в QARMET в 2024 году?", "572,9 млрд тенге"),
        # "29 инвестиционных проектов, в том числе 15 — в промышленности, общей стоимостью 173
        # млрд тенге": a part holding a word asked for, but not in the measure asked for
        ("Какова общая стоимость проектов 2025 года?", "173 млрд тенге"),
        ("Сколько проектов в промышленности реализуют в 2025 году?", "15"),
    ],
)
def test_a_part_of_a_total_is_the_answer_when_the_question_names_it(
    report_qa: ReportQA, question: str, short: str
) -> None:
    answer = report_qa.ask(question)
    assert answer.short_answer is not None and answer.short_answer.text == short


@pytest.mark.parametrize(
    "question, short",
    [
        ("Сколько вузов в области?", "8"),
        # the noun matched across languages is said already too
        ("How many universities are in the region?", "8"),
        ("Облыста неше колледж бар?", "52"),
    ],
)
def test_a_figure_asked_for_leads_the_answer_in_the_reports_words(
    report_qa: ReportQA, question: str, short: str
) -> None:
    answer = report_qa.ask(question)
    assert answer.short_answer is not None and answer.short_answer.text == short
    assert answer.answer.startswith(f"{short} — «")
    text = report_qa.documents[0].text
    assert text[answer.short_answer.start : answer.short_answer.end] == short
    assert "колледж" in answer.citations[0].quote  # the quote stays Russian


@pytest.mark.parametrize(
    "question, refusal",
    [
        ("Сколько автобусов произведено в 2021 году?", "В отчёте нет ответа"),
        ("How many buses were produced in 2019?", "The report does not say"),
    ],
)
def test_a_year_the_report_gives_no_figure_for_is_refused(
    report_qa: ReportQA, question: str, refusal: str
) -> None:
    answer = report_qa.ask(question)
    assert answer.refused
    assert answer.answer.startswith(refusal)
    assert answer.retrieved and answer.see_also
    assert answer.see_also[0].paragraph == 5  # the buses paragraph is still shown as see-also


def test_retrieved_is_present_and_ranked(report_qa: ReportQA) -> None:
    answer = report_qa.ask("Когда запустят вторую печь Тау-Кен Темир?")
    scores = [h.score for h in answer.retrieved]
    assert scores == sorted(scores, reverse=True)
    assert len(answer.retrieved) == report_qa.settings.k
    assert not answer.refused and "ноябре" in answer.citations[0].quote


def test_a_latin_look_alike_of_a_name_is_not_that_name(report_qa: ReportQA) -> None:
    # "Kazakhstan" is spelt like "Kazakh Invest" but is not it; the report has no capital city
    assert report_qa.ask("What is the capital of Kazakhstan?").refused
    # while the same names, and words near a name in meaning, still count
    answer = report_qa.ask("Which American company is carrying out exploration in the region?")
    assert not answer.refused and "IG Global" in answer.citations[0].quote
    answer = report_qa.ask("How much will QARMET invest by 2028?")
    assert not answer.refused and "1,6 трлн" in answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    ["Which outlet reported it?", "Какое издание это передало?", "Бұл жаңалықты қай сайт таратты?"],
)
def test_a_question_on_who_published_the_report_is_answered_by_its_source(
    report_qa: ReportQA, question: str
) -> None:
    """The report's metadata names BAQ.kz as its source, and its first paragraph says
    "… передает BAQ.kz": asked who published it, in any language, the answer is that outlet,
    quoted from that sentence; asked who wrote it, the report does not say (it names no
    author)."""
    answer = report_qa.ask(question)
    assert not answer.refused
    assert answer.short_answer is not None and answer.short_answer.text == "BAQ.kz"
    cited = answer.citations[answer.short_answer.citation - 1]
    assert cited.paragraph == 1 and "передает BAQ.kz" in cited.quote
    text = report_qa.document(cited.document).text
    assert text[answer.short_answer.start : answer.short_answer.end] == "BAQ.kz"


def test_a_distinct_question_costs_one_query_embedding(
    report_qa: ReportQA, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its words that only the embedding space can match across languages go into the model
    call of the question itself (bench_core.py measures what a second call would cost)."""
    calls: list[list[str]] = []
    embed = report_qa.embedder.embed_queries

    def counted(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return embed(texts)

    monkeypatch.setattr(report_qa.embedder, "embed_queries", counted)
    question = "How many zorble factories did Karaganda region open last year?"
    report_qa.ask(question)
    assert len(calls) == 1 and calls[0][0] == question and "zorble" in calls[0]


def test_this_year_in_a_question_is_the_reports_year(report_qa: ReportQA) -> None:
    """The report is dated 2025: "в этом году" asks of 2025, which its 2024 sentence does not
    state, and which "В этом году завершается ..." does."""

    def sentence(question: str, starts: str) -> Candidate:
        found = report_qa.extractive.evidence(question, report_qa.retrieve(question, 10))
        return next(e for e in found if e.sentence.text.startswith(starts))

    tyres = sentence("Сколько шин произвели в этом году?", "Например, в 2024 году")
    assert (tyres.feature("year_conflict"), tyres.feature("year_match")) == (1.0, 0.0)
    zones = sentence("Какие промышленные зоны достраивают в этом году?", "В этом году завершает")
    assert (zones.feature("year_conflict"), zones.feature("year_match")) == (0.0, 1.0)


def _split(
    feature: int, threshold: float, left: dict, right: dict, default_left: bool = True
) -> dict:
    """A split node in LightGBM's dump format."""
    return {
        "split_feature": feature,
        "threshold": threshold,
        "decision_type": "<=",
        "default_left": default_left,
        "left_child": left,
        "right_child": right,
    }


def test_a_forest_evaluates_lightgbm_trees_as_dumped() -> None:
    """Two hand-written trees in LightGBM's dump format: each row takes the branch its value
    and the split's threshold choose, a missing value the split's default side, and the
    forest's raw score is the sum of the leaves reached."""
    from reportqa.evidence.model import Forest

    def leaf(value: float) -> dict:
        return {"leaf_value": value}

    first = _split(0, 0.5, leaf(1.0), _split(1, 2.0, leaf(2.0), leaf(3.0), default_left=False))
    second = leaf(10.0)
    forest = Forest.read([first, second])
    rows = np.array([[0.2, 9.0], [0.7, 1.0], [0.7, 5.0], [np.nan, 5.0], [0.7, np.nan]])
    assert forest.raw(rows).tolist() == [11.0, 12.0, 13.0, 11.0, 13.0]
    # trees of one leaf only take no step, and no rows give no scores
    assert Forest.read([second, leaf(-4.0)]).raw(rows).tolist() == [6.0] * 5
    assert forest.raw(np.zeros((0, 2))).tolist() == []


def test_a_forest_of_trees_of_unequal_depth_reaches_the_leaf_each_row_chooses() -> None:
    """The walk moves only the trees still walking at each step (the deepest first): a
    shallow tree stored before a deep one, rows with missing values, and leaf values that are
    powers of two, so the sum shows which leaf each tree gave; it is the leaves a row-by-row
    walk of the dumped trees reaches."""
    from reportqa.evidence.model import Forest

    values = iter(2.0**k for k in range(20))

    def leaf() -> dict:
        return {"leaf_value": next(values)}

    shallow = _split(2, 0.0, leaf(), leaf(), default_left=False)
    deep = _split(
        0,
        0.0,
        _split(1, 0.5, _split(2, -0.5, leaf(), leaf()), leaf(), default_left=False),
        _split(1, -0.5, leaf(), _split(0, 1.0, leaf(), _split(2, 0.3, leaf(), leaf()))),
    )
    trees = [shallow, deep, shallow]

    def walk(node: dict, row: np.ndarray) -> float:
        while "leaf_value" not in node:
            x = row[node["split_feature"]]
            left = node["default_left"] if np.isnan(x) else x <= node["threshold"]
            node = node["left_child"] if left else node["right_child"]
        return float(node["leaf_value"])

    rows = np.random.default_rng(7).normal(size=(40, 3)) * 1.5
    rows[np.random.default_rng(8).random(rows.shape) < 0.15] = np.nan
    expected = [sum(walk(tree, row) for tree in trees) for row in rows]
    assert Forest.read(trees).raw(rows).tolist() == expected


def test_a_pinned_model_reads_its_own_features_by_name(tmp_path: Path) -> None:
    """A consumer's pinned copy of the evidence model (the fact-checker's) may be fitted on fewer
    features than the code computes now: it reads its columns by name, wherever they stand."""
    data = load_model().to_json()
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps(data), encoding="utf-8")
    rows = np.random.default_rng(3).normal(size=(20, len(FEATURES)))
    pinned = load_pinned_model(whole, "reportqa.evidence")
    assert np.allclose(pinned.probabilities(rows), load_model().probabilities(rows))
    # a logistic model on two features, named in the other order than FEATURES has them
    two = ["missing", "coverage"]
    logistic = {
        "kind": "logistic",
        "features": two,
        "threshold": 0.5,
        "params": {"mean": [0.0, 0.0], "scale": [1.0, 1.0], "weights": [-1.0, 2.0], "bias": 0.0},
    }
    path = tmp_path / "two.json"
    path.write_text(json.dumps(logistic), encoding="utf-8")
    p = load_pinned_model(path, "reportqa.evidence").probabilities(rows)
    x = 2.0 * rows[:, FEATURES.index("coverage")] - rows[:, FEATURES.index("missing")]
    assert np.allclose(p, 1 / (1 + np.exp(-x)))
    logistic["features"] = ["coverage", "no_such_feature"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(logistic), encoding="utf-8")
    with pytest.raises(ReportQAError, match="no_such_feature"):
        load_pinned_model(bad, "reportqa.evidence")


def test_the_checkers_pinned_model_is_readable() -> None:
    from reportqa.check.factcheck import RANKING_MODEL_FILE

    pinned = load_pinned_model(RANKING_MODEL_FILE, "reportqa.check")
    assert set(pinned.model.features) <= set(FEATURES)
    assert pinned.model.provenance["command"]
