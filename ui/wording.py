"""Small wording rules shared by the CLI and the chat: counted nouns, quotation marks around quotes."""

from __future__ import annotations

from ..corpus.text import quoted

__all__ = ["plural", "quoted", "score"]


def plural(count: int, noun: str) -> str:
    """`1 document`, `2 documents` (for nouns whose plural just adds an "s")."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def score(value: float | None, digits: int) -> str:
    """A retrieval score; "–" when the paragraph was not among that ranking's candidates, so has none there."""
    return "–" if value is None else f"{value:.{digits}f}"
