"""The language layer: tokens and their keys, sentences, language detection, names across
scripts, misspellings, named entities, figures, and the resource tables all of them read.

Nothing here knows about reports, questions or answers: ``evidence/`` builds on it.
"""

from .detect import detect_language
from .names import same_name, spelling_key
from .sentences import split_sentences
from .tokens import Token, content_keys, content_words, lexical_terms, tokens, word_key

__all__ = [
    "Token",
    "tokens",
    "word_key",
    "content_keys",
    "content_words",
    "lexical_terms",
    "split_sentences",
    "detect_language",
    "spelling_key",
    "same_name",
]
