"""Conversations: the earlier turns every channel sends (``turns``), and what they make of a
follow-up question, offline (``followup``) or with a chat model (``rewrite``)."""

from .followup import Resolution, resolve, setting_of
from .turns import History, Turn, read_history

__all__ = ["History", "Resolution", "Turn", "read_history", "resolve", "setting_of"]
