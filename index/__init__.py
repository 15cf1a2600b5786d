"""Floor 2: paragraph chunks with exact offsets, embeddings in Chroma, BM25, atomic builds.

Names are imported on first use: Chroma and LlamaIndex take seconds to import, and commands such as
an up-to-date `citeqa index` never need them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "BuildReport": ".build",
    "build_index": ".build",
    "Chunk": ".chunking",
    "chunk_document": ".chunking",
    "Embedder": ".embedding",
    "load_embedder": ".embedding",
    "EmbedderError": ".errors",
    "IndexBusyError": ".errors",
    "IndexCorruptError": ".errors",
    "IndexMismatchError": ".errors",
    "IndexMissingError": ".errors",
    "IndexStoreError": ".errors",
    "Layout": ".layout",
    "sentence_spans": ".sentences",
    "Index": ".store",
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
    from .build import BuildReport, build_index
    from .chunking import Chunk, chunk_document
    from .embedding import Embedder, load_embedder
    from .errors import (
        EmbedderError,
        IndexBusyError,
        IndexCorruptError,
        IndexMismatchError,
        IndexMissingError,
        IndexStoreError,
    )
    from .layout import Layout
    from .sentences import sentence_spans
    from .store import Index


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
