"""The read interface qa/ uses: everything the answerer may ask of an index, in typed values.

The store (index.store.Index) implements it over Chroma, BM25 and the sentence vectors; tests implement
it in memory, so every answering rule can be tried on a few sentences without building anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ..corpus import Document
from .chunking import HEADING, Chunk

Paragraph = Chunk
__all__ = ["HEADING", "Hit", "Paragraph", "SearchIndex", "Sentence", "Span"]


@dataclass(frozen=True, slots=True)
class Span:
    """Characters [start, end) of a document's stored text, inside one paragraph."""

    document_id: str
    paragraph_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Hit:
    paragraph_id: str
    score: float


@dataclass(frozen=True, eq=False)
class Sentence:
    span: Span
    vector: np.ndarray = field(repr=False)


class SearchIndex(Protocol):
    @property
    def documents(self) -> Mapping[str, Document]: ...

    def paragraph_ids(self) -> Sequence[str]:
        """The searchable (body) paragraphs, in index order."""
        ...

    def paragraph(self, paragraph_id: str) -> Paragraph: ...

    def heading_of(self, paragraph_id: str) -> Paragraph | None:
        """The heading the paragraph stands under (itself searchable), or None."""
        ...

    def sentences(self, paragraph_id: str) -> Sequence[Sentence]:
        """The paragraph's sentences in text order, each with its embedding."""
        ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def dense(self, vector: np.ndarray, k: int, document_ids: Sequence[str] | None = None) -> list[Hit]: ...

    def lexical(self, query: str, k: int) -> list[Hit]: ...

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two paragraphs' embeddings."""
        ...
