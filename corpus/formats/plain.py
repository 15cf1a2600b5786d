"""Plain text: the file's own characters, exactly as stored (offsets index the file itself)."""

from __future__ import annotations

from .base import Extracted, UnreadableFile

EXTRACTOR = "citeqa-text 1"


def decode(data: bytes) -> str:
    # A NUL byte never occurs in text; a binary file renamed .txt usually has many in its first block.
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary data, not text")
    try:
        # newline handling stays off: offsets must index the file exactly as stored.
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not valid UTF-8 (byte {exc.start}); convert it to UTF-8") from exc
    if not text.strip():
        raise UnreadableFile("empty file")
    return text


def extract_text(data: bytes) -> Extracted:
    return Extracted(text=decode(data), format="text", extractor=EXTRACTOR)
