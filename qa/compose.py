"""Turn chosen sentence spans into answer text with markers and verified citations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..corpus import Document
from ..corpus.text import quoted
from ..index.protocol import SearchIndex, Span
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


def merged_spans(items: Sequence[Scored], documents: Mapping[str, Document]) -> list[Span]:
    """Neighbouring sentences of a paragraph become one span; the rest keep the order they were chosen in."""
    spans: list[Span] = []
    for item in items:
        span = item.span
        text = documents[span.document_id].text
        for i, other in enumerate(spans):
            if other.document_id == span.document_id and other.paragraph_id == span.paragraph_id:
                gap = text[min(other.end, span.end) : max(other.start, span.start)]
                if not gap.strip(" \u00a0\t\n"):
                    lo, hi = min(other.start, span.start), max(other.end, span.end)
                    spans[i] = Span(span.document_id, span.paragraph_id, lo, hi)
                    break
        else:
            spans.append(span)
    return spans


# "First, …" after a sentence opens the list that sentence announces in any words ("There are several
# main features of it."); "Second, …" and on carry a list on.
_NEXT_ITEM = re.compile(
    r"^[\"“]?(the\s+)?(first(ly)?|second(ly)?|third(ly)?|fourth|fifth|sixth|seventh|eighth|ninth|tenth|finally|lastly)\b",
    re.IGNORECASE,
)
_ANNOUNCES = re.compile(r"\b(two|three|four|five|six|seven|eight)\s+(?:\w+\s+)?\w+s\s*[.:]$|:$", re.IGNORECASE)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
ENUMERATION_CHARS = 1500


def extend_enumerations(spans: Sequence[Span], index: SearchIndex) -> list[Span]:
    """Carry a quote on through the "Second, … Third, …" sentences that continue its list.

    A question about "the signs" or "the requirements" is answered by the whole list, and the list's
    items stand in separate sentences of one paragraph; the quote stays one contiguous slice.
    """
    out = []
    for span in spans:
        text = index.documents[span.document_id].text
        start, end = span.start, span.end
        announced = _ANNOUNCES.search(text[start:end])
        # "…the four principles." announces its items; ":" announces an unnumbered list of up to four.
        remaining = _COUNTS.get((announced.group(1) or "").lower(), 4) if announced else 0
        for sentence in index.sentences(span.paragraph_id):
            s, e = sentence.span.start, sentence.span.end
            if s < end:
                continue
            continues = remaining > 0 or _NEXT_ITEM.match(text[s:e])
            if not continues or e - start > ENUMERATION_CHARS or text[end:s].strip(" \u00a0\n"):
                break
            end, remaining = e, remaining - 1
        out.append(Span(span.document_id, span.paragraph_id, start, end))
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
    spans: Sequence[Span], documents: Mapping[str, Document], first_marker: int = 1
) -> tuple[list[str], list[Citation]]:
    """One line per document, in order of each document's best quote; markers in reading order."""
    order = list(dict.fromkeys(span.document_id for span in spans))
    lines: list[str] = []
    citations: list[Citation] = []
    for doc_id in order:
        doc = documents[doc_id]
        quotes = []
        for span in spans:
            if span.document_id == doc_id:
                item = citation(first_marker + len(citations), doc, span.paragraph_id, span.start, span.end)
                citations.append(item)
                quotes.append(f"{quoted(item.quote)} [{item.marker}]")
        lines.append(f"In {quoted(doc.title)} ({doc.date}): " + " ".join(quotes))
    return lines, citations
