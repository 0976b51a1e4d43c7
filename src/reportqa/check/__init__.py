"""Fact-checking: figures read and compared, the verdict on a claim, and how it is told."""
