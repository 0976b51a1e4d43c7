"""The evidence layer: a question read once (``question.py``), a feature vector for every
candidate sentence (``features.py``), and the fitted models that score them (``model.py``): the
evidence model, whether a sentence answers, and the ranker, which sentence answers best."""

from .features import FEATURES, Candidate, EvidenceBuilder, expected_best
from .model import EvidenceModel, load_model, load_ranker
from .question import Question, read_question

__all__ = [
    "Question",
    "read_question",
    "FEATURES",
    "Candidate",
    "EvidenceBuilder",
    "expected_best",
    "EvidenceModel",
    "load_model",
    "load_ranker",
]
