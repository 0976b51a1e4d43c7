"""The framing words of answers, in the question's language (Russian, Kazakh, English).

Quotes are never translated: they stay in the report's language. Only the words around them
follow the question.
"""

from __future__ import annotations

__all__ = ["message", "LANGUAGES"]

LANGUAGES = ("ru", "kk", "en")

_MESSAGES: dict[str, dict[str, str]] = {
    "answer_intro": {
        "ru": "Согласно отчёту:",
        "kk": "Есеп бойынша:",
        "en": "According to the report:",
    },
    "refusal": {
        "ru": "В отчёте нет ответа на этот вопрос.",
        "kk": "Есепте бұл сұраққа жауап жоқ.",
        "en": "The report does not say.",
    },
    "see_also": {
        "ru": "Ближайшие по теме фрагменты:",
        "kk": "Тақырыбы жақын үзінділер:",
        "en": "Closest passages:",
    },
    "paragraph": {"ru": "абзац", "kk": "абзац", "en": "paragraph"},
}


def message(key: str, language: str) -> str:
    """The text of ``key`` in ``language``, falling back to English."""
    texts = _MESSAGES[key]
    return texts.get(language, texts["en"])
