"""Configurations side by side on frozen rounds: questions, claims and follow-ups right.

Each configuration is a source folder (a worktree's ``src``, holding its code and its models)
that the benchmarks run against through ``PYTHONPATH``, one process a set, so that one command
measures a candidate and its baseline on the same sets in the same way:

    python benchmarks/compare.py --config base=../wt-base/src --config candidate=src \\
        --rounds 46-49 --dialogues 73-80 [--margin 3]

For each round it runs ``bench_report.py --sets roundN --json`` (questions and claims) and for
each dialogue set ``bench_dialogue.py FILE --json`` (follow-ups, with history), then prints a
table: questions right (by language), claims right (wrongly supported), follow-ups right, and
the total, per round and summed, with the dialogues' first turns right beside it (outside the
total); the dialogue sets are added in the order given, ``--pair`` of
them to each round (two by default: round46 with -73 and -74). With ``--margin M``, it says of
each configuration after the first whether its summed total is at least the first's plus M with
no more claims wrongly supported: a decision rule to set before the figures are read.
Nothing is cached: a set takes one to two minutes a configuration on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"


@dataclass
class Figures:
    """What one configuration got right on one round and its dialogue sets."""

    questions: dict[str, int] = field(default_factory=dict)  # right by language
    claims: int = 0
    wrongly_supported: int = 0
    followups: int = 0
    first_turns: int = 0  # the dialogues' first turns right: not in the total, a rule may ask

    @property
    def total(self) -> int:
        return sum(self.questions.values()) + self.claims + self.followups

    def add(self, other: Figures) -> None:
        for lang, n in other.questions.items():
            self.questions[lang] = self.questions.get(lang, 0) + n
        self.claims += other.claims
        self.wrongly_supported += other.wrongly_supported
        self.followups += other.followups
        self.first_turns += other.first_turns

    def cell(self) -> str:
        langs = " / ".join(str(n) for _, n in sorted(self.questions.items()))
        questions = sum(self.questions.values())
        return (
            f"{questions} ({langs}), {self.claims} ({self.wrongly_supported}), "
            f"{self.followups} = {self.total}; first turns {self.first_turns}"
        )


def _run(script: str, args: list[str], source: Path) -> list[dict]:
    """``script``'s JSON lines, run with ``source`` first on the path (bytecode cached as an
    installed package has it)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(source.resolve())
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{script} {' '.join(args)} failed with {source}:\n{done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def measure(source: Path, rounds: list[int], dialogues: list[int], pair: int) -> dict[int, Figures]:
    out: dict[int, Figures] = {}
    for i, n in enumerate(rounds):
        figures = Figures()
        for row in _run("bench_report.py", ["--sets", f"round{n}"], source):
            if row["kind"] == "claims":
                figures.claims += row["right"]
                figures.wrongly_supported += row["wrongly_supported"]
            else:
                for lang, right in row["by_language"].items():
                    figures.questions[lang] = figures.questions.get(lang, 0) + right
        for d in dialogues[i * pair : (i + 1) * pair]:
            path = DATA / f"report-dialogues-{d}.jsonl"
            (row,) = _run("bench_dialogue.py", [str(path)], source)
            figures.followups += row["followup"]["right"]
            figures.first_turns += row["first"]["right"]
        out[n] = figures
    return out


def _numbers(spec: list[str]) -> list[int]:
    """``["73-80"]`` or ``["73", "74"]`` as numbers."""
    out: list[int] = []
    for part in spec:
        if "-" in part:
            first, last = part.split("-", 1)
            out += range(int(first), int(last) + 1)
        else:
            out.append(int(part))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config",
        action="append",
        required=True,
        help="NAME=SOURCE_FOLDER, once a configuration, the baseline first",
    )
    parser.add_argument("--rounds", nargs="+", required=True, help="round numbers, or A-B")
    parser.add_argument("--dialogues", nargs="*", default=[], help="dialogue set numbers, or A-B")
    parser.add_argument("--pair", type=int, default=2, help="dialogue sets to each round [2]")
    parser.add_argument("--margin", type=int, help="the rule: total at least the first's + M")
    args = parser.parse_args()
    configs: list[tuple[str, Path]] = []
    for spec in args.config:
        name, _, folder = spec.partition("=")
        if not folder or not (Path(folder) / "reportqa").is_dir():
            parser.error(f"{spec}: give NAME=FOLDER, a folder that holds the reportqa package")
        configs.append((name, Path(folder)))
    try:
        rounds, dialogues = _numbers(args.rounds), _numbers(args.dialogues)
    except ValueError:
        parser.error("--rounds and --dialogues take numbers or ranges A-B")
    if len(dialogues) > len(rounds) * args.pair:
        parser.error(f"{len(dialogues)} dialogue sets for {len(rounds)} rounds of {args.pair}")
    results = {name: measure(folder, rounds, dialogues, args.pair) for name, folder in configs}
    names = [name for name, _ in configs]
    print("| round | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    sums = {name: Figures() for name in names}
    for n in rounds:
        for name in names:
            sums[name].add(results[name][n])
        print(f"| round{n} | " + " | ".join(results[name][n].cell() for name in names) + " |")
    print("| sum | " + " | ".join(sums[name].cell() for name in names) + " |")
    print(
        "(questions (by language, alphabetical), claims (wrongly supported), follow-ups = total;"
        " the dialogues' first turns right, outside the total)"
    )
    if args.margin is not None:
        base = sums[names[0]]
        for name in names[1:]:
            mine = sums[name]
            passes = (
                mine.total >= base.total + args.margin
                and mine.wrongly_supported <= base.wrongly_supported
            )
            print(
                f"{name}: {mine.total} against {base.total} + {args.margin}, wrongly supported "
                f"{mine.wrongly_supported} against {base.wrongly_supported}: "
                + ("passes" if passes else "fails")
            )


if __name__ == "__main__":
    main()
