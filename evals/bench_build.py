"""Index build time against the physical limit: embedding the very same texts and nothing else.

The same texts are embedded alone right before and right after the build, and the build is compared
with the mean of the two: on a shared machine the load drifts over minutes (measured: one raw pass
took half as long as the build's own embedding when the load average fell from 5 to 2 in between).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..corpus import Document
from ..index import Embedder, Layout, build_index, chunk_document, sentence_spans
from ..index.tokens import count_tokens


def embedded_texts(documents: Sequence[Document], max_tokens: int) -> list[str]:
    """What a full build embeds: every body paragraph, then every sentence of them."""
    body = [c for d in documents for c in chunk_document(d, max_tokens, count_tokens) if c.searchable]
    texts = {d.id: d.text for d in documents}
    sentences = [
        texts[c.document_id][s:e] for c in body for s, e in sentence_spans(texts[c.document_id], c.start, c.end)
    ]
    return [c.text for c in body] + sentences


def _embedding_seconds(embedder: Embedder, texts: Sequence[str]) -> float:
    started = time.perf_counter()
    embedder.embed_passages(texts)
    return time.perf_counter() - started


def measure_build(documents: Sequence[Document], data_dir: Path, embedder: Embedder, max_tokens: int) -> dict[str, Any]:
    """A full build into `data_dir` (embedded Chroma), bracketed by the same texts through the embedder alone."""
    texts = embedded_texts(documents, max_tokens)
    before = _embedding_seconds(embedder, texts)
    report = build_index(documents, Layout(data_dir), embedder, max_tokens=max_tokens, rebuild=True, chroma_host=None)
    after = _embedding_seconds(embedder, texts)
    raw = (before + after) / 2
    return {
        "paragraphs": report.chunks,
        "texts": len(texts),
        "build_embedded": report.embedded,
        "build_s": round(report.seconds, 2),
        "build_embedding_s": round(report.embed_seconds, 2),
        "raw_embedding_before_s": round(before, 2),
        "raw_embedding_after_s": round(after, 2),
        "raw_embedding_s": round(raw, 2),
        "raw_texts_per_s": round(len(texts) / raw, 2),
        "build_over_raw": round(report.seconds / raw, 3),
    }
