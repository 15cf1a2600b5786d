"""Fixtures for the eval harness tests: a two-document corpus small enough to reason about by hand."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from citeqa.corpus import Document
from citeqa.evals.dataset import load_dataset
from citeqa.evals.evidence import Corpus
from citeqa.evals.runner import PythonTarget, Run, Target, retrieval_targets, run
from citeqa.qa import Answerer

ALPHA = (
    "Alpha report\n\n"
    "The harbour opened in 1901 after ten years of building work by the city council. "
    "Ships from four continents called there within a decade of the opening.\n\n"
    "The lighthouse keeper kept a daily log of every vessel that passed the northern reef."
)
BETA = (
    "Beta notes\n\n"
    "Fishing quotas were cut by a third in 1975 to protect the spawning grounds of the cod. "
    "The cut was reversed in 1980 once the stocks had recovered to their earlier level."
)


def document(doc_id: str, source_file: str, text: str) -> Document:
    return Document(
        id=doc_id,
        title=text.split("\n", 1)[0],
        date="1901",
        kind="report",
        language="en",
        source_file=source_file,
        sha256="0" * 64,
        description="test document",
        text=text,
    )


@pytest.fixture
def small_documents() -> list[Document]:
    return [document("alpha", "alpha.txt", ALPHA), document("beta", "beta.txt", BETA)]


@pytest.fixture
def small_corpus(small_documents: list[Document]) -> Corpus:
    return Corpus(small_documents)


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[[Sequence[Any]], Path]:
    """A dataset file from rows: dicts are written as JSON, strings as they are (for malformed lines)."""

    def write(rows: Sequence[Any]) -> Path:
        path = tmp_path / "items.jsonl"
        lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def item(id: str = "t1", type: str = "factual", quotes: Sequence[tuple[str, str]] = (), **extra: Any) -> dict[str, Any]:
    """A dataset row in the contract format."""
    return {
        "id": id,
        "question": f"question {id}?",
        "answer": "reference answer",
        "gold_quotes": [{"doc": doc, "quote": quote} for doc, quote in quotes],
        "any_of": False,
        "type": type,
        **extra,
    }


SMOKE = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "smoke.jsonl"


@pytest.fixture(scope="session")
def smoke_runs(answerer: Answerer) -> list[Run]:
    """The smoke set through the real answerer and the three retrieval configurations (a few seconds)."""
    items = load_dataset(SMOKE)
    corpus = Corpus(answerer.index.documents.values())
    golds = corpus.locate(items)
    targets: list[Target] = [PythonTarget(answerer, 10), *retrieval_targets(answerer, 10)]
    return [run(target, items, golds, corpus) for target in targets]
