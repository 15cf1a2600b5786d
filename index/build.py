"""Build or update the index beside the live one, then switch to it atomically.

A build never writes into the live build: it assembles `builds/<name>.partial`, renames it when
complete and only then moves the CURRENT pointer. A build killed at any point leaves the previous
index serving; the next `citeqa index`, even one with nothing to do, removes the leftovers. Old builds
go only once they are neither the live one, nor the one before it, nor open in some process.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..corpus import Document
from .chunking import CHUNKER_VERSION, Chunk, chunk_document
from .errors import IndexBusyError, IndexStoreError
from .integrity import text_digest
from .layout import FORMAT_VERSION, PARTIAL, Layout, in_use, read_manifest, write_json
from .lexical import LEXICAL_VERSION, LexicalIndex
from .sentences import sentence_spans
from .tokens import count_tokens

if TYPE_CHECKING:
    from .embedding import Embedder

Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    chunks: int = 0
    embedded: int = 0
    embed_seconds: float = 0.0
    seconds: float = 0.0
    build: str = ""

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@contextmanager
def _locked(layout: Layout) -> Iterator[None]:
    layout.root.mkdir(parents=True, exist_ok=True)
    with open(layout.lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(f"another `citeqa index` is building in {layout.root}") from exc
        yield


def _previous(
    layout: Layout, embedder: Embedder, chunker: str
) -> tuple[Path | None, dict[str, Any], dict[str, np.ndarray]]:
    """The live build, its manifest and vectors, if it is sound and can be reused incrementally."""
    try:
        build = layout.current()
        manifest = read_manifest(build)
        vectors = _old_vectors(build)
        lines = (build / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        chunk_ids = {json.loads(line)["id"] for line in lines if line.strip()}
    except (IndexStoreError, OSError, ValueError, KeyError, TypeError):
        return None, {}, {}
    compatible = (
        manifest.get("format_version") == FORMAT_VERSION
        and manifest.get("chunker_version") == chunker
        and manifest.get("embedder", {}).get("name") == embedder.name
        and all(unit.partition("@")[0] in chunk_ids for unit in vectors)
    )
    return (build, manifest, vectors) if compatible else (None, {}, {})


def _meta_digest(document: Document) -> str:
    return hashlib.sha256(json.dumps(document.metadata(), sort_keys=True).encode("utf-8")).hexdigest()


def _same(old: dict[str, Any], document: Document) -> bool:
    # A new extractor version or an edited catalog entry changes what is stored, not the file's hash.
    return bool(
        old["sha256"] == document.sha256 and old.get("meta_sha256", _meta_digest(document)) == _meta_digest(document)
    )


def sentence_id(chunk: Chunk, start: int, end: int) -> str:
    return f"{chunk.id}@{start}-{end}"


def _old_vectors(build: Path) -> dict[str, np.ndarray]:
    ids = json.loads((build / "vector_ids.json").read_text(encoding="utf-8"))
    # Memory-mapped: deciding that nothing changed reads only the header, and a build copies just the rows
    # it reuses (sentence vectors make this file large at scale).
    vectors = np.load(build / "vectors.npy", mmap_mode="r")
    if len(ids) != len(vectors):
        raise ValueError("vector ids and vectors differ in length")
    return dict(zip(ids, vectors, strict=True))


def chunker_key(max_tokens: int) -> str:
    # The BM25 tokeniser is part of what a build stored, so its version invalidates builds too.
    return f"{CHUNKER_VERSION}/lex{LEXICAL_VERSION}/max{max_tokens}"


def build_index(
    documents: Sequence[Document],
    layout: Layout,
    embedder: Embedder,
    *,
    max_tokens: int,
    count_tokens: Callable[[str], int] = count_tokens,
    rebuild: bool = False,
    chroma_host: str | None = None,
    chroma_port: int = 8000,
    progress: Progress | None = None,
) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    key = chunker_key(max_tokens)
    with _locked(layout):
        # Holding the lock, every partial build is a dead one's.
        _remove_leftovers(layout, chroma_host, chroma_port)
        live = layout.live_name()
        previous, manifest, reusable = (None, {}, {}) if rebuild else _previous(layout, embedder, key)
        old_docs: dict[str, dict[str, Any]] = manifest.get("documents", {})
        for doc in documents:
            old = old_docs.get(doc.id)
            bucket = report.added if old is None else report.unchanged if _same(old, doc) else report.changed
            bucket.append(doc.id)
        report.removed = sorted(set(old_docs) - {d.id for d in documents})
        if previous is not None and not report.changed_anything and manifest.get("chroma_host") == chroma_host:
            report.build = previous.name
            report.seconds = time.perf_counter() - started
            return report

        name = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        partial = layout.builds / f"{name}{PARTIAL}"
        partial.mkdir(parents=True)
        chunks = [c for doc in documents for c in chunk_document(doc, max_tokens, count_tokens)]
        body = [c for c in chunks if c.searchable]
        report.chunks = len(body)
        texts_by_doc = {d.id: d.text for d in documents}
        sentences = [(c, s, e) for c in body for s, e in sentence_spans(texts_by_doc[c.document_id], c.start, c.end)]
        units = [c.id for c in body] + [sentence_id(c, s, e) for c, s, e in sentences]
        texts = [c.text for c in body] + [texts_by_doc[c.document_id][s:e] for c, s, e in sentences]
        unchanged = set(report.unchanged)
        vectors = np.zeros((len(units), embedder.dim), dtype=np.float32)
        todo = []
        for i, unit in enumerate(units):
            if unit.split("#")[0] in unchanged and unit in reusable:
                vectors[i] = reusable[unit]
            else:
                todo.append(i)
        embed_started = time.perf_counter()
        _embed(embedder, [texts[i] for i in todo], todo, vectors, progress)
        report.embed_seconds = time.perf_counter() - embed_started
        report.embedded = len(todo)

        _write_build(partial, documents, chunks, body, units, vectors, embedder, key, chroma_host, chroma_port, name)
        final = layout.builds / name
        partial.rename(final)
        layout.switch_to(final)
        report.build = name
        _prune(layout, keep={name, live or name})
    report.seconds = time.perf_counter() - started
    return report


def _embed(
    embedder: Embedder, texts: Sequence[str], rows: Sequence[int], out: np.ndarray, progress: Progress | None
) -> None:
    batch = 16
    for i in range(0, len(texts), batch):
        out[list(rows[i : i + batch])] = embedder.embed_passages(texts[i : i + batch])
        if progress:
            progress(min(i + batch, len(texts)), len(texts))
    if progress and not texts:
        progress(0, 0)


def _write_build(
    folder: Path,
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    body: Sequence[Chunk],
    units: Sequence[str],
    vectors: np.ndarray,
    embedder: Embedder,
    key: str,
    chroma_host: str | None,
    chroma_port: int,
    name: str,
) -> None:
    with open(folder / "documents.jsonl", "w", encoding="utf-8") as handle:
        for doc in documents:
            handle.write(json.dumps({**doc.metadata(), "text": doc.text}, ensure_ascii=False) + "\n")
    with open(folder / "chunks.jsonl", "w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
    np.save(folder / "vectors.npy", vectors)
    # Paragraph vectors first, then every sentence of every paragraph (scored when composing answers).
    write_json(folder / "vector_ids.json", list(units))
    LexicalIndex.build([c.id for c in body], [c.text for c in body]).save(folder / "bm25")
    # Chroma and LlamaIndex load only when a build really writes; an up-to-date check stays fast.
    from .chroma import VectorIndex, open_client

    collection = collection_name(name, chroma_host)
    client = open_client(folder / "chroma" if chroma_host is None else None, chroma_host, chroma_port)
    VectorIndex(client, collection).add(body, vectors[: len(body)])
    write_json(
        folder / "manifest.json",
        {
            "format_version": FORMAT_VERSION,
            "chunker_version": key,
            "embedder": {"name": embedder.name, "model": embedder.model.model_name, "dim": int(vectors.shape[1])},
            "chroma_host": chroma_host,
            "chroma_port": chroma_port,
            "collection": collection,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "counts": {
                "documents": len(documents),
                "paragraphs": len(body),
                "chunks": len(chunks),
                "sentences": len(units) - len(body),
            },
            "documents": {
                d.id: {
                    "sha256": d.sha256,
                    "text_sha256": text_digest(d.text),
                    "source_file": d.source_file,
                    "meta_sha256": _meta_digest(d),
                }
                for d in documents
            },
        },
    )


def collection_name(build_name: str, chroma_host: str | None) -> str:
    # A shared Chroma server holds every build side by side; a local build owns its own folder.
    return f"citeqa-{build_name}" if chroma_host else "citeqa-chunks"


def _remove_leftovers(layout: Layout, chroma_host: str | None, chroma_port: int) -> None:
    if layout.builds.exists():
        for path in layout.builds.glob(f"*{PARTIAL}"):
            # A killed build has no manifest yet; its collection, if any, is on the server configured now.
            if chroma_host:
                _drop_collection(
                    chroma_host, chroma_port, collection_name(path.name.removesuffix(PARTIAL), chroma_host)
                )
            shutil.rmtree(path, ignore_errors=True)


def _prune(layout: Layout, keep: set[str]) -> None:
    """Keep the live build, the one before it, and any that a process still has open."""
    for path in layout.builds.iterdir():
        if path.is_dir() and path.name not in keep and not path.name.endswith(PARTIAL) and not in_use(path):
            try:
                manifest = read_manifest(path)
            except IndexStoreError:
                manifest = {}
            host = manifest.get("chroma_host")
            if isinstance(host, str) and host:
                # A local build's vectors go with its folder; a server keeps them until told to drop them.
                _drop_collection(host, int(str(manifest.get("chroma_port") or 8000)), str(manifest.get("collection")))
            shutil.rmtree(path, ignore_errors=True)


def _drop_collection(host: str, port: int, name: str) -> None:
    from .chroma import open_client

    # An unreachable server or a missing collection must not fail the build that just succeeded.
    with contextlib.suppress(Exception):
        open_client(None, host, port).delete_collection(name)
