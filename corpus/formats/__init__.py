"""Text extraction per file format: each extractor turns a file's bytes into the text citeqa stores and cites.

The extracted text, not the file, is what citations index into: it is stored with the index together
with the file's sha256 and the extractor's name and version (see corpus/loader.py).
"""

from __future__ import annotations

from collections.abc import Callable

from .base import Extracted, PageSpan, UnreadableFile
from .docx import extract_docx
from .html import extract_html
from .markdown import extract_markdown
from .pdf import extract_pdf
from .plain import extract_text

Extractor = Callable[[bytes], Extracted]

EXTRACTORS: dict[str, Extractor] = {
    ".txt": extract_text,
    ".md": extract_markdown,
    ".markdown": extract_markdown,
    ".html": extract_html,
    ".htm": extract_html,
    ".pdf": extract_pdf,
    ".docx": extract_docx,
}
SUFFIXES = tuple(EXTRACTORS)
_KINDS = {".pdf": "PDF", ".html": "HTML page", ".htm": "HTML page", ".docx": "Word document"}


def extract(suffix: str, data: bytes) -> Extracted:
    """The text of a file with this suffix; UnreadableFile says in one line why there is none."""
    if not data.strip():
        raise UnreadableFile("empty file")
    try:
        return EXTRACTORS[suffix.lower()](data)
    except UnreadableFile:
        raise
    except Exception as exc:  # parsers of untrusted files fail in ways nobody lists; one bad file must not stop a build
        kind = _KINDS.get(suffix.lower(), "file")
        raise UnreadableFile(f"not a readable {kind} ({type(exc).__name__} in its parser)") from exc


__all__ = ["EXTRACTORS", "SUFFIXES", "Extracted", "PageSpan", "UnreadableFile", "extract"]
