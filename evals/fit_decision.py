"""Fit the answer-or-refuse decision (qa.decide) on the tune halves of every dev corpus.

    python -m citeqa.evals.fit_decision [--data-dir DIR]

For every tune item the answerer's own assessment gives the features of its best sentence. The label is
1 for a question the corpus answers and 0 for one it does not (type "unanswerable"). A logistic
regression is fitted to the labels, then the threshold that maximises (right answers - WRONG_COST x
answered unanswerables) on the tune halves: citing something for a question the corpus cannot answer
costs more than a refusal. Held-out halves are reported, never used, beside the answerer's hand-set
cut-offs ("rules") on the same items. Writes results/decision.json.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..qa import Answerer, Retriever
from ..qa.decide import Features
from .corpora import load_manifest
from .dataset import Item, select_split
from .fit_retrieval import open_corpus

RESULTS = Path(__file__).resolve().parent / "results" / "decision.json"
WRONG_COST = 2.0  # a wrong citation costs two refusals
L2 = 0.01


Sample = tuple[Features, int, str, bool]


@dataclass(frozen=True)
class Decision:
    """A logistic answer-or-refuse decision over qa.decide.Features."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def p_answer(self, features: Features) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features.values(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def answers(self, features: Features) -> bool:
        return self.p_answer(features) >= self.threshold


def samples(answerer: Answerer[Any], items: Sequence[Item]) -> list[Sample]:
    """(features, label, type, whether the hand-set rules answer) of every item the typed rules let through."""
    found = []
    for item in items:
        assessed = answerer.assess(item.question, item.history)
        if assessed.features is None:
            continue
        found.append((assessed.features, int(item.type != "unanswerable"), item.type, assessed.refusal is None))
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


def utility(answers: Sequence[bool], data: Sequence[Sample]) -> dict[str, float]:
    """How a way of deciding (one yes/no per sample) fares: right and wrong answers, cited unanswerables."""
    answered = [(label, kind) for yes, (_, label, kind, _) in zip(answers, data, strict=True) if yes]
    right = sum(label for label, _ in answered)
    wrong = len(answered) - right
    return {
        "items": len(data),
        "answered": len(answered),
        "right": right,
        "wrong": wrong,
        "utility": right - WRONG_COST * wrong,
        "unanswerable_answered": sum(1 for _, kind in answered if kind == "unanswerable"),
        "unanswerable": sum(1 for _, _, kind, _ in data if kind == "unanswerable"),
    }


def decided(decision: Decision, data: Sequence[Sample]) -> list[bool]:
    return [decision.answers(f) for f, _, _, _ in data]


def by_rules(data: Sequence[Sample]) -> list[bool]:
    return [rules for _, _, _, rules in data]


def fit(tune: Sequence[Sample]) -> Decision:
    x = np.array([f.values() for f, _, _, _ in tune])
    y = np.array([label for _, label, _, _ in tune], dtype=float)
    w, b = logistic(x, y)
    best: tuple[float, Decision] | None = None
    for threshold in np.linspace(0.05, 0.95, 91):
        candidate = Decision(tuple(round(float(v), 4) for v in w), round(b, 4), round(float(threshold), 2))
        score = utility(decided(candidate, tune), tune)["utility"]
        if best is None or score > best[0]:
            best = (score, candidate)
    assert best is not None
    return best[1]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("artifacts/fit"), help="indexes of the dev corpora")
    args = parser.parse_args(argv)
    from .dataset import load_dataset

    halves: dict[str, dict[str, list[Sample]]] = {}
    for corpus in load_manifest():
        answerer: Answerer[Any] = Answerer(Retriever(open_corpus(corpus, args.data_dir)))
        items = load_dataset(corpus.dataset)
        halves[corpus.name] = {half: samples(answerer, select_split(items, half)) for half in ("tune", "heldout")}
    decision = fit([s for h in halves.values() for s in h["tune"]])
    result = {
        "decision": {"weights": list(decision.weights), "bias": decision.bias, "threshold": decision.threshold},
        "features": list(Features.__dataclass_fields__),
        "wrong_cost": WRONG_COST,
        "per_corpus": {
            name: {
                half: {"decision": utility(decided(decision, data), data), "rules": utility(by_rules(data), data)}
                for half, data in h.items()
            }
            for name, h in halves.items()
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
