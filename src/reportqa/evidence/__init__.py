"""The evidence layer: a question read once (``question.py``), a feature vector for every
candidate sentence (``features.py``), and the fitted model that scores them (``model.py``)."""

from .features import FEATURES, Candidate, EvidenceBuilder, expected_best
from .model import EvidenceModel, load_model
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
]
