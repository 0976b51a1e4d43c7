"""The fact-checker's verdict model: P(supported), P(contradicted), P(not_found) for a claim,
from what the rules found (``claim_features``).

A multinomial logistic regression on standardised features, fitted by
``benchmarks/train_verdicts.py`` on the claim sets written before the measuring ones, and stored
as JSON in ``verdict_model.json`` beside this module with its provenance (data, command, date,
out-of-fold figures). Nothing is unpickled.

The verdict is the most probable one, except that ``supported`` needs a probability of at least
``supported_threshold`` and gives way to ``not_found`` below it: a journalist who trusts a wrong
"supported" publishes an error, so the threshold is chosen out of fold with a wrong "supported"
counted as three errors (``train_verdicts.SUPPORTED_COST``). A model whose feature names differ from
``CLAIM_FEATURES`` is an error: the code and the fitted weights must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ReportQAError
from ..evidence.model import read_model_json
from .claim_features import CLAIM_FEATURES

__all__ = ["VerdictModel", "load_verdict_model", "VERDICT_MODEL_FILE", "CLASSES"]

VERDICT_MODEL_FILE = "verdict_model.json"
CLASSES = ("supported", "contradicted", "not_found")


@dataclass(frozen=True)
class VerdictModel:
    """A fitted multinomial logistic model of a claim's verdict."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # one row per class of CLASSES
    bias: np.ndarray
    supported_threshold: float
    provenance: dict[str, Any]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """The probability of each class of ``CLASSES`` for the feature vector ``x``."""
        z = self.weights @ ((x - self.mean) / self.scale) + self.bias
        z = np.exp(z - z.max())
        return np.asarray(z / z.sum())

    def decide(self, probabilities: np.ndarray) -> str:
        """The verdict from the class probabilities (see the module's docstring)."""
        verdict = CLASSES[int(np.argmax(probabilities))]
        if verdict == "supported" and probabilities[0] < self.supported_threshold:
            return "not_found"
        return verdict

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "softmax",
            "classes": list(CLASSES),
            "features": list(self.features),
            "supported_threshold": self.supported_threshold,
            "params": {
                "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(),
                "weights": self.weights.round(6).tolist(),
                "bias": self.bias.round(6).tolist(),
            },
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VerdictModel:
        if data.get("kind") != "softmax" or tuple(data.get("classes", ())) != CLASSES:
            raise ReportQAError("the verdict model is not a softmax over " + ", ".join(CLASSES))
        params = data["params"]
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(params["mean"], dtype=float),
            scale=np.asarray(params["scale"], dtype=float),
            weights=np.asarray(params["weights"], dtype=float),
            bias=np.asarray(params["bias"], dtype=float),
            supported_threshold=float(data["supported_threshold"]),
            provenance=data.get("provenance", {}),
        )


def load_verdict_model(path: Path | str | None = None) -> VerdictModel:
    """The model stored at ``path`` (default: the one shipped beside this module)."""
    return _load(str(path or VERDICT_MODEL_FILE))


@lru_cache(maxsize=4)
def _load(path: str) -> VerdictModel:
    model = VerdictModel.from_json(read_model_json(path, "reportqa.check"))
    shapes = (len(model.mean), len(model.scale), model.weights.shape, len(model.bias))
    if model.features != CLAIM_FEATURES or shapes != (
        len(CLAIM_FEATURES),
        len(CLAIM_FEATURES),
        (len(CLASSES), len(CLAIM_FEATURES)),
        len(CLASSES),
    ):
        raise ReportQAError(
            f"the verdict model {path} was fitted on other features than this code computes: "
            "refit it (benchmarks/train_verdicts.py)"
        )
    return model
