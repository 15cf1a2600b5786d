"""The embedder's query cache under concurrent requests."""

from __future__ import annotations

import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from citeqa.index.embedding import Embedder


class _Model:
    def get_query_embedding(self, text: str) -> list[float]:
        return [float(len(text)), 1.0]


class _SlowCache(OrderedDict[str, np.ndarray]):
    """Yields the thread between looking a vector up and marking it recent: the window a race needs."""

    def move_to_end(self, key: str, last: bool = True) -> None:
        time.sleep(0.0005)
        super().move_to_end(key, last)


def test_a_small_cache_shared_by_many_threads_never_fails() -> None:
    embedder = Embedder(_Model(), name="fake", cache_size=2)  # type: ignore[arg-type]
    embedder._cache = _SlowCache()
    texts = [f"question {n}" for n in range(3)]

    def ask(worker: int) -> int:
        for step in range(300):
            # One hot question that hits the cache, two that keep evicting each other.
            text = texts[0] if step % 2 else texts[1 + (worker + step // 2) % 2]
            vector = embedder.embed_query(text)
            assert vector.shape == (2,)
        return worker

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(ask, range(8))) == list(range(8))
    assert len(embedder._cache) <= 2


def test_a_cached_vector_is_the_one_the_model_gave() -> None:
    embedder = Embedder(_Model(), name="fake", cache_size=2)  # type: ignore[arg-type]
    first = embedder.embed_query("abc")
    assert np.array_equal(first, np.array([3.0, 1.0], dtype=np.float32))
    assert embedder.embed_query("abc") is first
