"""reportqa: questions over a report, answered with verbatim, cited quotes, or an honest refusal.

``ReportQA`` (``pipeline.py``) is imported on first use: it brings numpy, FAISS and the answering
code, which ``reportqa --help``, or a program that only uses ``Settings`` and the data classes,
does not need.
"""

from typing import TYPE_CHECKING, Any

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
from .serialize import answer_to_dict, verdict_to_dict

if TYPE_CHECKING:
    from .pipeline import ReportQA

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


def __getattr__(name: str) -> Any:
    if name == "ReportQA":
        from .pipeline import ReportQA

        return ReportQA
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
