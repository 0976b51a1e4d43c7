"""End-to-end answers on XQuAD-ru or TyDi-ru half A: every question asked of its corpus through
``ReportQA.ask``, as a user would.

Prints the share of questions answered (every question there is answerable, so every refusal is
a false refusal), the share whose answer (short answer or quotes) holds a gold answer, the short
answer's exact match and token F1 (SQuAD's normalisation: lower case, punctuation and white
space folded; a missing short answer scores 0), how often there is one, sentences quoted, and
latency.

    python benchmarks/bench_answers.py [--dataset xquad|tydi] [--work /tmp/reportqa-bench] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from reportqa.evaluate import answer_words

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
FILES = {"xquad": "xquad-ru", "tydi": "tydiqa-ru-a"}


def f1(prediction: str, gold: str) -> float:
    p, g = answer_words(prediction), answer_words(gold)
    common = sum((Counter(p) & Counter(g)).values())
    if not p or not g or not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(FILES), default="xquad")
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportqa-bench"))
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    from reportqa import ReportQA, Settings

    name = FILES[args.dataset]
    if not (EVAL / f"{name}.questions.jsonl").exists():
        sys.exit(f"{EVAL / name}.*: not found (../shared/eval beside the checkout)")
    corpus = args.work / args.dataset / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for line in open(EVAL / f"{name}.passages.jsonl", encoding="utf-8"):
        p = json.loads(line)
        if not (corpus / f"{p['id']}.txt").exists():
            (corpus / f"{p['id']}.txt").write_text(p["text"], encoding="utf-8")
            meta = {"title": p.get("title") or p["id"], "language": "ru"}
            (corpus / f"{p['id']}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    qa = ReportQA.open(
        Settings(corpus=corpus, index=args.work / args.dataset / "index"), progress=print
    )
    rows = [json.loads(line) for line in open(EVAL / f"{name}.questions.jsonl", encoding="utf-8")]
    if args.limit:
        rows = rows[: args.limit]
    answered = holds = sentences = with_short = 0
    exact = f1_total = 0.0
    latencies = []
    for row in rows:
        started = time.perf_counter()
        answer = qa.ask(row["question"])
        latencies.append((time.perf_counter() - started) * 1000)
        short = answer.short_answer.text if answer.short_answer else ""
        if short:
            with_short += 1
            exact += max(float(answer_words(short) == answer_words(g)) for g in row["answers"])
            f1_total += max(f1(short, g) for g in row["answers"])
        if answer.refused:
            continue
        answered += 1
        sentences += len(answer.citations)
        text = " ".join([short, *(c.quote for c in answer.citations)])
        holds += any(g in text for g in row["answers"])
    n = len(rows)
    latencies.sort()
    print(
        f"{args.dataset}: {n} questions; answered {answered / n:.3f} (refused {1 - answered / n:.3f})"
    )
    print(f"answer holds a gold answer: {holds / n:.3f} of all questions")
    print(
        f"short answer: given for {with_short / n:.3f}; exact match {exact / n:.3f}, token F1 {f1_total / n:.3f} (over all questions, none scoring 0)"
    )
    print(f"quoted sentences per answer: {sentences / max(answered, 1):.2f}")
    print(
        f"latency p50 {statistics.median(latencies):.1f} ms, p95 {latencies[int(0.95 * (n - 1))]:.1f} ms"
    )


if __name__ == "__main__":
    main()
