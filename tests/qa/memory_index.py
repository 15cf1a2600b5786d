"""An in-memory SearchIndex over a few short texts, so qa rules can be tried without building anything.

Its "embedding" is a hashed bag of words: two texts are similar exactly when they share words, which is
enough to make retrieval and sentence choice predictable in a unit test.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from citeqa.corpus import Document
from citeqa.corpus.text import tokenize
from citeqa.index.chunking import BODY, HEADING, Chunk
from citeqa.index.protocol import Hit, Sentence, Span
from citeqa.index.sentences import sentence_spans

DIM = 512


def bag_of_words(text: str) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    for word in tokenize(text):
        vector[zlib.crc32(word.encode()) % DIM] += 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def document(doc_id: str, text: str, title: str = "", date: str = "") -> Document:
    return Document(
        id=doc_id,
        title=title or doc_id,
        date=date,
        kind="report",
        language="en",
        source_file=f"{doc_id}.txt",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        description="",
        text=text,
    )


class MemoryIndex:
    """Paragraphs are blank-line blocks, "# " ones headings; sentences come from the real sentence splitter."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = {d.id: d for d in documents}
        self._paragraphs: dict[str, Chunk] = {}
        self._sentences: dict[str, list[Sentence]] = {}
        self._heading_of: dict[str, str] = {}
        self.embedded: Counter[str] = Counter()
        for doc in documents:
            start, heading = 0, None
            for number, block in enumerate(doc.text.split("\n\n")):
                end = start + len(block)
                if block.strip():
                    pid = f"{doc.id}#p{number:02d}"
                    # A block opening with "# " is a heading; the blocks after it stand under it.
                    role = HEADING if block.startswith("# ") else BODY
                    under = self._paragraphs[heading].text if heading and role == BODY else ""
                    self._paragraphs[pid] = Chunk(pid, doc.id, number, 0, start, end, block, under, "en", role)
                    if role == HEADING:
                        heading = pid
                    elif heading is not None:
                        self._heading_of[pid] = heading
                    self._sentences[pid] = [
                        Sentence(Span(doc.id, pid, s, e), bag_of_words(doc.text[s:e]))
                        for s, e in sentence_spans(doc.text, start, end)
                    ]
                start = end + 2

    @property
    def documents(self) -> Mapping[str, Document]:
        return self._documents

    def paragraph_ids(self) -> Sequence[str]:
        return list(self._paragraphs)

    def paragraph(self, paragraph_id: str) -> Chunk:
        return self._paragraphs[paragraph_id]

    def heading_of(self, paragraph_id: str) -> Chunk | None:
        heading = self._heading_of.get(paragraph_id)
        return self._paragraphs[heading] if heading is not None else None

    def sentences(self, paragraph_id: str) -> Sequence[Sentence]:
        return self._sentences.get(paragraph_id, [])

    def embed_query(self, text: str) -> np.ndarray:
        self.embedded[text] += 1
        return bag_of_words(text)

    def dense(self, vector: np.ndarray, k: int, document_ids: Sequence[str] | None = None) -> list[Hit]:
        hits = [
            Hit(pid, float(bag_of_words(p.text) @ vector))
            for pid, p in self._paragraphs.items()
            if document_ids is None or p.document_id in document_ids
        ]
        return sorted(hits, key=lambda h: -h.score)[:k]

    def lexical(self, query: str, k: int) -> list[Hit]:
        words = set(tokenize(query))
        hits = [Hit(pid, float(len(words & set(tokenize(p.text))))) for pid, p in self._paragraphs.items()]
        return sorted((h for h in hits if h.score > 0), key=lambda h: -h.score)[:k]

    def similarity(self, a: str, b: str) -> float:
        return float(bag_of_words(self._paragraphs[a].text) @ bag_of_words(self._paragraphs[b].text))
