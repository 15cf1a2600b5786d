"""`citeqa serve` as a real subprocess over the session's index."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from citeqa.index import Index
from citeqa.settings import Settings
from tests.conftest import free_port
from tests.ui.conftest import QUESTIONS, assert_contract


def _command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("citeqa")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "import sys; from citeqa.ui.cli import main; main(sys.argv[1:])", *args]


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "CITEQA_DATA_DIR": str(data_dir), "CITEQA_QUERY_THREADS": "1"}


@contextmanager
def _served(data_dir: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    process = subprocess.Popen(
        _command("serve", "--port", str(port), *args),
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()  # printed once the server listens
        assert f"citeqa is running at http://127.0.0.1:{port}/" in banner, (
            process.stderr.read() if process.stderr else ""
        )
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(url: str, timeout: float = 90) -> None:
    """Poll /healthz; anything but 200 must be a 503 in the error shape (or not listening yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{url}/healthz", timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        if response.status_code == 200:
            assert response.json()["ready"] is True
            return
        assert response.status_code == 503 and response.json()["error"]["code"] == "not_ready", response.text
        time.sleep(0.2)
    raise AssertionError("the server never became ready")


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_starts_reports_healthy_and_answers(settings: Settings, index: Index, workers: int) -> None:
    with _served(settings.data_dir, "--workers", str(workers)) as (url, process):
        _wait_until_ready(url)
        answers = [httpx.post(f"{url}/v1/ask", json={"question": QUESTIONS[0]}, timeout=60) for _ in range(workers * 2)]
        for response in answers:
            assert response.status_code == 200, response.text
            assert_contract(response.json(), index)
        assert answers[0].json()["citations"]
    # Stopped with Ctrl-C: it exits on its own, quietly.
    assert process.returncode is not None
    assert process.stderr is not None and "Traceback" not in process.stderr.read()


def _serve_fails(data_dir: Path, *args: str) -> str:
    result = subprocess.run(_command("serve", *args), env=_env(data_dir), capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_serve_on_a_port_in_use_fails_in_one_line(settings: Settings, index: Index) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _serve_fails(settings.data_dir, "--port", str(port))
    assert line.startswith("citeqa: cannot listen on 127.0.0.1:") and "in use" in line


def test_serve_with_a_mismatched_index_fails_in_one_line(settings: Settings, index: Index, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(settings.data_dir, data_dir)
    manifest_path = index.build.relative_to(settings.data_dir)
    manifest_file = data_dir / manifest_path / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["chunker_version"] = "0/old"
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    line = _serve_fails(data_dir, "--port", str(free_port()))
    assert line.startswith("citeqa: ") and "rebuild" in line
