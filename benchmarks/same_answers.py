"""Whether a change left the answers alone: every report set of benchmarks/data through the
pipeline, written as JSON lines, and two such files compared.

Questions (all three languages) go through ``ReportQA.ask``, dialogues turn by turn with their
history, claims through ``ReportQA.check``. A row holds the answer as the API gives it (text,
citations, short answer, confidence, refusal, see-also, the retrieved passages and their
scores; timings left out, floats to 1e-6) and, for an answer, the evidence model's probability
of every candidate sentence (to 1e-9) with a hash of its feature vector. The index is copied
and its word vectors dropped, so that every run embeds the vocabulary afresh.

    python benchmarks/same_answers.py dump OUT.jsonl [--index DIR]   # with the code to test
    python benchmarks/same_answers.py compare BEFORE.jsonl AFTER.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"


def _rounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items() if k != "timings"}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return round(value, 6) if isinstance(value, float) else value


def _evidence(qa: Any, question: str, hits: Any) -> list[list[Any]]:
    return [
        [
            c.hit.chunk.id,
            c.sentence.start,
            round(c.probability, 9),
            hashlib.sha256(np.ascontiguousarray(c.features).tobytes()).hexdigest()[:16],
        ]
        for c in qa.extractive.evidence(question, hits)
    ]


def _rows(qa: Any) -> Any:
    from reportqa.serialize import answer_to_dict, verdict_to_dict

    for path in sorted(DATA.glob("report-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if "question" in row:
                turns = [row["question"]]
            elif "turns" in row:
                turns = [t["question"] for t in row["turns"]]
            elif "claim" in row:
                verdict = verdict_to_dict(qa.check(row["claim"]))
                yield {"file": path.name, "id": row.get("id"), "verdict": _rounded(verdict)}
                continue
            else:
                continue
            history: list[dict[str, Any]] = []
            for i, question in enumerate(turns):
                answer = qa.ask(question, history=list(history))
                data = answer_to_dict(answer)
                yield {
                    "file": path.name,
                    "id": f"{row.get('id')}#{i}",
                    "answer": _rounded(data),
                    "evidence": _evidence(
                        qa, answer.interpreted_as or answer.question, answer.retrieved
                    ),
                }
                history += [
                    {"role": "user", "content": question},
                    {"role": "assistant", "content": answer.answer, "citations": data["citations"]},
                ]


def dump(out: Path, index: Path | None) -> None:
    from reportqa import ReportQA, Settings

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "index"
        if index is not None:
            shutil.copytree(index, copy)
            for vectors in copy.glob("word-vectors*"):
                vectors.unlink()
        qa = ReportQA.open(Settings(corpus=ROOT / "corpus", index=copy))
        with open(out, "w", encoding="utf-8") as f:
            for record in _rows(qa):
                f.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def compare(before: Path, after: Path) -> int:
    a = [json.loads(line) for line in before.read_text(encoding="utf-8").splitlines()]
    b = [json.loads(line) for line in after.read_text(encoding="utf-8").splitlines()]
    if [r["id"] for r in a] != [r["id"] for r in b]:
        print("the two files hold different rows")
        return 1
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    print(f"{len(a)} rows compared ({len({r['file'] for r in a})} files); {len(differ)} differ")
    for x, y in differ[:10]:
        for key in sorted(set(x) | set(y)):
            if x.get(key) != y.get(key):
                print(f"{x['id']} {key}:\n  {json.dumps(x.get(key), ensure_ascii=False)[:300]}")
                print(f"  {json.dumps(y.get(key), ensure_ascii=False)[:300]}")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="answer every set, as JSON lines")
    d.add_argument("out", type=Path)
    d.add_argument("--index", type=Path, help="a built index to copy (else one is built)")
    c = sub.add_parser("compare", help="compare two dumps")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.index)
    else:
        raise SystemExit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
