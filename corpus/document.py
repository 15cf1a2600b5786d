"""A document as citeqa stores and cites it: the extracted text, its metadata, and its pages."""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .formats import PageSpan


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    date: str
    kind: str
    language: str
    source_file: str
    sha256: str  # of the original file's bytes, not of the extracted text
    description: str
    text: str = field(repr=False)  # what citations index into: the extracted text, stored with the index
    date_inferred: tuple[str, ...] = ()
    format: str = "text"
    extractor: str = ""
    pages: tuple[PageSpan, ...] = ()
    skipped_pages: int = 0
    derived_from: Mapping[str, str] = field(default_factory=dict, hash=False)  # a dict: hash the rest

    def page_at(self, offset: int) -> PageSpan | None:
        """The source page holding text[offset], for paginated formats (PDF)."""
        at = bisect.bisect_right([p.start for p in self.pages], offset) - 1
        if at < 0 or offset >= self.pages[at].end:
            return None
        return self.pages[at]

    def metadata(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "date_inferred": list(self.date_inferred),
            "kind": self.kind,
            "language": self.language,
            "source_file": self.source_file,
            "sha256": self.sha256,
            "description": self.description,
            "characters": len(self.text),
            "format": self.format,
            "extractor": self.extractor,
            "pages": [{"number": p.number, "start": p.start, "end": p.end} for p in self.pages],
            "skipped_pages": self.skipped_pages,
            "derived_from": dict(self.derived_from),
        }

    @classmethod
    def from_record(cls, row: Mapping[str, Any]) -> Document:
        """A document back from its stored record (metadata() plus "text"); older records lack the later fields."""
        fields = {k: v for k, v in row.items() if k not in ("date_inferred", "characters", "pages", "derived_from")}
        return cls(
            **fields,
            date_inferred=tuple(row.get("date_inferred", ())),
            pages=tuple(PageSpan(int(p["number"]), int(p["start"]), int(p["end"])) for p in row.get("pages", ())),
            derived_from=dict(row.get("derived_from", {})),
        )
