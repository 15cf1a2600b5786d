"""Load benchmark of the HTTP API: `citeqa serve` on 127.0.0.1, concurrent clients, bounded in requests and time.

    python -m evals.load --data-dir data --workers 1 2 --clients 16 --requests 2000

Starts the server itself (one subprocess per worker count), waits for /healthz, runs a single-client
phase (latency) and a concurrent phase (throughput), and stops the server. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

DATASET = Path(__file__).resolve().parent / "datasets" / "smoke.jsonl"
START_TIMEOUT = 180.0  # a cold start imports Gradio and loads the models: tens of seconds on a busy machine
REQUEST_TIMEOUT = 60.0


def dataset_questions(path: Path = DATASET) -> list[str]:
    """Questions of an eval dataset that stand on their own (follow-ups need their history)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in rows if not row.get("history")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(data_dir: Path, workers: int) -> Iterator[str]:
    """A `citeqa serve` subprocess on a free port of 127.0.0.1; yields its URL once /healthz says ready."""
    port = _free_port()
    command = [sys.executable, "-c", "import sys; from citeqa.ui.cli import main; main(sys.argv[1:])"]
    command += ["--data-dir", str(data_dir), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    env = {"CITEQA_QUERY_THREADS": "1", **os.environ}
    with tempfile.TemporaryFile("w+") as log:
        # Its own session, so that stopping it reaches the workers it started and nothing else.
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_ready(url, process, log)
            yield url
        finally:
            _stop(process)


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Any) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"citeqa serve exited with {process.returncode}: {log.read()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"citeqa serve was not ready within {START_TIMEOUT:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _percentile(ordered: Sequence[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def hammer(url: str, clients: int, requests: int, questions: Sequence[str], time_cap: float) -> dict[str, Any]:
    """`requests` POSTs to /v1/ask from `clients` threads, stopping early at `time_cap` seconds.

    Request n asks questions[n % len] with its number appended, so that the embedder's query cache
    does not turn this into a benchmark of the cache.
    """
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = 0
    started = time.perf_counter()
    deadline = started + time_cap

    def client() -> None:
        nonlocal issued
        with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as http:
            while True:
                with lock:
                    if issued >= requests or time.perf_counter() > deadline:
                        return
                    n = issued
                    issued += 1
                question = f"{questions[n % len(questions)]} ({n})"
                began = time.perf_counter()
                try:
                    response = http.post("/v1/ask", json={"question": question})
                    problem = None if response.status_code == 200 else f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    problem = type(exc).__name__
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "requests": requests,
        "completed": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "stopped_by_time_cap": len(latencies) < requests,
        "seconds": round(seconds, 2),
        "throughput_rps": round(len(latencies) / seconds, 2) if seconds else 0.0,
        "latency_ms": {
            "p50": round(_percentile(ordered, 0.50), 1),
            "p95": round(_percentile(ordered, 0.95), 1),
            "p99": round(_percentile(ordered, 0.99), 1),
            "max": round(ordered[-1], 1) if ordered else float("nan"),
        },
    }


def run_load(
    data_dir: Path | str,
    workers: int,
    clients: int,
    requests: int,
    questions: Sequence[str],
    *,
    time_cap: float = 300.0,
) -> dict[str, Any]:
    """Start `citeqa serve --workers N` over `data_dir`, run one load phase against it, stop it."""
    with serving(Path(data_dir), workers) as url:
        return {"workers": workers, **hammer(url, clients, requests, questions, time_cap)}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("CITEQA_DATA_DIR", "data")))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000, help="requests of the concurrent phase")
    parser.add_argument("--single-requests", type=int, default=100, help="requests of the single-client phase")
    parser.add_argument("--time-cap", type=float, default=300.0, help="seconds per phase at most")
    parser.add_argument("--dataset", type=Path, default=DATASET, help="questions from this eval dataset")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    questions = dataset_questions(args.dataset)
    runs = []
    for workers in args.workers:
        with serving(args.data_dir, workers) as url:
            for clients, requests in ((1, args.single_requests), (args.clients, args.requests)):
                result = {"workers": workers, **hammer(url, clients, requests, questions, args.time_cap)}
                runs.append(result)
                latency = result["latency_ms"]
                print(
                    f"workers={workers} clients={clients:>2}: {result['completed']} requests in {result['seconds']} s, "
                    f"{result['throughput_rps']} req/s, p50 {latency['p50']} ms, p95 {latency['p95']} ms, "
                    f"errors {result['errors']}{' (time cap reached)' if result['stopped_by_time_cap'] else ''}",
                    flush=True,
                )
    report = {"data_dir": str(args.data_dir), "questions": len(questions), "runs": runs}
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
