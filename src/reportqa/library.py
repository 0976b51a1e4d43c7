"""A library that takes new reports while it answers: the ``ReportQA`` a server shares, replaced
whole when an uploaded report has been added and indexed.

``Library`` answers like ``ReportQA`` (``ask``, ``stream``, ``check``, ``documents``,
``corpus_hash``), each call on the pipeline current when it starts. ``Library.add`` takes one
uploaded file when ``uploads_allowed(settings)``:

1. the name is made plain (``safe_file_name``) and must end in a suffix the corpus reads, and
   must not be a document the library already has (an upload never replaces one);
2. the bytes must fit ``max_file_mb``;
3. ``add_to_corpus`` reads the file as a document before copying it, so a damaged, encrypted,
   text-less or mislabelled file is a ``CorpusError`` naming it, and the corpus is unchanged;
4. ``ReportQA.open`` indexes the corpus, embedding only the new document's text (the store reuses
   the vectors of the rest); if that fails, the copied file is removed again.

Questions asked meanwhile are answered by the previous pipeline, whose index stays in memory;
uploads take turns (a lock), and a new pipeline is swapped in only once it is complete.

Left out: removing or replacing documents from the web, and telling other server processes (each
reloads on its own restart).
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from .config import Settings, uploads_allowed
from .errors import CorpusError, InputError
from .index.corpus import SUFFIXES, Added, add_to_corpus
from .index.fetch import safe_file_name
from .pipeline import ReportQA
from .switching import OnCurrent

__all__ = ["Library"]


class Library(OnCurrent):
    """The pipeline a server answers with, and the uploads that extend its corpus."""

    def __init__(self, qa: ReportQA, settings: Settings | None = None) -> None:
        self._qa = qa
        self.settings = settings or qa.settings
        self._lock = threading.Lock()

    @property
    def current(self) -> ReportQA:
        """The pipeline new calls go to."""
        return self._qa

    @property
    def uploads(self) -> bool:
        """Whether ``add`` takes files (``uploads_allowed``)."""
        return uploads_allowed(self.settings)

    def add(self, name: str, data: bytes) -> Added:
        """Add the file ``name`` with content ``data`` to the corpus and index it; the added
        document's id is its (plain) file name. Raises ``InputError`` when uploads are off or the
        name is unusable or taken, ``CorpusError`` when the file is too large or cannot be read
        (nothing is copied then), and any error of ``ReportQA.open`` (the file is removed again
        and the previous pipeline stays)."""
        if not self.uploads:
            raise InputError("uploads are off on this server (REPORTQA_ALLOW_UPLOAD is not set)")
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            raise InputError(
                f"{Path(name).name!r} is not a report reportqa reads: upload a file ending in "
                + ", ".join(SUFFIXES)
            )
        file_name = safe_file_name(Path(name).stem, suffix, fallback="report")
        limit = self.settings.max_file_mb
        if len(data) > limit * 1_000_000:
            raise InputError(
                f"{file_name} is {len(data) / 1_000_000:.1f} MB, over the limit of {limit:g} MB "
                "(REPORTQA_MAX_FILE_MB)"
            )
        corpus = Path(self.settings.corpus)
        with self._lock:
            target = corpus / file_name
            if target.exists() or any(d.id == file_name for d in self._qa.documents):
                raise InputError(
                    f"the library already has a document named {file_name}: rename the file to "
                    "add it as another document"
                )
            with tempfile.TemporaryDirectory(prefix="reportqa-upload-") as tmp:
                path = Path(tmp) / file_name
                path.write_bytes(data)
                try:
                    (added,) = add_to_corpus(corpus, [path], limit)
                except CorpusError as exc:  # named as sent: the server's own folders are not
                    raise CorpusError(_as_uploaded(str(exc), str(path), file_name)) from None
            try:
                qa = ReportQA.open(self.settings)
            except Exception:  # an index that cannot be built must not keep its file
                target.unlink(missing_ok=True)
                raise
            qa.embed_corpus_words_later()  # the new report's words, before its questions
            self._qa = qa
        return added


def _as_uploaded(message: str, path: str, name: str) -> str:
    """A ``CorpusError`` of a file checked in a temporary folder, as its uploader reads it:
    the file by its name, and no advice about a corpus folder it never was in."""
    message = message.replace(path, name)
    for folder_advice in (
        " or remove it from the corpus folder",
        ", or remove it from the corpus folder",
    ):
        message = message.replace(folder_advice, "")
    return message
