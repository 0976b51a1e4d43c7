"""Cutting documents into retrievable chunks that know where they come from.

A chunk is a paragraph, or, when a paragraph is longer than ``max_chars``, a window of its whole
sentences, with ``overlap`` sentences shared by neighbouring windows. Every chunk and every
sentence in it carries its document, paragraph number and character offsets into the document, so
a quote can always be checked against the corpus. A chunk also keeps its paragraph's page (PDF)
and section (DOCX, HTML).

Left out: chunks that cross paragraph boundaries (a citation names one paragraph).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..lang.sentences import split_sentences
from ..models import Chunk, Document, Sentence

__all__ = ["chunk_documents"]


def chunk_documents(
    documents: Iterable[Document], max_chars: int = 1200, overlap: int = 1
) -> list[Chunk]:
    """All chunks of ``documents`` in corpus order, with ids numbered from 0."""
    chunks: list[Chunk] = []
    for doc in documents:
        for paragraph in doc.paragraphs:
            spans = split_sentences(paragraph.text, offset=paragraph.start)
            sentences = [Sentence(s, e, doc.text[s:e]) for s, e in spans]
            for window in _windows(sentences, max_chars, overlap):
                start, end = window[0].start, window[-1].end
                chunks.append(
                    Chunk(
                        id=len(chunks),
                        document=doc.id,
                        title=doc.title,
                        paragraph=paragraph.number,
                        start=start,
                        end=end,
                        text=doc.text[start:end],
                        sentences=tuple(window),
                        page=paragraph.page,
                        section=paragraph.section,
                    )
                )
    return chunks


def _windows(sentences: list[Sentence], max_chars: int, overlap: int) -> list[list[Sentence]]:
    if not sentences:
        return []
    if sentences[-1].end - sentences[0].start <= max_chars:
        return [sentences]
    windows: list[list[Sentence]] = []
    i = 0
    while i < len(sentences):
        j = i + 1
        while j < len(sentences) and sentences[j].end - sentences[i].start <= max_chars:
            j += 1
        windows.append(sentences[i:j])
        if j >= len(sentences):
            break
        # Step back by the overlap, but always move forward by at least one sentence.
        i = max(j - overlap, i + 1)
    return windows
