"""Evidence recall@k of the dev questions, as the eval harness defines it, for benchmark runs.

A retrieved paragraph is evidence when its span overlaps an occurrence of a gold quote (located with
str.find in the gold document). Per item: the share of its gold quotes found in the top k, or whether
any was found for any_of items; recall@k is the mean over answerable items.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..corpus import Document
from ..qa import Retriever
from .dataset import Item, load_dataset
from .evidence import Corpus, Gold
from .runner import plan_of

DEV_SET = Path(__file__).resolve().parent / "datasets" / "dev.jsonl"

Golds = dict[str, tuple[Gold, ...]]


def dev_questions(path: Path = DEV_SET) -> list[str]:
    return [item.question for item in load_dataset(path)]


def answerable_items(documents: Sequence[Document], path: Path = DEV_SET) -> tuple[list[Item], Golds]:
    """Items with gold quotes in these documents (none for another corpus), and where the quotes are."""
    names = {d.id for d in documents} | {d.source_file for d in documents}
    items = [item for item in load_dataset(path) if item.gold_quotes and all(g.doc in names for g in item.gold_quotes)]
    named = {gold.doc for item in items for gold in item.gold_quotes}
    # Only the documents the quotes name: Corpus compares every pair of paragraphs it holds, and a
    # scaled index holds a hundred thousand distractor paragraphs that never hold a gold quote.
    quoted = [d for d in documents if d.id in named or d.source_file in named]
    return items, Corpus(quoted).locate(items)


def recall_at(retriever: Retriever, items: Sequence[Item], golds: Golds, k: int = 5) -> float | None:
    """None when no item applies (an index of another corpus than the one the dev set quotes)."""
    if not items:
        return None
    total = 0.0
    for item in items:
        passages = retriever.retrieve(plan_of(item, retriever.index), k=k)
        spans = [(p.document_id, p.start, p.end) for p in passages]
        hits = [any(gold.hit_by(span) for span in spans) for gold in golds[item.id]]
        total += float(any(hits)) if item.any_of else sum(hits) / len(hits)
    return round(total / len(items), 4)
