"""PDF through pypdf: the text layer only, page by page, with each page's character range.

pypdf's layout mode keeps the vertical gaps between paragraphs as blank lines, which the chunker
reads as paragraph breaks (its plain mode runs every line of a page together); inside a paragraph,
lines that the page wrapped are joined again, so sentences and quotes read as written. Pages without a text
layer (scans) are skipped and counted; OCR is out of scope.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import warnings
from datetime import datetime
from importlib.metadata import version

from .base import Extracted, PageSpan, UnreadableFile, tidy_lines

PAGE_BREAK = "\n\n"
_ITEM = re.compile(r"^([-•–*]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")  # "2024. The" is a wrapped line, not item 2024
_FULL_LINE = 0.6  # of the block's longest line: a line this long was wrapped, not ended
_SENTENCE_END = tuple(".!?;:,")


def _unwrap(block: str) -> str:
    """One paragraph's wrapped lines joined with spaces; short lines and list items keep their breaks.

    A short first line without a sentence's end, set right above a paragraph, is its heading: a blank
    line after it lets the chunker carry it as the section of what follows.
    """
    lines = block.split("\n")
    width = max(len(line) for line in lines)
    if len(lines) > 1 and len(lines[0]) < _FULL_LINE * width and not lines[0].endswith(_SENTENCE_END):
        return lines[0] + "\n\n" + _unwrap("\n".join(lines[1:]))
    out = lines[0]
    for previous, line in itertools.pairwise(lines):
        wrapped = len(previous) >= _FULL_LINE * width and not _ITEM.match(line)
        out += ("" if previous.endswith("-") else " ") + line if wrapped else "\n" + line
    return out


def _page_text(raw: str) -> str:
    return "\n\n".join(_unwrap(block) for block in tidy_lines(raw).split("\n\n") if block)


def _open(data: bytes):  # type: ignore[no-untyped-def]
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:  # pypdf raises many types on damaged files; none may stop the build
        raise UnreadableFile(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise UnreadableFile("encrypted PDF in a scheme pypdf cannot open; save an unencrypted copy") from exc
        if opened == PasswordType.NOT_DECRYPTED:
            raise UnreadableFile("encrypted PDF that needs a password; save an unencrypted copy")
    return reader


def _info(reader) -> tuple[dict[str, str], dict[str, str]]:  # type: ignore[no-untyped-def]
    fields: dict[str, str] = {}
    sources: dict[str, str] = {}
    try:
        info = reader.metadata
        title = (info.title or "") if info else ""
        created = info.creation_date if info else None
    except Exception:  # a damaged info dictionary only costs the metadata
        return fields, sources
    if isinstance(title, str) and title.strip():
        fields["title"], sources["title"] = title.strip(), "PDF info /Title"
    if isinstance(created, datetime):
        fields["date"], sources["date"] = created.date().isoformat(), "PDF info /CreationDate"
    return fields, sources


def extract_pdf(data: bytes) -> Extracted:
    # pypdf logs and warns about every repair it makes; the loader reports a bad file in one line of its own.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _extract(data)


def _extract(data: bytes) -> Extracted:
    reader = _open(data)
    parts: list[str] = []
    pages: list[PageSpan] = []
    skipped = 0
    at = 0
    try:
        for number, page in enumerate(reader.pages, start=1):
            text = _page_text(page.extract_text(extraction_mode="layout"))
            if not text:
                skipped += 1
                continue
            if parts:
                at += len(PAGE_BREAK)
            parts.append(text)
            pages.append(PageSpan(number, at, at + len(text)))
            at += len(text)
    except Exception as exc:  # a broken content stream mid-file: the file as a whole is unreadable
        raise UnreadableFile(f"PDF page {len(pages) + skipped + 1} cannot be read ({type(exc).__name__})") from exc
    if not parts:
        raise UnreadableFile(f"no text layer on any of its {skipped} pages (scanned?); OCR it first")
    fields, sources = _info(reader)
    return Extracted(
        text=PAGE_BREAK.join(parts),
        format="pdf",
        extractor=f"pypdf {version('pypdf')}",
        fields=fields,
        field_sources=sources,
        pages=tuple(pages),
        skipped_pages=skipped,
    )
