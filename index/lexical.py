"""BM25 over the same chunks as the vector index, with a tokeniser tolerant of casual input."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import bm25s

LEXICAL_VERSION = "1"
_WORD = re.compile(r"[\w’']+", re.UNICODE)
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
STOPWORDS = frozenset(
    (
        "a about above after again against all am an and any are as at be because been before being below "
        "between both but by can could did do does doing down during each few for from further had has have "
        "having he her here hers him his how i if in into is it its itself just me more most my no nor not "
        "now of off on once only or other our ours out over own same she should so some such than that the "
        "their theirs them then there these they this those through to too under until up very was we were "
        "what when where which while who whom why will with would you your yours also said says say tell told "
        "did does xi jinping what's speech speeches remarks mention mentioned according discuss discussed talk "
        "talked describe described think want "
    ).split()
)


def _stem(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed content words; Chinese runs become character bigrams."""
    tokens: list[str] = []
    for raw in _WORD.findall(text.lower().replace("\u00a0", " ")):
        word = raw.replace("’", "'").removesuffix("'s").strip("'")
        if _CJK_RUN.fullmatch(word):
            tokens.extend(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif word and word not in STOPWORDS:
            tokens.append(_stem(word))
    return tokens


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
