"""Chroma behind LlamaIndex's ChromaVectorStore: the one place that opens a Chroma client.

Nodes are written through ChromaVectorStore, so the collection stays a LlamaIndex vector store. Queries
go to the collection directly and ask only for ids and distances: the store's query also fetches every
hit's text and metadata and rebuilds LlamaIndex nodes that the search throws away (measured: 3.3 ms
against 1.2 ms per 40-candidate query on the bundled corpus).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from .chunking import Chunk

COLLECTION_PREFIX = "citeqa-"


def open_client(path: Path | None = None, host: str | None = None, port: int = 8000) -> Any:
    settings = ChromaSettings(anonymized_telemetry=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    assert path is not None
    return chromadb.PersistentClient(path=str(path), settings=settings)


class VectorIndex:
    """Dense search over chunk vectors; embeddings are always passed in, never computed by Chroma."""

    def __init__(self, client: Any, collection_name: str) -> None:
        self.client = client
        # embedding_function=None: Chroma's default would download a model at the first add or query.
        self.collection = client.get_or_create_collection(
            collection_name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )
        self.store = ChromaVectorStore(chroma_collection=self.collection)
        # A build's collection is written once, by that build, so its size is known without asking
        # Chroma on every query (a round trip to the server in client/server mode).
        self._count = int(self.collection.count())

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray, batch: int = 2000) -> None:
        nodes: list[BaseNode] = []
        # tolist() gives the same Python floats as float() per element, ten times faster at 100k chunks.
        for chunk, vector in zip(chunks, vectors.tolist(), strict=True):
            node = TextNode(
                id_=chunk.id,
                text=chunk.text,
                embedding=vector,
                metadata={"document_id": chunk.document_id, "language": chunk.language},
            )
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=chunk.document_id)
            nodes.append(node)
        for i in range(0, len(nodes), batch):
            self.store.add(nodes[i : i + batch])
        self._count = int(self.collection.count())

    def count(self) -> int:
        return self._count

    def search(self, vector: np.ndarray, k: int, document_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        k = min(k, self.count())
        if k <= 0:
            return []
        where = {"document_id": {"$in": list(document_ids)}} if document_ids else None
        result = self.collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32)[None, :],
            n_results=k,
            where=where,
            include=["distances"],
        )
        # Cosine space: the distance is 1 - cosine.
        return [(node_id, 1.0 - float(d)) for node_id, d in zip(result["ids"][0], result["distances"][0], strict=True)]
