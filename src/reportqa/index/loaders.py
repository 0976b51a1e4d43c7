"""Reading PDF, DOCX and HTML files into the plain text that citations quote.

Each loader turns a file into blocks (a paragraph's text with its page or section), and ``Loaded``
joins them with blank lines into one body: offsets of paragraphs, chunks and quotes index that
extracted body, so a quote is always a verbatim slice of it.

- PDF (``pypdf``, layout mode): paragraphs are runs of lines between vertical gaps; a word
  hyphenated across a line end is joined; lines repeated at the top or bottom of most pages
  (running headers and footers, page numbers) are dropped. A paragraph that runs onto the next
  page is kept whole, with the page it starts on. A table (lines whose cells, after gaps of 3
  or more spaces, start at the same columns) is one paragraph: its caption (the one-line
  paragraph right above it), then a row per line with its cells separated by `` | ``, as in
  DOCX. Metadata: the PDF info title, author, date.
- DOCX (``python-docx``): paragraphs and tables in body order, a table row per line with its
  cells separated by `` | ``; a heading names the section of the paragraphs below it.
- HTML (``trafilatura``): the article text without navigation, adverts or comments; headings name
  sections; title, date and source (site name, else host) from the page's metadata.

A heading is not a paragraph of the body: it cannot answer a question, and a one-line passage
would crowd real ones out of retrieval; citations carry it as their ``section``.

Left out: OCR of scanned PDFs (a PDF without a text layer is an error that says so), PDF tables
drawn without column gaps in the text (cells too close, or cut across lines), a caption under
its table, fetching pages from the web.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CorpusError
from ..models import Paragraph

__all__ = ["Block", "Loaded", "LOADERS", "load_pdf", "load_docx", "load_html"]


@dataclass(frozen=True)
class Block:
    """A paragraph as a loader reads it, before offsets are given."""

    text: str
    page: int | None = None
    section: str | None = None


@dataclass(frozen=True)
class Loaded:
    """A file's extracted body, its paragraphs, and the metadata found in the file."""

    text: str
    paragraphs: tuple[Paragraph, ...]
    meta: dict[str, str] = field(default_factory=dict)
    pages: int | None = None

    @classmethod
    def from_blocks(
        cls, blocks: list[Block], meta: dict[str, str], pages: int | None = None
    ) -> Loaded:
        parts: list[str] = []
        paragraphs: list[Paragraph] = []
        pos = 0
        for block in blocks:
            # Control characters would be quoted verbatim: they become spaces.
            text = CONTROL.sub(" ", block.text).strip()
            if not text:
                continue
            if parts:
                parts.append("\n\n")
                pos += 2
            paragraphs.append(
                Paragraph(
                    len(paragraphs) + 1, pos, pos + len(text), text, block.page, block.section
                )
            )
            parts.append(text)
            pos += len(text)
        clean = {k: CONTROL.sub(" ", v).strip() for k, v in meta.items() if v and v.strip()}
        return cls("".join(parts), tuple(paragraphs), clean, pages)


# C0 and C1 control characters but tab, newline and return: no document text holds them (a text
# file with one is left out; other formats have them replaced by a space), so that every quote
# an answer gives is plain text that clients can send back (the API's ``PLAIN_TEXT``).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# --- PDF -------------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0]+")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:стр\.?|page|бет)\s*)?\d{1,4}(?:\s*(?:/|из|of)\s*\d+)?[-–—\s]*$", re.I
)
_CELL_GAP = re.compile(r" {3,}")
_SENTENCE_END = re.compile(r"[.!?:;…»\")]$")
_HYPHENATED = re.compile(r"(\w)[-\u00ad]$")


def load_pdf(path: Path, raw: bytes) -> Loaded:
    """The paragraphs of a PDF with the page each starts on. Raises ``CorpusError`` for an
    encrypted or damaged PDF, or one with no text layer."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw))
        # A PDF locked by an owner password only opens with the empty user password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(
                f"{path} is an encrypted PDF: save an unencrypted copy or remove it from the "
                "corpus folder"
            )
        pages = [_page_lines(page.extract_text(extraction_mode="layout")) for page in reader.pages]
        info: Any = reader.metadata or {}
    except CorpusError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise CorpusError(
            f"{path} cannot be read as a PDF ({type(exc).__name__}: {exc}): it may be damaged or "
            "not a PDF; replace or remove it"
        ) from None
    if not any(line for lines in pages for line in lines if line):
        raise CorpusError(
            f"{path} has no text layer: OCR it first, e.g. `ocrmypdf {path.name} out.pdf`"
        )
    running = _running_lines(pages)
    blocks: list[Block] = []
    for number, lines in enumerate(pages, start=1):
        lines = _trim_running(lines, running)
        for k, paragraph in enumerate(_paragraph_lines(lines)):
            text = _join_lines(paragraph)
            previous = blocks[-1] if blocks else None
            if (
                k == 0
                and previous is not None
                and not _SENTENCE_END.search(previous.text)
                and text[:1].islower()
            ):
                # The last paragraph of the previous page runs on here.
                blocks[-1] = Block(_join_lines([previous.text, text]), previous.page)
            else:
                blocks.append(Block(text, number))
    meta = {
        "title": _info(info, "/Title"),
        "author": _info(info, "/Author"),
        "date": _pdf_date(_info(info, "/CreationDate")),
    }
    return Loaded.from_blocks(blocks, meta, pages=len(pages))


def _page_lines(text: str) -> list[str]:
    """A page's lines (layout mode), spaces collapsed, and each table made one line (``_table``)
    between blank ones."""
    raw = [line.rstrip() for line in text.splitlines()]
    columns = [_columns(line) for line in raw]
    lines = [_SPACES.sub(" ", line).strip() for line in raw]
    out: list[str] = []
    i = 0
    while i < len(raw):
        table = _table(raw, columns, i)
        if table is None:
            out.append(lines[i])
            i += 1
            continue
        rows, i = table
        # The caption: a one-line paragraph right above the table ("Таблица 1. ...").
        caption = []
        if out and out[-1] and (len(out) == 1 or not out[-2]):
            caption = [out.pop()]
        out += ["", "\n".join(caption + rows), ""]
    return out


def _columns(line: str) -> list[int]:
    """Where the cells of a layout line start: its first character, and each one after a gap of
    3 or more spaces. Empty for a line of one cell."""
    if not line.strip():
        return []
    starts = [len(line) - len(line.lstrip())]
    starts += [m.end() for m in _CELL_GAP.finditer(line) if m.start() > starts[0]]
    return starts if len(starts) > 1 else []


def _aligned(a: list[int], b: list[int]) -> bool:
    """Whether every cell of one line starts where a cell of the other does (within a
    character): the rows of one table do; lines of prose, whose words fall anywhere, do not."""

    def within(xs: list[int], ys: list[int]) -> bool:
        return all(any(abs(x - y) <= 1 for y in ys) for x in xs)

    return bool(a and b) and (within(a, b) or within(b, a))


def _table(raw: list[str], columns: list[list[int]], start: int) -> tuple[list[str], int] | None:
    """The rows of a table starting at line ``start`` and the line after it, or None: two or
    more lines of cells (blank lines between them allowed) aligned with the first (``_aligned``).
    A row is its cells joined by `` | ``."""
    first = columns[start]
    if not first or not raw[start].strip():
        return None
    rows: list[str] = []
    i = end = start
    while i < len(raw):
        if raw[i].strip():
            if not _aligned(columns[i], first):
                break
            cells = (_SPACES.sub(" ", c).strip() for c in _CELL_GAP.split(raw[i].strip()))
            rows.append(" | ".join(c for c in cells if c))
            end = i + 1
        i += 1
    return (rows, end) if len(rows) >= 2 else None


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines (digits ignored) among the first or last two non-blank lines of most pages."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        filled = [x for x in lines if x]
        counts.update({_DIGITS.sub("#", x) for x in filled[:2] + filled[-2:]})
    return {key for key, n in counts.items() if n >= max(2, (len(pages) + 1) // 2)}


def _trim_running(lines: list[str], running: set[str]) -> list[str]:
    """``lines`` without running headers, footers and page numbers at either end."""
    filled = [i for i, x in enumerate(lines) if x]
    drop = set()
    for ends in (filled[:2], filled[-2:][::-1]):
        for i in ends:
            if _DIGITS.sub("#", lines[i]) in running or _PAGE_NUMBER.match(lines[i]):
                drop.add(i)
            else:
                break
    return [x for i, x in enumerate(lines) if i not in drop]


def _paragraph_lines(lines: list[str]) -> Iterator[list[str]]:
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            yield current
            current = []
    if current:
        yield current


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        if _HYPHENATED.search(out) and line[:1].islower():
            out = out[:-1] + line
        else:
            out = out + " " + line
    return out


def _info(info: Any, key: str) -> str:
    try:
        value = info.get(key)
    except Exception:  # a damaged info dictionary is no reason to lose the text
        return ""
    return str(value) if value else ""


def _pdf_date(value: str) -> str:
    """``D:20250314...`` as ``2025-03-14``."""
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?", value)
    if not m:
        return ""
    return "-".join(part for part in m.groups() if part)


# --- DOCX ------------------------------------------------------------------------------------


def load_docx(path: Path, raw: bytes) -> Loaded:
    """Paragraphs, headings (as sections) and tables of a DOCX in body order. Raises
    ``CorpusError`` for a file that is not a readable DOCX."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        document = docx.Document(io.BytesIO(raw))
        blocks: list[Block] = []
        section: str | None = None
        for item in document.iter_inner_content():
            if isinstance(item, DocxParagraph):
                text = item.text.strip()
                style = (item.style.name if item.style is not None else "") or ""
                if text and (style.startswith("Heading") or style == "Title"):
                    section = text
                else:
                    blocks.append(Block(text, section=section))
            elif isinstance(item, Table):
                blocks.append(Block(_table_text(item), section=section))
        props = document.core_properties
        meta = {
            "title": props.title or "",
            "author": props.author or "",
            "date": props.created.date().isoformat() if props.created else "",
            "language": props.language or "",
        }
    except Exception as exc:  # python-docx raises many kinds for a damaged zip or XML
        raise CorpusError(
            f"{path} cannot be read as a DOCX ({type(exc).__name__}: {exc}): it may be damaged "
            "or not a DOCX; replace or remove it"
        ) from None
    return Loaded.from_blocks(blocks, meta)


def _table_text(table: Any) -> str:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            # A merged cell is repeated once per grid column it spans.
            if not cells or cells[-1] != text:
                cells.append(text)
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)


# --- HTML ------------------------------------------------------------------------------------


def load_html(path: Path, raw: bytes) -> Loaded:
    """The article of a web page, with its headings as sections and its metadata. Raises
    ``CorpusError`` for a page with no article text."""
    import trafilatura
    from lxml import etree

    html = raw.decode("utf-8", errors="replace")
    xml = trafilatura.extract(
        html,
        output_format="xml",
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        favor_precision=True,
    )
    root = etree.fromstring(xml.encode("utf-8")) if xml else None
    if root is None or not _element_text(root):
        raise CorpusError(
            f"{path} has no article text that could be found: save the article's own page, or "
            "remove it from the corpus folder"
        )
    blocks: list[Block] = []
    section: str | None = None
    main = root.find("main")
    main = root if main is None else main
    if main.text and main.text.strip():  # an article of bare text, without paragraphs
        blocks.append(Block(" ".join(main.text.split())))
    for el in main.iterchildren():
        tag = el.tag
        if tag == "head":
            section = _element_text(el) or section
        elif tag == "table":
            rows = [
                " | ".join(_element_text(c) for c in row.iterchildren("cell"))
                for row in el.iter("row")
            ]
            blocks.append(Block("\n".join(r for r in rows if r.strip(" |")), section=section))
        elif tag == "list":
            items = [_element_text(i) for i in el.iter("item")]
            blocks.append(Block("\n".join(i for i in items if i), section=section))
        else:
            blocks.append(Block(_element_text(el), section=section))
    meta_doc = trafilatura.extract_metadata(html)
    meta: dict[str, str] = {}
    if meta_doc is not None:
        source = meta_doc.sitename or meta_doc.hostname or ""
        meta = {
            "title": meta_doc.title or "",
            "date": meta_doc.date or "",
            "source": source,
            "author": meta_doc.author or "",
            "url": meta_doc.url or "",
        }
    return Loaded.from_blocks(blocks, meta)


def _element_text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


LOADERS: dict[str, Callable[[Path, bytes], Loaded]] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
}
