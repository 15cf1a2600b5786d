"""What Answerer.stream yields, in order: the passages, the answer text in pieces, each citation, the answer.

Text is only ever sent after the quotes it cites have been verified.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Answer, Citation, Passage


@dataclass(frozen=True)
class PassagesFound:
    passages: list[Passage]


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class CitationAdded:
    citation: Citation


@dataclass(frozen=True)
class AnswerDone:
    answer: Answer


Event = PassagesFound | TextDelta | CitationAdded | AnswerDone
