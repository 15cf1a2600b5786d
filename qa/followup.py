"""Carry the conversation's subject into retrieval for questions that only make sense with history."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..corpus.text import tokenize
from .models import Turn

# Words that point back at something said before. A question is a follow-up when it uses one, or opens
# the way a continuation does ("and…", "what about…"); its length decides nothing: "Who founded Tencent?"
# is short and stands on its own, and "why" opens fresh questions as often as follow-ups.
_REFERS = re.compile(
    r"\b(he|him|his|she|her|hers|it|its|they|them|their|that|this|those|these|there|then|the same|"
    r"which one|the former|the latter)\b"
    r"|^\s*(and|what about|how about|also|ok|okay|so|but|more)\b",
    re.IGNORECASE,
)
CONTEXT_CHARS = 300


def is_follow_up(question: str, history: Sequence[Turn]) -> bool:
    if not any(turn.role == "user" for turn in history):
        return False
    # A question of no content words ("Why?", "How so?") can only mean the last topic.
    return bool(_REFERS.search(question)) or not tokenize(question)


def earlier_question(question: str, history: Sequence[Turn]) -> str | None:
    """The previous question a follow-up leans on; None for a question that stands on its own.

    The previous answer is left out: its quotes would pull retrieval back to the evidence already shown.
    """
    if not is_follow_up(question, history):
        return None
    return next(t.content for t in reversed(history) if t.role == "user")[:CONTEXT_CHARS]


def retrieval_query(question: str, history: Sequence[Turn]) -> str:
    """The question, plus the previous question when this one leans on it."""
    earlier = earlier_question(question, history)
    return question if earlier is None else f"{question} {earlier}"
