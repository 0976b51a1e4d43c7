"""Example questions shown on the chat page and in the widget, and example claims shown in the
fact-check tab, by document and UI language.

Examples are tied to the report they are about: a corpus without an entry here gets no examples
rather than questions its report cannot answer. Each list ends with a question the shipped report
does not answer, so that users see the "the report does not say" state too; the claims show the
three verdicts in turn: contradicted, supported, not found.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Document

__all__ = ["example_questions", "example_claims"]

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
            "Облыста қанша университет бар?",
            "QARMET-ке 2028 жылға дейін қанша инвестиция салу жоспарланған?",
            "Сарыарқа арнайы экономикалық аймағында қанша қатысушы тіркелген?",
            "Қарағанды халқының саны қанша?",
        ),
        "en": (
            "How many universities are in the region?",
            "How much is planned to be invested in QARMET by 2028?",
            "How many participants are registered in the Saryarka special economic zone?",
            "How many people live in Karaganda?",
        ),
    },
}

_CLAIMS: dict[str, dict[str, tuple[str, ...]]] = {
    "karaganda-industry.txt": {
        "ru": (
            "В области 8 вузов и 60 колледжей",
            "Зона «Сарань» привлекла 472 млрд тенге инвестиций",
            "В области открыли завод по производству смартфонов",
        ),
        "kk": (
            "Облыста 60 колледж жұмыс істейді",
            "Сарань аймағы 472 млрд теңге инвестиция тартты",
            "Облыста смартфон шығаратын зауыт ашылды",
        ),
        "en": (
            "The region has 8 universities and 60 colleges",
            "QARMET plans to invest 1.6 trillion tenge by 2028",
            "A smartphone factory opened in the region",
        ),
    },
}


def example_claims(documents: Sequence[Document], lang: str) -> list[str]:
    """The example claims for the documents of the corpus, in ``lang``."""
    claims: list[str] = []
    for doc in documents:
        claims.extend(_CLAIMS.get(doc.id, {}).get(lang, ()))
    return claims


def example_questions(documents: Sequence[Document], lang: str) -> list[str]:
    """The example questions for the documents of the corpus, in ``lang``."""
    questions: list[str] = []
    for doc in documents:
        questions.extend(_EXAMPLES.get(doc.id, {}).get(lang, ()))
    return questions
