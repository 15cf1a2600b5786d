"""BM25 over the same chunks as the vector index, with a tokeniser tolerant of casual input."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..corpus.text import tokenize

if TYPE_CHECKING:
    import bm25s

# 2: the tokenizer moved to corpus.text and lost the bundled corpus's own words from its stopwords.
# 3: a final silent e is stemmed away; dotted version numbers are also kept whole.
# 4: a version written "v1.9" is kept whole too.
LEXICAL_VERSION = "4"


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25, ids: Sequence[str]) -> None:
        self.retriever = retriever
        self.ids = list(ids)
        self._vocab = set(retriever.vocab_dict)

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25()
        # bm25s needs at least one token per document to index it.
        retriever.index([tokenize(t) or ["∅"] for t in texts], show_progress=False)
        return cls(retriever, ids)

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, ids: Sequence[str]) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder)), ids)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens or not self.ids:
            return []
        scores = np.asarray(self.retriever.get_scores(tokens))
        top = np.argsort(-scores)[:k]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
