"""Fit the answer-or-refuse decision (qa.decide) on the tune halves of every dev corpus.

    python -m citeqa.evals.fit_decision [--data-dir DIR]

For every tune item the answerer's own assessment gives the features of its best sentence. The label is
1 when answering would cite the right thing: the item is answerable and that sentence overlaps a gold
quote. An unanswerable item, or an answerable one whose best sentence is not evidence, is 0, because a
wrong citation is worse than a refusal. A logistic regression is fitted to the labels, then the threshold
that maximises (right answers - WRONG_COST x wrong answers) on the tune halves. Held-out halves are
reported, never used. Writes results/decision.json; qa/decide.py's DECISION holds its numbers.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..qa import Answerer, Retriever
from ..qa.decide import Decision, Features
from .corpora import load_manifest
from .dataset import Item, select_split
from .evidence import Corpus
from .fit_retrieval import open_corpus

RESULTS = Path(__file__).resolve().parent / "results" / "decision.json"
WRONG_COST = 2.0  # a wrong citation costs two refusals
L2 = 0.01


def samples(answerer: Answerer[Any], items: Sequence[Item]) -> list[tuple[Features, int, str]]:
    """(features, label, type) of every item the answerer would not refuse on its typed rules alone."""
    corpus = Corpus(answerer.index.documents.values())
    golds = corpus.locate([i for i in items if i.gold_quotes])
    found = []
    for item in items:
        assessed = answerer.assess(item.question, item.history)
        if assessed.features is None:
            continue
        best = assessed.scored[0].span
        span = (best.document_id, best.start, best.end)
        right = item.id in golds and any(g.hit_by(span) for g in golds[item.id])
        found.append((assessed.features, int(right), item.type))
    return found


def logistic(x: np.ndarray, y: np.ndarray, steps: int = 5000, rate: float = 0.5) -> tuple[np.ndarray, float]:
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        w -= rate * (z.T @ (p - y) / len(y) + L2 * w)
        b -= rate * float(np.mean(p - y))
    # Back to the raw features' scale, so the answerer needs no standardisation.
    return w / scale, b - float((w / scale) @ mean)


def utility(decision: Decision, data: Sequence[tuple[Features, int, str]]) -> dict[str, float]:
    answered = [(label, kind) for f, label, kind in data if decision.answers(f)]
    right = sum(label for label, _ in answered)
    wrong = len(answered) - right
    unanswerable = [f for f, _, kind in data if kind == "unanswerable"]
    return {
        "items": len(data),
        "answered": len(answered),
        "right": right,
        "wrong": wrong,
        "utility": right - WRONG_COST * wrong,
        "unanswerable_answered": sum(1 for f in unanswerable if decision.answers(f)),
        "unanswerable": len(unanswerable),
    }


def fit(tune: Sequence[tuple[Features, int, str]]) -> Decision:
    x = np.array([f.values() for f, _, _ in tune])
    y = np.array([label for _, label, _ in tune], dtype=float)
    w, b = logistic(x, y)
    best: tuple[float, Decision] | None = None
    for threshold in np.linspace(0.05, 0.95, 91):
        candidate = Decision(tuple(round(float(v), 4) for v in w), round(b, 4), round(float(threshold), 2))
        score = utility(candidate, tune)["utility"]
        if best is None or score > best[0]:
            best = (score, candidate)
    assert best is not None
    return best[1]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("artifacts/fit"), help="indexes of the dev corpora")
    args = parser.parse_args(argv)
    from .dataset import load_dataset

    halves: dict[str, dict[str, list[tuple[Features, int, str]]]] = {}
    for corpus in load_manifest():
        answerer: Answerer[Any] = Answerer(Retriever(open_corpus(corpus, args.data_dir)))
        items = load_dataset(corpus.dataset)
        halves[corpus.name] = {half: samples(answerer, select_split(items, half)) for half in ("tune", "heldout")}
    decision = fit([s for h in halves.values() for s in h["tune"]])
    result = {
        "decision": {"weights": list(decision.weights), "bias": decision.bias, "threshold": decision.threshold},
        "features": list(Features.__dataclass_fields__),
        "wrong_cost": WRONG_COST,
        "per_corpus": {name: {half: utility(decision, data) for half, data in h.items()} for name, h in halves.items()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
