"""What a question asks for: the kind of answer, which decides whether a sentence can answer it."""

from __future__ import annotations

import pytest

from reportqa.questions import has_person_or_organisation, profile_question, subject_text


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Сколько вузов в области?", "quantity"),
        ("How many colleges are there?", "quantity"),
        ("Облыста қанша колледж бар?", "quantity"),
        ("Когда запустят вторую печь?", "date"),
        ("Где построят центр?", "place"),
        ("Кто курирует проекты?", "person"),
        ("Как зовут нового инвестора?", "person"),
        ("Какая компания ведёт разведку?", "person"),
        ("Which American company is exploring the region?", "person"),
        ("Which national investment agency supplies curators?", "person"),
        ("What is the name of the investor?", "person"),
        ("Бұл ақпаратты қай ақпарат агенттігі таратты?", "person"),
        # a name of a thing, often a common noun: not a question about someone
        ("Как называется процесс деления клетки?", "other"),
        ("What is this process called?", "other"),
    ],
)
def test_question_kinds(question: str, kind: str) -> None:
    assert profile_question(question).kind == kind


def test_a_name_question_needs_a_name_it_does_not_already_hold() -> None:
    question = "Как зовут инвестора, которому перешёл QARMET?"
    assert not has_person_or_organisation(
        'Началась модернизация "QARMET" после перехода в управление инвестора.', question
    )
    assert has_person_or_organisation(
        "Компании IG Global (США) и Yildirim Holding (Турция) проводят изыскания.", question
    )


def test_words_naming_the_kind_of_answer_are_not_its_subject() -> None:
    assert subject_text("Какую долю экономики занимает промышленность?").split() == [
        "Какую",
        "экономики",
        "занимает",
        "промышленность?",
    ]
    assert "percentage" not in subject_text("By what percentage did output grow?")
    assert "пайызға" not in subject_text("Прокат өндірісі қанша пайызға өсті?")
    assert subject_text("Частью чего является") == "Частью чего является"  # whole words only
