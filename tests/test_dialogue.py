"""Follow-up questions: the turns every channel sends, reading a follow-up against them offline,
the checked LLM rewrite (a fake chat model at the boundary), and the core's ``ask``/``stream``
with a history on the shipped report.

How often follow-ups are answered right is a benchmark figure (``benchmarks/bench_dialogue.py``),
not a test; these pin the mechanisms on small made-up cases."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from click.testing import CliRunner
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from reportqa import Answer, InputError, ReportQA, Settings, answer_to_dict
from reportqa.cli import main
from reportqa.dialogue import Turn, followup, read_history, resolve, setting_of
from reportqa.dialogue.followup import FEATURES, GROUPS, TABLE
from reportqa.dialogue.rewrite import Rewriter, added_words
from reportqa.evaluate import evaluate_dialogues
from reportqa.lang import resources
from reportqa.lang.tokens import words_of
from reportqa.messages import notice_text, read_notices
from reportqa.models import Citation, ShortAnswer
from reportqa.pipeline import document_languages
from reportqa.serialize import citation_to_dict
from reportqa.web.app import create_app
from reportqa.web.live import LiveServer
from reportqa.web.schemas import AnswerOut

from .conftest import CORPUS

# -- the resource table ------------------------------------------------------------------------


@pytest.mark.parametrize("language", resources.LANGUAGES)
def test_every_language_has_the_followup_table_with_every_group(language: str) -> None:
    table = resources.raw(language)[TABLE]
    assert sorted(table) == sorted(GROUPS)
    empty = [(g, e) for g in GROUPS for e in table[g] if not words_of(e, language)]
    assert empty == []
    assert all(table[g] for g in ("openers", "references", "periods"))


# -- turns -------------------------------------------------------------------------------------

CITATION = {
    "n": 1,
    "document": "karaganda-industry.txt",
    "title": "T",
    "paragraph": 3,
    "quote": "производство чугуна увеличилось на 6%",
    "start": 10,
    "end": 40,
    "score": 0.9,
}


def test_a_history_of_turns_is_read_with_the_citations_of_answers() -> None:
    history = read_history(
        [
            {"role": "user", "content": "  На сколько выросло\u200b производство чугуна? "},
            {"role": "assistant", "content": "6% — «…» [1]", "citations": [CITATION]},
        ],
        max_turns=20,
        max_chars=20_000,
    )
    assert history.dropped == 0
    user, assistant = history.turns
    assert user == Turn("user", "На сколько выросло производство чугуна?")
    assert assistant.citations == (
        Citation(1, "karaganda-industry.txt", "T", 3, CITATION["quote"], 10, 40, 0.9),  # type: ignore[arg-type]
    )
    assert read_history(None, 20, 20_000).turns == ()


@pytest.mark.parametrize(
    ("history", "says"),
    [
        ("hello", "history must be a list of turns"),
        ({"role": "user", "content": "x"}, "history must be a list of turns"),
        (["hello"], "history[0] must be an object"),
        ([{"role": "system", "content": "x"}], 'history[0].role must be "user" or "assistant"'),
        ([{"role": "user", "content": 5}], "history[0].content must be a string, got int"),
        ([{"role": "user"}], "history[0].content must be a string, got null"),
        ([{"role": "user", "content": "x", "name": "a"}], "unknown field(s) name"),
        (
            [{"role": "user", "content": "x", "citations": [CITATION]}],
            "only an assistant turn carries citations",
        ),
        (
            [{"role": "assistant", "content": "x", "citations": [{**CITATION, "url": "u"}]}],
            "history[0].citations[0] has unknown field(s) url",
        ),
        (
            [{"role": "assistant", "content": "x", "citations": [{"document": "d"}]}],
            "needs a document (string) and a paragraph (number)",
        ),
        ([{"role": "assistant", "content": "x", "citations": "[1]"}], "must be a list"),
    ],
)
def test_a_bad_history_is_a_clear_input_error(history: Any, says: str) -> None:
    with pytest.raises(InputError) as caught:
        read_history(history, 20, 20_000)
    assert says in str(caught.value)


def test_the_oldest_turns_are_dropped_past_the_limits() -> None:
    turns = [{"role": "user", "content": f"вопрос {i}"} for i in range(6)]
    by_turns = read_history(turns, max_turns=4, max_chars=20_000)
    assert [t.content for t in by_turns.turns] == ["вопрос 2", "вопрос 3", "вопрос 4", "вопрос 5"]
    assert by_turns.dropped == 2
    by_chars = read_history(turns, max_turns=20, max_chars=len("вопрос 1") * 3)
    assert [t.content for t in by_chars.turns] == ["вопрос 3", "вопрос 4", "вопрос 5"]
    assert by_chars.dropped == 3


# -- reading a follow-up offline ---------------------------------------------------------------


def thread(*questions: str) -> list[Turn]:
    out: list[Turn] = []
    for q in questions:
        out += [Turn("user", q), Turn("assistant", "…")]
    return out


def test_a_first_question_is_taken_as_it_stands() -> None:
    read = resolve("А проката?", [])
    assert (read.followup, read.standalone, read.interpreted_as) == (False, "А проката?", None)


@pytest.mark.parametrize(
    ("previous", "question", "has", "lacks"),
    [
        # ellipsis: the fragment stands in for the word it replaces
        (
            "На сколько выросло производство чугуна?",
            "А проката?",
            ["выросло производство проката"],
            ["чугун"],
        ),
        # an adjective stands in for the adjective of the phrase, whose noun stays
        (
            "Сколько всего производственных предприятий в Карагандинской области?",
            "А крупных из них?",
            ["крупных", "предприятий", "области"],
            ["производственных"],
        ),
        (
            "Сколько шин выпустили в 2024 году?",
            "А бытовой техники?",
            ["бытовой техники выпустили", "2024"],
            ["шин"],
        ),
        ("How many buses were made in 2024?", "And tyres?", ["How many tyres", "2024"], ["buses"]),
        ("2024 жылы қанша автобус шығарылды?", "Ал шиналар ше?", ["шиналар", "2024"], ["автобус"]),
        # another period in place of the period
        ("Сколько шин произведено в 2024 году?", "А в 2023 году?", ["шин", "2023"], ["2024"]),
        # a question of its own gets the entity it refers to
        (
            "Сколько участников в СЭЗ «Сарыарка»?",
            "Сколько рабочих мест там создано?",
            ["рабочих мест", "«Сарыарка»"],
            [],
        ),
        # the period goes with the measure asked: not to "when", which asks for one
        ("How much will QARMET get by 2028?", "When will it be funded?", ["QARMET"], ["2028"]),
        ("How much will QARMET get by 2028?", "And what is the total cost?", ["2028"], []),
        ("«Картех» технохабы не береді?", "Ал оны қаржыландыру қашан?", ["«Картех»"], ["Ал "]),
        # what a question asks about is not its verb: a Russian verb form, the Kazakh last word
        (
            "Где построят ветряную электростанцию?",
            "А когда её запустят?",
            ["(ветряную электростанцию)"],
            ["построят"],
        ),
        ("Картех технохабы қашан ашылады?", "Оны қаржыландыру қанша?", ["(Картех"], ["ашылады"]),
        ("Зауыт қашан ашылады?", "Оны қаржыландыру қанша?", ["(Зауыт)"], ["ашылады"]),
        ("Ветроэлектростанция қай жерде салынады?", "Оның қуаты қанша?", ["(Ветроэлектр"], []),
        # ... unless that last word is a stop word ("бар")
        ("Облыста қанша колледж бар?", "Олардың қаншасы дуальды оқытады?", ["(колледж)"], []),
    ],
)
def test_a_follow_up_is_completed_from_the_thread(
    previous: str, question: str, has: list[str], lacks: list[str]
) -> None:
    read = resolve(question, thread(previous))
    assert read.followup
    assert read.interpreted_as is not None
    for part in has:
        assert part in read.interpreted_as
    for part in lacks:
        assert part not in read.interpreted_as


@pytest.mark.parametrize(
    "previous, question, expected",
    [
        (
            "How many tyres did the region produce in 2024?",
            "what about the year before?",
            "How many tyres did the region produce in 2023?",
        ),
        (
            "Сколько шин произведено в 2024 году?",
            "А годом ранее?",
            "Сколько шин произведено в 2023 году?",
        ),
        (
            "2024 жылы облыста қанша шина шығарылды?",
            "Ал алдыңғы жылы?",
            "2023 жылы облыста қанша шина шығарылды?",
        ),
        # "last year" is the document's, not the thread's
        (
            "How many tyres did the region produce in 2024?",
            "And last year?",
            "How many tyres did the region produce last year?",
        ),
    ],
)
def test_the_year_before_is_the_year_before_the_threads_period(
    previous: str, question: str, expected: str
) -> None:
    assert resolve(question, thread(previous)).interpreted_as == expected


@pytest.mark.parametrize(
    "previous, question, expected",
    [
        # a common word typed with a capital is no name inside the question
        (
            "На сколько выросло производство чугуна?",
            "Проката?",
            "На сколько выросло производство проката?",
        ),
        ("How many buses were made in 2024?", "Tyres?", "How many tyres were made in 2024?"),
        ("Облыста қанша колледж бар?", "Университеттер ше?", "Облыста қанша университеттер бар?"),
        # a name keeps its capital
        ("How many buses were made in 2024?", "Hyundai?", "How many Hyundai were made in 2024?"),
        # a question tag is no part of what is asked
        (
            "How many buses were made in 2024?",
            "And in 2023, right?",
            "How many buses were made in 2023?",
        ),
        (
            "На сколько выросло производство чугуна?",
            "А в 2023, верно?",
            "На сколько выросло производство чугуна в 2023?",
        ),
    ],
)
def test_a_fragment_reads_as_part_of_the_question_it_completes(
    previous: str, question: str, expected: str
) -> None:
    assert resolve(question, thread(previous)).interpreted_as == expected


def test_a_kazakh_fragment_without_kazakh_letters_is_read_in_kazakh() -> None:
    """ "Инвестиция?" after a Kazakh question is a Kazakh fragment: completed with the Kazakh
    question's words, and the next follow-up lent the entity, not the opener."""
    history = thread("«Сарыарка» АЭА-да өндіріс көлемі қанша?")
    read = resolve("Инвестиция?", history)
    assert read.interpreted_as is not None
    assert read.interpreted_as.lower() == "«сарыарка» аэа-да инвестиция қанша?"
    assert resolve("Инвестиция?", thread("Сколько произвели в СЭЗ «Сарыарка»?")).followup
    after = resolve(
        "Қанша қатысушы тіркелген?",
        thread("«Сарыарка» АЭА-да өндіріс көлемі қанша?", "Ал инвестиция?"),
    )
    assert after.interpreted_as is not None and "«Сарыарка»" in after.interpreted_as
    assert "(Ал)" not in after.interpreted_as


def test_a_question_on_the_document_is_taken_as_it_stands_and_the_thread_goes_on() -> None:
    """A question naming the document or its source ("Откуда эта статья?", "Who published
    it?") is about the document, not what the thread is about: nothing is lent to it, the
    outlet its answer names is no entity of the thread, and the thread before it goes on."""
    source = resolve("Откуда эта статья вообще?", thread("Сколько шин произвели в 2024 году?"))
    assert (source.followup, source.interpreted_as) == (False, None)
    after = thread("Сколько шин произвели в 2024 году?", "Откуда эта статья вообще?")
    buses = resolve("А автобусов?", after)
    assert buses.interpreted_as is not None and "автобусов" in buses.interpreted_as
    assert "2024" in buses.interpreted_as and "стать" not in buses.interpreted_as
    published = [
        Turn("user", "Who published this article?"),
        Turn("assistant", "BAQ.kz — «… передает BAQ.kz.» [1]"),
    ]
    nothing = resolve("Does it mention any retraining programs?", published)
    assert nothing.interpreted_as is None or "BAQ" not in nothing.interpreted_as
    assert "published" not in (nothing.interpreted_as or "")
    # a question on a company is still followed by what its answer names
    company = [
        Turn("user", "Какая компания ведёт разведку?"),
        Turn("assistant", "Компании IG Global и Yildirim Holding проводят изыскания."),
    ]
    where = resolve("Откуда она?", company)
    assert where.interpreted_as is not None and "Yildirim" in where.interpreted_as


def test_a_thread_of_follow_ups_rolls_on() -> None:
    read = resolve("А в 2023 году?", thread("Сколько шин произведено в 2024 году?", "А автобусов?"))
    assert read.interpreted_as is not None
    assert "автобусов" in read.interpreted_as and "2023" in read.interpreted_as
    assert "шин" not in read.interpreted_as


def test_a_new_topic_is_answered_as_it_stands() -> None:
    read = resolve(
        "Сколько вузов и колледжей работает в Карагандинской области?",
        thread("Сколько шин произведено в 2024 году?"),
    )
    assert not read.followup and read.interpreted_as is None
    assert 0.0 <= read.probability < 0.5


def test_the_shipped_model_is_fitted_and_says_on_what() -> None:
    text = (Path(followup.__file__).parent / followup.MODEL_FILE).read_text("utf-8")
    model = json.loads(text)
    assert tuple(model["features"]) == FEATURES and len(model["weights"]) == len(FEATURES)
    how = model["provenance"]
    assert how["command"] == "python benchmarks/train_followup.py"
    data = json.dumps(how["data"])
    assert "report-dialogues-2.jsonl" in data and "report-dialogues-9.jsonl" in data
    # the measuring sets (benchmarks/data/README.md) are never fitted on
    assert "report-dialogues-11.jsonl" not in data and "report-dialogues-12.jsonl" not in data
    assert 0.0 <= how["out_of_fold"]["all"]["balanced"] <= 1.0


def test_the_fitting_script_leaves_out_what_the_model_does_not_decide() -> None:
    """A question on the document itself ("who published it?") is read without the model, so
    it has no features: the fitting script gives it a row of NaN to leave out, where it used to
    stop on a KeyError."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from train_followup import features

    asked = [
        {"question": "Кто опубликовал этот отчёт?", "before": ["Сколько шин выпустили?"]},
        {"question": "А автобусов?", "before": ["Сколько шин выпустили?"]},
    ]
    rows = features(asked)
    assert rows.shape == (2, len(FEATURES))
    assert np.isnan(rows[0]).all() and not np.isnan(rows[1]).any()


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        ("How many buses were made in 2024?", "And tyres?"),  # an opener and a fragment
        ("Сколько шин произведено в 2024 году?", "Когда его начали выпускать?"),  # a reference
        ("2024 жылы қанша автобус шығарылды?", "Ал шиналар ше?"),  # an opener and a closer
        ("How many buses were made in 2024?", "What is the total cost?"),  # bare: what is measured
        ("Сколько проектов в инвестиционном пуле до 2030 года?", "На какую сумму?"),  # bare
        # "since" and "бері" are stop words: a period asked of nothing named is bare too
        ("What does the Saran college train people for?", "Since which year?"),
        ("Саран колледжі кімдерді дайындайды?", "Қай жылдан бері?"),
    ],
)
def test_markers_and_bare_questions_read_as_follow_ups(previous: str, question: str) -> None:
    read = resolve(question, thread(previous))
    assert read.followup and read.probability >= 0.5, read.features


def test_there_in_are_there_refers_to_nothing_said_before() -> None:
    previous = thread("Which companies are exploring in the region?")
    existential = resolve("How many universities are there in the region?", previous)
    assert existential.features["reference"] == 0.0
    pointing = resolve("Where are they from, and who owns them there?", previous)
    assert pointing.features["reference"] == 1.0


def test_a_fragment_after_a_completed_question_keeps_its_brackets_whole() -> None:
    history = thread(
        "How many manufacturing enterprises operate in the region?", "How many of them are large?"
    )
    first = resolve("How many of them are large?", history[:2]).interpreted_as
    assert first == "How many of them are large (manufacturing enterprises)?"
    read = resolve("And small ones?", history)
    assert read.interpreted_as == "How many of them are small (manufacturing enterprises)?"


@pytest.mark.parametrize(
    "previous, question, expected",
    [
        # a pro-form stands for the noun asked about: its modifiers give way to the fragment's
        (
            "Which US company is doing exploration in the region?",
            "And the Turkish one?",
            "Which Turkish company is doing exploration in the region?",
        ),
        (
            "How many large enterprises are there in the region?",
            "And the small ones?",
            "How many small enterprises are there in the region?",
        ),
        (
            "How many enterprises are there in the region?",
            "What about the medium ones?",
            "How many medium enterprises are there in the region?",
        ),
    ],
)
def test_a_pro_form_keeps_the_noun_it_stands_for(
    previous: str, question: str, expected: str
) -> None:
    assert resolve(question, thread(previous)).interpreted_as == expected


@pytest.mark.parametrize(
    "first, question, expected",
    [
        (
            "Сколько шин выпустили в 2024 году?",
            "А как их делают?",
            "Как их делают (шин)?",
        ),
        (
            "Кто ведёт изыскания на месторождении Куйректыколь?",
            "Что ещё нашли?",
            "Что ещё нашли (Куйректыколь)?",
        ),
    ],
)
def test_a_question_word_of_no_kind_is_not_a_fragment(
    first: str, question: str, expected: str
) -> None:
    """Words like "как" and "что" (the ``other`` group of ``question_words``) ask a question
    of their own: it gets the thread in brackets, not spliced into the last question as a
    fragment would be."""
    read = resolve(question, thread(first))
    assert read.followup and read.standalone == expected


@pytest.mark.parametrize(
    "first, question, opens",
    [
        ("How much money exactly?", "Is there a science council in the region too?", "Is there"),
        ("What is the total cost of the projects planned for 2025?", "Name one of them.", "Name"),
        ("Сколько шин выпустили в 2024 году?", "А экспорт шин есть ли?", "Экспорт шин есть ли"),
        ("Қанша шина шығарылды?", "Экспортқа жіберілді ме?", "Экспортқа жіберілді ме"),
    ],
)
def test_a_yes_no_question_or_a_request_is_not_a_fragment(
    first: str, question: str, opens: str
) -> None:
    """A question with no question word that asks by itself (``asking_first``: "Is there …?",
    "Name …"; ``asking_particles``: "ли", "ме") keeps its own words: the thread goes in
    brackets, never the last question spliced around it."""
    read = resolve(question, thread(first))
    assert read.standalone.startswith(opens), read.standalone
    assert not read.features.get("fragment")


@pytest.mark.parametrize(
    "first, question, expected",
    [
        (
            "Сколько участников зарегистрировано в СЭЗ «Сарыарка»?",
            "А в индустриальной зоне «Сарань»?",
            "Сколько участников зарегистрировано в индустриальной зоне «Сарань»?",
        ),
        (
            "«Сарыарка» арнайы экономикалық аймағында қанша қатысушы тіркелген?",
            "Ал «Сарань» индустриялық аймағында ше?",
            "«Сарань» индустриялық аймағында қанша қатысушы тіркелген?",
        ),
        (
            "How many participants are registered in the Saryarka SEZ?",
            "And the Saran industrial zone?",
            "How many participants are registered in the Saran industrial zone?",
        ),
        ("What did Samsung launch in Saran?", "And QARMET?", "What did QARMET launch in Saran?"),
    ],
)
def test_a_fragment_s_own_names_take_the_place_of_the_last_question_s(
    first: str, question: str, expected: str
) -> None:
    """A fragment that names its own names replaces the last question's names, with the words
    that go with them when the fragment has such words too, and keeps its quote marks whole."""
    assert resolve(question, thread(first)).standalone == expected


def test_a_name_of_the_setting_in_an_answer_is_not_what_it_refers_to_next() -> None:
    """After "whose", the names the answer gives are the thread's entity, less those of the
    report's setting ("Карагандинской" of the title, quoted beside the answer)."""
    quote = "В Карагандинской области реализуются приоритеты, обозначенные в Послании Президента."
    cited = (Citation(1, "r.txt", "T", 1, quote, 0, 9, 0.9),)
    asked = Turn("user", "Whose priorities is the Karaganda region implementing?")
    setting = frozenset({("Промышленное развитие Карагандинской области", "ru")})
    history = [asked, Turn("assistant", f"«{quote}» [1]", cited)]
    read = resolve("When was it delivered?", history, setting)
    assert read.interpreted_as is not None and "Карагандинской" not in read.interpreted_as
    assert "Послании Президента" in read.interpreted_as
    assert "Карагандинской" in (resolve("When was it delivered?", history).interpreted_as or "")


def test_another_period_replaces_the_one_in_brackets() -> None:
    history = thread(
        "How many investment projects are planned for 2025?", "What is their total cost?"
    )
    read = resolve("And in 2026?", history)
    assert read.interpreted_as is not None
    assert "2026" in read.interpreted_as and "2025" not in read.interpreted_as
    assert "total cost" in read.interpreted_as


def test_what_is_measured_is_not_the_entity_carried_on() -> None:
    read = resolve("Who is building it?", thread("What capacity will the wind farm have?"))
    assert read.interpreted_as == "Who is building it (wind farm)?"


@pytest.mark.parametrize(
    "first, question, lent",
    [
        ("How often do new specialties open?", "At whose request?", "specialties"),
        ("Как часто открываются новые специальности?", "По чьему запросу?", "специальности"),
    ],
)
def test_a_question_phrase_is_not_the_entity_carried_on(
    first: str, question: str, lent: str
) -> None:
    """ "How often" asks like "when" (a ``question_words`` row): the thread carries what it was
    asked of, not "often"."""
    read = resolve(question, thread(first))
    assert read.interpreted_as is not None and lent in read.interpreted_as, read.interpreted_as
    assert "often" not in read.interpreted_as and "часто" not in read.interpreted_as


def test_the_rest_refers_to_the_thread_and_is_not_its_entity() -> None:
    read = resolve("Which companies are they?", thread("Which companies explore?", "And the rest?"))
    assert "rest" not in (read.interpreted_as or "")


def test_the_paragraphs_the_last_answer_cited_are_kept() -> None:
    cited = Citation(1, "report.txt", "T", 7, "quote", 0, 5, 0.9)
    history = [Turn("user", "Сколько шин произведено?"), Turn("assistant", "…", (cited,))]
    assert resolve("А автобусов?", history).cited == (("report.txt", 7),)


def test_they_after_a_which_question_are_the_names_the_answer_quoted() -> None:
    quote = "Компании IG Global (США) и Yildirim Holding (Турция) проводят изыскания."
    answer = Turn("assistant", "…", (Citation(1, "r.txt", "T", 8, quote, 0, 9, 0.9),))
    history = [Turn("user", "Какие компании ведут геологоразведку в регионе?"), answer]
    read = resolve("Из каких они стран?", history)
    assert read.interpreted_as is not None and "IG Global" in read.interpreted_as


def test_after_a_which_question_the_name_beside_the_word_asked_is_the_entity() -> None:
    """Of the names an answer's quote gives, the one beside the most words of the question
    ("industrial", "hub": "индустриальный технохаб") is what "it" refers to next, not every
    name of the sentence ("Совет" is beside "области" only, "region")."""
    quote = 'В области действует Совет по науке, открывается индустриальный технохаб "Картех".'
    cited = (Citation(1, "r.txt", "T", 9, quote, 0, 9, 0.9),)
    asked = Turn("user", "Which industrial tech hub is opening in the region?")
    read = resolve("Who pays for it?", [asked, Turn("assistant", "…", cited)])
    assert read.interpreted_as is not None
    assert "Картех" in read.interpreted_as and "Совет" not in read.interpreted_as


def test_after_a_where_question_the_thing_asked_about_stays_beside_its_place() -> None:
    """A "where" answer places what the question was about: "it" next is still that thing
    (the localisation centre), "there" the place; both are lent."""
    quote = "В Сарани будет открыт центр локализации бытовой техники."
    cited = (Citation(1, "r.txt", "T", 5, quote, 0, 9, 0.9),)
    asked = Turn("user", "Where will the home appliance localization centre be?")
    read = resolve("How many jobs will it create?", [asked, Turn("assistant", "…", cited)])
    assert read.interpreted_as is not None
    assert "Сарани" in read.interpreted_as and "appliance" in read.interpreted_as
    # after "which", the answer's names stand for the thing asked about, alone
    which = Turn("user", "Which company will open the home appliance centre?")
    quote = "Компания Samsung откроет центр бытовой техники."
    cited = (Citation(1, "r.txt", "T", 5, quote, 0, 9, 0.9),)
    read = resolve("How many jobs will it create?", [which, Turn("assistant", "…", cited)])
    assert read.interpreted_as is not None and "Samsung" in read.interpreted_as
    assert "appliance" not in read.interpreted_as


# -- the LLM rewrite, checked ------------------------------------------------------------------

HISTORY = thread("На сколько выросло производство чугуна?")


def rewriter(*replies: str) -> Rewriter:
    return Rewriter(FakeListChatModel(responses=list(replies)))


def test_a_rewrite_from_the_thread_is_taken() -> None:
    offline = resolve("А проката?", HISTORY)
    read, notice = rewriter("На сколько выросло производство проката?").rewrite(
        "А проката?", HISTORY, offline
    )
    assert notice is None
    assert read.standalone == "На сколько выросло производство проката?"
    assert read.interpreted_as == read.standalone and read.followup


def test_a_rewrite_that_adds_a_fact_falls_back_to_the_offline_reading() -> None:
    offline = resolve("А проката?", HISTORY)
    read, notice = rewriter(
        "На сколько выросло производство проката в 2024 году на QARMET?"
    ).rewrite("А проката?", HISTORY, offline)
    assert read == offline
    assert notice is not None and "«2024»" in notice and "«QARMET»" in notice


@pytest.mark.parametrize(
    "reply",
    [
        "На сколько выросло производство чугуна?",  # the thread's question, not this one
        "Производство проката выросло на 4,3% [1].",  # an answer citing a passage
    ],
)
def test_a_rewrite_that_is_not_the_follow_up_falls_back_to_the_offline_reading(
    reply: str,
) -> None:
    history = [*HISTORY, Turn("assistant", "Производство проката выросло на 4,3% [1].")]
    offline = resolve("А проката?", history)
    read, notice = rewriter(reply).rewrite("А проката?", history, offline)
    assert read == offline
    assert notice is not None and "left out" in notice
    assert read_notices(notice)[0].code == "rewrite_dropped"


def test_a_model_that_hangs_is_given_up_within_the_timeout() -> None:
    """The client's own timeout may be retried; the rewrite as a whole is bounded."""
    offline = resolve("А проката?", HISTORY)

    class Hanging(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            time.sleep(5)
            return "На сколько выросло производство проката?"

    started = time.monotonic()
    read, notice = Rewriter(Hanging(responses=["x"]), timeout=0.3).rewrite(
        "А проката?", HISTORY, offline
    )
    assert time.monotonic() - started < 2
    assert read == offline and notice is not None and "TimeoutError" in notice


def test_a_failing_model_falls_back_to_the_offline_reading() -> None:
    offline = resolve("А проката?", HISTORY)

    class Broken(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            raise ConnectionError("refused")

    read, notice = Rewriter(Broken(responses=["x"])).rewrite("А проката?", HISTORY, offline)
    assert read == offline and notice is not None and "ConnectionError" in notice


def test_a_question_the_model_leaves_as_it_is_is_not_a_follow_up() -> None:
    question = "Сколько вузов работает в области?"
    offline = resolve(question, HISTORY)
    read, notice = rewriter("«Сколько вузов работает в области?»").rewrite(
        question, HISTORY, offline
    )
    assert notice is None and read.interpreted_as is None and not read.followup


def test_added_words_are_matched_by_key_and_loose_prefix() -> None:
    sources = ["Когда его будут финансировать?", "поэтапное финансирование в 2025–2027 годах"]
    assert added_words("Когда будет финансирование технохаба в 2025 году?", sources) == [
        "технохаба"
    ]


# -- the core, on the shipped report -----------------------------------------------------------


def as_history(question: str, answer: Answer) -> list[dict[str, Any]]:
    return [
        {"role": "user", "content": question},
        {
            "role": "assistant",
            "content": answer.answer,
            "citations": [citation_to_dict(c) for c in answer.citations],
        },
    ]


def test_ask_with_history_answers_the_completed_question(report_qa: ReportQA) -> None:
    first = report_qa.ask("Сколько шин произведено в 2024 году?")
    assert first.interpreted_as is None and answer_to_dict(first)["interpreted_as"] is None
    answer = report_qa.ask("А автобусов?", history=as_history(first.question, first))
    assert answer.question == "А автобусов?"
    assert answer.interpreted_as is not None and "автобусов" in answer.interpreted_as
    assert answer_to_dict(answer)["interpreted_as"] == answer.interpreted_as
    assert not answer.refused and "1400" in answer.answer
    streamed = list(report_qa.stream("А автобусов?", history=as_history(first.question, first)))
    assert streamed == [answer]


@pytest.mark.parametrize(
    ("first", "follow", "expected"),
    [
        ("How many tyres will be made a year?", "And how many buses?", "1400"),
        ("Сколько шин производят?", "А сколько автобусов?", "1400"),
        ("Сколько шин производят?", "А бытовой техники сколько?", "131 тысяча"),
    ],
)
def test_a_follow_up_s_short_answer_is_what_it_asks_not_what_the_thread_lent(
    report_qa: ReportQA, first: str, follow: str, expected: str
) -> None:
    """The thread lends the last question's noun in brackets ("buses (tyres)"); the sentence on
    both is quoted, and the short answer is the figure of the follow-up's own noun."""
    answer = report_qa.ask(follow, history=[{"role": "user", "content": first}])
    assert answer.interpreted_as is not None and answer.interpreted_as.endswith(")?")
    assert answer.short_answer is not None and answer.short_answer.text == expected
    assert "372 тысячи шин" in answer.citations[0].quote


def test_the_report_s_own_setting_is_not_the_thread_s_entity(report_qa: ReportQA) -> None:
    """A name of the report's title ("Карагандинской" of "Промышленное развитие Карагандинской
    области") is where every question is set, not what a follow-up asks about: the thread
    carries the phrase the last question asked about instead. Other names are carried as
    before."""
    assert any("Карагандинской" in title for title, _ in report_qa.setting)
    languages = document_languages(report_qa.documents)
    assert setting_of(report_qa.documents, languages) == report_qa.setting
    first = "Какой объём промышленного производства был в Карагандинской области в 2024 году?"
    follow = "Это на сколько больше, чем годом ранее?"
    plain = resolve(follow, thread(first))
    assert plain.standalone == "Это на сколько больше, чем годом ранее (Карагандинской)?"
    read = resolve(follow, thread(first), report_qa.setting)
    assert read.standalone == "Это на сколько больше, чем годом ранее (промышленного производства)?"
    asked = report_qa.ask(follow, history=[{"role": "user", "content": first}])
    assert asked.interpreted_as == read.standalone
    named = resolve("Сколько там рабочих мест?", thread("Сколько участников в СЭЗ «Сарыарка»?"))
    assert (
        named.standalone
        == resolve(
            "Сколько там рабочих мест?",
            thread("Сколько участников в СЭЗ «Сарыарка»?"),
            report_qa.setting,
        ).standalone
    )


@pytest.mark.parametrize(
    ("first", "follow", "asked_about"),
    [
        (
            "How many manufacturing enterprises operate in the Karaganda region?",
            "How many of them are large?",
            "manufacturing enterprises",
        ),
        # the region's word beside its name is the setting too, lower case or not
        (
            "how big is the karaganda region's investment pool up to 2030?",
            "How many projects does it include?",
            "investment pool",
        ),
        (
            "Биылғы жылдың 7 айында Қарағанды облысында қанша өнім өндірілді?",
            "Бұл өткен жылдың сол кезеңімен салыстырғанда қаншаға көп?",
            "өнім",
        ),
    ],
)
def test_the_setting_is_not_the_entity_in_any_language(
    report_qa: ReportQA, first: str, follow: str, asked_about: str
) -> None:
    """The title's names are the setting in every language the report is asked in: "Karaganda"
    and "Қарағанды" are the region of "Карагандинской области", so the thread carries what the
    last question asked about instead."""
    plain = resolve(follow, thread(first))
    assert asked_about not in plain.standalone.split("(")[-1]
    read = resolve(follow, thread(first), report_qa.setting)
    assert read.standalone.endswith(f"({asked_about})?"), read.standalone


def test_a_long_history_loses_its_oldest_turns_and_says_so(report_qa: ReportQA) -> None:
    turns = [{"role": "user", "content": f"Вопрос номер {i}?"} for i in range(25)]
    answer = report_qa.ask("Сколько вузов работает в области?", history=turns)
    assert answer.notice is not None and "5 oldest turn(s)" in answer.notice


def test_a_bad_history_fails_before_anything_is_answered(report_qa: ReportQA) -> None:
    with pytest.raises(InputError, match="role"):
        report_qa.ask("А автобусов?", history=[{"role": "bot", "content": "x"}])
    with pytest.raises(InputError, match="history must be a list"):
        report_qa.stream("А автобусов?", history="hello")


# -- the channels: CLI and HTTP ----------------------------------------------------------------

FIRST = "Сколько шин произведено в 2024 году?"


def cli(report_index: Path, *args: str, input: str) -> Any:
    return CliRunner().invoke(
        main, [*args, "--corpus", str(CORPUS), "--index", str(report_index)], input=input
    )


def test_ask_lines_may_be_json_objects_with_a_history(report_index: Path) -> None:
    lines = [
        json.dumps({"question": "А автобусов?", "history": [{"role": "user", "content": FIRST}]}),
        json.dumps({"question": "А автобусов?", "history": [{"role": "bot", "content": "x"}]}),
        json.dumps({"question": "А автобусов?", "history": [], "lang": "ru"}),
        '{"question": 5}',
        "А автобусов?",
    ]
    result = cli(report_index, "ask", "--json", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["question"] == "А автобусов?"
    assert "автобусов" in rows[0]["interpreted_as"] and "2024" in rows[0]["interpreted_as"]
    assert rows[1]["line"] == 2 and "role" in rows[1]["error"]
    assert rows[2]["line"] == 3 and "unknown field(s) lang" in rows[2]["error"]
    assert rows[3]["question"] == '{"question": 5}'  # not a question object: a question
    assert rows[4]["interpreted_as"] is None  # a line alone has no history


def test_a_follow_up_completed_over_the_question_limit_is_taken_as_it_stands(
    report_qa: ReportQA,
) -> None:
    """A thread's turn may be longer than a question may be; what is answered may not."""
    long_turn = {"role": "user", "content": "Сколько шин произведено? " * 300}
    answer = report_qa.ask("А автобусов?", [long_turn])
    assert answer.interpreted_as is None
    (notice,) = read_notices(answer.notice)
    assert notice.code == "followup_too_long" and "2000" in notice_text(notice, "ru")
    # a thread of ordinary length is read as before
    assert report_qa.ask("А автобусов?", [{"role": "user", "content": FIRST}]).interpreted_as


def test_chat_keeps_the_thread_until_new(report_index: Path) -> None:
    typed = f"{FIRST}\nА автобусов?\n/new\nА автобусов?\n"
    result = cli(report_index, "chat", input=typed)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.count("Понял вопрос как: Сколько автобусов") == 1
    assert "(new conversation)" in out
    assert "абзац 5" in out  # answers come with their sources, as from `ask`


def test_chat_commands_are_not_questions(report_index: Path) -> None:
    typed = f"{FIRST}\n/NEW\n/nwe\n/help\n/quit\n{FIRST}\n"
    result = cli(report_index, "chat", input=typed)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "(new conversation)" in out  # a command in any case
    assert "unknown command /nwe" in out and "Понял вопрос как" not in out  # nor a follow-up
    assert out.count("/quit or Ctrl-D quits") == 3  # at start, after the typo, for /help
    assert out.count("абзац 5") == 1  # /quit quit: the last question was not asked


def test_chat_names_an_unknown_document_at_start(report_index: Path) -> None:
    result = cli(report_index, "chat", "--doc", "nope.txt", input=f"{FIRST}\n")
    assert result.exit_code == 1 and "no such document: nope.txt" in result.output


def test_the_api_takes_a_history_and_stays_stateless(report_index: Path) -> None:
    settings = Settings.from_env(env={}, corpus=CORPUS, index=report_index)
    qa = ReportQA.open(settings)
    with LiveServer(create_app(qa, settings)) as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            history = [{"role": "user", "content": FIRST}]
            body = {"question": "А автобусов?", "history": history}
            data = client.post("/api/ask", json=body).json()
            AnswerOut.model_validate(data)
            assert "автобусов" in data["interpreted_as"]
            alone = client.post("/api/ask", json={"question": "А автобусов?"}).json()
            assert alone["interpreted_as"] is None
            for bad in (
                {"question": "А автобусов?", "history": [{"role": "bot", "content": "x"}]},
                {"question": "А автобусов?", "history": "x"},
                {"question": "А автобусов?", "history": [{"role": "user", "content": 1}]},
                {"question": "А автобусов?", "history": [{**history[0], "name": "me"}]},
            ):
                response = client.post("/api/ask", json=bad)
                assert response.status_code == 422, bad
                assert "history" in response.json()["message"], response.json()
            schema = client.get("/openapi.json").json()["components"]["schemas"]
            assert "history" in schema["AskRequest"]["properties"]
            assert "interpreted_as" in schema["AnswerOut"]["properties"]


def test_with_an_llm_the_checked_rewrite_is_the_question_answered(report_qa: ReportQA) -> None:
    qa = ReportQA(report_qa.settings, report_qa.documents, report_qa.data, report_qa.embedder)
    history = [{"role": "user", "content": FIRST}]
    qa.rewriter = rewriter("Сколько автобусов произведено в 2024 году?")
    answer = qa.ask("А автобусов?", history)
    assert answer.interpreted_as == "Сколько автобусов произведено в 2024 году?"
    assert "1400" in answer.answer and answer.notice is None
    qa.rewriter = rewriter("Сколько автобусов Samsung произведено в 2024 году?")
    fallback = qa.ask("А автобусов?", history)
    assert fallback.interpreted_as == resolve("А автобусов?", thread(FIRST)).interpreted_as
    assert fallback.notice is not None and "«Samsung»" in fallback.notice


def test_eval_scores_first_turns_and_follow_ups_apart(report_index: Path, tmp_path: Path) -> None:
    dialogue = {
        "id": "d1",
        "lang": "ru",
        "turns": [
            {"question": FIRST, "answers": ["372 тысячи"], "paragraph": 5},
            {"question": "А автобусов?", "answers": ["1400"], "paragraph": 5},
        ],
    }
    path = tmp_path / "dialogues.jsonl"
    path.write_text(json.dumps(dialogue, ensure_ascii=False) + "\n", encoding="utf-8")
    result = cli(report_index, "eval", str(path), input="")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith("ok ") and "=> Сколько автобусов" in lines[1]
    totals = json.loads(lines[-1])
    assert totals["first"]["turns"] == 1 and totals["followup"]["turns"] == 1
    assert totals["followup"]["by_language"]["ru"]["accuracy"] == 1.0


def test_eval_tells_whether_each_turn_s_short_answer_is_right() -> None:
    """A turn is right when its short answer or its quote holds a gold string; whether the
    short answer itself is right is counted apart (a quote on two figures holds both)."""
    quote = "произведено 1400 единиц автобусов и 372 тысячи шин"
    shorts = iter(["372 тысячи", "372 тысячи", None])

    def ask(question: str, history: list[dict[str, Any]]) -> Answer:
        text = next(shorts)
        short = ShortAnswer(text, "r.txt", 0, len(text), 1) if text else None
        cited = Citation(1, "r.txt", "Report", 5, quote, 0, len(quote), 0.9)
        return Answer(question, quote, False, "ru", (cited,), short_answer=short)

    dialogue = {
        "id": "d1",
        "lang": "ru",
        "turns": [
            {"question": "Сколько шин?", "answers": ["372 тысячи"]},
            {"question": "А автобусов?", "answers": ["1400"]},
            {"question": "А техники?", "answers": ["1400"]},
        ],
    }
    results = evaluate_dialogues([dialogue], ask).results
    assert [r.correct for r in results] == [True, True, True]  # the quote holds every answer
    assert [r.short_right for r in results] == [True, False, None]


@pytest.mark.parametrize(
    ("first", "follow", "standalone"),
    [
        ("Сколько шин выпустили в 2024 году?", "А 2023?", "Сколько шин выпустили в 2023 году?"),
        ("How many tyres were made in 2024?", "And 2023?", "How many tyres were made in 2023?"),
        ("2024 жылы қанша шина шығарылды?", "Ал 2023 ше?", "2023 жылы қанша шина шығарылды?"),
    ],
)
def test_a_bare_year_is_a_period_that_takes_the_thread_s_place(
    first: str, follow: str, standalone: str
) -> None:
    """A fragment of four digits counting nothing is a year: it takes the year's place in the
    thread's period, whose preposition and year word stay, not the place of a counted noun."""
    assert resolve(follow, thread(first)).standalone == standalone


def test_a_kazakh_what_question_is_its_own_question_not_a_fragment() -> None:
    """Kazakh "не" ("what") is a question word of the ``other`` group, as "что" is in Russian: a
    follow-up asking it is completed in brackets, not spliced into the last question."""
    read = resolve("Ал Қарағандыда не өндірілмек?", thread("2025 жылы қанша жоба іске асырылмақ?"))
    assert read.standalone.startswith("Қарағандыда не өндірілмек")
    assert "қанша" not in read.standalone
