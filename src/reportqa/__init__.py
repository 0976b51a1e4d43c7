"""reportqa: questions over a report, answered with verbatim, cited quotes, or an honest refusal."""

from .config import Settings
from .errors import (
    CorpusError,
    EmbeddingError,
    IndexCorruptError,
    IndexError_,
    IndexMismatchError,
    IndexWriteError,
    InputError,
    LLMError,
    ReportQAError,
)
from .models import (
    Answer,
    Chunk,
    Citation,
    Comparison,
    Document,
    Hit,
    Paragraph,
    SeeAlso,
    Sentence,
    Unsupported,
    Verdict,
)
from .pipeline import ReportQA
from .serialize import answer_to_dict, verdict_to_dict

__all__ = [
    "ReportQA",
    "Settings",
    "answer_to_dict",
    "verdict_to_dict",
    "Answer",
    "Chunk",
    "Citation",
    "Document",
    "Hit",
    "Paragraph",
    "SeeAlso",
    "Sentence",
    "Unsupported",
    "Verdict",
    "Comparison",
    "ReportQAError",
    "InputError",
    "CorpusError",
    "IndexError_",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexWriteError",
    "EmbeddingError",
    "LLMError",
]
