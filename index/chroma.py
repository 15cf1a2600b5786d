"""Chroma behind LlamaIndex's ChromaVectorStore: the one place that opens a Chroma client."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.chunking import Chunk

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

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray, batch: int = 2000) -> None:
        nodes = []
        for chunk, vector in zip(chunks, vectors, strict=True):
            node = TextNode(
                id_=chunk.id,
                text=chunk.text,
                embedding=[float(x) for x in vector],
                metadata={"document_id": chunk.document_id, "language": chunk.language},
            )
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=chunk.document_id)
            nodes.append(node)
        for i in range(0, len(nodes), batch):
            self.store.add(nodes[i : i + batch])

    def count(self) -> int:
        return int(self.collection.count())

    def search(self, vector: np.ndarray, k: int, document_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        filters = None
        if document_ids:
            filters = MetadataFilters(
                filters=[MetadataFilter(key="document_id", value=list(document_ids), operator=FilterOperator.IN)]
            )
        k = min(k, self.count())
        if k <= 0:
            return []
        result = self.store.query(
            VectorStoreQuery(query_embedding=[float(x) for x in vector], similarity_top_k=k, filters=filters)
        )
        # ChromaVectorStore reports exp(-distance); with cosine space, cosine = 1 - distance.
        return [
            (node_id, 1.0 + math.log(max(sim, 1e-12)))
            for node_id, sim in zip(result.ids or [], result.similarities or [], strict=True)
        ]
