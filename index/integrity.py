"""Checks, when a build opens, that its files still hold what the build wrote.

Damage that loads cleanly is worse than damage that fails: a document text edited after the build
gives citations that are no longer verbatim, a missing document fails later in the middle of an
answer. The manifest records what each build wrote (counts, text digests), so it is checked here
once, before anything is served.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..corpus import Document
from .chunking import Chunk
from .errors import IndexCorruptError

# The files hnswlib persists for one Chroma vector segment; without them Chroma quietly answers from
# whatever it can rebuild, so their absence must be caught here.
HNSW_FILES = ("header.bin", "data_level0.bin", "length.bin", "link_lists.bin")


def damaged(build: Path, what: str) -> IndexCorruptError:
    return IndexCorruptError(f"index in {build} is damaged: {what}; run `citeqa index --rebuild`")


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_records(
    build: Path, manifest: Mapping[str, Any], documents: Mapping[str, Document], chunks: Mapping[str, Chunk]
) -> None:
    """Documents, their texts and the chunks over them are the ones the build recorded."""
    recorded = manifest["documents"]
    if not isinstance(recorded, dict):
        raise damaged(build, "the manifest's document list is malformed")
    missing = sorted(set(recorded) - set(documents))
    unknown = sorted(set(documents) - set(recorded))
    if missing or unknown:
        names = ", ".join(repr(d) for d in (missing or unknown)[:3])
        raise damaged(build, f"documents.jsonl {'lacks' if missing else 'adds'} {names}")
    for doc_id, doc in documents.items():
        entry = recorded[doc_id]
        # Builds record the digest of the stored text; older ones only the file's, which was the same text.
        expected = entry.get("text_sha256", entry.get("sha256")) if isinstance(entry, dict) else None
        if text_digest(doc.text) != expected:
            raise damaged(build, f"the stored text of {doc_id!r} is not the text that was indexed")
    for chunk in chunks.values():
        owner = documents.get(chunk.document_id)
        if owner is None or owner.text[chunk.start : chunk.end] != chunk.text or not 0 <= chunk.start <= chunk.end:
            raise damaged(build, f"paragraph {chunk.id!r} does not match its document's text")
    counts = manifest.get("counts", {})
    found = {
        "documents": len(documents),
        "paragraphs": sum(1 for c in chunks.values() if c.searchable),
        "chunks": len(chunks),
    }
    for key, count in found.items():
        if isinstance(counts, dict) and key in counts and counts[key] != count:
            raise damaged(build, f"it holds {count} {key}, the build wrote {counts[key]}")


def check_vector_files(build: Path, manifest: Mapping[str, Any], paragraphs: int) -> None:
    """An embedded Chroma's vector segment is on disk (a server's collection is checked by its count)."""
    if manifest.get("chroma_host") is not None or paragraphs == 0:
        return
    folder = build / "chroma"
    segments = [d for d in folder.iterdir() if d.is_dir()] if folder.is_dir() else []
    if not any(all((d / name).is_file() for name in HNSW_FILES) for d in segments):
        raise damaged(build, f"the vector search files (HNSW) under {folder} are missing")
