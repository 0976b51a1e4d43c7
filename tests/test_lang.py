"""The language layer: tokens and their keys, sentences, language detection, names across scripts,
misspellings, named entities, and the resource tables all of them read."""

from __future__ import annotations

import importlib

import pytest

from reportqa.evidence.question import read_question
from reportqa.lang import resources
from reportqa.lang.detect import detect_language
from reportqa.lang.lexicon import translations
from reportqa.lang.names import (
    derived_name,
    edit_distance,
    name_spellings,
    same_name,
    spelling_key,
)
from reportqa.lang.sentences import split_sentences
from reportqa.lang.spelling import Speller, english_word, one_edit, respell, table_word
from reportqa.lang.tokens import (
    content_keys,
    content_words,
    lexical_terms,
    other_keys,
    pos_of,
    prefix_term,
    tokens,
    word_key,
    words_of,
)

# -- tokens and keys ---------------------------------------------------------------------------


def keys(text: str, language: str | None = None) -> list[str]:
    return [t.key for t in words_of(text, language)]


def test_russian_inflections_share_a_lemma() -> None:
    assert set(keys("Колледжей колледжа КОЛЛЕДЖИ колледж")) == {"колледж"}
    assert set(keys("предприятий предприятие")) == {"предприятие"}
    assert keys("объём") == keys("объем") == ["объем"]


def test_tokens_carry_exact_offsets_kinds_and_languages() -> None:
    text = "В 2024 году QARMET вложил 1,6 трлн."
    found = tokens(text)
    for t in found:
        assert text[t.start : t.end] == t.text
    assert [t.kind for t in found] == [
        "word",
        "number",
        "word",
        "word",
        "word",
        "number",
        "word",
        "punct",
    ]
    assert [t.language for t in found if t.kind == "word"] == ["ru", "ru", "en", "ru", "ru"]


def test_a_kazakh_ending_on_a_latin_name_is_a_word_of_its_own() -> None:
    found = words_of("Qarmet-те")
    assert [(t.text, t.start, t.end) for t in found] == [("Qarmet", 0, 6), ("те", 7, 9)]
    assert found[0].key == "qarmet" and found[0].language == "en"


def test_a_hyphenated_word_of_one_script_stays_whole() -> None:
    assert [t.text for t in words_of("северо-восток")] == ["северо-восток"]


def test_kazakh_plural_and_russian_genitive_share_the_key() -> None:
    # "колледждер" has no Kazakh-only letter: it is keyed as Kazakh because the text is.
    assert word_key("колледждер", "kk") == word_key("колледжа", "ru") == "колледж"
    assert keys("колледждер", "kk") == ["колледж"]
    # A Kazakh-only letter is enough, without a hint.
    assert keys("жұмыстар") == ["жұмыс"]


def test_a_kazakh_word_is_cut_to_the_shortest_stem_the_dictionary_knows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = importlib.import_module("reportqa.lang.tokens")  # the package exports tokens()
    # The longest ending first would cut "зауыты" to "зауы" + "ты", then "зау"; the dictionary
    # knows "зауыт" + "ы". A possessive and a case ending on "облыс" come off together.
    monkeypatch.setattr(module, "_kazakh_dictionary", lambda: frozenset({"зауыт", "облыс"}))
    stem = module._kazakh_stem
    assert stem("зауыты") == stem("зауыттар") == stem("зауыт") == "зауыт"
    assert stem("облысында") == stem("облысы") == "облыс"
    # A word the dictionary does not reach keeps the longest-ending rule.
    assert stem("бюджетін") == "бюдж"


def test_kazakh_typed_without_kazakh_letters_is_keyed_as_written_with_them() -> None:
    # a Russian keyboard has no ө, і, ғ, қ: "ондирис" is "өндіріс", and its endings too
    for typed, written in [
        ("ондирис", "өндіріс"),
        ("ости", "өсті"),
        ("пайызга", "пайызға"),
        ("комир", "көмір"),
    ]:
        assert word_key(typed, "kk") == word_key(written, "kk"), (typed, written)
    question = read_question("болат ондирисi канша пайызга ости")
    assert question.language == "kk"
    assert question.kind == "quantity" and question.measure == "percent"
    assert question.direction == read_question("болат өндірісі қанша пайызға өсті").direction != 0


def test_a_typed_spelling_two_kazakh_words_share_is_left_as_it_is() -> None:
    # "кун" is how both "күн" (day) and "құн" (cost) are typed: no guess between them
    assert {resources.typed(w, "kk") for w in ("күн", "құн")} == {"кун"}
    assert word_key("кун", "kk") == "кун"
    assert word_key("күн", "kk") != word_key("құн", "kk")


def test_flat_tables_match_kazakh_words_typed_without_kazakh_letters() -> None:
    stop = resources.surface("kk", "stopwords")
    assert "қандай" in stop and "кандай" in stop
    assert "ғана" in stop and "гана" in stop
    # a language without a keyboard table is unchanged
    assert resources.typed("сколько", "ru") == "сколько"


def test_kazakh_possessive_forms_share_the_key_of_their_lexicon_word() -> None:
    assert word_key("зауыты", "kk") == word_key("зауыттар", "kk") == word_key("зауыт", "kk")
    assert translations("kk", "ru")[word_key("облысында", "kk")] >= {word_key("область", "ru")}


def test_english_words_get_the_snowball_stem() -> None:
    assert keys("companies company") == ["compani", "compani"]


@pytest.mark.parametrize(
    "text, number",
    [("1,6 трлн тенге", "1,6"), ("в 2024 году", "2024"), ("на 2024-2028 годы", "2024-2028")],
)
def test_numbers_are_kept_whole(text: str, number: str) -> None:
    (found,) = [t for t in tokens(text) if t.kind == "number"]
    assert found.text == number
    assert found.key == number.replace(",", ".")


def test_content_words_and_keys_leave_out_stop_words() -> None:
    text = "В области работают 52 колледжа и 8 вузов."
    assert [t.text for t in content_words(text)] == ["области", "работают", "колледжа", "вузов"]
    assert content_keys(text) == ["область", "работать", "52", "колледж", "8", "вуз"]
    assert content_keys("колледж колледжа колледжей") == ["колледж"]  # distinct


def test_lexical_terms_are_keys_and_prefixes_and_numbers_as_written() -> None:
    assert lexical_terms("шинного 2023") == ["шинный", "~шинно", "2023"]
    assert lexical_terms("Сколько колледжей в области?") == [
        "колледж",
        "~колле",
        "область",
        "~облас",
    ]


def test_prefix_term_joins_derivations_the_lemma_keeps_apart() -> None:
    (noun,) = words_of("инвестиций")
    (verb,) = words_of("инвестировать")
    assert noun.key != verb.key
    assert prefix_term(noun) == prefix_term(verb) == "~инвес"


def test_part_of_speech() -> None:
    assert pos_of("выросло") == "VERB"
    assert pos_of("завод") == "NOUN"


# -- sentences ---------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Создано 15 тыс. гектаров. Рост продолжится.",
            ["Создано 15 тыс. гектаров.", "Рост продолжится."],
        ),
        ("Вложено 572,9 млрд тенге. Это много.", ["Вложено 572,9 млрд тенге.", "Это много."]),
        (
            "Вложено 5 млрд тенге в 2024 г. на ремонт. Дальше больше.",
            ["Вложено 5 млрд тенге в 2024 г. на ремонт.", "Дальше больше."],
        ),
        (
            "Памятник А. С. Пушкину открыт в г. Караганде. Второе.",
            ["Памятник А. С. Пушкину открыт в г. Караганде.", "Второе."],
        ),
        (
            "Рост составил 7,3%. «Хороший итог», — сказал он.",
            ["Рост составил 7,3%.", "«Хороший итог», — сказал он."],
        ),
        ("Вопрос? Ответ! Ещё… Конец.", ["Вопрос?", "Ответ!", "Ещё…", "Конец."]),
        (
            "It grew by 7.3 percent. Mr. Smith agreed.",
            ["It grew by 7.3 percent.", "Mr. Smith agreed."],
        ),
        ("одно предложение без точки", ["одно предложение без точки"]),
    ],
)
def test_sentence_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_offsets_are_shifted_and_exact() -> None:
    text = "  Первое.  Второе предложение.  "
    spans = split_sentences(text, offset=100)
    assert spans == [(102, 109), (111, 130)]
    assert [text[s - 100 : e - 100] for s, e in spans] == ["Первое.", "Второе предложение."]


def test_blank_text_has_no_sentences() -> None:
    assert split_sentences("  \n ") == []


# -- language detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Сколько вузов?", "ru"),
        ("How many colleges?", "en"),
        ("Облыста қанша жоғары оқу орны бар?", "kk"),
        ("Облыста неше колледж бар?", "kk"),  # no Kazakh-only letter: function words decide
        ("Сколько денег вложено в бар?", "ru"),  # a Kazakh word, outvoted
        ("Сколько вложил QARMET?", "ru"),  # a Latin name in a Russian question
        ("2024", "ru"),  # no letters: the default
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_no_letters_gives_the_default() -> None:
    assert detect_language("2024?", default="en") == "en"


def test_kazakh_typed_on_a_russian_keyboard_is_kazakh_unless_the_words_are_russian() -> None:
    assert detect_language("картехке акша кай жылдары болинеди") == "kk"
    # "автомобили" is how "автомобилі" is typed, and a Russian word: it does not count
    assert detect_language("автомобили выпуск 2024") == "ru"
    # "тенге" is "теңге" typed so, and the Russian word pymorphy3 lacks: a word of the Russian
    # tables, it does not count either
    assert (
        detect_language("Индустриальная зона Сарань привлекла 472 млрд тенге инвестиций.") == "ru"
    )
    assert detect_language("Сарань 472 млрд теңге инвестиция тартты.") == "kk"
    # "не" is Russian "not" and Kazakh "what": it marks neither
    assert detect_language("«Картех» технохабы не ұсынады?") == "kk"
    assert detect_language("Производство не выросло?") == "ru"
    # a Kazakh name in an English question leaves it English; English names leave Kazakh
    assert detect_language("What does the Тау-Кен Темір plant produce?") == "en"
    assert detect_language("Yildirim Holding қай елдікі?") == "kk"
    assert detect_language("Where is Йылдырым Холдинг based?") == "en"
    assert detect_language("Сколько стоит The Ritz?") == "ru"


def test_a_conversation_s_language_is_kept_where_the_words_mark_none() -> None:
    """A short follow-up may hold no word marking Kazakh or Russian ("Инвестиция?", a Kazakh
    word with no Kazakh letter): it keeps the conversation's language; a word that marks one
    decides as before, whatever the conversation."""
    assert detect_language("Инвестиция?") == "ru"
    assert detect_language("Инвестиция?", prior="kk") == "kk"
    assert detect_language("А проката?", prior="kk") == "ru"  # "а" is Russian
    assert detect_language("And tyres?", prior="kk") == "en"
    assert detect_language("Ал инвестиция?") == "kk"  # "ал" is a Kazakh function word
    assert detect_language("Инвестиция?", prior="en") == "ru"


def test_a_quoted_kazakh_name_leaves_a_russian_sentence_russian() -> None:
    assert detect_language("На программу «Жұмыс тап» выделено 3 млрд тенге") == "ru"
    assert detect_language("What did «Жұмыс тап» cost?") == "en"
    # Unquoted, the same Kazakh words outvote the Russian ones.
    assert detect_language("Жұмыс тап бағдарламасы") == "kk"


# -- names across scripts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Кармет", "QARMET"),
        ("Самсунг", "Samsung"),
        ("Сарыарка", "Saryarka"),
        ("Холдинг", "Holding"),  # a doubled letter written single
    ],
)
def test_a_name_in_two_scripts_has_one_spelling_key(a: str, b: str) -> None:
    assert spelling_key(a) == spelling_key(b)
    assert same_name(a, b)


def test_same_name_allows_one_edit_for_long_names_only() -> None:
    assert same_name("Темиртау", "Temirtay")  # keys one edit apart, eight letters
    assert not same_name("Kazakhstan", "Kazakh")
    assert not same_name("Kant", "Kent")  # one edit, but short names must agree exactly
    assert not same_name("", "")


def test_a_name_is_read_as_written_and_as_its_key() -> None:
    # a Kazakh case ending dropped by the key: "Теміртауда" is "Темиртау" too
    assert name_spellings("Теміртауда", "теміртау") == ("temirtauda", spelling_key("Темиртау"))
    # no ending: one spelling
    assert name_spellings("Теміртау", "теміртау") == (spelling_key("Теміртау"),)
    # a key of fewer than five letters may be a stem cut too far ("Қарағанды" keyed "қара")
    assert name_spellings("Қарағанды", "қара") == (spelling_key("Қарағанды"),)


def test_a_claim_word_with_a_kazakh_ending_is_the_report_word_it_names() -> None:
    from reportqa.check.factcheck import same_word

    assert same_word("Теміртауда", "Темиртау")
    assert not same_word("Теміртауда", "Экибастуз")
    assert not same_word("Қазақмыс", "Казахстан")


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("Саранском", "Saran"),  # an adjective of a town
        ("Карагандинской", "Karaganda"),  # the name less its last letter, then the suffix
        ("сарыаркинский", "Сарыарка"),
        ("Теміртаулық", "Temirtau"),  # a Kazakh noun of a place
    ],
)
def test_a_word_made_of_a_name_is_that_name(word: str, name: str) -> None:
    assert derived_name(spelling_key(word), spelling_key(name))


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("Kazakhstan", "Kazakh"),  # no suffix of the table follows
        ("Саранда", "Saran"),
        ("Сарань", "Saran"),  # the name itself is ``same_name``'s
        ("Kantsk", "Kant"),  # too short a name to read derived words of
    ],
)
def test_a_word_that_only_begins_like_a_name_is_not_made_of_it(word: str, name: str) -> None:
    assert not derived_name(spelling_key(word), spelling_key(name))


def test_edit_distance_stops_past_its_limit() -> None:
    assert edit_distance("karmet", "karmat") == 1
    assert edit_distance("kitten", "sitting", limit=5) == 3
    assert edit_distance("abc", "abcdef", limit=1) == 2  # limit + 1, not 3


# -- misspellings ------------------------------------------------------------------------------

VOCABULARY = {"колледжей": 5, "колледжи": 3, "чугуна": 2, "завод": 4, "металлургический": 1}


def test_speller_corrects_a_one_letter_typo_to_a_corpus_word() -> None:
    speller = Speller(VOCABULARY)
    assert speller.correct("зовод") == ["завод"]
    assert speller.correct("чугунна") == ["чугуна"]
    assert speller.correct("Колледжй") == ["колледжей", "колледжи"]  # most frequent first


def test_speller_allows_two_edits_for_long_words_only() -> None:
    speller = Speller(VOCABULARY)
    assert speller.correct("металургическй") == ["металлургический"]
    assert speller.correct("зоуод") == []


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("сколко", "сколько", True),  # a letter left out
        ("сколькоо", "сколько", True),  # one added
        ("завод", "зовод", True),  # one changed
        ("завод", "заовд", True),  # two neighbours swapped
        ("завод", "зоувд", False),
        ("завод", "завод", False),
        ("завод", "заводы", True),
        ("завод", "заводам", False),
    ],
)
def test_one_edit(a: str, b: str, near: bool) -> None:
    assert one_edit(a, b) is near
    assert one_edit(b, a) is near


def test_a_misspelt_question_word_is_the_table_word_it_stands_for() -> None:
    assert table_word("сколькоо", "ru") == "сколько"
    assert table_word("наскоько", "ru") == "насколько"
    # near "сколько" and "скоко", both amount words: the one the table lists first
    assert table_word("сколко", "ru") == "сколько"
    assert table_word("сколько", "ru") is None  # a table word itself
    assert table_word("столько", "ru") is None  # a word the dictionary knows
    assert table_word("howw", "en") is None  # no dictionary to tell a misspelling from a word


def _corpus_words(counts: dict[str, int]):
    return lambda token: token.lower in counts


def test_respell_writes_misspelt_words_as_the_corpus_and_the_tables_do() -> None:
    counts = {**VOCABULARY, "технохаб": 2, "области": 5, "метро": 1}
    speller = Speller(counts)
    asked = "Скоко колледжй и где технохап в облости?"
    assert respell(asked, _corpus_words(counts), speller) == (
        "Скоко колледжей и где технохаб в области?"  # "колледжи" too, of the same key
    )
    # words it knows are left as they are; so are a name, words the dictionary knows but the
    # corpus does not ("чугунна" is a short form of "чугунный"), short words, and English
    for text in (
        "Когда вышел прогноз метео?",
        "Где технохаб?",
        "Что строит Зовод?",
        "Сколько нефти добыли?",
        "Чугунна ли ограда?",
        "How many zovods are there?",
    ):
        assert respell(text, _corpus_words(counts), speller) == text


def test_an_english_word_the_word_list_lacks_is_its_nearest_word() -> None:
    assert english_word("manufacturng") == "manufacturing"
    assert english_word("yeras") == "years"  # two letters swapped
    assert english_word("tyers") == "tyre"  # a word of the tables first, by its stem
    # a word of the list, a British spelling of one, a short word: left as typed
    assert english_word("planed") is None
    assert english_word("centre") is None
    assert english_word("programme") is None
    assert english_word("hwo") is None


def test_respell_reads_an_english_question_against_the_word_list() -> None:
    speller = Speller(VOCABULARY)
    nothing = _corpus_words({})
    assert respell("How many manufacturng enterprizes?", nothing, speller) == (
        "How many manufacturing enterprises?"
    )
    # capitalised words may be names, even the first one; tables' words stay as written
    for text in ("Glencore invested in Kazakhstan?", "What about Glencore?", "How many tyres?"):
        assert respell(text, nothing, speller) == text


def test_a_misspelt_question_is_answered_as_respelt_and_says_so(report_qa) -> None:
    answer = report_qa.ask("Как называеться индустриальный технохап в Карагандинской облости?")
    assert answer.interpreted_as == (
        "Как называеться индустриальный технохаб в Карагандинской области?"
    )
    assert not answer.refused and "Картех" in answer.answer
    assert report_qa.ask("Как называется индустриальный технохаб?").interpreted_as is None


def test_speller_leaves_corpus_words_and_short_words_alone() -> None:
    speller = Speller({**VOCABULARY, "мет": 1})
    assert speller.correct("завод") == []
    assert speller.correct("колледжи") == []
    assert speller.correct("мот") == []
    assert speller._symspell is None  # nothing needed the index yet


# -- resource tables ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", resources.LANGUAGES)
def test_every_language_has_every_table(language: str) -> None:
    missing = [name for name in resources.TABLES if name not in resources.raw(language)]
    assert missing == []


@pytest.mark.parametrize("name", resources.TABLES)
def test_a_grouped_table_has_the_same_groups_in_every_language(name: str) -> None:
    shapes = {lang: resources.raw(lang)[name] for lang in resources.LANGUAGES}
    grouped = {lang: isinstance(table, dict) for lang, table in shapes.items()}
    assert len(set(grouped.values())) == 1, grouped
    if all(grouped.values()):
        groups = {lang: sorted(table) for lang, table in shapes.items()}
        assert len({tuple(g) for g in groups.values()}) == 1, groups


@pytest.mark.parametrize("language", resources.LANGUAGES)
def test_every_table_entry_has_a_word(language: str) -> None:
    empty = []
    for name in resources.TABLES:
        table = resources.raw(language)[name]
        groups = table if isinstance(table, dict) else {"": table}
        for group, entries in groups.items():
            if isinstance(entries, dict):  # translations: word -> its words in another language
                flat = [(w, language) for w in entries]
                flat += [(m, group) for meanings in entries.values() for m in meanings]
            else:
                items = entries if isinstance(entries, list) else entries.split()
                flat = [(entry, language) for entry in items]
            for entry, entry_language in flat:
                if not words_of(entry, entry_language):
                    empty.append((name, group, entry))
    assert empty == []


@pytest.mark.parametrize(
    ("source", "target", "word", "meaning"),
    [("en", "ru", "tyres", "шин"), ("kk", "ru", "шиналар", "шина"), ("ru", "en", "шин", "tyres")],
)
def test_translations_match_inflected_words_both_ways(
    source: str, target: str, word: str, meaning: str
) -> None:
    [token] = words_of(word, source)
    [wanted] = words_of(meaning, target)
    assert wanted.key in translations(source, target)[token.key]


def test_a_language_table_into_itself_reads_informal_words_as_formal_ones_one_way() -> None:
    table = translations("ru", "ru")
    [informal] = words_of("стиралки", "ru")
    [formal] = words_of("машина", "ru")
    assert formal.key in table[informal.key]
    assert informal.key not in table.get(formal.key, frozenset())  # one way only
    assert all(key not in meanings for key, meanings in table.items())  # no word is its own


def test_an_unknown_language_has_no_tables() -> None:
    with pytest.raises(KeyError, match="no resource table"):
        resources.raw("de")


def test_phrases_are_normalised_to_keys() -> None:
    # Entries are written as people write them; they are matched by their keys.
    assert "объем" in resources.keys("ru", "which_nouns", "quantity")  # "объём" in the table
    assert ("в", "какой") in resources.phrases("ru", "which_words")  # "в каком"
    assert ("how", "mani") in resources.phrases("en", "question_words", "quantity")
    phrases = resources.phrases("en", "question_words", "quantity")
    assert [len(p) for p in phrases] == sorted((len(p) for p in phrases), reverse=True)
    assert resources.surface("ru", "stopwords") >= {"и", "в", "на"}


@pytest.mark.parametrize(
    "question", ["Какую сумму вложит QARMET?", "Какова сумма инвестиций?", "Каков объём?"]
)
def test_an_inflected_question_matches_a_table_entry_by_its_keys(question: str) -> None:
    # "какую" and "какова" are "какой" of which_words, "сумму" is "сумма" of which_nouns.
    assert read_question(question).kind == "quantity"


# -- named entities ----------------------------------------------------------------------------


@pytest.mark.slow
def test_ner_finds_a_place_and_an_organisation() -> None:
    from reportqa.lang.ner import entities

    text = "Компания «Северсталь» построит завод в Новосибирске, сообщил Иван Петров."
    found = entities(text)
    for e in found:
        assert text[e.start : e.end] == e.text
    assert ("ORG", "Северсталь") in [(e.kind, e.text) for e in found]
    assert ("LOC", "Новосибирске") in [(e.kind, e.text) for e in found]
    assert entities("  ") == []


def test_a_russian_word_of_a_text_also_has_its_other_likely_dictionary_forms() -> None:
    # "стали" is most likely the verb "стать"; the noun "сталь" is its other reading
    stali = next(t for t in tokens("стали — на 6,6%") if t.kind == "word")
    assert stali.key == "стать"
    assert other_keys(stali) == frozenset({"сталь"})
    # a reading pymorphy3 gives almost no weight is not one ("мира" is not "миро")
    assert other_keys(next(iter(tokens("мира")))) == frozenset()
    # only Russian words have them, and never their key
    assert other_keys(next(iter(tokens("steel")))) == frozenset()
    assert all(t.key not in other_keys(t) for t in tokens("рост шин в регионе"))


def test_a_kazakh_ending_after_a_hyphen_is_no_word_of_its_own() -> None:
    words = [(t.text, t.key) for t in words_of("Сарыарқа АЭА-ға 15%-ға QARMET-тің", "kk")]
    assert words == [("Сарыарқа", words[0][1]), ("АЭА", "аэа"), ("15", "15"), ("QARMET", "qarmet")]
    # in a Russian text, and where what follows the hyphen is a word, nothing is cut
    assert [t.text for t in words_of("бизнес-план Кызыл-Кия", "ru")] == ["бизнес-план", "Кызыл-Кия"]
    assert [t.text for t in words_of("Теміртау-Қарағанды", "kk")] == ["Теміртау-Қарағанды"]


def test_a_kazakh_stem_voiced_by_its_ending_is_keyed_as_the_dictionary_word() -> None:
    import importlib

    T = importlib.import_module("reportqa.lang.tokens")
    voiced = T._voiced_dictionary()
    assert voiced, "the alternations table voices some dictionary word"
    written, word = next((w, d) for w, d in sorted(voiced.items()) if w + "ы" not in voiced)
    assert T.word_key(written + "ы", "kk") == T.word_key(word, "kk")
    # a word the dictionary has as written is not read through the alternation
    assert T.word_key("жобасы", "kk") == "жоба"
