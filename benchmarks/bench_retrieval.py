"""Retrieval quality on XQuAD-ru: recall of the gold passage among all 240, per signal and fused.

    python benchmarks/bench_retrieval.py [--work /tmp/reportqa-xquad]

Prints R@1 and R@3 for BM25 alone, the passage vectors alone, the best-sentence vectors alone and
the fused ranking reportqa uses (weights from Settings). The index is built once in --work.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xquad import EVAL, xquad_qa  # noqa: E402

from reportqa.retrieval import HybridSearcher  # noqa: E402


def recall(qa, questions, dense: float, sentence: float, k: int = 3) -> tuple[float, float, float]:
    searcher = HybridSearcher(qa.data, qa.embedder, dense, sentence)
    r1 = r3 = 0
    started = time.perf_counter()
    for q in questions:
        docs = [h.chunk.document for h in searcher.search(q["question"], k=10)]
        # Chunks of one passage may repeat: rank passages by their best chunk.
        ranked = list(dict.fromkeys(docs))
        gold = q["passage_id"] + ".txt"
        r1 += ranked[:1] == [gold]
        r3 += gold in ranked[:k]
    ms = (time.perf_counter() - started) / len(questions) * 1000
    return r1 / len(questions), r3 / len(questions), ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-xquad"))
    args = parser.parse_args()
    qa = xquad_qa(args.work)
    questions = [
        json.loads(line) for line in open(EVAL / "xquad-ru.questions.jsonl", encoding="utf-8")
    ]
    s = qa.settings
    for name, dense, sentence in (
        ("BM25 (stems + 5-letter prefixes)", 0.0, 0.0),
        ("e5 passage vectors", 1.0, 0.0),
        ("e5 best-sentence vectors", 0.0, 1.0),
        (
            f"fused ({s.dense_weight} passage, {s.sentence_weight} sentence, rest BM25)",
            s.dense_weight,
            s.sentence_weight,
        ),
    ):
        r1, r3, ms = recall(qa, questions, dense, sentence)
        print(f"{name:60s} R@1 {r1:.3f}  R@3 {r3:.3f}  ({ms:.1f} ms/question)")


if __name__ == "__main__":
    main()
