"""Named entities of Russian text (places, organisations, people), with natasha's slovnet NER
(MIT; the model and its navec word vectors ship in the wheel).

The model is loaded on first use, and the index runs it once over every paragraph
(``index/analysis.py``): answering a question never needs it. Of the navec word vectors it reads
only what the tagger uses, their product-quantised table: navec's own loader also reads their
vocabulary and precomputes their norms for similarity, which took most of the model's second of
loading.

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
_load_lock = threading.Lock()


def _models() -> tuple[Any, Any]:
    with _load_lock:  # one load, however many threads ask first
        return _load_models()


@lru_cache(maxsize=1)
def _load_models() -> tuple[Any, Any]:
    from natasha import NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(_tagger_vectors())


def _tagger_vectors() -> Any:
    """natasha's navec word vectors as the NER tagger reads them (their id and their
    product-quantised table; slovnet's ``InjectNavecVisitor``), without their vocabulary and
    without the norms navec precomputes for ``sim``."""
    from natasha.data import NEWS_EMBEDDING
    from navec.meta import Meta
    from navec.navec import META, PQ_, Navec
    from navec.pq import PQ
    from navec.tar import Tar

    class TablesOnly(PQ):
        def precompute(self) -> None:
            pass  # norms and products for similarity, which the tagger never asks for

    with Tar(NEWS_EMBEDDING) as tar:
        meta = Meta.from_file(tar.load(META))
        Meta.check_protocol(meta.protocol)
        table = TablesOnly.from_file(tar.load(PQ_))
    return Navec(meta, None, table)


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
