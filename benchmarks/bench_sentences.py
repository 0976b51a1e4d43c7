"""What the sentence vectors buy: retrieval and answers with and without them, on one index.

The index keeps a vector for every sentence besides every chunk; the sentences cost about as
much to embed as the chunks (``bench_index.py``). This asks every question of XQuAD-ru or
TyDi-ru half A (every question is answerable) with the index as built ("all"), and with the
sentence vectors replaced by the vector of their chunk, as if they had not been embedded:
"none" (every sentence), "short" (only sentences of chunks shorter than ``--long`` characters
keep their chunk's vector; longer chunks keep their sentence vectors). Prints, per variant, the
share of sentence vectors that would be embedded, R@1 and R@3 of the gold passage, the share of
answers that hold a gold answer (short answer or quotes) and the share answered at all.

    python benchmarks/bench_sentences.py [--dataset xquad|tydi] [--work DIR] [--limit N]

The index is built in ``DIR/<dataset>/index`` if need be (as bench_answers.py does; reused
otherwise). Query vectors are embedded once and shared by the variants.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
from bench_answers import EVAL, FILES

ROOT = Path(__file__).resolve().parents[1]


class SharedQueries:
    """The embedder with its query vectors kept, so that each variant does not embed again."""

    def __init__(self, embedder: Any) -> None:
        self.inner, self.name, self.dim = embedder, embedder.name, embedder.dim
        self.cache: dict[str, np.ndarray] = {}

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed_queries(missing)))
        return np.stack([self.cache[t] for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)


def without_sentences(data: Any, keep: Any) -> tuple[Any, float]:
    """``data`` with the vector of every sentence of a chunk that ``keep(chunk)`` refuses
    replaced by its chunk's vector; and the share of sentence rows still embedded."""
    vectors = data.sentence_vectors.copy()
    chunk_vectors = data.chunk_index.reconstruct_n(0, data.chunk_index.ntotal)
    kept = np.zeros(len(vectors), dtype=bool)
    replaced = np.zeros(len(vectors), dtype=bool)
    for chunk, rows in zip(data.chunks, data.sentence_rows):
        for row in rows:
            if keep(chunk):
                kept[row] = True
            elif not replaced[row]:
                vectors[row] = chunk_vectors[chunk.id]
                replaced[row] = True
    vectors[kept] = data.sentence_vectors[kept]
    share = float(kept.mean()) if len(kept) else 0.0
    return dataclasses.replace(data, sentence_vectors=vectors), share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(FILES), default="xquad")
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-bench"))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--long", type=int, default=600)
    args = parser.parse_args()
    from bench_index import passage_corpus

    from reportqa import ReportQA, Settings

    name = FILES[args.dataset]
    corpus = args.work / args.dataset / "corpus"
    if not corpus.exists():
        passage_corpus(name, corpus)
    settings = Settings(corpus=corpus, index=args.work / args.dataset / "index")
    built = ReportQA.open(settings, progress=print)
    embedder = SharedQueries(built.embedder)
    rows = [json.loads(line) for line in open(EVAL / f"{name}.questions.jsonl", encoding="utf-8")]
    rows = rows[: args.limit] if args.limit else rows
    variants = {
        "all": (built.data, 1.0),
        "none": without_sentences(built.data, lambda c: False),
        f"short<{args.long}": without_sentences(built.data, lambda c: len(c.text) >= args.long),
    }
    print(f"{args.dataset}: {len(rows)} questions, {len(built.data.chunks)} chunks")
    print(f"{'variant':<12} {'embedded':>8} {'R@1':>6} {'R@3':>6} {'holds':>6} {'answered':>8}")
    for label, (data, share) in variants.items():
        qa = ReportQA(settings, built.documents, data, embedder, ())
        r1 = r3 = holds = answered = 0
        for row in rows:
            gold = f"{row['passage_id']}.txt"
            hits = qa.retrieve(row["question"], 3)
            r1 += bool(hits) and hits[0].chunk.document == gold
            r3 += any(h.chunk.document == gold for h in hits)
            answer = qa.ask(row["question"])
            if answer.refused:
                continue
            answered += 1
            short = answer.short_answer.text if answer.short_answer else ""
            text = " ".join([short, *(c.quote for c in answer.citations)])
            holds += any(g in text for g in row["answers"])  # as bench_answers.py counts
        n = len(rows)
        print(
            f"{label:<12} {share:8.1%} {r1 / n:6.3f} {r3 / n:6.3f} {holds / n:6.3f} "
            f"{answered / n:8.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
