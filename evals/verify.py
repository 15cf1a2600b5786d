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

from ..qa.claims import quotations

_LOOK_ALIKE = re.compile(r"[\[［【〔〖]\s*[0-9０-９]+(?:\s*[,，;\-–]\s*[0-9０-９]+)*\s*[\]］】〕〗]")
_MARKER = re.compile(r"\[(\d+)\]")


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").casefold().translate(_STRAIGHT).split())


_STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def text_problems(answer: Mapping[str, Any]) -> list[str]:
    """What in the answer text is not backed by the answer's own citations; empty when all is."""
    text = str(answer.get("answer", ""))
    citations = [c for c in answer.get("citations", []) if isinstance(c, Mapping)]
    passages = [p for p in answer.get("passages", []) if isinstance(p, Mapping)]
    cited_paragraphs = {c.get("paragraph_id") for c in citations}
    sources = [str(c.get("quote", "")) for c in citations]
    sources += [str(p.get("text", "")) for p in passages if p.get("paragraph_id") in cited_paragraphs]
    sources += [str(x.get("title", "")) for x in [*citations, *passages]]
    sources.append(str(answer.get("question", "")))
    normed = [_norm(s) for s in sources if s]
    problems = []
    spans, left_open = quotations(text)
    if left_open:
        problems.append("the answer text leaves a quotation mark open")
    for lo, hi in spans:
        words = _norm(text[lo:hi])
        if any(ch.isalnum() for ch in words) and not any(words in source for source in normed):
            problems.append(f"the answer quotes words its citations do not hold: {text[lo:hi][:60]!r}")
    markers = {int(m) for m in _MARKER.findall(text)}
    for found in _LOOK_ALIKE.finditer(text):
        if not _MARKER.fullmatch(found.group(0)):
            problems.append(f"a marker citeqa did not write: {found.group(0)!r}")
    cited = {c.get("marker") for c in citations}
    if not answer.get("refused") and markers - cited:
        problems.append(f"markers without a citation: {sorted(markers - cited)}")
    return problems
