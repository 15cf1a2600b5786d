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
from typing import Any

import httpx
import pytest

from citeqa.index import Index
from citeqa.settings import Settings
from tests.conftest import free_port, stop
from tests.ui.conftest import QUESTIONS, assert_contract


def _command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("citeqa")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "import sys; from citeqa.ui.cli import main; main(sys.argv[1:])", *args]


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "CITEQA_DATA_DIR": str(data_dir), "CITEQA_QUERY_THREADS": "1"}


@contextmanager
def _served(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    process = subprocess.Popen(
        _command("serve", "--port", str(port), *args),
        env=env or _env(data_dir),
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
        stop(process)


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


def _served_with(data_dir: Path, **env: str) -> Any:
    """`citeqa serve` with extra CITEQA_* settings in its environment."""
    extra = {f"CITEQA_{name.upper()}": value for name, value in env.items()}
    return _served(data_dir, env={**_env(data_dir), **extra})


def _stderr_after(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    return err


def test_a_spoofed_forwarded_for_does_not_change_the_client_unless_the_proxy_is_trusted(
    settings: Settings, index: Index
) -> None:
    with _served_with(settings.data_dir, rate_limit_per_minute="3") as (url, process):
        _wait_until_ready(url)
        spoofed = [httpx.get(f"{url}/v1/models", headers={"X-Forwarded-For": f"10.0.0.{i}"}) for i in range(5)]
        assert [r.status_code for r in spoofed] == [200, 200, 200, 429, 429]
        log = _stderr_after(process)
    clients = {json.loads(line)["client"] for line in log.splitlines() if '"/v1/models"' in line}
    assert clients == {"127.0.0.1"}

    with _served_with(settings.data_dir, rate_limit_per_minute="3", trusted_proxies='["127.0.0.1"]') as (url, process):
        _wait_until_ready(url)
        forwarded = [httpx.get(f"{url}/v1/models", headers={"X-Forwarded-For": f"10.0.0.{i}"}) for i in range(5)]
        assert [r.status_code for r in forwarded] == [200] * 5
        log = _stderr_after(process)
    clients = {json.loads(line)["client"] for line in log.splitlines() if '"/v1/models"' in line}
    assert clients == {f"10.0.0.{i}" for i in range(5)}


def test_a_slow_client_is_cut_off_and_the_log_keeps_to_api_calls(settings: Settings, index: Index) -> None:
    with _served_with(settings.data_dir, read_timeout="1") as (url, process):
        _wait_until_ready(url)
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=15) as slow:
            slow.sendall(b"POST /v1/ask HTTP/1.1\r\nHost: x\r\n")  # ... and never the rest
            assert slow.recv(1024) == b""  # closed by the server, well before the socket's own 15 s
        # A client that keeps to time is served as before.
        assert httpx.post(f"{url}/v1/ask", json={"question": QUESTIONS[0]}, timeout=60).status_code == 200
        assert httpx.get(f"{url}/").status_code == 200
        assert httpx.get(f"{url}/theme.css").status_code == 200
        log = _stderr_after(process)
    paths = [json.loads(line)["path"] for line in log.splitlines() if line.startswith("{")]
    # Page loads, assets and health polls are debug lines; API calls stay in the log.
    assert "/v1/ask" in paths and "/" not in paths and "/theme.css" not in paths and "/healthz" not in paths
