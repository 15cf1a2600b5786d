"""Small wording rules shared by the CLI and the chat: counted nouns, quotation marks around quotes."""

from __future__ import annotations

# Marks a quote may already open or close with; adding our own beside them doubles them (“"The…).
# Single marks are left out: a closing ’ is as often an apostrophe (“the countries’”).
_OPENING = frozenset('"“«「『„')
_CLOSING = frozenset('"”»」』')


def plural(count: int, noun: str) -> str:
    """`1 document`, `2 documents` (for nouns whose plural just adds an "s")."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def quoted(text: str) -> str:
    """`text` in curly quotation marks, leaving out a mark where the text already has its own."""
    opening = "" if text[:1] in _OPENING else "“"
    closing = "" if text[-1:] in _CLOSING else "”"
    return f"{opening}{text}{closing}"


def score(value: float | None, digits: int) -> str:
    """A retrieval score; "–" when the paragraph was not among that ranking's candidates, so has none there."""
    return "–" if value is None else f"{value:.{digits}f}"
