"""The parts of a question that asks more than one thing, each retrieved and answered on its own.

Two shapes ask two things: sub-questions joined by "and" or a semicolon ("What was X, and what did Y?"),
and a comparison of two named alternatives ("Which range is larger, the homed range or the dynamic
range?"). A comparison is answered by one fact about each alternative; read whole, the question finds
whichever alternative its words favour twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..corpus.text import tokenize


@dataclass(frozen=True)
class Parts:
    """What a question asks, one text per thing; `compared` when they are alternatives set side by side."""

    texts: tuple[str, ...]
    compared: bool = False


_JOINED = re.compile(
    r",?\s+and\s+(?=(?:what|which|who|whom|when|where|how|why|did|does|do|is|are|was|were)\b)|;\s*|\?\s+"
)

# What a comparison asks of its alternatives: more, fewer, the earlier, the bigger one...
_COMPARING = (
    r"(?:more|less|fewer|most|least|better|best|worse|worst|first|last|same|bigger|smaller|larger|greater"
    r"|longer|shorter|higher|lower|older|newer|earlier|later|faster|slower|stricter|wider)"
)
# "Which needs the bigger majority: A, or B?"; the stem asks, the alternatives follow a comma or a colon.
_EITHER = re.compile(
    rf"^(?P<stem>(?:which|who|what|is|are|does|do|did|was|were)\b[^,:;]*\b{_COMPARING}\b[^,:;]*?)\s*[,:]\s*"
    r"(?P<a>[^,;?]+?),?\s+or\s+(?P<b>[^,;?]+)",
    re.I,
)


def question_parts(question: str) -> Parts:
    """The sub-questions of a question that asks two things; none for a question that asks one."""
    joined = [p.strip(" ,?") for p in _JOINED.split(question) if p and p.strip(" ,?")]
    if len(joined) > 1:
        return _parts(joined)
    return _parts(_alternatives(question), compared=True)


def _parts(texts: list[str], compared: bool = False) -> Parts:
    # A "part" of one word ("and why?") asks nothing retrieval or sentence choice can use on its own.
    return Parts(tuple(texts), compared) if len(texts) > 1 and all(len(tokenize(p)) >= 2 for p in texts) else Parts(())


def _alternatives(question: str) -> list[str]:
    """A comparison as one question about each alternative, each keeping what the stem asks."""
    found = _EITHER.match(question.strip())
    if found is None:
        return []
    stem = found["stem"].strip()
    return [f"{stem} {found['a'].strip()}", f"{stem} {found['b'].strip()}"]
