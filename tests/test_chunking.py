from __future__ import annotations

from reportqa.index.chunking import chunk_documents
from reportqa.index.corpus import load_corpus, split_paragraphs
from reportqa.models import Document

from .conftest import CORPUS


def test_report_chunks_carry_exact_provenance() -> None:
    docs = load_corpus(CORPUS)
    chunks = chunk_documents(docs)
    doc = docs[0]
    assert [c.paragraph for c in chunks] == list(range(1, 11))
    assert [c.id for c in chunks] == list(range(10))
    for chunk in chunks:
        assert chunk.document == doc.id
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.sentences
        for s in chunk.sentences:
            assert doc.text[s.start : s.end] == s.text
            assert chunk.start <= s.start < s.end <= chunk.end


def test_long_paragraphs_become_overlapping_windows_of_whole_sentences() -> None:
    body = " ".join(f"Предложение номер {i} довольно длинное." for i in range(40))
    doc = Document(id="long.txt", title="t", text=body, paragraphs=split_paragraphs(body))
    chunks = chunk_documents([doc], max_chars=200, overlap=1)
    assert len(chunks) > 5
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(c.paragraph == 1 for c in chunks)
    for a, b in zip(chunks, chunks[1:]):
        assert a.sentences[-1] == b.sentences[0]  # one sentence of overlap
    covered = {s.start for c in chunks for s in c.sentences}
    assert len(covered) == 40
