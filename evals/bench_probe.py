"""A fresh process that serves one index the way `citeqa serve` does, and measures itself.

Run as `python -m evals.bench_probe RESULT.json LAUNCHED [--baseline] [--questions N]` with CITEQA_* in
the environment (CITEQA_DATA_DIR names the index). LAUNCHED is the parent's wall clock just before it
started this process, so cold start covers interpreter start, imports, opening the index and the first
answer.
Memory is this process's resident set, which holds only what serving the index needs.

Like `citeqa eval`, this is an edge: it alone reads Settings and wires the answerer through ui.wiring.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

FIRST_QUESTION = "What did the speech say about core technologies?"


def _memory_mb() -> dict[str, float]:
    """Resident set now and at its peak (VmRSS, VmHWM), from /proc."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS", 0.0), "peak_rss_mb": fields.get("VmHWM", 0.0)}


def probe(launched: float, baseline: bool, questions: int | None) -> dict[str, Any]:
    started = time.time()
    from .. import wiring
    from ..settings import Settings

    imported = time.time()
    settings = Settings()  # type: ignore[call-arg]  # read from CITEQA_* like `citeqa serve` workers
    index = wiring.open_index(settings, wiring.embedder_for(settings))
    answerer = wiring.open_answerer(settings, index)
    opened = time.time()
    answerer.ask(FIRST_QUESTION, use_llm=False)
    answered = time.time()
    # Imported only now, so that cold start holds what serving needs and nothing the benchmark adds.
    from ..qa import Retriever
    from .bench_latency import measure
    from .bench_recall import answerable_items, dev_questions, recall_at

    result: dict[str, Any] = {
        "paragraphs": len(index.body_ids),
        "sentences": sum(len(index.sentences(pid)) for pid in index.paragraph_ids()),
        "documents": len(index.documents),
        "cold_start": {
            "interpreter_s": round(started - launched, 3),
            "imports_s": round(imported - started, 3),
            "open_index_s": round(opened - imported, 3),
            "first_answer_s": round(answered - opened, 3),
            "total_s": round(answered - launched, 3),
        },
        "memory_after_first_answer": _memory_mb(),
    }
    retriever = None
    if baseline:
        from llama_index.core import Settings as LlamaSettings

        from .baseline import BaselineTarget

        # No LLM is ever needed here; this keeps LlamaIndex from resolving its OpenAI default.
        LlamaSettings.llm = None
        retriever = BaselineTarget(list(index.documents.values()), index.embedder.model, answerer.top_k).retriever
    result["latency_ms"] = measure(answerer, dev_questions()[:questions], retriever)
    items, golds = answerable_items(list(index.documents.values()))
    items = items[:questions]
    result["recall@5"] = {
        "hybrid": recall_at(answerer.retriever, items, golds),
        "dense": recall_at(Retriever(index, lexical_weight=0.0), items, golds),
        "bm25": recall_at(Retriever(index, dense_weight=0.0), items, golds),
    }
    result["memory_serving"] = _memory_mb()
    return result


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.bench_probe")
    parser.add_argument("out", type=Path)
    parser.add_argument("launched", type=float)
    parser.add_argument("--baseline", action="store_true", help="also time LlamaIndex's default retriever")
    parser.add_argument("--questions", type=int, help="only the first N dev questions (smoke tests)")
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(probe(args.launched, args.baseline, args.questions), indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
