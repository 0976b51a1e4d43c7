"""The small frozen records the modules hand each other.

Data flows one way: a ``Document`` is cut into ``Chunk``s (each holding its ``Sentence``s with
character offsets into the document), retrieval turns chunks into ranked ``Hit``s, and an answerer
turns hits into an ``Answer`` with ``Citation``s. JSON is derived from these in ``serialize.py``
only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Document",
    "Paragraph",
    "Sentence",
    "Chunk",
    "Hit",
    "Citation",
    "ShortAnswer",
    "SeeAlso",
    "Unsupported",
    "Notice",
    "Answer",
    "Comparison",
    "Verdict",
]


@dataclass(frozen=True)
class Paragraph:
    """A block of the document body between blank lines, numbered from 1 in body order."""

    number: int
    start: int
    end: int
    text: str
    page: int | None = None  # the page it starts on, for a PDF
    section: str | None = None  # the nearest heading above it, for DOCX and HTML


@dataclass(frozen=True)
class Document:
    """One corpus file: its body verbatim, and the metadata kept beside it."""

    id: str  # path relative to the corpus folder, with forward slashes
    title: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    source: str | None = None
    language: str | None = None
    date: str | None = None
    sha256: str = ""
    note: str | None = None  # what is known of the metadata, e.g. that the title is descriptive
    pages: int | None = None  # the number of pages, for a PDF


@dataclass(frozen=True)
class Sentence:
    """A sentence of a chunk; ``start`` and ``end`` are character offsets into the document."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: a paragraph, or a window of sentences of a long paragraph."""

    id: int
    document: str
    title: str
    paragraph: int
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]
    page: int | None = None  # of its paragraph (``Paragraph.page``)
    section: str | None = None  # of its paragraph (``Paragraph.section``)


@dataclass(frozen=True)
class Hit:
    """A chunk as ranked for one question. ``score`` is the fused score used for ranking."""

    chunk: Chunk
    score: float
    dense: float = 0.0  # cosine of the question with the chunk
    sentence: float = 0.0  # cosine of the question with the chunk's closest sentence
    lexical: float = 0.0  # BM25


@dataclass(frozen=True)
class Citation:
    """A verbatim quote from the corpus that an answer rests on, numbered as its marker [n]."""

    n: int
    document: str
    title: str
    paragraph: int
    quote: str
    start: int
    end: int
    score: float
    page: int | None = None  # the PDF page of its paragraph, where known
    section: str | None = None  # the heading above its paragraph (DOCX, HTML), where known


@dataclass(frozen=True)
class ShortAnswer:
    """The exact span that answers a question of amount, date, place or name ("372 тысячи
    шин"), with its offsets in the document (like a citation's)."""

    text: str
    document: str
    start: int
    end: int
    citation: int  # the [n] of the quote it stands in


@dataclass(frozen=True)
class SeeAlso:
    """A passage shown beside a refusal: close to the question, but not an answer to it."""

    document: str
    title: str
    paragraph: int
    text: str
    score: float


@dataclass(frozen=True)
class Unsupported:
    """A sentence of a generated answer that the verifier could not match to its citations."""

    text: str
    reason: str


@dataclass(frozen=True)
class Notice:
    """A notice about an answer as a code and its parameters ("llm_timeout", {"seconds": "30"}),
    so that each front end words it in its own language (``messages.notice_text``)."""

    code: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Answer:
    """What every front end renders: the text, its citations, or a refusal with "see also"."""

    question: str
    answer: str
    refused: bool
    language: str
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[Hit, ...] = ()
    see_also: tuple[SeeAlso, ...] = ()
    short_answer: ShortAnswer | None = None
    confidence: float | None = None  # the evidence model's P(the quoted sentence answers)
    mode: str = "extractive"  # "extractive" or "generative"
    grounded: bool | None = None  # set by the generative answerer only
    unsupported: tuple[Unsupported, ...] = ()
    notice: str | None = None  # e.g. "the LLM timed out; this is the extractive answer"
    # The standalone question actually answered when a follow-up was completed from the
    # conversation ("А проката?" -> "На сколько выросло производство проката?"); None when the
    # question was taken as it stood.
    interpreted_as: str | None = None
    timings: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Comparison:
    """A figure of a claim beside the report's figure for the same thing (fact-check mode)."""

    claimed: str  # as the claim writes it, with its period: "2 трлн тенге до 2028 года"
    reported: str | None  # as the report writes it; None when the report has no such figure
    match: bool | None  # None: the report neither confirms nor contradicts it
    citation: int | None = None  # the [n] of the evidence quoting it
    reason: str = ""  # why it does not match: "value", "period", "no_period", "bound", "missing"


@dataclass(frozen=True)
class Verdict:
    """The report's verdict on a claim: "supported", "contradicted" or "not_found", explained
    with the claimed and reported figures side by side and the evidence quoted."""

    claim: str
    verdict: str
    language: str
    explanation: str
    evidence: tuple[Citation, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    retrieved: tuple[Hit, ...] = ()
    timings: dict[str, float] = field(default_factory=dict, compare=False)
