"""Loading the corpus folder into ``Document``s.

Every ``.txt`` and ``.md`` file under the folder is one document; its body is kept verbatim.
Metadata lives beside the body, in ``NAME.meta.json`` next to ``NAME.txt`` (title, source,
language, date), never inside it. Paragraphs are blocks separated by blank lines, numbered from 1
in body order, with character offsets into the body.

Left out: other file formats (PDF, HTML), and any rewriting of the text. Control characters other
than newlines and tabs are a reason to reject a file, not to edit it silently, because citations
quote the body by offset.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ..errors import CorpusError
from ..models import Document, Paragraph

__all__ = ["load_corpus", "split_paragraphs", "corpus_hash", "TEXT_SUFFIXES"]

TEXT_SUFFIXES = (".txt", ".md")
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


def load_corpus(folder: Path) -> tuple[Document, ...]:
    """Every text document of ``folder``, sorted by path. Raises ``CorpusError`` when the folder
    is missing, holds no document, or a file is not valid UTF-8 (the file and line are named)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(
            f"corpus folder {folder} does not exist: create it and put the report in it"
        )
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and not _hidden(p, folder)
    )
    documents = [_load_document(p, folder) for p in files]
    documents = [d for d in documents if d.paragraphs]
    if not documents:
        raise CorpusError(
            f"corpus folder {folder} holds no text: put .txt or .md files with text in it"
        )
    return tuple(documents)


def corpus_hash(documents: tuple[Document, ...]) -> str:
    """One SHA-256 over every document's path, metadata and body."""
    h = hashlib.sha256()
    for doc in documents:
        h.update(doc.id.encode() + b"\0" + doc.sha256.encode() + b"\0")
        h.update(json.dumps([doc.title, doc.source, doc.language, doc.date, doc.note]).encode())
    return h.hexdigest()


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _load_document(path: Path, folder: Path) -> Document:
    raw = path.read_bytes()
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
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        raise CorpusError(
            f"{path} holds a control character (U+{ord(bad.group()):04X}) on line {line}: "
            "remove it; citations quote the file verbatim"
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
    meta_path = path.with_name(path.stem + ".meta.json")
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{meta_path} is not valid JSON ({exc}): fix or remove it") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{meta_path} must hold a JSON object with {', '.join(_META_FIELDS)}")
    return meta


def _title_from(path: Path, text: str) -> str:
    if path.suffix.lower() == ".md":
        heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        if heading:
            return heading.group(1).strip()
    return path.stem.replace("-", " ").replace("_", " ")


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
