"""What the index knows of each chunk's words, worked out once when it is built: every token with
its key (``lang.tokens``) and every named entity (``lang.ner``, and quoted names), with offsets
into the document.

Answering reads these instead of running the lemmatiser and the NER model on the corpus for every
question, so a one-question process never loads the NER model.

Left out: syntax. A chunk of a document in another language than Russian gets tokens and quoted
names but no NER (the model is Russian).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from importlib import resources as importlib_resources
from typing import Any

from ..lang import resources
from ..lang.ner import Entity, entities
from ..lang.tokens import Token, quoted_spans, tokens
from ..models import Chunk

__all__ = [
    "ChunkAnalysis",
    "analyse_chunks",
    "analysis_record",
    "analysis_from_record",
    "analysis_version",
]

# what the stored keys and entities are worked out by: the language tables, and the packages that
# lemmatise, stem, split and tag (``analysis_version``)
_ANALYSERS = (
    "pymorphy3",
    "pymorphy3-dicts-ru",
    "PyStemmer",
    "snowballstemmer",
    "razdel",
    "slovnet",
)
_KINDS = {"word": "w", "number": "n", "punct": "p"}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}


@dataclass(frozen=True)
class ChunkAnalysis:
    """The tokens and entities of one chunk (offsets into its document)."""

    tokens: tuple[Token, ...]
    entities: tuple[Entity, ...]


@lru_cache(maxsize=1)
def analysis_version() -> str:
    """A fingerprint of what works out the stored analysis: every language table
    (``lang/resources``: the Kazakh stems come from its suffixes and dictionary, token languages
    from its function words) and the versions of the packages that lemmatise, stem, split and tag.
    An index whose analysis has another fingerprint holds keys the code no longer computes: it is
    stale (``pipeline.ReportQA.open`` rebuilds it)."""
    digest = hashlib.sha256()
    folder = importlib_resources.files("reportqa.lang").joinpath("resources")
    for name in sorted(f"{lang}.json" for lang in (*resources.LANGUAGES, "scripts")):
        digest.update(name.encode() + b"\0" + folder.joinpath(name).read_bytes())
    for package in _ANALYSERS:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{package}={version}\0".encode())
    return digest.hexdigest()[:16]


def analyse_chunks(chunks: Sequence[Chunk], languages: dict[str, str]) -> list[ChunkAnalysis]:
    """The analysis of every chunk; ``languages`` maps document ids to their language. NER runs
    once per distinct chunk text of a Russian document."""
    out = []
    for chunk in chunks:
        language = languages.get(chunk.document, "ru")
        toks = tuple(
            Token(t.text, t.start + chunk.start, t.end + chunk.start, t.kind, t.language, t.key)
            for t in tokens(chunk.text, language)
        )
        found = [
            Entity(e.kind, e.start + chunk.start, e.end + chunk.start, e.text)
            for e in (entities(chunk.text) if language == "ru" else [])
        ]
        found += [
            Entity("NAME", s + chunk.start, e + chunk.start, chunk.text[s:e])
            for s, e in quoted_spans(chunk.text)
        ]
        found.sort(key=lambda e: (e.start, e.end))
        out.append(ChunkAnalysis(toks, tuple(found)))
    return out


def analysis_record(analysis: ChunkAnalysis) -> dict[str, Any]:
    """The analysis as JSON (stored in ``chunks.jsonl``)."""
    return {
        "tokens": [[t.start, t.end, _KINDS[t.kind], t.language, t.key] for t in analysis.tokens],
        "entities": [[e.kind, e.start, e.end] for e in analysis.entities],
    }


def analysis_from_record(record: dict[str, Any], text: str, offset: int) -> ChunkAnalysis:
    """The analysis back from JSON; ``text`` is the chunk's text, starting at ``offset``.

    A token's word, language and key are interned: an archive's index holds millions of tokens
    of a vocabulary of a few hundred thousand words, and JSON decoding makes a new string for
    each (with the BM25 prefix terms interned too, the peak memory of loading a 10,000-passage
    archive went from 838 MB to 502 MB: benchmarks/bench_archive.py)."""
    intern = sys.intern
    toks = tuple(
        Token(
            intern(text[s - offset : e - offset]), s, e, _KIND_NAMES[k], intern(lang), intern(key)
        )
        for s, e, k, lang, key in record["tokens"]
    )
    found = tuple(
        Entity(kind, s, e, text[s - offset : e - offset]) for kind, s, e in record["entities"]
    )
    return ChunkAnalysis(toks, found)
