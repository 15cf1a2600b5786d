"""Floor 2: paragraph chunks with exact offsets, embeddings in Chroma, BM25, atomic builds.

Names are imported on first use: Chroma and LlamaIndex take seconds to import, and commands such as
an up-to-date `citeqa index` never need them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "BuildReport": "index.build",
    "build_index": "index.build",
    "Chunk": "index.chunking",
    "chunk_document": "index.chunking",
    "Embedder": "index.embedding",
    "load_embedder": "index.embedding",
    "EmbedderError": "index.errors",
    "IndexBusyError": "index.errors",
    "IndexCorruptError": "index.errors",
    "IndexMismatchError": "index.errors",
    "IndexMissingError": "index.errors",
    "IndexStoreError": "index.errors",
    "Layout": "index.layout",
    "sentence_spans": "index.sentences",
    "Index": "index.store",
}
__all__ = [
    "BuildReport",
    "Chunk",
    "Embedder",
    "EmbedderError",
    "Index",
    "IndexBusyError",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexStoreError",
    "Layout",
    "build_index",
    "chunk_document",
    "load_embedder",
    "sentence_spans",
]

if TYPE_CHECKING:
    from index.build import BuildReport, build_index
    from index.chunking import Chunk, chunk_document
    from index.embedding import Embedder, load_embedder
    from index.errors import (
        EmbedderError,
        IndexBusyError,
        IndexCorruptError,
        IndexMismatchError,
        IndexMissingError,
        IndexStoreError,
    )
    from index.layout import Layout
    from index.sentences import sentence_spans
    from index.store import Index


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
