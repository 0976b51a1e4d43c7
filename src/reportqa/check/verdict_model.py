"""The fact-checker's verdict model: P(supported), P(contradicted), P(not_found) for a claim,
from what the rules found (``claim_features``).

Fitted by ``benchmarks/train_verdicts.py`` on the claim sets written before the measuring ones,
and stored as JSON in ``verdict_model.json`` beside this module with its provenance (data,
command, date, out-of-fold figures). Nothing is unpickled. Two forms are read:

- ``trees``: gradient-boosted trees (LightGBM, multiclass), one forest per class evaluated with
  numpy (``evidence.model.Forest``), their sums turned into probabilities by a softmax; the
  findings act together (a matched figure means little in a sentence about another company);
- ``softmax``: a multinomial logistic regression on standardised features.

Either stores the fitting data's mean feature vector (``mean``) and its median (``median``): the
median is a claim like those fitted on (each flag 0 or 1), the point tests compare findings at.

The verdict is the most probable one, except that ``supported`` needs a probability of at least
``supported_threshold`` and gives way to ``not_found`` below it: a journalist who trusts a wrong
"supported" publishes an error, so the threshold is chosen with a wrong "supported" counted as
three errors (``train_verdicts.SUPPORTED_COST``), on claim sets the model was never fitted on
(``train_verdicts.py --threshold-on``; the provenance records them and the table of thresholds). A model whose feature names differ from
``CLAIM_FEATURES`` is an error: the code and the fitted weights must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ReportQAError
from ..evidence.model import Forest, read_model_json
from .claim_features import CLAIM_FEATURES

__all__ = ["VerdictModel", "load_verdict_model", "VERDICT_MODEL_FILE", "CLASSES", "KINDS"]

VERDICT_MODEL_FILE = "verdict_model.json"
CLASSES = ("supported", "contradicted", "not_found")
KINDS = ("trees", "softmax")


@dataclass(frozen=True)
class VerdictModel:
    """A fitted model of a claim's verdict: ``params`` holds ``mean``, and ``scale``,
    ``weights`` (one row per class of ``CLASSES``) and ``bias`` for a softmax, or for trees
    ``forests``, one flat forest per class (``Forest.to_json``, as written), or ``trees`` (as
    LightGBM dumps them, class by class within each round)."""

    features: tuple[str, ...]
    kind: str
    params: dict[str, Any]
    supported_threshold: float
    provenance: dict[str, Any]

    @property
    def mean(self) -> np.ndarray:
        """The fitting data's mean feature vector."""
        return np.asarray(self.params["mean"], dtype=float)

    @property
    def reference(self) -> np.ndarray:
        """A typical claim of the fitting data: its median feature vector (its mean for a model
        stored without one)."""
        return np.asarray(self.params.get("median", self.params["mean"]), dtype=float)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """The probability of each class of ``CLASSES`` for the feature vector ``x``."""
        if self.kind == "softmax":
            p = self.params
            z = np.asarray(p["weights"]) @ ((x - self.mean) / np.asarray(p["scale"]))
            z = z + np.asarray(p["bias"])
        else:
            row = np.asarray(x, dtype=float)[None, :]
            z = np.array([forest.raw(row)[0] for forest in self._forests])
        z = np.exp(z - z.max())
        return np.asarray(z / z.sum())

    @cached_property
    def _forests(self) -> tuple[Forest, ...]:
        if "forests" in self.params:  # one flat forest per class, as written
            return tuple(Forest.from_json(f) for f in self.params["forests"])
        trees = [tree["tree_structure"] for tree in self.params["trees"]]  # LightGBM's dump
        return tuple(Forest.read(trees[c :: len(CLASSES)]) for c in range(len(CLASSES)))

    def flattened(self) -> VerdictModel:
        """The same model with each class's trees stored as one flat forest (the form written:
        read about ten times faster than LightGBM's nested dump)."""
        if self.kind != "trees" or "trees" not in self.params:
            return self
        params = {k: v for k, v in self.params.items() if k != "trees"}
        params["forests"] = [forest.to_json() for forest in self._forests]
        return VerdictModel(
            features=self.features,
            kind=self.kind,
            params=params,
            supported_threshold=self.supported_threshold,
            provenance=self.provenance,
        )

    def decide(self, probabilities: np.ndarray) -> str:
        """The verdict from the class probabilities (see the module's docstring)."""
        verdict = CLASSES[int(np.argmax(probabilities))]
        if verdict == "supported" and probabilities[0] < self.supported_threshold:
            return "not_found"
        return verdict

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "classes": list(CLASSES),
            "features": list(self.features),
            "supported_threshold": self.supported_threshold,
            "params": self.params,
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VerdictModel:
        if data.get("kind") not in KINDS or tuple(data.get("classes", ())) != CLASSES:
            raise ReportQAError(
                "the verdict model is neither trees nor a softmax over " + ", ".join(CLASSES)
            )
        return cls(
            features=tuple(data["features"]),
            kind=data["kind"],
            params=data["params"],
            supported_threshold=float(data["supported_threshold"]),
            provenance=data.get("provenance", {}),
        )

    def shapes_fit(self) -> bool:
        """Whether the stored parameters have the shapes ``CLAIM_FEATURES`` and ``CLASSES``
        call for."""
        n, k = len(CLAIM_FEATURES), len(CLASSES)
        if len(self.params.get("mean", ())) != n:
            return False
        if self.kind == "trees":
            if "forests" in self.params:
                return len(self.params["forests"]) == k
            trees = self.params.get("trees", ())
            return bool(trees) and len(trees) % k == 0
        p = self.params
        return (len(p["scale"]), np.shape(p["weights"]), len(p["bias"])) == (n, (k, n), k)


def load_verdict_model(path: Path | str | None = None) -> VerdictModel:
    """The model stored at ``path`` (default: the one shipped beside this module)."""
    return _load(str(path or VERDICT_MODEL_FILE))


@lru_cache(maxsize=4)
def _load(path: str) -> VerdictModel:
    model = VerdictModel.from_json(read_model_json(path, "reportqa.check"))
    if model.features != CLAIM_FEATURES or not model.shapes_fit():
        raise ReportQAError(
            f"the verdict model {path} was fitted on other features than this code computes: "
            "refit it (benchmarks/train_verdicts.py)"
        )
    return model
