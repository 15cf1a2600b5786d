"""Token counts for chunk sizing, with the tiktoken encoding LlamaIndex ships (no download)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _encoder():  # type: ignore[no-untyped-def]
    from llama_index.core.utils import get_tokenizer

    return get_tokenizer()


def count_tokens(text: str) -> int:
    return len(_encoder()(text))
