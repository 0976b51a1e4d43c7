"""Example questions shown on the chat page and in the widget, by document and UI language.

Examples are tied to the report they are about: a corpus without an entry here gets no examples
rather than questions its report cannot answer. Each list ends with a question the shipped report
does not answer, so that users see the "the report does not say" state too.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Document

__all__ = ["example_questions"]

_EXAMPLES: dict[str, dict[str, tuple[str, ...]]] = {
    "karaganda-industry.txt": {
        "ru": (
            "Сколько вузов и колледжей работает в области?",
            "Сколько планируется инвестировать в QARMET до 2028 года?",
            "На сколько выросло производство чугуна?",
            "Сколько участников зарегистрировано в СЭЗ «Сарыарка»?",
            "Какова численность населения Караганды?",
        ),
        "kk": (
            "Облыста қанша жоғары оқу орны бар?",
            "QARMET-ке 2028 жылға дейін қанша инвестиция салу жоспарланған?",
            "Шойын өндірісі қаншаға өсті?",
            "Қарағанды халқының саны қанша?",
        ),
        "en": (
            "How many universities are in the region?",
            "How much is planned to be invested in QARMET by 2028?",
            "How much did pig iron production grow?",
            "What is the population of Karaganda?",
        ),
    },
}


def example_questions(documents: Sequence[Document], lang: str) -> list[str]:
    """The example questions for the documents of the corpus, in ``lang``."""
    questions: list[str] = []
    for doc in documents:
        questions.extend(_EXAMPLES.get(doc.id, {}).get(lang, ()))
    return questions
