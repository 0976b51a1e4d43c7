"""What a question asks, read once: kind of answer, measure, years, direction, why, names, small
talk and composition requests, each read through the resource tables of its language."""

from __future__ import annotations

import pytest

from reportqa.evidence.question import KINDS, MEASURES, dated, read_question
from reportqa.lang import resources


@pytest.mark.parametrize(
    "question, language, kind",
    [
        ("Сколько вузов в области?", "ru", "quantity"),
        ("How many colleges are there?", "en", "quantity"),
        ("Облыста қанша колледж бар?", "kk", "quantity"),
        ("Скока колледжей в области?", "ru", "quantity"),  # colloquial
        ("Какую сумму вложит инвестор?", "ru", "quantity"),  # which + a quantity noun
        ("Когда запустят вторую печь?", "ru", "date"),
        ("In what year will the furnace start?", "en", "date"),
        ("Пеш қай жылы іске қосылады?", "kk", "date"),
        ("В каком году запустят печь?", "ru", "date"),
        ("Где построят центр?", "ru", "place"),
        ("Where will the centre be built?", "en", "place"),
        ("Орталық қайда салынады?", "kk", "place"),
        ("Кто курирует проекты?", "ru", "agent"),
        ("Which company is exploring the region?", "en", "agent"),
        ("Какая компания ведёт разведку?", "ru", "agent"),
        ("Кім барлау жүргізеді?", "kk", "agent"),
        # "қайда" (where) less its ending is "қай" (which): the longer which + noun match wins.
        ("Барлауды қай компания жүргізеді?", "kk", "agent"),
        # and a bare "қай" before a noun of no kind does not ask for a place
        ("Облыста қай брендтің теледидары шығарылды?", "kk", "agent"),
        ("Облыста қай зауыттың өнімі шықты?", "kk", "other"),
        # a which word that ends the question governs the noun before it
        ("Ветроэлектростанцияның қуаты қандай?", "kk", "quantity"),
        ("Барлау жүргізетін компаниясы қандай?", "kk", "agent"),
        # which + a measure, a capital, a ruler (rows of which_nouns)
        ("Какая высота горы Арарат?", "ru", "quantity"),
        ("What is the length of the bridge?", "en", "quantity"),
        # a part of a whole is a share ("часть", "бөлік": "бөлігін" keyed through its voiced "г")
        ("Какую часть экономики даёт промышленность?", "ru", "quantity"),
        ("Өнеркәсіп экономиканың қандай бөлігін құрайды?", "kk", "quantity"),
        ("Какая столица у этой страны?", "ru", "place"),
        ("Какой правитель завоевал Уэльс?", "ru", "agent"),
        ("Как называется процесс?", "ru", "other"),
        ("Производство выросло?", "ru", "other"),
        # the first question word decides, even one of no kind ("other" rows)
        ("Что происходит с нормой, когда число умножается на p?", "ru", "other"),
        ("How does the plant work when demand falls?", "en", "other"),
        ("Зауыт қалай жұмыс істейді, қашан ашылды?", "kk", "other"),
        # a Russian which word governs the first noun it reaches: no kind, or animate (agent)
        ("Какая партия в настоящее время крупнейшая?", "ru", "other"),
        ("Какой актёр исполнил эту роль?", "ru", "agent"),
        ("Какие учёные изучали кислород?", "ru", "agent"),
        ("Какой обьем инновационой продукции?", "ru", "other"),  # a misspelling: no guess
    ],
)
def test_question_kinds(question: str, language: str, kind: str) -> None:
    read = read_question(question)
    assert read.language == language
    assert read.kind == kind


def test_a_which_word_governs_a_noun_only_a_few_words_on() -> None:
    assert read_question("Какой город?").kind == "place"
    assert read_question("Какой по счёту среди всех прочих известных нам город?").kind == "other"


@pytest.mark.parametrize("language", resources.LANGUAGES)
def test_every_kind_and_measure_has_its_words_in_every_language(language: str) -> None:
    for table in ("question_words", "which_nouns"):
        groups = resources.grouped_phrases(language, table)
        assert [kind for kind in KINDS if groups.get(kind)] == list(KINDS), table
    measures = resources.grouped_phrases(language, "measures")
    assert [m for m in MEASURES if measures.get(m)] == list(MEASURES)


@pytest.mark.parametrize(
    "question, measure",
    [
        ("Сколько денег вложили в завод?", "money"),
        ("Какова сумма инвестиций?", "money"),
        ("How much money was invested?", "money"),
        ("На сколько процентов выросло производство?", "percent"),
        ("Прокат өндірісі қанша пайызға өсті?", "percent"),
        ("Какая площадь у парка?", "area"),
        ("What is the capacity in megawatts?", "power"),
        ("Сколько тонн стали выплавили?", "mass"),
        ("на скок выросла выплавка стали", "percent"),  # colloquial
        ("Во сколько обойдётся промпарк?", "money"),
        ("Сколько вузов в области?", None),
        # a measure word right after a "how much" is the unit it counts in
        ("На сколько мегаватт рассчитана станция?", "power"),
        ("На сколько гектаров расширят парк?", "area"),
        ("By how much money did the budget grow?", "money"),
        ("На сколько выросла выплавка?", "percent"),
        ("Болат өндірісі қаншаға артты?", "percent"),  # "by how much" with a verb of change
        ("Қанша шина шығарылды?", None),
    ],
)
def test_measure(question: str, measure: str | None) -> None:
    assert read_question(question).measure == measure


@pytest.mark.parametrize(
    "question, years, bounded",
    [
        ("Что построено в 2024 году?", {2024}, set()),
        ("Что будет в 2025-2027 годах?", {2025, 2026, 2027}, set()),
        ("Какую сумму вложат до 2028 года?", set(), {2028}),
        ("Что изменилось с 2020 года?", set(), {2020}),
        ("What will be built by 2028?", set(), {2028}),
        ("Сколько вузов в области?", set(), set()),
    ],
)
def test_years_named_and_years_used_as_a_bound(
    question: str, years: set[int], bounded: set[int]
) -> None:
    read = read_question(question)
    assert read.years == years
    assert read.bounded_years == bounded


@pytest.mark.parametrize(
    "question, direction",
    [
        ("На сколько процентов выросло производство?", 1),
        ("Производство упало?", -1),
        ("Производство снизилось?", -1),
        ("Why did output fall?", -1),
        ("Output fell in 2024", -1),
        ("Production grew by 5%?", 1),
        ("Өндіріс өсті ме?", 1),
        ("Предприятий стало больше?", 1),
        ("Работают больше 1300 предприятий?", 0),  # right before a number: a bound
        ("Производство выросло или упало?", 0),  # both
        ("Сколько вузов в области?", 0),
    ],
)
def test_direction(question: str, direction: int) -> None:
    assert read_question(question).direction == direction


@pytest.mark.parametrize(
    "question, why",
    [
        ("Почему упало производство?", True),
        ("Зачем строят завод?", True),
        ("How come output fell?", True),
        ("Неліктен өндіріс төмендеді?", True),
        ("Сколько вузов в области?", False),
    ],
)
def test_why(question: str, why: bool) -> None:
    assert read_question(question).why is why


def test_why_words_are_not_content_words() -> None:
    assert [t.text for t in read_question("Почему упало производство?").words] == [
        "упало",
        "производство",
    ]


def test_question_and_kind_words_are_not_content_words() -> None:
    read = read_question("Какую долю экономики занимает промышленность?")
    assert [t.text for t in read.words] == ["экономики", "занимает", "промышленность"]
    assert [t.text for t in read_question("By what percentage did output grow?").words] == [
        "output",
        "grow",
    ]


@pytest.mark.parametrize(
    "question, asking, counted",
    [
        ("Сколько студентов учится в колледжах?", "Сколько", "студентов"),
        ("How many buses were made?", "many", "buses"),
        # the question word inside the question, as Kazakh and colloquial Russian put it
        ("Сарыарқа аймағында қанша жұмыс орны ашылды?", "қанша", "жұмыс"),
        ("А в Сарани сколько участников?", "сколько", "участников"),
    ],
)
def test_what_a_question_of_amount_counts_follows_its_question_word(
    question: str, asking: str, counted: str
) -> None:
    from reportqa.evidence.features import _asked_noun

    read = read_question(question)
    assert read.kind == "quantity"
    assert read.tokens[read.kind_end].text == asking
    words = list(read.words)
    at = _asked_noun(read, words)
    assert at is not None and words[at].text == counted


def test_a_question_of_no_kind_has_no_kind_words() -> None:
    assert read_question("Расскажи о заводе цинкования.").kind_end == -1


@pytest.mark.parametrize(
    "question, words",
    [
        ("Who has trained tyre makers since 2023?", ["trained", "tyre", "makers"]),
        ("What was built until 2024?", ["built"]),
        ("Колледж қай жылдан бері дайындайды?", ["Колледж", "дайындайды"]),
    ],
)
def test_prepositions_and_postpositions_of_time_are_not_content_words(
    question: str, words: list[str]
) -> None:
    assert [t.text for t in read_question(question).words] == words


def test_names_are_capitalised_latin_or_quoted_words() -> None:
    read = read_question("Сколько вложил «казцинк» в ERG и Темиртау?")
    assert [t.text for t in read.names] == ["казцинк", "ERG", "Темиртау"]
    assert read_question("Сколько вузов в области?").names == ()


@pytest.mark.parametrize(
    "question, names",
    [
        # a capitalised first word is a name when it is no common word of its language
        ("Балқаш мыс зауытында қанша мыс өндірілді?", ["Балқаш"]),
        ("Неліктен өндіріс өсті?", []),
        ("Облыста қанша колледж бар?", []),
        ("Темиртау получил инвестиции?", ["Темиртау"]),
        ("Сколько шин выпустили?", []),
        ("What did QARMET invest?", ["QARMET"]),
        ("Where did Samsung open a plant?", ["Samsung"]),
    ],
)
def test_a_first_word_is_a_name_unless_it_is_a_common_word(question: str, names: list) -> None:
    assert [t.text for t in read_question(question).names] == names


@pytest.mark.parametrize(
    "text, share",
    [
        ("hi, how are you today?", 1.0),
        ("Сәлем, қалайсыз?", 1.0),
        ("Добрый день!", 1.0),
        ("Производство выросло?", 0.0),
    ],
)
def test_small_talk_share(text: str, share: float) -> None:
    assert read_question(text).small_talk == pytest.approx(share)


def test_an_inflected_greeting_is_all_small_talk() -> None:
    assert read_question("Привет, как дела?").small_talk == pytest.approx(1.0)


def test_a_greeting_is_more_small_talk_than_a_question() -> None:
    greeting = read_question("Привет, как дела?").small_talk
    assert greeting > read_question("Сколько вузов в области?").small_talk
    assert greeting > 0.5


@pytest.mark.parametrize(
    "text, compose",
    [
        ("Напиши стих о заводе", True),
        ("Write me a poem about steel", True),
        ("Tell me a joke", True),
        ("Болат туралы өлең жаз", True),
        ("Напиши, сколько вузов в области", False),  # a verb, nothing to compose
        ("Tell me about Samsung production", False),
        ("Придумай название", False),
    ],
)
def test_compose(text: str, compose: bool) -> None:
    assert read_question(text).compose is compose


def test_a_given_language_picks_the_tables() -> None:
    # "неге" (why) is a row of the Kazakh table only.
    assert read_question("Неге зауыт салынды?", "ru").why is False
    read = read_question("Неге зауыт салынды?", "kk")
    assert read.language == "kk" and read.why is True


@pytest.mark.parametrize(
    "question, shifts",
    [
        ("А в этом году сколько шин?", {0}),
        ("Сколько произвели за 7 месяцев текущего года?", {0}),
        ("а в прошлом году?", {-1}),
        ("How many tyres were made this year?", {0}),
        ("And last year?", {-1}),
        ("Биыл қанша шина шығарылды?", {0}),
        ("Былтыр ше?", {-1}),
        ("Сколько шин произвели в 2024 году?", set()),
        ("Это годный вопрос?", set()),
        # a year compared with is the base of a change, not the period asked about
        ("На сколько выросло производство по сравнению с прошлым годом?", set()),
        ("By how much did output grow compared with the same period last year?", set()),
        ("Өткен жылмен салыстырғанда өндіріс қаншаға өсті?", set()),
        ("Насколько в этом году больше, чем в прошлом году?", {0}),
    ],
)
def test_relative_years_are_read_and_resolved_by_the_documents_date(
    question: str, shifts: set[int]
) -> None:
    read = read_question(question)
    assert read.relative_years == frozenset(shifts)
    assert dated(read, 2025).years == read.years | {2025 + s for s in shifts}
    assert dated(read, None) == read  # a document without a date resolves nothing


@pytest.mark.parametrize(
    "question",
    [
        "What was the output in the previous year?",
        "Каким был объём в предыдущем году?",
        "Ал алдыңғы жылы?",
    ],
)
def test_the_year_before_alone_is_the_year_before_the_documents(question: str) -> None:
    assert read_question(question).relative_years == frozenset({-1})
