"""Floor 2: paragraph chunks with exact offsets, embeddings in Chroma, BM25, atomic builds."""

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
