"""Write the briefs of one fresh round of report sets for helper sessions.

A round is three question sets (ru, en, kk), two claim sets and two dialogue sets, each written
by a helper from the numbered report and its brief alone, never from the code or other sets.

    python benchmarks/briefs/make_round.py 73 --claims 93 94 --dialogues 129 130 --out /tmp/q73

writes `report-numbered.txt`, one `.prompt` per helper and `check.py` (the format check) to
`--out`. A helper is told: "Read the file /tmp/q73/X.prompt and carry out exactly what it says."
"""

from __future__ import annotations

import argparse
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORT = HERE.parent.parent / "corpus" / "karaganda-industry.txt"
LANGUAGES = {"ru": "Russian", "en": "English", "kk": "Kazakh"}


def paragraphs() -> list[str]:
    text = REPORT.read_text(encoding="utf-8")
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def fill(name: str, **values: str) -> str:
    text = (HERE / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round", type=int)
    parser.add_argument("--claims", type=int, nargs=2, required=True)
    parser.add_argument("--dialogues", type=int, nargs=2, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    numbered = "\n\n".join(f"[{i}] {p}" for i, p in enumerate(paragraphs(), start=1))
    (out / "report-numbered.txt").write_text(numbered + "\n", encoding="utf-8")
    common = fill("common.txt", dir=str(out))
    (out / "check.py").write_text(fill("check.py.txt"), encoding="utf-8")
    for lang, name in LANGUAGES.items():
        tag = f"test{args.round}-{lang}"
        body = fill(
            "questions.txt",
            lang=lang,
            language=name,
            dir=str(out),
            file=f"report-{tag}.jsonl",
            prefix=f"t{args.round}{lang}",
        )
        (out / f"{tag}.prompt").write_text(common + "\n" + body, encoding="utf-8")
    sets = [("claims", n, f"report-claims-test{n}.jsonl", f"c{n}") for n in args.claims]
    sets += [("dialogues", n, f"report-dialogues-{n}.jsonl", f"d{n}") for n in args.dialogues]
    for brief, number, file, prefix in sets:
        body = fill(f"{brief}.txt", dir=str(out), file=file, prefix=prefix)
        (out / f"{brief}{number}.prompt").write_text(common + "\n" + body, encoding="utf-8")
    print(f"wrote the briefs of round {args.round} to {out}")


if __name__ == "__main__":
    main()
