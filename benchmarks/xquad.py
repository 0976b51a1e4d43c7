"""XQuAD-ru as a reportqa corpus: one file per passage, built once into a work folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reportqa import ReportQA, Settings

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def xquad_corpus(work: Path) -> Path:
    """Write the passages as ``work/corpus/<id>.txt`` (once) and return the folder."""
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for line in open(EVAL / "xquad-ru.passages.jsonl", encoding="utf-8"):
        p = json.loads(line)
        path = corpus / f"{p['id']}.txt"
        if not path.exists():
            path.write_text(p["text"], encoding="utf-8")
    return corpus


def xquad_qa(work: Path, **overrides: Any) -> ReportQA:
    """A ``ReportQA`` over XQuAD-ru, its index kept in ``work/index``."""
    corpus = xquad_corpus(work)
    settings = Settings.from_env(corpus=corpus, index=work / "index", **overrides)
    return ReportQA.open(settings)
