"""Errors reportqa raises for its users.

Every error a user can cause or fix is a ``ReportQAError``; its message says what happened and
what to do next. The CLI prints the message on one line and exits non-zero, the HTTP API turns it
into a 4xx response, the chat page into ``gr.Error``. The library itself never prints.

    ReportQAError
    ├── InputError            a question or claim that cannot be answered as given
    ├── CorpusError           the corpus folder is missing, empty or holds an unreadable file
    ├── IndexError_           the index on disk cannot be used
    │   ├── IndexCorruptError     a file of the index is missing, truncated or inconsistent
    │   ├── IndexMismatchError    the index was built with other settings (model, dimension)
    │   └── IndexWriteError       the index folder cannot be written (permissions, disk full)
    ├── EmbeddingError        the embedding model cannot be loaded or fails
    └── LLMError              the configured chat model cannot be reached or misbehaves
"""

from __future__ import annotations

__all__ = [
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


class ReportQAError(Exception):
    """Base class of every error meant for a user of reportqa."""


class InputError(ReportQAError, ValueError):
    """A question or claim that is empty, too long, or otherwise unusable."""


class CorpusError(ReportQAError):
    """The corpus folder is missing, empty, or holds a file that cannot be read."""


class IndexError_(ReportQAError):
    """The index on disk cannot be used as it is."""


class IndexCorruptError(IndexError_):
    """A file of the index is missing, truncated or does not match the others."""


class IndexMismatchError(IndexError_):
    """The index was built with settings (model, dimension) other than the ones asked for."""


class IndexWriteError(IndexError_):
    """The index folder cannot be written; the previous index is left as it was."""


class EmbeddingError(ReportQAError):
    """The embedding model cannot be loaded or fails to embed."""


class LLMError(ReportQAError):
    """The configured chat model cannot be reached, times out or returns unusable output."""
