"""The project's own answer checker, stricter than the contract's check_answer.py on the answer text.

check_answer.py accepts quoted words found anywhere in the corpus. Here, words the answer text puts in
quotation marks must come from what the answer itself stands on: a citation's quote, the paragraph a
citation cites, a document title, or the question. And every bracketed number in the text must be a
citeqa marker `[n]` with its citation: look-alikes (［3］, 【6】, [ 4 ]) are a made-up reference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..qa.claims import OPENERS as _OPENERS
from ..qa.claims import quotations

_LOOK_ALIKE = re.compile(r"[\[［【〔〖]\s*[0-9０-９]+(?:\s*[,，;\-–]\s*[0-9０-９]+)*\s*[\]］】〕〗]")
_MARKER = re.compile(r"\s*\[(\d+)\]\s*")


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").casefold().translate(_STRAIGHT).split())


_STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _quoted(line: str) -> list[str]:
    """The quoted pieces of one line: a mark left open runs to the line's end, and a marker ends a piece
    (quotes of neighbouring paragraphs may share one pair of marks, each followed by its own marker)."""
    spans, left_open = quotations(line)
    if left_open:
        after = spans[-1][1] + 1 if spans else 0
        opener = next(i for i in range(after, len(line)) if line[i] in _OPENERS)
        spans.append((opener + 1, len(line)))
    return [piece for lo, hi in spans for piece in _MARKER.split(line[lo:hi])[::2]]


def text_problems(answer: Mapping[str, Any]) -> list[str]:
    """What in the answer text is not backed by the answer's own citations; empty when all is."""
    text = str(answer.get("answer", ""))
    citations = [c for c in answer.get("citations", []) if isinstance(c, Mapping)]
    passages = [p for p in answer.get("passages", []) if isinstance(p, Mapping)]
    cited_paragraphs = {c.get("paragraph_id") for c in citations}
    quotes = [str(c.get("quote", "")) for c in citations]
    sources = [*quotes]
    sources += [str(p.get("text", "")) for p in passages if p.get("paragraph_id") in cited_paragraphs]
    sources += [str(x.get("title", "")) for x in [*citations, *passages]]
    sources.append(str(answer.get("question", "")))
    normed = [_norm(s) for s in sources if s]
    problems = []
    for line in text.splitlines():
        for piece in _quoted(line):
            words = _norm(piece)
            if any(ch.isalnum() for ch in words) and not any(words in source for source in normed):
                problems.append(f"the answer quotes words its citations do not hold: {piece.strip()[:60]!r}")
    # A quote is the document's own text: brackets inside it ("time[1-4].google.com") are no markers.
    outside = text
    for quote in sorted(filter(None, quotes), key=len, reverse=True):
        outside = outside.replace(quote, " ")
    markers = {int(m) for m in _MARKER.findall(outside)}
    for found in _LOOK_ALIKE.finditer(outside):
        if not _MARKER.fullmatch(found.group(0)):
            problems.append(f"a marker citeqa did not write: {found.group(0)!r}")
    cited = {c.get("marker") for c in citations}
    if not answer.get("refused") and markers - cited:
        problems.append(f"markers without a citation: {sorted(markers - cited)}")
    return problems
