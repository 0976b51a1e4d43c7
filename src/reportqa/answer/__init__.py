"""Answering: the extractive answerer (a verbatim quote, a short answer first, or a refusal), the
generative answerer (an LLM, then the verifier)."""
