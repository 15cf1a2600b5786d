"""Locate and verify verbatim spans: a quote is always document_text[start:end], never a copy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..corpus import Document
from .models import Citation

_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\u00a0": " ", "\u3000": " "})
_SPACE_RUN = re.compile(r"\s+")


def citation(marker: int, document: Document, paragraph_id: str, start: int, end: int) -> Citation:
    page = document.page_at(start)
    return Citation(
        marker=marker,
        document_id=document.id,
        source_file=document.source_file,
        title=document.title,
        date=document.date,
        paragraph_id=paragraph_id,
        quote=document.text[start:end],
        start=start,
        end=end,
        page=page.number if page else None,
        page_start=page.start if page else None,
        page_end=page.end if page else None,
    )


def is_verbatim(item: Citation, documents: Mapping[str, Document]) -> bool:
    document = documents.get(item.document_id)
    return (
        document is not None
        and document.source_file == item.source_file
        and 0 <= item.start < item.end <= len(document.text)
        and bool(item.quote.strip())
        and document.text[item.start : item.end] == item.quote
    )


def verified(items: Iterable[Citation], documents: Mapping[str, Document]) -> list[Citation]:
    """Only the citations whose quote is exactly the document's text at their offsets."""
    return [item for item in items if is_verbatim(item, documents)]


def _folded(text: str, lo: int, hi: int) -> tuple[str, list[int]]:
    """Text with quotes straightened, spaces unified and runs collapsed, plus each char's origin."""
    out: list[str] = []
    origin: list[int] = []
    previous_space = False
    for i in range(lo, hi):
        ch = text[i].translate(_FOLD)
        if ch.isspace():
            if previous_space:
                continue
            ch = " "
            previous_space = True
        else:
            previous_space = False
            lowered = ch.lower()
            ch = lowered if len(lowered) == 1 else ch
        out.append(ch)
        origin.append(i)
    return "".join(out), origin


def locate(needle: str, text: str, lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
    """Where `needle` stands in text[lo:hi]: exactly, or up to quote marks, case and white space.

    The span returned always slices the original text, so what is shown is the source's own words.
    """
    hi = len(text) if hi is None else hi
    needle = needle.strip()
    if not needle:
        return None
    exact = text.find(needle, lo, hi)
    if exact >= 0:
        return exact, exact + len(needle)
    haystack, origin = _folded(text, lo, hi)
    folded_needle, _ = _folded(needle, 0, len(needle))
    folded_needle = _SPACE_RUN.sub(" ", folded_needle).strip()
    at = haystack.find(folded_needle)
    if at < 0 or not folded_needle:
        return None
    return origin[at], origin[at + len(folded_needle) - 1] + 1
