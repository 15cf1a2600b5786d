"""Split a document into paragraph chunks whose offsets slice the original text exactly.

Paragraphs follow each file's own structure: files with blank lines between paragraphs are read
block by block, files without any are read line by line. Titles, headings, metadata lines and
boilerplate are recognised so that only body text reaches the content index, and headings travel
as metadata of the paragraphs under them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from ..corpus import Document
from ..corpus.text import language_of
from .sentences import sentence_spans

# 3: sentences run on across the line breaks of hard-wrapped text; tiny tail parts join the part before.
# 4: headings are searched and cited too.
CHUNKER_VERSION = "4"
BODY = "body"
HEADING = "heading"
# Headings are searched as well as body text: a release line ("release 1.12 (2022-04-07)"), a status line
# or a one-line item shaped like a heading is often the only place a fact is stated. Titles, metadata and
# boilerplate stay out.
SEARCHABLE = frozenset({BODY, HEADING})
MIN_PART_TOKENS = 24

_BOILERPLATE = re.compile(
    r"©|all rights reserved|not to be republished|^share this$|^(wordpress|disqus|facebook|twitter|weibo|wechat)"
    r"\s*\(\s*\d+\s*\)$|^full coverage:|\bupdated:\s*\d{4}-\d{2}-\d{2}|^presented by\b",
    re.IGNORECASE,
)
_META = re.compile(r"^(author|date|source|by|editor)\s*:|^[A-Z][a-z]+ \d{1,2}, \d{4}$", re.IGNORECASE)
_SENTENCE_END = tuple(".!?;:,。！？；”\"’'")
_MARKDOWN_ITEM = re.compile(r"^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s)")


@dataclass(frozen=True)
class Chunk:
    """One retrievable unit: a paragraph or, for long paragraphs, one part of it."""

    id: str
    document_id: str
    paragraph: int
    part: int
    start: int
    end: int
    text: str
    heading: str
    language: str
    role: str
    page: int | None = None  # the source page (PDF) the chunk starts on

    @property
    def searchable(self) -> bool:
        return self.role in SEARCHABLE

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\r\u00a0\u3000")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, trimmed, in file order."""
    lines = [(s, e) for s, e in _line_spans(text)]
    blank = [_is_blank(text[s:e]) for s, e in lines]
    separated = any(
        blank[i] and any(not b for b in blank[:i]) and any(not b for b in blank[i + 1 :]) for i in range(len(blank))
    )
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for (s, e), is_blank in zip(lines, blank, strict=True):
        if is_blank:
            if current:
                blocks.append(current)
            current = []
        elif not separated or _MARKDOWN_ITEM.match(text[s:e]) or (current and _is_boilerplate(text[s:e])):
            # One paragraph per line, or a list item / heading / widget line inside a block.
            if current:
                blocks.append(current)
            current = [(s, e)]
            if not separated:
                blocks.append(current)
                current = []
        else:
            current.append((s, e))
    if current:
        blocks.append(current)
    spans = []
    for block in blocks:
        start, end = block[0][0], block[-1][1]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def _is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.search(line.strip()))


def _fingerprint(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def _role(text: str, seen: set[str], title_seen: bool) -> str:
    stripped = text.strip()
    if _is_boilerplate(stripped) or _fingerprint(stripped) in seen:
        return "boilerplate"
    if _META.search(stripped):
        return "meta"
    words = len(stripped.split())
    looks_like_heading = stripped.startswith("#") or (
        len(stripped) <= 160 and words <= 20 and not stripped.rstrip("*").endswith(_SENTENCE_END)
    )
    if looks_like_heading:
        return HEADING if title_seen else "title"
    return BODY


def _parts(text: str, start: int, end: int, max_tokens: int, count: Callable[[str], int]) -> list[tuple[int, int]]:
    """Pack whole sentences into parts of at most max_tokens (a longer single sentence stands alone)."""
    if count(text[start:end]) <= max_tokens:
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    part_start = part_end = -1
    for s, e in sentence_spans(text, start, end):
        if part_start < 0:
            part_start, part_end = s, e
        elif count(text[part_start:e]) <= max_tokens:
            part_end = e
        else:
            parts.append((part_start, part_end))
            part_start, part_end = s, e
    if part_start >= 0:
        parts.append((part_start, part_end))
    # A tail of a sentence or two would stand alone without the context that makes it retrievable: it joins
    # the part before it, which may then run a little over max_tokens.
    if len(parts) > 1 and count(text[parts[-1][0] : parts[-1][1]]) < MIN_PART_TOKENS:
        parts[-2:] = [(parts[-2][0], parts[-1][1])]
    return parts


def chunk_document(document: Document, max_tokens: int, count_tokens: Callable[[str], int]) -> list[Chunk]:
    """Every paragraph of the document as chunks; non-body chunks are kept, marked by role."""
    text = document.text
    chunks: list[Chunk] = []
    seen: set[str] = set()
    heading = ""
    title_seen = False
    for number, (p_start, p_end) in enumerate(paragraph_spans(text), start=1):
        paragraph = text[p_start:p_end]
        role = _role(paragraph, seen, title_seen)
        seen.add(_fingerprint(paragraph))
        if role == "title":
            title_seen = True
        elif role == HEADING:
            heading = paragraph.lstrip("#").strip()
        elif role == BODY:
            title_seen = True
        spans = _parts(text, p_start, p_end, max_tokens, count_tokens) if role == BODY else [(p_start, p_end)]
        for part, (s, e) in enumerate(spans, start=1):
            suffix = f".{part}" if len(spans) > 1 else ""
            chunks.append(
                Chunk(
                    id=f"{document.id}#p{number:02d}{suffix}",
                    document_id=document.id,
                    paragraph=number,
                    part=part,
                    start=s,
                    end=e,
                    text=text[s:e],
                    heading=heading if role == BODY else "",
                    language=language_of(text[s:e], document.language),
                    role=role,
                    page=page.number if (page := document.page_at(s)) else None,
                )
            )
    return chunks
