"""Open the live index for reading: chunks, documents, dense and lexical search."""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..corpus import Document
from .build import chunker_key
from .chroma import VectorIndex, open_client
from .chunking import BODY, HEADING, Chunk
from .embedding import Embedder
from .errors import IndexCorruptError, IndexMismatchError
from .integrity import check_records, check_vector_files
from .layout import FORMAT_VERSION, Layout, hold, read_manifest
from .lexical import LexicalIndex
from .protocol import Hit, Sentence, Span


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{path} is unreadable; run `citeqa index --rebuild`") from exc


def _document(row: dict[str, Any]) -> Document:
    return Document.from_record(row)


def _headings(chunks: Iterable[Chunk]) -> dict[str, str]:
    """Body chunk id -> id of the heading chunk it stands under, chunks taken in file order."""
    under: dict[str, str] = {}
    current: dict[str, str] = {}
    for chunk in chunks:
        if chunk.role == HEADING:
            current[chunk.document_id] = chunk.id
        elif chunk.role == BODY and chunk.document_id in current:
            under[chunk.id] = current[chunk.document_id]
    return under


def _release_with(owner: object, release: Callable[[], object]) -> None:
    """Run `release` once `owner` is garbage: the last request still using an old Index lets go of it."""
    finalizer = weakref.finalize(owner, release)
    finalizer.atexit = False


class Index:
    """A read-only view of one build. Safe to share between threads once opened."""

    def __init__(self, build: Path, manifest: dict[str, Any], embedder: Embedder) -> None:
        self.build = build
        self.manifest = manifest
        self.embedder = embedder
        # Held while this Index lives: a rebuild keeps a build that some process is still reading.
        _release_with(self, hold(build).close)
        try:
            self.documents = {row["id"]: _document(row) for row in _read_jsonl(build / "documents.jsonl")}
            self.chunks = {row["id"]: Chunk(**row) for row in _read_jsonl(build / "chunks.jsonl")}
        except (KeyError, TypeError) as exc:
            raise IndexCorruptError(f"records in {build} are malformed ({exc}); run `citeqa index --rebuild`") from exc
        check_records(build, manifest, self.documents, self.chunks)
        self.body_ids = [c.id for c in self.chunks.values() if c.searchable]
        self._heading_of = _headings(self.chunks.values())
        self._load_vectors(build)
        check_vector_files(build, manifest, len(self.body_ids))
        try:
            self.lexical_index = LexicalIndex.load(build / "bm25", self.body_ids)
            client = open_client(
                build / "chroma" if manifest.get("chroma_host") is None else None,
                manifest.get("chroma_host"),
                int(manifest.get("chroma_port") or 8000),
            )
            _release_with(self, client.close)
            self.vectors = VectorIndex(client, str(manifest.get("collection", "citeqa-chunks")))
        except IndexCorruptError:
            raise
        except Exception as exc:  # Chroma and bm25s fail in many ways on damaged files
            raise IndexCorruptError(f"index in {build} is damaged ({exc}); run `citeqa index --rebuild`") from exc
        if self.vectors.count() != len(self.body_ids):
            raise IndexCorruptError(
                f"index in {build} holds {self.vectors.count()} vectors for {len(self.body_ids)} paragraphs; "
                "run `citeqa index --rebuild`"
            )

    def _load_vectors(self, build: Path) -> None:
        try:
            units = json.loads((build / "vector_ids.json").read_text(encoding="utf-8"))
            matrix = np.load(build / "vectors.npy")
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(f"vectors in {build} are unreadable; run `citeqa index --rebuild`") from exc
        if len(units) != len(matrix) or units[: len(self.body_ids)] != self.body_ids:
            raise IndexCorruptError(f"vectors in {build} do not match its paragraphs; run `citeqa index --rebuild`")
        self.paragraph_matrix = matrix[: len(self.body_ids)]
        self.paragraph_row = {pid: i for i, pid in enumerate(self.body_ids)}
        sentence_matrix = matrix[len(self.body_ids) :]
        self._sentences: dict[str, list[Sentence]] = {}
        for row, unit in enumerate(units[len(self.body_ids) :]):
            chunk_id, _, span = unit.rpartition("@")
            start, _, end = span.partition("-")
            chunk = self.chunks.get(chunk_id)
            if chunk is None:
                raise IndexCorruptError(f"vectors in {build} name an unknown paragraph; run `citeqa index --rebuild`")
            located = Span(chunk.document_id, chunk_id, int(start), int(end))
            self._sentences.setdefault(chunk_id, []).append(Sentence(located, sentence_matrix[row]))

    @classmethod
    def open(cls, data_dir: Path, embedder: Embedder, max_tokens: int) -> Index:
        build = Layout(data_dir).current()
        manifest = read_manifest(build)
        built_with = manifest["embedder"].get("name") if isinstance(manifest["embedder"], dict) else None
        expected = chunker_key(max_tokens)
        if manifest["format_version"] != FORMAT_VERSION or manifest["chunker_version"] != expected:
            raise IndexMismatchError(
                f"index in {data_dir} was built by chunker {manifest['chunker_version']}, this citeqa uses "
                f"{expected}; run `citeqa index --rebuild`"
            )
        if built_with != embedder.name:
            raise IndexMismatchError(
                f"index in {data_dir} was built with embedder {built_with!r}, but {embedder.name!r} is configured; "
                "run `citeqa index --rebuild`"
            )
        return cls(build, manifest, embedder)

    @property
    def paragraphs(self) -> list[Chunk]:
        return [self.chunks[i] for i in self.body_ids]

    def document_text(self, document_id: str) -> str:
        return self.documents[document_id].text

    # The read protocol of index.protocol.SearchIndex, which is all that qa/ sees.

    def paragraph_ids(self) -> Sequence[str]:
        return self.body_ids

    def paragraph(self, paragraph_id: str) -> Chunk:
        return self.chunks[paragraph_id]

    def heading_of(self, paragraph_id: str) -> Chunk | None:
        heading = self._heading_of.get(paragraph_id)
        return self.chunks[heading] if heading is not None else None

    def sentences(self, paragraph_id: str) -> Sequence[Sentence]:
        return self._sentences.get(paragraph_id, ())

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_query(text)

    def dense(self, vector: np.ndarray, k: int, document_ids: Sequence[str] | None = None) -> list[Hit]:
        return [Hit(pid, score) for pid, score in self.vectors.search(vector, k, document_ids)]

    def lexical(self, query: str, k: int) -> list[Hit]:
        return [Hit(pid, score) for pid, score in self.lexical_index.search(query, k)]

    def similarity(self, a: str, b: str) -> float:
        return float(self.paragraph_matrix[self.paragraph_row[a]] @ self.paragraph_matrix[self.paragraph_row[b]])
