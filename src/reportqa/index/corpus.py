"""Loading the corpus folder into ``Document``s.

Every ``.txt`` and ``.md`` file under the folder is one document; its body is kept verbatim.
PDF, DOCX and HTML files are documents too: their body is the text ``loaders.py`` extracts, and
their paragraphs know their page (PDF) or section (DOCX, HTML). Metadata found in the file (PDF
info, HTML meta) is overridden by ``NAME.meta.json`` next to ``NAME.txt`` (the stem form, for
``.txt`` and ``.md``), which is overridden by ``FILE.meta.json`` named after the whole file name
(``report.pdf.meta.json``, any format). Paragraphs of a text file are blocks separated by blank
lines, numbered from 1 in body order, with character offsets into the body.

One unreadable file does not stop the rest: ``read_corpus`` leaves it out and says which and why
(``Skipped``), for every channel that opens the corpus to name it; only a folder with no readable
document is an error. ``load_corpus`` is the all-or-nothing form (the first unreadable file is the
error), for callers that have no channel to name a skipped file in.

Left out: any rewriting of a text file. Control characters other than newlines and tabs are a
reason to reject a text file, not to edit it silently, because citations quote the body by offset.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CorpusError
from ..models import Document, Notice, Paragraph
from .loaders import CONTROL, LOADERS

__all__ = [
    "read_corpus",
    "load_corpus",
    "Corpus",
    "Skipped",
    "split_paragraphs",
    "corpus_hash",
    "paragraph_places",
    "add_to_corpus",
    "Added",
    "TEXT_SUFFIXES",
    "SUFFIXES",
]

TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = (*TEXT_SUFFIXES, *LOADERS)  # every file name ending read as a document
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_META_FIELDS = ("title", "source", "language", "date", "note")


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Blocks between blank lines, numbered from 1, with offsets of their stripped text."""
    paragraphs: list[Paragraph] = []
    pos = 0
    for match in [*_BLANK_LINE.finditer(text), None]:
        end = match.start() if match else len(text)
        block = text[pos:end]
        stripped = block.strip()
        if stripped:
            start = pos + (len(block) - len(block.lstrip()))
            paragraphs.append(
                Paragraph(len(paragraphs) + 1, start, start + len(stripped), stripped)
            )
        if match:
            pos = match.end()
    return tuple(paragraphs)


@dataclass(frozen=True)
class Skipped:
    """A file of the corpus folder left out: its path relative to the folder (as a document id)
    and why, worded to follow the name ("is not valid UTF-8 (line 3, byte 20): convert ...")."""

    document: str
    reason: str

    def __str__(self) -> str:
        return f"{self.document} {self.reason}"

    @property
    def notice(self) -> Notice:
        """The coded notice that names this file to users (``messages``: ``file_skipped``)."""
        return Notice("file_skipped", (("file", self.document), ("problem", self.reason)))


@dataclass(frozen=True)
class Corpus:
    """The readable documents of a corpus folder, sorted by path, and the files left out."""

    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...] = ()


def read_corpus(folder: Path, max_mb: float | None = None) -> Corpus:
    """Every readable document of ``folder``, and each file left out with its reason: not valid
    UTF-8 (the line is named), a control character, a damaged, encrypted or text-less PDF or
    DOCX, a page with no article text, no text at all, larger than ``max_mb`` megabytes, or
    unreadable metadata. Raises ``CorpusError`` when the folder is missing or holds no readable
    document (naming every file left out, and why)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(
            f"corpus folder {folder} does not exist: create it and put the report in it"
        )
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not _hidden(p, folder)
    )
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for path in files:
        doc_id = path.relative_to(folder).as_posix()
        try:
            doc_id.encode("utf-8")
        except UnicodeEncodeError:  # bytes the file system holds that no name in UTF-8 spells
            shown = doc_id.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            skipped.append(Skipped(shown, "its name is not valid UTF-8: rename the file"))
            continue
        try:
            doc = _load_document(path, folder, max_mb)
        except CorpusError as exc:
            skipped.append(Skipped(doc_id, _reason(str(exc), path)))
        except OSError as exc:  # unreadable: permissions, a file removed while listing
            skipped.append(Skipped(doc_id, f"cannot be read ({exc.strerror or exc})"))
        else:
            if doc.paragraphs:
                documents.append(doc)
            else:
                skipped.append(Skipped(doc_id, "holds no text: put text in it or remove it"))
    if skipped and not documents:
        raise CorpusError(
            f"corpus folder {folder} holds no text that can be read: "
            + "; ".join(str(s) for s in skipped)
        )
    if not documents:
        raise CorpusError(
            f"corpus folder {folder} holds no text: put .txt, .md, .pdf, .docx or .html files "
            "with text in it"
        )
    return Corpus(tuple(documents), tuple(skipped))


def load_corpus(folder: Path, max_mb: float | None = None) -> tuple[Document, ...]:
    """Every document of ``folder``, sorted by path, or ``CorpusError``: as ``read_corpus``, and
    also for the first file it would leave out (the file and its reason are named)."""
    corpus = read_corpus(folder, max_mb)
    if corpus.skipped:
        first = corpus.skipped[0]
        raise CorpusError(f"{Path(folder) / first.document} {first.reason}")
    return corpus.documents


def _reason(message: str, path: Path) -> str:
    """A loader's error about ``path`` as the words that follow the file's name."""
    prefix = f"{path} "
    return message[len(prefix) :] if message.startswith(prefix) else f"cannot be read: {message}"


@dataclass(frozen=True)
class Added:
    """A file ``add_to_corpus`` handled: its document, and "added", "updated" or "unchanged"."""

    document: Document
    status: str


def add_to_corpus(
    folder: Path, files: list[Path], max_mb: float | None = None, replace_same_name: bool = False
) -> tuple[Added, ...]:
    """Copy ``files`` (and each one's ``FILE.meta.json``, or a text file's ``NAME.meta.json``,
    if any) into the top of ``folder``.

    Every file is read as a document first, so a broken or empty one is named (``CorpusError``)
    before anything is copied and the corpus is left as it was. A file of the same name with
    other content is refused in the same way, unless ``replace_same_name``: then it is replaced,
    each copy written beside its target and then renamed over it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"corpus folder {folder} does not exist: create it, or give --corpus")
    checked: list[tuple[Path, Document]] = []
    for path in map(Path, files):
        if not path.is_file():
            raise CorpusError(f"{path} is not a file: give the path of a report to add")
        if path.suffix.lower() not in SUFFIXES:
            raise CorpusError(
                f"{path} is not a report reportqa reads: give a file ending in "
                + ", ".join(SUFFIXES)
            )
        doc = _load_document(path, path.parent, max_mb)
        if not doc.paragraphs:
            raise CorpusError(f"{path} holds no text: give a report with text in it")
        checked.append((path, doc))
    if len({p.name for p, _doc in checked}) < len(checked):
        raise CorpusError("two of the files have the same name: add them one at a time")
    planned: list[tuple[Document, Path, list[tuple[Path, Path]], str]] = []
    for path, doc in checked:
        target = folder / path.name
        metas = [path.with_name(path.name + ".meta.json")]
        if path.suffix.lower() in TEXT_SUFFIXES:
            metas.append(path.with_name(path.stem + ".meta.json"))
        pairs = [(path, target)] + [(m, folder / m.name) for m in metas if m.is_file()]
        status = "added"
        if target.exists():
            same = all(b.is_file() and a.read_bytes() == b.read_bytes() for a, b in pairs)
            status = "unchanged" if same else "updated"
            if status == "updated" and not replace_same_name:
                raise CorpusError(
                    f"the corpus already has a document named {path.name}, with other content: "
                    "rename the file to add it as another document, or replace it (--replace)"
                )
        planned.append((doc, target, pairs, status))
    added: list[Added] = []
    for doc, target, pairs, status in planned:
        for source, dest in pairs:
            if source.resolve() != dest.resolve():
                tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
                shutil.copyfile(source, tmp)
                os.replace(tmp, dest)
        added.append(Added(replace(doc, id=target.name), status))
    return tuple(added)


def document_sources(documents: Sequence[Document]) -> dict[str, str]:
    """The source of each document that has one in its metadata (the outlet that published it)."""
    return {d.id: d.source for d in documents if d.source}


def source_span(text: str, source: str | None) -> tuple[int, int] | None:
    """Where ``text`` names ``source``, its document's source, in any case ("… передает
    BAQ.kz"); None where it does not (or there is no source)."""
    if not source:
        return None
    at = text.casefold().find(source.casefold())
    return None if at < 0 else (at, at + len(source))


def names_source(text: str, source: str | None) -> bool:
    """Whether ``text`` names ``source``, its document's source (``source_span``)."""
    return source_span(text, source) is not None


def paragraph_places(
    documents: tuple[Document, ...],
) -> dict[tuple[str, int], tuple[int | None, str | None]]:
    """The page and section of each paragraph that has either, by (document id, number)."""
    return {
        (doc.id, p.number): (p.page, p.section)
        for doc in documents
        for p in doc.paragraphs
        if p.page is not None or p.section is not None
    }


def corpus_hash(documents: tuple[Document, ...]) -> str:
    """One SHA-256 over every document's path, metadata and body."""
    h = hashlib.sha256()
    for doc in documents:
        h.update(doc.id.encode() + b"\0" + doc.sha256.encode() + b"\0")
        h.update(json.dumps([doc.title, doc.source, doc.language, doc.date, doc.note]).encode())
    return h.hexdigest()


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _load_document(path: Path, folder: Path, max_mb: float | None = None) -> Document:
    size = path.stat().st_size
    if max_mb is not None and size > max_mb * 1_000_000:
        raise CorpusError(
            f"{path} is {size / 1_000_000:.1f} MB, over the limit of {max_mb:g} MB "
            "(REPORTQA_MAX_FILE_MB): split it, or raise the limit"
        )
    raw = path.read_bytes()
    loader = LOADERS.get(path.suffix.lower())
    if loader is not None:
        loaded = loader(path, raw)
        meta: dict[str, object] = {**loaded.meta, **_load_meta(path)}
        return Document(
            id=path.relative_to(folder).as_posix(),
            title=str(meta.get("title") or _title_from(path, loaded.text)),
            text=loaded.text,
            paragraphs=loaded.paragraphs,
            source=_opt(meta.get("source")),
            language=_opt(meta.get("language")),
            date=_opt(meta.get("date")),
            sha256=hashlib.sha256(raw).hexdigest(),
            note=_opt(meta.get("note")),
            pages=loaded.pages,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"{path} is not valid UTF-8 (line {line}, byte {exc.start}): "
            "convert it to UTF-8 or remove it from the corpus folder"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    # Offsets count characters of the text as stored, so line endings are kept as they are;
    # a stray "\r" only widens a blank-line separator.
    bad = CONTROL.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        raise CorpusError(
            f"{path} holds a control character (U+{ord(bad.group()):04X}) on line {line}: "
            "remove it (citations quote the file verbatim)"
        )
    meta = _load_meta(path)
    doc_id = path.relative_to(folder).as_posix()
    title = str(meta.get("title") or _title_from(path, text))
    return Document(
        id=doc_id,
        title=title,
        text=text,
        paragraphs=split_paragraphs(text),
        source=_opt(meta.get("source")),
        language=_opt(meta.get("language")),
        date=_opt(meta.get("date")),
        sha256=hashlib.sha256(raw).hexdigest(),
        note=_opt(meta.get("note")),
    )


def _load_meta(path: Path) -> dict[str, object]:
    """The metadata beside ``path``: ``FILE.meta.json`` over the stem form of text files."""
    meta: dict[str, object] = {}
    try:
        if path.suffix.lower() in TEXT_SUFFIXES:
            meta.update(_read_meta(path.with_name(path.stem + ".meta.json")))
        meta.update(_read_meta(path.with_name(path.name + ".meta.json")))
    except CorpusError as exc:  # named after the document, which it keeps out of the corpus
        raise CorpusError(f"{path} has unusable metadata: {exc}") from None
    return meta


def _read_meta(meta_path: Path) -> dict[str, object]:
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{meta_path} is not valid JSON ({exc}): fix or remove it") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{meta_path} must hold a JSON object with {', '.join(_META_FIELDS)}")
    for name in _META_FIELDS:
        value = meta.get(name)
        if value is not None and not isinstance(value, str):
            raise CorpusError(f'{meta_path}: "{name}" must be text, got {json.dumps(value)}')
        if value is not None and CONTROL.search(value):
            raise CorpusError(f'{meta_path}: "{name}" holds a control character')
    return meta


def _title_from(path: Path, text: str) -> str:
    if path.suffix.lower() == ".md":
        heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        if heading:
            return heading.group(1).strip()
    return path.stem.replace("-", " ").replace("_", " ")


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
