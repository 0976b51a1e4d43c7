"""The evidence model: P(this sentence answers the question), from its features.

One fitted model decides whether a question is answered: it is, when the most probable sentence
reaches the threshold. It is fitted by ``benchmarks/train_evidence.py`` and stored as JSON in
``evidence_model.json`` beside this module, with its provenance (data, command, date,
out-of-fold metrics). Which sentence answers is chosen by a second model fitted on the same
features, the *ranker* (``ranker_model.json``, ``benchmarks/train_ranker.py``): LightGBM's
``lambdarank`` over each question's sentences, which compares them with each other, where the
evidence model judges each one alone. Its scores order sentences and mean nothing else. Two
forms are read:

- ``logistic``: standardised features, weights and a bias;
- ``trees``: gradient-boosted trees, evaluated here with numpy, so LightGBM is needed to fit, not
  to answer. The shipped files hold them as one flat ``forest`` of arrays (``Forest.to_json``);
  LightGBM's own nested dump (``Booster.dump_model``, ``trees``) is read too. The flat form is
  read about ten times faster (0.01 s against 0.1 s for a model of 300 trees), and every answer
  reads one.

Nothing is unpickled. A model whose feature names differ from the features the code computes
(``features.FEATURES``; ``retrieval.hybrid.FUSION_FEATURES`` for the retrieval fusion model, read
the same way) is an error: the code and the fitted weights must agree. The one exception is a
*pinned* copy (``load_pinned_model``): the fact-checker keeps the evidence model its verdict
model was fitted with, which may know fewer features than the code computes after a refit, and
reads its own by name; a feature the code no longer computes is still an error.

Left out: fitting (the benchmark script does it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ReportQAError
from .features import FEATURES

__all__ = [
    "EvidenceModel",
    "Forest",
    "PinnedModel",
    "load_model",
    "load_pinned_model",
    "load_ranker",
    "read_model_json",
    "MODEL_FILE",
    "RANKER_FILE",
]

MODEL_FILE = "evidence_model.json"
RANKER_FILE = "ranker_model.json"


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
            x = float(self.params.get("init", 0.0)) + self._forest.raw(matrix)
        return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))

    @cached_property
    def _forest(self) -> Forest:
        if "forest" in self.params:
            return Forest.from_json(self.params["forest"])
        return Forest.read([tree["tree_structure"] for tree in self.params["trees"]])

    def flattened(self) -> EvidenceModel:
        """The same model with its trees stored as one flat ``forest`` (the form written)."""
        if self.kind != "trees" or "trees" not in self.params:
            return self
        params = {k: v for k, v in self.params.items() if k != "trees"}
        params["forest"] = self._forest.to_json()
        return EvidenceModel(self.kind, self.features, self.threshold, params, self.provenance)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "features": list(self.features),
            "threshold": self.threshold,
            "params": self.params,
            "provenance": self.provenance,
        }


# the arrays of a ``Forest`` and their types, in the order of its fields
_ARRAYS = {
    "root": np.int64,
    "feature": np.int64,
    "threshold": np.float64,
    "default_left": bool,
    "left": np.int64,
    "right": np.int64,
    "value": np.float64,
}


@dataclass(frozen=True)
class Forest:
    """LightGBM trees as flat arrays, evaluated for every row and tree at once (the evidence
    model's, and each class's of the fact-checker's verdict model).

    The split nodes of all trees are numbered together from 0, and so are the leaves; a child
    code ``c < 0`` is leaf ``-c - 1``. Each step moves every (row, tree) pair of the trees still
    walking one level down, so a forest costs a few array operations a level of its deepest
    tree, not one Python step per node. The pairs are laid out tree by tree, deepest tree first,
    so that the trees still walking are a prefix; evaluated, a leaf is a node after the splits
    whose children are itself (``_walk``), so that a pair that reached its leaf in a tree still
    walking stays there and none has to be set apart when it arrives.
    """

    root: np.ndarray  # (trees,) code of each tree's root
    feature: np.ndarray  # (splits,)
    threshold: np.ndarray
    default_left: np.ndarray
    left: np.ndarray  # child codes
    right: np.ndarray
    value: np.ndarray  # (leaves,)

    def to_json(self) -> dict[str, list[Any]]:
        """The arrays as lists (floats keep every digit: ``json`` writes their shortest exact
        form)."""
        return {name: getattr(self, name).tolist() for name in _ARRAYS}

    @classmethod
    def from_json(cls, data: dict[str, list[Any]]) -> Forest:
        """The forest ``to_json`` wrote."""
        try:
            arrays = {name: np.asarray(data[name], dtype=_ARRAYS[name]) for name in _ARRAYS}
        except (KeyError, TypeError, ValueError) as error:
            raise ReportQAError(f"a stored forest is damaged: {error}") from None
        splits = ("feature", "threshold", "default_left", "left", "right")
        if len({len(arrays[n]) for n in splits}) != 1:
            raise ReportQAError("a stored forest is damaged: its split arrays differ in length")
        return cls(**arrays)

    @classmethod
    def read(cls, trees: list[dict[str, Any]]) -> Forest:
        """The forest of LightGBM's dumped trees (``tree_structure`` of each), numbered depth
        first; one loop over the nodes with an explicit stack, since a one-question process
        reads a thousand trees before its first answer."""
        feature: list[int] = []
        threshold: list[float] = []
        default_left: list[bool] = []
        left: list[int] = []
        right: list[int] = []
        leaves: list[float] = []
        roots: list[int] = []
        for tree in trees:
            # (node, the split whose child it is, which side: 0 left, 1 right; -1 for a root)
            stack: list[tuple[dict[str, Any], int, int]] = [(tree, -1, 0)]
            while stack:
                node, parent, side = stack.pop()
                if "leaf_value" in node:
                    leaves.append(float(node["leaf_value"]))
                    code = -len(leaves)
                else:
                    if node.get("decision_type", "<=") != "<=":
                        raise ReportQAError(
                            "the evidence model has a split this code cannot evaluate"
                        )
                    code = len(feature)
                    feature.append(int(node["split_feature"]))
                    threshold.append(float(node["threshold"]))
                    default_left.append(node.get("default_left", True))
                    left.append(0)
                    right.append(0)
                    stack.append((node["right_child"], code, 1))
                    stack.append((node["left_child"], code, 0))
                if parent < 0:
                    roots.append(code)
                elif side:
                    right[parent] = code
                else:
                    left[parent] = code
        return cls(
            root=np.asarray(roots, dtype=np.int64),
            feature=np.asarray(feature, dtype=np.int64),
            threshold=np.asarray(threshold, dtype=np.float64),
            default_left=np.asarray(default_left, dtype=bool),
            left=np.asarray(left, dtype=np.int64),
            right=np.asarray(right, dtype=np.int64),
            value=np.asarray(leaves, dtype=np.float64),
        )

    @cached_property
    def _walk(
        self,
    ) -> tuple[
        np.ndarray,
        np.ndarray,
        np.ndarray,
        np.ndarray,
        np.ndarray,
        np.ndarray,
        list[int],
        np.ndarray,
    ]:
        """The forest as ``raw`` walks it: feature, threshold, default side, left and right child
        of every node, leaves included after the splits (their children themselves, a threshold
        every value passes); the roots, deepest tree first; how many trees (the first ones) are
        still walking at each step; and where each tree of that order was in the stored one.
        Indexes are of the platform's own width, which ``take`` uses without a conversion."""
        splits, leaves = len(self.feature), len(self.value)

        def node(code: np.ndarray) -> np.ndarray:
            return np.where(code < 0, splits - code - 1, code).astype(np.intp)

        itself = np.arange(splits, splits + leaves, dtype=np.intp)
        left = np.concatenate([node(self.left), itself])
        right = np.concatenate([node(self.right), itself])
        roots = node(self.root)
        # each tree's depth: the steps its deepest leaf takes to reach
        depth = np.zeros(len(roots), dtype=np.int64)
        level, tree = roots, np.arange(len(roots))
        while len(level):
            inner = level < splits
            level, tree = level[inner], tree[inner]
            depth[np.unique(tree)] += 1
            level, tree = np.concatenate([left[level], right[level]]), np.tile(tree, 2)
        order = np.argsort(-depth, kind="stable")
        walking = [int((depth > d).sum()) for d in range(int(depth.max(initial=0)))]
        return (
            np.concatenate([self.feature, np.zeros(leaves, dtype=np.int64)]).astype(np.intp),
            np.concatenate([self.threshold, np.full(leaves, np.inf)]),
            np.concatenate([self.default_left, np.ones(leaves, dtype=bool)]),
            left,
            right,
            roots[order],
            walking,
            np.argsort(order),
        )

    def raw(self, matrix: np.ndarray) -> np.ndarray:
        """The sum over trees of each row's leaf value."""
        feature, threshold, default_left, left, right, roots, walking, stored = self._walk
        n, width = matrix.shape
        flat = np.ascontiguousarray(matrix, dtype=np.float64).ravel()
        missing = bool(np.isnan(flat).any())  # a missing value goes its split's default way
        # tree-major, deepest tree first: the trees still walking at a step are a prefix
        code = np.repeat(roots, n)
        base = np.tile(np.arange(0, n * width, width, dtype=np.intp), len(roots))
        for trees in walking:
            at = code[: trees * n]
            values = flat.take(base[: trees * n] + feature.take(at))
            go_left = values <= threshold.take(at)
            if missing:
                go_left |= np.isnan(values) & default_left.take(at)
            code[: trees * n] = np.where(go_left, left.take(at), right.take(at))
        leaf = self.value.take(code - len(self.feature)).reshape(len(roots), n)
        # summed per row in the stored order of the trees, as LightGBM adds them
        return np.ascontiguousarray(leaf.take(stored, axis=0).T).sum(axis=1)


def load_model(
    path: Path | str | None = None,
    features: tuple[str, ...] = FEATURES,
    package: str = "reportqa.evidence",
) -> EvidenceModel:
    """The model stored at ``path`` (a file name alone is one shipped in ``package``; the
    default is the evidence model), fitted on ``features``."""
    return _load(str(path or MODEL_FILE), features, package)


def load_ranker(path: Path | str | None = None) -> EvidenceModel:
    """The sentence ranker stored at ``path`` (as for ``load_model``; the shipped one by
    default): its ``probabilities`` order a question's sentences, best first."""
    return _load(str(path or RANKER_FILE), FEATURES, "reportqa.evidence")


def load_pinned_model(path: Path | str, package: str) -> PinnedModel:
    """An evidence model kept for one consumer as it was fitted (``path`` as for
    ``load_model``): it may have been fitted on fewer of ``FEATURES`` than the code computes
    now, and reads its own by name."""
    return _load_pinned(str(path), package)


def read_model_json(path: str, package: str) -> dict[str, Any]:
    """A fitted model's JSON: ``path`` is a file, or a file name alone one shipped in
    ``package``."""
    if "/" in path or "\\" in path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = importlib_resources.files(package).joinpath(path).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=8)
def _load(path: str, features: tuple[str, ...], package: str) -> EvidenceModel:
    model = _read(path, package)
    if model.features != features:
        raise ReportQAError(
            f"the model {path} was fitted on other features than this code computes: refit it "
            "(benchmarks/train_evidence.py, benchmarks/train_ranker.py, benchmarks/train_fusion.py)"
        )
    return model


def _read(path: str, package: str) -> EvidenceModel:
    data = read_model_json(path, package)
    return EvidenceModel(
        kind=data["kind"],
        features=tuple(data["features"]),
        threshold=float(data["threshold"]),
        params=data["params"],
        provenance=data.get("provenance", {}),
    )


@dataclass(frozen=True)
class PinnedModel:
    """An evidence model read by feature name from rows of the code's ``FEATURES``."""

    model: EvidenceModel
    columns: np.ndarray  # where each of the model's features is among FEATURES

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """P(answers) for each row of ``matrix`` (features in the order of ``FEATURES``)."""
        return self.model.probabilities(matrix[:, self.columns])


@lru_cache(maxsize=4)
def _load_pinned(path: str, package: str) -> PinnedModel:
    model = _read(path, package)
    index = {name: i for i, name in enumerate(FEATURES)}
    unknown = [name for name in model.features if name not in index]
    if unknown or len(set(model.features)) != len(model.features):
        raise ReportQAError(
            f"the model {path} was fitted on features this code does not compute "
            f"({', '.join(unknown) or 'a name twice'}): pin the current evidence model again"
        )
    return PinnedModel(model, np.asarray([index[n] for n in model.features], dtype=np.int64))
