"""What the fact-checker's rules found for a claim, as the features of its verdict model.

``factcheck.FactChecker.assess`` runs the rules of its module docstring; their verdict is one
feature among many here, beside what the rules decide with (the figures paired and how they
compare, the words of the claim found near them, the evidence model's probabilities) and what
they cannot weigh (a claimed figure found in a sentence about another named thing, the claim's
year against the sentence's, how far the best sentence stands out). ``verdict_model`` turns
them into the verdict.

The features are flags, shares and probabilities (counts are capped and scaled), computed from
the assessment alone, so that the training script and the checker compute the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..lang.numbers import quantities_match
from .figures import Figure, compare, compatible, read_figures

if TYPE_CHECKING:
    from .factcheck import Assessment

__all__ = ["CLAIM_FEATURES", "claim_features"]

CLAIM_FEATURES = (
    "rule_supported",  # the rules' verdict (not_found is neither)
    "rule_contradicted",
    "has_figures",  # the claim states an amount, percent, duration or date
    "figures",  # how many (up to 4), over 4
    "matched",  # shares of the claim's figures: paired and matching,
    "differ_value",  # paired with another value,
    "differ_period",  # paired with a figure stated for another year,
    "differ_direction",  # in a sentence of the opposite direction,
    "unclear",  # paired, the report's bound allowing it without stating it,
    "unpaired",  # or not paired at all
    "unbacked",  # words of a matching claim found nowhere near its figures (up to 3), over 3
    "top_probability",  # the evidence model's probability for the best sentence
    "top_confidence",  # the rules' subject confidence for the most confident sentence
    "best_coverage",  # the largest share of the claim's words a sentence holds (half in context)
    "best_own_coverage",  # ... in the sentence alone
    "least_missing",  # the fewest claim words found nowhere near a sentence, over all words
    "cross",  # the claim and the best sentence differ in language
    "name_conflict",  # the best sentence speaks of another named thing (evidence features)
    "name_in_sentence",
    "measure_conflict",
    "asked_noun_missing",
    "claim_year",  # the claim names a year
    "year_stated",  # ... which the most confident sentence states
    "year_other",  # ... while that sentence states only other years
    "claim_direction",  # the claim states a rise or a fall
    "direction_opposite",  # ... and the most confident sentence the opposite
    "value_anywhere",  # a claimed figure's value is a figure of a considered sentence
    "kind_in_top",  # the most confident sentence has a figure of a claimed figure's kind
    "stated_coverage",  # the best coverage among sentences confident enough to state a claim
    "lang_en",
    "lang_kk",
    "words",  # the claim's content words outside its figures (up to 12), over 12
    "value_other_name",  # a claimed value is a figure of a sentence about another named thing
    "all_values_anywhere",  # every claimed value is a figure of some retrieved sentence
    "value_differs_top",  # the most confident sentence has a figure of its kind, another value
    "finding_confidence",  # the subject confidence of the best sentence paired or stating it
    "probability_gap",  # the best sentence's evidence probability over the second's
    "top_cosine",  # the highest cosine of the claim with a retrieved sentence (a paraphrase's)
    "top_standout",  # the highest standout of a retrieved sentence (evidence feature)
    "name_absent",  # the claim names things none of the best sentence's passage names (evidence)
    "name_in_passage",  # the share of the claim's names that passage holds (evidence)
    "replaced",  # a claim word missing from the best sentence stands where it has a word of its own
)
_INDEX = {name: i for i, name in enumerate(CLAIM_FEATURES)}
_OUTCOMES = {"period": "differ_period", "direction": "differ_direction"}


def claim_features(a: Assessment, stated_confidence: float) -> np.ndarray:
    """The features of the assessment ``a``, in the order of ``CLAIM_FEATURES``;
    ``stated_confidence`` is the subject confidence from which a sentence may state a claim
    without figures (``factcheck.MIN_STATED``)."""
    x = np.zeros(len(CLAIM_FEATURES))

    def put(name: str, value: float | bool) -> None:
        x[_INDEX[name]] = float(value)

    put("rule_supported", a.verdict == "supported")
    put("rule_contradicted", a.verdict == "contradicted")
    put("has_figures", bool(a.claimed))
    put("figures", min(len(a.claimed), 4) / 4)
    share = 1 / max(1, len(a.findings))
    for f in a.findings:
        if f.outcome == "differ":
            name = _OUTCOMES.get(f.reason, "differ_value")
        else:
            name = {"match": "matched", "unclear": "unclear"}.get(f.outcome, "unpaired")
        x[_INDEX[name]] += share
    put("unbacked", min(len(a.unbacked), 3) / 3)
    if a.ranked:
        top = a.ranked[0]
        put("top_probability", top.probability)
        for name in (
            "name_conflict",
            "name_in_sentence",
            "name_absent",
            "name_in_passage",
            "measure_conflict",
            "asked_noun_missing",
        ):
            put(name, top.feature(name))
        if len(a.ranked) > 1:
            put("probability_gap", top.probability - a.ranked[1].probability)
        put("top_cosine", max(e.feature("cosine") for e in a.ranked))
        put("top_standout", max(e.feature("standout") for e in a.ranked))
    first = a.candidates[0] if a.candidates else None
    if first is not None:
        put("top_confidence", first.confidence)
        put("cross", first.cross)
        put("best_coverage", max(c.coverage for c in a.candidates))
        put("best_own_coverage", max(c.own_coverage for c in a.candidates))
        least = min(len(c.missing) for c in a.candidates)
        put("least_missing", least / max(1, len(a.words)))
        stated = [c.coverage for c in a.candidates if c.confidence >= stated_confidence]
        put("stated_coverage", max(stated, default=0.0))
    put("claim_year", bool(a.years))
    if a.years and first is not None and first.years:
        put("year_stated", a.years <= first.years)
        put("year_other", a.years.isdisjoint(first.years))
    put("claim_direction", bool(a.direction))
    put("direction_opposite", a.opposite)
    if a.claimed:
        considered = [r for c in a.candidates for r in c.figures]
        retrieved = {id(e): read_figures(e.sentence.text) for e in a.ranked}
        other = [
            r
            for e in a.ranked
            if e.feature("name_conflict") > 0 and e.feature("name_in_sentence") == 0
            for r in retrieved[id(e)]
        ]
        everywhere = [r for figures in retrieved.values() for r in figures]
        put("value_anywhere", any(_same(c, r) for c in a.claimed for r in considered))
        # the value itself, not a bound it allows ("over 200 billion" is not 472 billion's)
        put("value_other_name", any(_equal(c, r) for c in a.claimed for r in other))
        put("all_values_anywhere", all(any(_same(c, r) for r in everywhere) for c in a.claimed))
        if first is not None:
            fitting = [
                (c, r)
                for c in a.claimed
                for r in first.figures
                if compatible(c.quantity, r.quantity)
            ]
            put("kind_in_top", bool(fitting))
            put("value_differs_top", any(compare(c, r) == "differ" for c, r in fitting))
    confidences = [f.confidence for f in a.findings if f.evidence is not None]
    put("finding_confidence", max(confidences, default=0.0))
    put("lang_en", a.language == "en")
    put("lang_kk", a.language == "kk")
    put("words", min(len(a.words), 12) / 12)
    put("replaced", a.replaced)
    return x


def _equal(claimed: Figure, reported: Figure) -> bool:
    return compatible(claimed.quantity, reported.quantity) and quantities_match(
        claimed.quantity, reported.quantity
    )


def _same(claimed: Figure, reported: Figure) -> bool:
    return compatible(claimed.quantity, reported.quantity) and compare(claimed, reported) == "match"
