"""What every extractor returns, and the one error that makes the loader skip a file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import CorpusError

_BLANK_RUN = re.compile(r"\n{3,}")


class UnreadableFile(CorpusError):
    """This file yields no text citeqa can cite; the message is the reason, in a few words."""


@dataclass(frozen=True)
class PageSpan:
    """Page `number` (1-based) of the source occupies text[start:end] of the extracted text."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str
    extractor: str
    # Metadata the format itself carries (PDF info, <title>, front matter), and where each value was found.
    fields: dict[str, str] = field(default_factory=dict)
    field_sources: dict[str, str] = field(default_factory=dict)
    pages: tuple[PageSpan, ...] = ()
    skipped_pages: int = 0


def tidy_lines(text: str) -> str:
    """Lines stripped, runs of blank lines cut to one: layout padding is not part of the words."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()
