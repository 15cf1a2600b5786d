"""The LlamaIndex baseline on the two-document corpus, with a constant embedding so no model loads."""

from __future__ import annotations

import pytest
from llama_index.core import Settings as LlamaSettings
from llama_index.core.embeddings import MockEmbedding

from citeqa.corpus import Document
from citeqa.evals.baseline import BaselineTarget
from citeqa.evals.dataset import parse_item
from tests.evals.conftest import item


def test_baseline_cites_its_top_two_nodes_whole_at_exact_offsets(small_documents: list[Document]) -> None:
    target = BaselineTarget(small_documents, MockEmbedding(embed_dim=8), top_k=10)
    answer = target.ask(parse_item(item("b1", type="unanswerable"), "test"))
    texts = {d.id: d.text for d in small_documents}
    # Each short document fits one default 1024-token node, so both come back whole.
    assert target.chunks == 2
    assert sorted((p["document_id"], p["start"], p["end"]) for p in answer["passages"]) == [
        ("alpha", 0, len(texts["alpha"])),
        ("beta", 0, len(texts["beta"])),
    ]
    citations = answer["citations"]
    assert [c["marker"] for c in citations] == [1, 2]
    for citation, passage in zip(citations, answer["passages"], strict=True):
        assert citation["quote"] == texts[citation["document_id"]][citation["start"] : citation["end"]]
        assert citation["quote"] == passage["text"]
    assert answer["refused"] is False  # the standard pipeline has no abstention


def test_baseline_never_resolves_an_llm(small_documents: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    # LlamaIndex's default LLM is OpenAI: resolving it at all would mean a network call was possible.
    monkeypatch.setattr(LlamaSettings, "_llm", None)
    target = BaselineTarget(small_documents, MockEmbedding(embed_dim=8), top_k=3)
    target.ask(parse_item(item("b2", type="unanswerable"), "test"))
    assert LlamaSettings._llm is None
