"""The standard way, for comparison: LlamaIndex's default pipeline over the same documents and embedder.

SentenceSplitter with its defaults (1024-token chunks, 200 overlap), an in-memory VectorStoreIndex
embedded with citeqa's own embedding model, the top-k nodes by similarity. Without an LLM the default
pipeline has no answer step; what it shows as sources is its query engine's default: the top two
nodes, whole (similarity_top_k=2), the way chat front ends cite whole chunks. It never refuses. Only the retriever is used, so no LLM is ever resolved (LlamaIndex's default would be OpenAI).
Follow-up questions go in alone: condensing the history is an LLM step the default pipeline lacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core import Document as LlamaDocument
from llama_index.core import VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import NodeWithScore

from ..corpus import Document
from .dataset import Item
from .metrics import ANSWERER

SOURCE_NODES = 2  # LlamaIndex's default similarity_top_k for a query engine


class BaselineTarget:
    kind = ANSWERER

    def __init__(self, documents: Sequence[Document], embed_model: BaseEmbedding, top_k: int) -> None:
        self.name = "baseline"
        self.documents = {d.id: d for d in documents}
        nodes = SentenceSplitter().get_nodes_from_documents([LlamaDocument(text=d.text, id_=d.id) for d in documents])
        self.chunks = len(nodes)
        self.retriever = VectorStoreIndex(nodes, embed_model=embed_model).as_retriever(similarity_top_k=top_k)

    def ask(self, item: Item) -> dict[str, Any]:
        passages = [p for p in (self._passage(hit) for hit in self.retriever.retrieve(item.question)) if p]
        if not passages:
            return {"question": item.question, "answer": "", "refused": False, "citations": [], "passages": []}
        citations = []
        for marker, top in enumerate(passages[:SOURCE_NODES], start=1):
            doc = self.documents[top["document_id"]]
            citations.append(
                {
                    "marker": marker,
                    "document_id": doc.id,
                    "source_file": doc.source_file,
                    "title": doc.title,
                    "date": doc.date,
                    "paragraph_id": top["paragraph_id"],
                    "quote": doc.text[top["start"] : top["end"]],
                    "start": top["start"],
                    "end": top["end"],
                }
            )
        return {
            "question": item.question,
            "answer": " ".join(f"{c['quote']} [{c['marker']}]" for c in citations),
            "refused": False,
            "citations": citations,
            "passages": passages,
        }

    def _passage(self, hit: NodeWithScore) -> dict[str, Any] | None:
        node = hit.node
        doc = self.documents.get(node.ref_doc_id or "")
        if doc is None:
            return None
        text = node.get_content()
        # The splitter records offsets on text nodes; fall back to searching when a node lacks them.
        start = getattr(node, "start_char_idx", None)
        if start is None or doc.text[start : start + len(text)] != text:
            start = doc.text.find(text)
            if start < 0:
                return None
        return {
            "paragraph_id": node.node_id,
            "document_id": doc.id,
            "source_file": doc.source_file,
            "text": text,
            "start": start,
            "end": start + len(text),
            "score": hit.score,
        }
