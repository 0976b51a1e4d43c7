"""Named entities of Russian text (places, organisations, people), with natasha's slovnet NER
(MIT; the model and its navec word vectors ship in the wheel).

The model takes about a second to load, so it is loaded on first use, and the index runs it once
over every paragraph (``index/store.py``): answering a question never needs it.

Left out: entities of English and Kazakh text (the model is Russian; Latin names in a Russian
text are found), nested entities.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Entity", "entities"]


@dataclass(frozen=True)
class Entity:
    """An entity mention: its kind ("LOC", "ORG" or "PER") and span in the text given."""

    kind: str
    start: int
    end: int
    text: str


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _models() -> tuple[Any, Any]:
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def entities(text: str) -> list[Entity]:
    """The entities of ``text`` in order."""
    if not text.strip():
        return []
    from natasha import Doc

    segmenter, tagger = _models()
    doc = Doc(text)
    with _lock:
        doc.segment(segmenter)
        doc.tag_ner(tagger)
    return [Entity(span.type, span.start, span.stop, span.text) for span in doc.spans]
