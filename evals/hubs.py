"""Hub passages: paragraphs that reach the top 5 for many questions they do not answer.

    python -m citeqa.evals.hubs [--data-dir DIR]

For each dev corpus, counts how often each paragraph is in the top 5 for a question whose gold quotes lie
elsewhere (or that has none), under plain fusion and under the fitted weights. A paragraph in the top 5
of a fifth of all questions is a hub. Writes results/hubs.json.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..index import Index
from ..qa import Retriever
from ..qa.retrieve import Weights
from .corpora import load_manifest
from .dataset import Item, load_dataset
from .evidence import Corpus
from .fit_retrieval import open_corpus
from .runner import plan_of

RESULTS = Path(__file__).resolve().parent / "results" / "hubs.json"
HUB_SHARE = 0.2


def unrelated_top5(index: Index, items: Sequence[Item], weights: Weights) -> Counter[str]:
    """How often each paragraph is in the top 5 of a question it holds no gold quote for."""
    golds = Corpus(index.documents.values()).locate([i for i in items if i.gold_quotes])
    retriever = Retriever(index, weights=weights)
    counts: Counter[str] = Counter()
    for item in items:
        for passage in retriever.retrieve(plan_of(item, index), k=5):
            span = (passage.document_id, passage.start, passage.end)
            if not any(g.hit_by(span) or g.near(span) for g in golds.get(item.id, ())):
                counts[passage.paragraph_id] += 1
    return counts


def report(index: Index, items: Sequence[Item], weights: Weights) -> dict[str, Any]:
    counts = unrelated_top5(index, items, weights)
    hubs = [(pid, n) for pid, n in counts.most_common() if n >= HUB_SHARE * len(items)]
    return {
        "questions": len(items),
        "hubs": [{"paragraph_id": pid, "unrelated_top5": n, "text": index.chunks[pid].text[:120]} for pid, n in hubs],
        "most_unrelated_top5": counts.most_common(1)[0][1] if counts else 0,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("artifacts/fit"), help="indexes of the dev corpora")
    args = parser.parse_args(argv)
    result = {}
    for corpus in load_manifest():
        index = open_corpus(corpus, args.data_dir)
        items = load_dataset(corpus.dataset)
        result[corpus.name] = {
            "plain_fusion": report(index, items, Weights(**dict.fromkeys(asdict(Weights()), 0.0))),
            "fitted": report(index, items, Weights()),
        }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
