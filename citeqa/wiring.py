"""Turn Settings into the live parts (embedder, index, answerer); the only place that wires them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .corpus import CorpusReport, Document, read_corpus
from .corpus.loader import Progress as FileProgress
from .index.build import BuildReport, build_index
from .index.embedding import Embedder, load_embedder
from .index.layout import Layout
from .settings import Settings

if TYPE_CHECKING:
    from .index.store import Index
    from .qa import Answerer, Passage
    from .qa.llm import LLMGenerator


def embedder_for(settings: Settings, *, indexing: bool = False) -> Embedder:
    threads = settings.index_threads if indexing else settings.query_threads
    return load_embedder(settings.embedder, threads=threads)


def read_corpus_for(settings: Settings, progress: FileProgress | None = None) -> CorpusReport:
    return read_corpus(settings.corpus_dir, max_file_bytes=settings.max_file_mb * 2**20, progress=progress)


def documents_for(settings: Settings) -> list[Document]:
    return read_corpus_for(settings).documents


def build(
    settings: Settings,
    embedder: Embedder,
    *,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
    documents: list[Document] | None = None,
) -> BuildReport:
    return build_index(
        documents_for(settings) if documents is None else documents,
        Layout(settings.data_dir),
        embedder,
        max_tokens=settings.max_tokens,
        rebuild=rebuild,
        chroma_host=settings.chroma_host,
        chroma_port=settings.chroma_port,
        progress=progress,
    )


def open_index(settings: Settings, embedder: Embedder) -> Index:
    from .index.store import Index

    return Index.open(settings.data_dir, embedder, settings.max_tokens)


def open_answerer(settings: Settings, index: Index | None = None) -> Answerer[Index]:
    """The answerer the settings describe; the LLM step only when an endpoint is configured."""
    from .qa import Answerer, Retriever

    index = index or open_index(settings, embedder_for(settings))
    return Answerer(Retriever(index), llm=llm_for(settings, index), top_k=settings.top_k)


def passage_sentences(index: Index) -> Callable[[Passage], list[str]]:
    """A passage's sentences as the index split them: the only quotes constrained decoding allows."""

    def sentences(passage: Passage) -> list[str]:
        text = index.documents[passage.document_id].text
        return [text[s.span.start : s.span.end] for s in index.sentences(passage.paragraph_id)]

    return sentences


def llm_for(settings: Settings, index: Index) -> LLMGenerator | None:
    """The model the settings name: a GGUF file run in process, an OpenAI-compatible server, or none."""
    if settings.llm_model_path is None and not settings.llm_base_url:
        return None
    from .qa.llm import ChatTransport, HttpChat, LLMGenerator

    chat: ChatTransport
    if settings.llm_model_path is not None:
        from .qa.llm_local import LocalChat

        chat = LocalChat(settings.llm_model_path, threads=settings.llm_threads, context=settings.llm_context)
    else:
        chat = HttpChat(str(settings.llm_base_url), model=settings.llm_model, api_key=settings.llm_api_key)

    return LLMGenerator(
        chat,
        index.documents,
        passage_sentences(index),
        timeout=settings.llm_timeout,
        constrained=settings.llm_constrained,
        max_tokens=settings.llm_max_tokens,
    )
