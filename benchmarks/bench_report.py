"""Answers and verdicts on the report's question and claim sets, totals only.

For each set: accuracy, answered with a gold string (short answer or quote), refusals of
unanswerable questions, false refusals, per language; for claims, verdict accuracy, the
confusion matrix and the claims called supported that the report contradicts or does not state.
Totals only, so that measuring the frozen test sets does not show which questions failed.

    python benchmarks/bench_report.py [--sets round29|round30|round31|round32|round33|round34|round35|round36|round37|round38|round39|round40|round41|round42|round43|round44|round45|round46|round47|round48|round49|round50|session|check|next|new|last|rounds|fresh|test23|test22|test21|test20|test19|test18|test17|test16|test15|test14|test13|test12|test11|test10|test9|test8|test7|test6|test5|test4|test3|test|test2|fit|dev|all]
        [--only questions|claims] [--json]

``--json`` prints one line of counts a set (right, by language, claims wrongly supported, short
answers given and right), which ``compare.py`` reads.

Sets (benchmarks/data/README.md tells when each was frozen and what it was used for). Since
2026-12-03 the question sets of test8 to test17 are fitting data of the evidence model
(``evidence_data.REPORT_FIT``), so their figures are in sample; their claim sets are not. test19 =
report-test19-{ru,en,kk} and report-claims-test19, frozen at 03:10 UTC on 2026-12-03, and test20
and test21, frozen at 03:41 UTC (their claims at 03:50), measured the session of 03:07 UTC and
are fitting data since 06:54 UTC (their questions of the evidence model, their claims chose the
verdict model's threshold); ``round29``, the default, = report-test29-{ru,en,kk} with
report-claims-test30, frozen at 11:56 UTC on 2026-12-03, measure the session from ``fd75386``;
``round30`` = report-test30-{ru,en,kk} with report-claims-test31, frozen with them, checked
``b1d4766``; ``round31`` = report-test31-{ru,en,kk} with report-claims-test32, frozen at 12:33
UTC, measures the changes after it; ``fresh`` is the three together; test22, frozen at 04:20 UTC, was the session's last check (measured
once at its start and once at its end); ``session`` = report-test26-{ru,en,kk} with report-claims-test27, frozen at 09:30
UTC on 2026-12-03, measure the session from ``e04ca87``, and ``check`` = report-test27-{ru,en,kk}
with report-claims-test28, frozen with them, is its last check; ``next`` = report-test28-{ru,en,kk}
with report-claims-test29, frozen at 10:42 UTC for the changes after; ``new`` = report-test23-{ru,en,kk} with
report-claims-test23 and -test24, frozen at 06:54 UTC on 2026-12-03, measure the session from
``7018054``; ``last`` = report-test24-{ru,en,kk} with report-claims-test25, frozen at 07:29 UTC,
is that session's last check (measured at its baseline and at its end); ``rounds`` =
report-test25-{ru,en,kk} with report-claims-test26, frozen at 08:36 UTC, measured the evidence
model's 1000 rounds against 300; test18 = report-test18-{ru,en,kk} and
report-claims-test18, frozen at 23:33 UTC on 2026-12-02 and measured since (totals only); test17 =
report-test17-{ru,en,kk} and report-claims-test17, frozen at 18:50 UTC on 2026-12-02 and
measured since (totals only); test16 = report-test16-{ru,en,kk}
and report-claims-test16, frozen at 17:47 UTC on 2026-12-02 and measured since (totals only); test15 = report-test15-{ru,en,kk}
and report-claims-test15, frozen at 16:05 UTC on 2026-12-02 and measured five times (totals
only); test14 = report-test14-{ru,en,kk} and report-claims-test14, frozen at 15:18 UTC on
2026-12-02 and measured five times (totals only); test13 =
report-test13-{ru,en,kk} and report-claims-test13, frozen at 13:53 UTC on 2026-12-02 and only
measured since; test12 = the twelfth such sets (frozen at 10:15 on 2026-12-02, measured five
times, their failures never read); test11 = the eleventh such sets (frozen at 08:08 on 2026-12-02; measured three
times, their failed questions read at 10:25, so development data now); test10 = the tenth such sets (frozen at 05:38 on 2026-12-02; measured twice, the
second time for a refit not kept); test9 = the ninth such sets (frozen at 02:19 on 2026-12-02; they measured the
unanswerable weights of the evidence model three times); test8 = the eighth such sets (frozen at 01:55 on 2026-12-02; they measured the
evidence and verdict refits and the Kazakh bounds); test7 = the seventh such sets (frozen at 23:49 on 2026-12-01; their questions
informed one choice, their claims one); test6 = the sixth such sets (frozen at 23:21; their questions informed two
choices, their claims measured twice); test5 = the fifth such sets (frozen at 21:10, measured five times, their failures
never read); test4 = the fourth such sets (frozen at 19:16, measured five times, their
failures never read); test3 = the third such sets (frozen at 16:39, measured four times, their
failures never read; their questions are fitting data of the evidence model since test4 was
frozen, their claims only measured); test and test2 = the first and second such sets (their
questions are fitting data of the evidence model since test3 was frozen; their claims are still
only measured); fit = the sets the model was fitted on first; dev =
../shared/eval/report-dev*.jsonl (if present).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
EVAL = ROOT.parent / "shared" / "eval"


def _frozen(suffix: str) -> list[Path]:
    """A frozen round of test sets: the questions in each language and the claims."""
    return [DATA / f"report-{suffix}-{lang}.jsonl" for lang in ("ru", "en", "kk")] + [
        DATA / f"report-claims-{suffix}.jsonl"
    ]


def _round(test: int, *claims: int) -> list[Path]:
    """A round of frozen sets: the questions of ``test<N>`` in each language and the claim sets
    frozen with them (numbered apart, ``report-claims-test<C>``)."""
    return _frozen(f"test{test}")[:3] + [DATA / f"report-claims-test{c}.jsonl" for c in claims]


SETS = {
    **{
        name: _frozen(name)
        for name in (
            "test31",
            "test30",
            "test29",
            "test28",
            "test27",
            "test26",
            "test25",
            "test24",
            "test23",
            "test22",
            "test21",
            "test20",
            "test19",
            "test18",
            "test17",
            "test16",
            "test15",
            "test14",
            "test13",
            "test12",
            "test11",
            "test10",
            "test9",
            "test8",
            "test7",
            "test6",
            "test5",
            "test4",
            "test3",
            "test",
            "test2",
        )
    },
    # the measuring rounds of 2026-12-03, together: 567 questions and 234 claims
    "fresh": [f for name in ("test19", "test20", "test21") for f in _frozen(name)],
    # the round frozen at 06:54 UTC on 2026-12-03: 189 questions and two claim sets (156 claims)
    "new": [*_frozen("test23"), DATA / "report-claims-test24.jsonl"],
    # the last check of that session, frozen at 07:29 UTC: 189 questions and 78 claims
    "last": [
        *(DATA / f"report-test24-{lang}.jsonl" for lang in ("ru", "en", "kk")),
        DATA / "report-claims-test25.jsonl",
    ],
    # frozen at 08:36 UTC for the evidence model's number of rounds: 189 questions, 78 claims
    "rounds": [
        *(DATA / f"report-test25-{lang}.jsonl" for lang in ("ru", "en", "kk")),
        DATA / "report-claims-test26.jsonl",
    ],
    # frozen at 09:30 UTC: the session from e04ca87 is measured on test26 ("session") and
    # checked once at each end on test27 ("check"); 189 questions and 78 claims each
    "session": _round(26, 27),
    "check": _round(27, 28),
    # frozen at 10:42 UTC, after the session's changes: 189 questions and 78 claims
    "next": _round(28, 29),
    # frozen at 11:56 UTC, before the session of 11:52 UTC changed anything: it was measured on
    # round29 and checked at b1d4766 on round30; round31, frozen at 12:33 UTC, measures the
    # changes after b1d4766. 189 questions and 78 claims each
    "round29": _round(29, 30),
    "round30": _round(30, 31),
    "round31": _round(31, 32),
    # frozen at 14:40 UTC, before the session of 14:36 UTC changed anything: round32 measures
    # its steps, round33 is its last check (at its baseline and at its end)
    "round32": _round(32, 33),
    "round33": _round(33, 34),
    # frozen at 14:47 UTC, after four questions of round32 and round33 had been seen: the check
    # of the source words
    "round34": _round(34, 35),
    # frozen at 17:52 UTC on 2026-12-03, before the session of 17:50 UTC changed anything
    "round35": _round(35, 36),
    # frozen at 17:59 UTC, before anything was changed: the last check of the session
    "round36": _round(36, 37),
    # frozen at 20:38 UTC on 2026-12-03, before the session of 20:31 UTC changed any model
    "round37": _round(37, 38),
    # frozen at 20:38 UTC, before any model was changed: the last check of the session
    "round38": _round(38, 39),
    # frozen at 21:05 UTC, after round37 and round38 had measured the refits
    "round39": _round(39, 40),
    # frozen at 01:32 UTC on 2026-12-04, before the session of 01:24 UTC changed any model
    "round40": _round(40, 41),
    # frozen at 05:23 UTC on 2026-12-04, before the session of 05:20 UTC changed any model
    "round41": _round(41, 42),
    # frozen at 06:25 UTC on 2026-12-04, after round41 had measured that session's refit
    "round42": _round(42, 43),
    # frozen at 09:48 UTC on 2026-12-04, before the session of 09:45 UTC changed anything
    "round43": _round(43, 44),
    # frozen at 10:26 UTC on 2026-12-04, after round43 had measured that session's refit
    "round44": _round(44, 45),
    # frozen at 11:40 UTC on 2026-12-04, written during the session from 11:17 UTC before the
    # refit it measures existed
    "round45": _round(45, 46),
    # frozen at 13:53 UTC on 2026-12-04, before the session of 13:45 UTC changed anything
    "round46": _round(46, 47),
    # frozen at 14:33 UTC on 2026-12-04, after round43 to round46 had measured that session's
    # refit, before the figures of its variant (the verdict model kept) were read
    "round47": _round(47, 48),
    # frozen at 15:36 UTC on 2026-12-04, to confirm that session's refit H under a rule set
    # before the round was written
    "round48": _round(48, 49),
    # frozen at 16:30 UTC on 2026-12-04, before the session of 16:26 UTC changed anything
    "round49": _round(49, 50),
    # frozen at 16:59 UTC on 2026-12-04, during the session of 16:26 UTC, to confirm refits
    # chosen after round46-49 had measured others (totals only)
    "round50": _round(50, 51),
    # frozen at 18:42 UTC on 2026-12-04, before the session of 18:40 UTC changed anything
    "round51": _round(51, 52),
    # frozen at 20:45 UTC on 2026-12-04, before the session of 20:43 UTC changed anything
    "round52": _round(52, 53),
    # frozen at 23:01 UTC on 2026-12-04, before the session of 22:58 UTC changed anything
    "round53": _round(53, 54),
    # frozen at 23:51 UTC on 2026-12-04, to test candidate DV under the rule of 23:50 UTC
    "round54": _round(54, 55, 56),
    # frozen at 00:39 UTC on 2026-12-05, before the session of 00:35 UTC changed anything
    "round55": _round(55, 57, 58),
    # frozen at 02:44 UTC on 2026-12-05, before the session of 02:41 UTC measured anything
    "round56": _round(56, 59, 60),
    # frozen at 03:10 UTC on 2026-12-05, to test candidate NE2 under the rule of 03:10 UTC
    "round57": _round(57, 61, 62),
    # frozen at 03:50 UTC on 2026-12-05, to test candidate NU under the rule of 03:47 UTC
    "round58": _round(58, 63, 64),
    # frozen at 06:37 UTC on 2026-12-05, before the session of 06:34 UTC built anything
    "round59": _round(59, 65, 66),
    # frozen at 08:53 UTC on 2026-12-05, before the session of 08:50 UTC built anything
    "round60": _round(60, 67, 68),
    # frozen at 09:38 UTC on 2026-12-05, to test candidate LH-S under the rule of 09:37 UTC
    "round61": _round(61, 69, 70),
    "round62": _round(62, 71, 72),
    "round63": _round(63, 73, 74),
    "round64": _round(64, 75, 76),
    "round65": _round(65, 77, 78),
    # frozen at 17:36 UTC on 2026-12-05, before the session of 17:34 UTC built anything
    "round66": _round(66, 79, 80),
    # frozen at 18:04 UTC on 2026-12-05, to test candidate VC3 under the rule of 18:03 UTC
    "round67": _round(67, 81, 82),
    # frozen at 19:02 UTC on 2026-12-05, before the session of 18:59 UTC changed the package
    "round68": _round(68, 83, 84),
    "round69": _round(69, 85, 86),
    "round70": _round(70, 87, 88),
    "round71": _round(71, 89, 90),
    "round72": _round(72, 91, 92),
    "round73": _round(73, 93, 94),
    "round74": _round(74, 95, 96),
    "round75": _round(75, 97, 98),
    "fit": [DATA / f"report-fit-{lang}.jsonl" for lang in ("ru", "en", "kk")]
    + [DATA / f"report-{name}.jsonl" for name in ("heldout-a", "heldout-b", "calibration")]
    + [DATA / "report-claims-fit.jsonl", DATA / "report-claims-heldout.jsonl"],
    "dev": [EVAL / "report-dev.jsonl", EVAL / "report-dev-claims.jsonl"],
}


def _counts(
    path: Path, kind: str, results: Sequence[Any], langs: Sequence[str], unsafe: int = 0
) -> dict[str, Any]:
    """A set's counts for ``--json``: how many it has, how many are right, by language."""
    by_language: dict[str, int] = {}
    for lang, r in zip(langs, results):
        by_language[lang] = by_language.get(lang, 0) + int(r.correct)
    counts = {
        "set": path.name,
        "kind": kind,
        "rows": len(results),
        "right": sum(int(r.correct) for r in results),
        "by_language": dict(sorted(by_language.items())),
    }
    if kind == "claims":
        counts["wrongly_supported"] = unsafe
    else:  # the answerable questions' short answers: given, and right (``evaluate.short_right``)
        counts["short_given"] = sum(r.short_right is not None for r in results)
        counts["short_right"] = sum(bool(r.short_right) for r in results)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", choices=[*SETS, "all"], default="round29")
    parser.add_argument("--only", choices=["questions", "claims"], help="one kind of set")
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON line a set, with counts (right, by language, wrongly supported)",
    )
    args = parser.parse_args()
    from reportqa import ReportQA, Settings
    from reportqa.evaluate import evaluate_claims, evaluate_questions, is_claims_file, read_jsonl

    files = list(
        dict.fromkeys(
            f for name in (SETS if args.sets == "all" else [args.sets]) for f in SETS[name]
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        qa = ReportQA.open(Settings(corpus=ROOT / "corpus", index=Path(tmp) / "index"))
        for path in files:
            if not path.exists():
                print(f"{path.name}: not found, skipped")
                continue
            rows = list(read_jsonl(path))
            if args.only and args.only != ("claims" if is_claims_file(rows) else "questions"):
                continue
            if is_claims_file(rows):
                report = evaluate_claims(rows, qa.check)
                totals = report.totals()
                unsafe = sum(
                    r.verdict == "supported" and r.expected != "supported" for r in report.results
                )
                if args.json:
                    langs = [row.get("lang", "?") for row in rows]
                    print(json.dumps(_counts(path, "claims", report.results, langs, unsafe)))
                    continue
                print(
                    f"{path.name}: verdicts right {totals['verdict_accuracy']} of {totals['claims']}; "
                    f"called supported though contradicted or absent: {unsafe}; "
                    f"confusion (expected -> given) {json.dumps(totals['confusion'])}"
                )
                by_lang: dict[str, list[bool]] = {}
                for row, r in zip(rows, report.results):
                    by_lang.setdefault(row.get("lang", "?"), []).append(r.correct)
                print(
                    "   by language: "
                    + ", ".join(
                        f"{k} {sum(v) / len(v):.3f} ({len(v)})" for k, v in sorted(by_lang.items())
                    )
                )
            else:
                result = evaluate_questions(rows, qa.ask)
                if args.json:
                    langs = [r.language for r in result.results]
                    print(json.dumps(_counts(path, "questions", result.results, langs)))
                    continue
                totals = result.totals()
                print(
                    f"{path.name}: accuracy {totals['accuracy']}, answered with gold "
                    f"{totals['answered_with_gold']}, unanswerable refused "
                    f"{totals['refusal_accuracy']}, false refusals {totals['false_refusals']}, "
                    f"hit@1 {totals['hit@1']}, p50 {totals['p50_ms']} ms; short answers "
                    f"{totals['short_answers_right']} right of {totals['short_answers']} given"
                )
                for lang, t in totals["by_language"].items():
                    print(f"   {lang}: {json.dumps(t)}")


if __name__ == "__main__":
    main()
