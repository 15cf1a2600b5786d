"""Turn chosen sentence spans into answer text with markers and verified citations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..corpus import Document
from .evidence import Scored
from .models import Citation
from .quotes import citation

_DATELINE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2}(st|nd|rd|th)?(,\s*\d{4})?"
)


def pick(scored: Sequence[Scored], margin: float, limit: int) -> list[Scored]:
    """The best sentence and those close to it, at most two from one paragraph, in score order."""
    if not scored:
        return []
    best = scored[0].score
    chosen: list[Scored] = []
    per_paragraph: dict[str, int] = {}
    for item in scored:
        if len(chosen) >= limit or item.score < best - margin:
            break
        pid = item.passage.paragraph_id
        if per_paragraph.get(pid, 0) >= 2:
            continue
        per_paragraph[pid] = per_paragraph.get(pid, 0) + 1
        chosen.append(item)
    return chosen


def merged_spans(items: Sequence[Scored], documents: Mapping[str, Document]) -> list[tuple[str, str, int, int]]:
    """(document id, paragraph id, start, end); neighbouring sentences of a paragraph become one span."""
    spans: list[tuple[str, str, int, int]] = []
    for item in items:
        doc_id, pid = item.passage.document_id, item.passage.paragraph_id
        text = documents[doc_id].text
        for i, (d, p, s, e) in enumerate(spans):
            if d == doc_id and p == pid:
                lo, hi = min(s, item.start), max(e, item.end)
                gap = text[min(e, item.end) : max(s, item.start)]
                if not gap.strip(" \u00a0\t\n"):
                    spans[i] = (d, p, lo, hi)
                    break
        else:
            spans.append((doc_id, pid, item.start, item.end))
    return spans


_NEXT_ITEM = re.compile(
    r"^[\"“]?(the\s+)?(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|finally|lastly)\b", re.IGNORECASE
)
_ANNOUNCES = re.compile(r"\b(two|three|four|five|six|seven|eight)\s+(?:\w+\s+)?\w+s\s*[.:]$|:$", re.IGNORECASE)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
ENUMERATION_CHARS = 1500


def extend_enumerations(
    spans: Sequence[tuple[str, str, int, int]],
    documents: Mapping[str, Document],
    sentences: Mapping[str, Sequence[tuple[int, int, int]]],
) -> list[tuple[str, str, int, int]]:
    """Carry a quote on through the "Second, … Third, …" sentences that continue its list.

    A question about "the signs" or "the requirements" is answered by the whole list, and the list's
    items stand in separate sentences of one paragraph; the quote stays one contiguous slice.
    """
    out = []
    for doc_id, pid, start, end in spans:
        text = documents[doc_id].text
        announced = _ANNOUNCES.search(text[start:end])
        # "…the four principles." announces its items; ":" announces an unnumbered list of up to four.
        remaining = _COUNTS.get((announced.group(1) or "").lower(), 4) if announced else 0
        for s, e, _ in sentences.get(pid, []):
            if s < end:
                continue
            continues = remaining > 0 or _NEXT_ITEM.match(text[s:e])
            if not continues or e - start > ENUMERATION_CHARS or text[end:s].strip(" \u00a0\n"):
                break
            end, remaining = e, remaining - 1
        out.append((doc_id, pid, start, end))
    return out


def dateline(document: Document) -> tuple[int, int] | None:
    """A span of the document that states its date, for correcting a wrong year in a question."""
    year = document.date[:4]
    for match in _DATELINE.finditer(document.text):
        if year and year in match.group(0):
            return match.span()
    at = document.text.find(year) if year else -1
    return (at, at + len(year)) if at >= 0 else None


def cite_spans(
    spans: Sequence[tuple[str, str, int, int]], documents: Mapping[str, Document]
) -> tuple[list[str], list[Citation]]:
    """One line per document, in order of each document's best quote; markers in reading order."""
    order: list[str] = []
    for doc_id, *_ in spans:
        if doc_id not in order:
            order.append(doc_id)
    lines: list[str] = []
    citations: list[Citation] = []
    for doc_id in order:
        doc = documents[doc_id]
        quotes = []
        for d, pid, start, end in spans:
            if d == doc_id:
                item = citation(len(citations) + 1, doc, pid, start, end)
                citations.append(item)
                quotes.append(f"“{item.quote}” [{item.marker}]")
        lines.append(f"In “{doc.title}” ({doc.date}): " + " ".join(quotes))
    return lines, citations
