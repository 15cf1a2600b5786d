"""An LLM answer as the answerer streams it: each admitted claim becomes text and a citation at once.

The answerer shows a claim the moment it passes the checks of qa.claims, so the first claim reaches the
reader while the model is still writing the next. Each citation is verified once more against the
document right before its text is sent: nothing unverified is ever shown.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

from ..corpus import Document
from .claims import Claim
from .events import CitationAdded, Event, TextDelta
from .models import Citation, LLMReport, Passage, Turn
from .quotes import is_verbatim


class Generator(Protocol):
    """The optional generative step (qa.llm.LLMGenerator): a restated follow-up, and admitted claims."""

    def condense(self, question: str, history: Sequence[Turn]) -> str | None: ...

    def claims(
        self, question: str, history: Sequence[Turn], passages: Sequence[Passage], report: LLMReport
    ) -> Iterator[Claim]: ...


class LLMDraft:
    """Run `events()` to stream the claims; then `citations`, `text`, `report` and `first_claim_at` hold the outcome."""

    def __init__(self, generator: Generator, documents: Mapping[str, Document]) -> None:
        self.generator = generator
        self.documents = documents
        self.lines: list[str] = []
        self.citations: list[Citation] = []
        self.report = LLMReport()
        self.first_claim_at: float | None = None  # time.perf_counter() when the first claim was sent

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def events(self, question: str, history: Sequence[Turn], passages: Sequence[Passage]) -> Iterator[Event]:
        for claim in self.generator.claims(question, history, passages, self.report):
            cited = claim.citation.model_copy(update={"marker": len(self.citations) + 1})
            if not is_verbatim(cited, self.documents):
                continue
            line = claim.line(cited.marker)
            self.first_claim_at = self.first_claim_at or time.perf_counter()
            yield TextDelta(f"\n{line}" if self.lines else line)
            self.lines.append(line)
            self.citations.append(cited)
            yield CitationAdded(cited)
