"""The evidence model: P(this sentence answers the question), from its features.

One fitted model decides both which sentence answers and whether any does: the answer is the
most probable sentence, given when its probability reaches the threshold. It is fitted by
``benchmarks/train_evidence.py`` and stored as JSON in ``evidence_model.json`` beside this
module, with its provenance (data, command, date, out-of-fold metrics). Two forms are read:

- ``logistic``: standardised features, weights and a bias;
- ``trees``: gradient-boosted trees as LightGBM dumps them (``Booster.dump_model``), evaluated
  here with numpy, so LightGBM is needed to fit, not to answer.

Nothing is unpickled. A model whose feature names differ from the features the code computes
(``features.FEATURES``; ``retrieval.hybrid.FUSION_FEATURES`` for the retrieval fusion model, read
the same way) is an error: the code and the fitted weights must agree.

Left out: fitting (the benchmark script does it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ReportQAError
from .features import FEATURES

__all__ = ["EvidenceModel", "load_model", "MODEL_FILE"]

MODEL_FILE = "evidence_model.json"


@dataclass(frozen=True)
class EvidenceModel:
    """A fitted model of P(a sentence answers the question)."""

    kind: str
    features: tuple[str, ...]
    threshold: float
    params: dict[str, Any]
    provenance: dict[str, Any]

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """P(answers) for each row of ``matrix`` (features in the order of ``features``)."""
        if not len(matrix):
            return np.zeros(0)
        if self.kind == "logistic":
            mean = np.asarray(self.params["mean"])
            scale = np.asarray(self.params["scale"])
            weights = np.asarray(self.params["weights"])
            x = ((matrix - mean) / scale) @ weights + self.params["bias"]
        else:
            x = np.full(len(matrix), float(self.params.get("init", 0.0)))
            for tree in self.params["trees"]:
                x += _tree(tree["tree_structure"], matrix)
        return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "features": list(self.features),
            "threshold": self.threshold,
            "params": self.params,
            "provenance": self.provenance,
        }


def _tree(node: dict[str, Any], matrix: np.ndarray) -> np.ndarray:
    """The leaf values a LightGBM tree gives the rows of ``matrix``."""
    out = np.zeros(len(matrix))
    stack = [(node, np.arange(len(matrix)))]
    while stack:
        node, rows = stack.pop()
        if not len(rows):
            continue
        if "leaf_value" in node:
            out[rows] = node["leaf_value"]
            continue
        values = matrix[rows, node["split_feature"]]
        left = values <= node["threshold"]
        if node.get("default_left", True):
            left |= np.isnan(values)
        stack.append((node["left_child"], rows[left]))
        stack.append((node["right_child"], rows[~left]))
    return out


def load_model(
    path: Path | str | None = None, features: tuple[str, ...] = FEATURES
) -> EvidenceModel:
    """The model stored at ``path`` (a file name alone is one shipped with the package; the
    default is the evidence model), fitted on ``features``."""
    return _load(str(path or MODEL_FILE), features)


@lru_cache(maxsize=8)
def _load(path: str, features: tuple[str, ...]) -> EvidenceModel:
    if "/" in path or "\\" in path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = (
            importlib_resources.files("reportqa.evidence")
            .joinpath(path)
            .read_text(encoding="utf-8")
        )
    data = json.loads(text)
    model = EvidenceModel(
        kind=data["kind"],
        features=tuple(data["features"]),
        threshold=float(data["threshold"]),
        params=data["params"],
        provenance=data.get("provenance", {}),
    )
    if model.features != features:
        raise ReportQAError(
            f"the model {path} was fitted on other features than this code computes: refit it "
            "(benchmarks/train_evidence.py, benchmarks/train_fusion.py)"
        )
    return model
