"""Where each gold quote lives in the documents, and which spans count as hitting it.

Strict: a span hits a gold quote when it overlaps one of the quote's occurrences in the same document
(every occurrence counts, because the corpus repeats some sentences word for word).
Lenient: a span hits a gold quote when it overlaps the paragraph holding an occurrence, or a
near-duplicate of that paragraph anywhere in the corpus (at least NEAR_DUPLICATE of their distinct
words shared). It credits a citation of the right passage that picked a neighbouring sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..corpus import Document
from ..index.chunking import paragraph_spans
from .dataset import DatasetError, Item

NEAR_DUPLICATE = 0.7
_MIN_WORDS = 8  # headings and datelines share most of their few words by chance
_WORD = re.compile(r"\w+")

Span = tuple[str, int, int]  # (document id, start, end), end exclusive


def overlaps(a: Span, b: Span) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


@dataclass(frozen=True)
class Gold:
    quote: str
    occurrences: tuple[Span, ...]
    regions: tuple[Span, ...]  # paragraphs (and their near-duplicates) around the occurrences

    def hit_by(self, span: Span) -> bool:
        return any(overlaps(span, occurrence) for occurrence in self.occurrences)

    def near(self, span: Span) -> bool:
        return any(overlaps(span, region) for region in self.regions)


class Corpus:
    """The documents the answers quote, indexed for gold lookup by id or source file name."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.documents: dict[str, Document] = {d.id: d for d in documents}
        self._ids_by_file = {d.source_file: d.id for d in self.documents.values()}
        self._paragraphs: list[Span] = [
            (d.id, s, e) for d in self.documents.values() for s, e in paragraph_spans(d.text)
        ]
        self._twins = self._near_duplicates()

    def resolve(self, name: str) -> str | None:
        """A document id for an id or a source file name; None when the corpus has neither."""
        return name if name in self.documents else self._ids_by_file.get(name)

    def text(self, doc_id: str) -> str:
        return self.documents[doc_id].text

    def locate(self, items: Sequence[Item]) -> dict[str, tuple[Gold, ...]]:
        """Gold evidence per item id; DatasetError names the line of a quote the corpus lacks."""
        located: dict[str, tuple[Gold, ...]] = {}
        for item in items:
            golds = []
            for n, gold in enumerate(item.gold_quotes):
                where = f"{item.origin} (item {item.id}): gold_quotes[{n}]"
                doc_id = self.resolve(gold.doc)
                if doc_id is None:
                    raise DatasetError(f"{where}: document {gold.doc!r} is neither a document id nor a file name")
                occurrences = self._occurrences(doc_id, gold.quote)
                if not occurrences:
                    raise DatasetError(f"{where}: quote is not an exact substring of {doc_id}: {gold.quote[:80]!r}")
                golds.append(Gold(gold.quote, occurrences, self._regions(occurrences)))
            located[item.id] = tuple(golds)
        return located

    def _occurrences(self, doc_id: str, quote: str) -> tuple[Span, ...]:
        text = self.text(doc_id)
        found = []
        at = text.find(quote)
        while at >= 0:
            found.append((doc_id, at, at + len(quote)))
            at = text.find(quote, at + 1)
        return tuple(found)

    def _regions(self, occurrences: Sequence[Span]) -> tuple[Span, ...]:
        regions: list[Span] = []
        for paragraph in self._paragraphs:
            if any(overlaps(paragraph, occurrence) for occurrence in occurrences):
                regions.extend(p for p in (paragraph, *self._twins.get(paragraph, ())) if p not in regions)
        # A quote outside every body paragraph (a title line, say) is still its own region.
        return tuple(regions) or tuple(occurrences)

    def _near_duplicates(self) -> Mapping[Span, list[Span]]:
        words = {p: set(_WORD.findall(self.text(p[0])[p[1] : p[2]].lower())) for p in self._paragraphs}
        twins: dict[Span, list[Span]] = {}
        long_enough = [p for p in self._paragraphs if len(words[p]) >= _MIN_WORDS]
        for i, a in enumerate(long_enough):
            for b in long_enough[i + 1 :]:
                shared = len(words[a] & words[b]) / len(words[a] | words[b])
                if shared >= NEAR_DUPLICATE:
                    twins.setdefault(a, []).append(b)
                    twins.setdefault(b, []).append(a)
        return twins
