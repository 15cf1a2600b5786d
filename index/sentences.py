"""Sentence spans over original text, as (start, end) offsets that slice it exactly.

Machine-translated text may join sentences with a NO-BREAK SPACE and no ordinary space, mix straight
and curly quotes, switch to a CJK language, or be hard-wrapped at a fixed width, so the boundary rule is
explicit rather than borrowed.
"""

from __future__ import annotations

import re

# Unicode-aware whitespace includes NBSP (U+00A0) and the ideographic space.
_SPACE = "\\s\u00a0\u3000"
_CLOSERS = "\"'”’)\\]」』"
_OPENERS = "\"'“‘(\\[「『"
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "no",
    "st",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "u.s",
    "u.n",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "inc",
    "co",
    "jr",
}

_BOUNDARY = re.compile(
    # Western sentence end: punctuation, optional closing quotes, space(s), then a plausible sentence start.
    rf"(?<=[.!?])[{_CLOSERS}]*[{_SPACE}]+(?=[{_OPENERS}]*[A-Z0-9\u4e00-\u9fff])"
    # Chinese sentence end needs no space after it.
    rf"|(?<=[。！？])[{_CLOSERS}]*[{_SPACE}]*"
    # A NO-BREAK SPACE between a lower-case word and a capital: a sentence seam lost in translation.
    rf"|(?<=[a-z])\u00a0(?=[A-Z])"
    # A line break inside a paragraph block (a seam unless the text is hard-wrapped: see _wrapped).
    r"|\n+"
)
# A line at least this long that ends mid-sentence was wrapped at a fixed width (fmt, an editor at 72 or
# 80 columns), so the sentence goes on in the next line; a shorter one ends a list item or a heading.
_WRAP_CHARS = 50
_LIST_ITEM = re.compile(r"[ \t]*([-*+•]|\d+[.)]|[a-z][.)])\s")
_EDGE = f"{_SPACE}"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while (start < end and text[start] in " \t\r\n\u00a0\u3000") or (start < end and text[start].isspace()):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\u00a0\u3000"):
        end -= 1
    return start, end


def _is_abbreviation(text: str, cut: int) -> bool:
    word = re.search(r"([A-Za-z.]+)\.$", text[max(0, cut - 12) : cut].rstrip(f"{_CLOSERS}{_EDGE}"))
    if not word:
        return False
    token = word.group(1).lower()
    return token in _ABBREVIATIONS or len(token) == 1


def _wrapped(text: str, cut: int, after: int) -> bool:
    """Whether the line break at text[cut:after] only wraps a sentence that goes on in the next line."""
    if text[cut:after].count("\n") > 1:
        return False
    line_start = text.rfind("\n", 0, cut) + 1
    line = text[line_start:cut].rstrip()
    if len(line) < _WRAP_CHARS or line.endswith((".", "!", "?", ":", ";")):
        return False
    return not _LIST_ITEM.match(text, after)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Non-empty sentence spans of text[start:end], trimmed of surrounding white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        cut = match.start()
        # Keep closing quotes with the sentence they close.
        while cut < match.end() and text[cut] in _CLOSERS:
            cut += 1
        if text[match.start() - 1 : match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        if match.group(0).startswith("\n") and _wrapped(text, match.start(), match.end()):
            continue
        s, e = _trim(text, cursor, cut)
        if e > s:
            spans.append((s, e))
        cursor = match.end()
    s, e = _trim(text, cursor, end)
    if e > s:
        spans.append((s, e))
    return spans
