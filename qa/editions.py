"""Editions: documents of a corpus that are versions of one another, and which of them is superseded.

A folder often holds a text and its earlier version (a constitution and the one it replaced, a policy and
its draft). Both answer the same questions in the same words; a reader asking what the text says means
the current one, so passages of an older edition give way unless the question names its year or version.
Editions are told apart from texts on one subject (a speech and a report of it) by shared paragraphs:
different wording shares almost none (measured on the dev corpora: 0 of the bundled corpus's retold
speech, 37% and 67% of the governance texts' two pairs, none elsewhere).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ..corpus.text import tokenize
from ..index.protocol import SearchIndex

# Share of the smaller document's paragraphs that must recur word for word in the other.
SHARED_PARAGRAPHS = 0.25
# A paragraph this short ("1. Introduction", "Appendix") recurs in unrelated documents.
MIN_WORDS = 6


def superseded(index: SearchIndex) -> frozenset[str]:
    """Ids of the documents of which the corpus holds a later-dated edition."""
    paragraphs: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for pid in index.paragraph_ids():
        paragraph = index.paragraph(pid)
        words = tuple(tokenize(paragraph.text))
        if len(words) >= MIN_WORDS:
            paragraphs[paragraph.document_id].add(words)
    documents = index.documents
    older: set[str] = set()
    for a, b in combinations(sorted(paragraphs), 2):
        smaller = min(len(paragraphs[a]), len(paragraphs[b]))
        shared = len(paragraphs[a] & paragraphs[b])
        date_a, date_b = documents[a].date, documents[b].date
        # Undated or same-dated editions cannot be ordered; both stay.
        if shared < SHARED_PARAGRAPHS * smaller or not date_a or not date_b or date_a == date_b:
            continue
        older.add(a if date_a < date_b else b)
    return frozenset(older)
