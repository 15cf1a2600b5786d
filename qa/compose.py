"""Turn chosen sentence spans into answer text with markers and verified citations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from corpus import Document
from qa.evidence import Scored
from qa.models import Citation
from qa.quotes import citation

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
    lines, citations = [], []
    for marker, (doc_id, pid, start, end) in enumerate(spans, start=1):
        doc = documents[doc_id]
        item = citation(marker, doc, pid, start, end)
        citations.append(item)
        lines.append(f"In “{doc.title}” ({doc.date}): “{item.quote}” [{marker}]")
    return lines, citations
