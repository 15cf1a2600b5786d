"""A running server follows `citeqa index`: no failed request during a rebuild, the new build's answers after it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from citeqa import wiring
from citeqa.index import Layout
from citeqa.index.integrity import HNSW_FILES
from citeqa.settings import Settings
from tests.conftest import LiveServer, free_port, stop

CITEQA = str(Path(sys.executable).with_name("citeqa"))
QUESTIONS = ("What must the internet be governed by?", "What is the key to the country?")
NEW_QUESTION = "What do quantum satellites carry between ground stations?"


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "alpha.txt").write_text(
        "Alpha\n\nCore technology is the key to the country.\n\nTalent is the root of wealth.", encoding="utf-8"
    )
    (folder / "beta.txt").write_text("Beta\n\nThe internet must be governed by law.", encoding="utf-8")
    return folder


def _add_new_document(corpus: Path) -> None:
    (corpus / "delta.txt").write_text(
        "Delta\n\nQuantum satellites carry encryption keys between ground stations.", encoding="utf-8"
    )


def _env(data: Path, corpus: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CITEQA_DATA_DIR": str(data),
        "CITEQA_CORPUS_DIR": str(corpus),
        "CITEQA_QUERY_THREADS": "1",
        "CITEQA_INDEX_THREADS": "1",
        "CITEQA_RELOAD_CHECK_SECONDS": "0.5",
    }


def _wait_for_build(client: httpx.Client, build: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get("/healthz")
        if response.status_code == 200 and response.json()["build"] == build:
            return
        time.sleep(0.2)
    raise AssertionError(f"the server never served build {build}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[httpx.Client, Path, Path]]:
    """`citeqa serve` as a subprocess over a small corpus of its own; its log goes to tmp_path/serve.log."""
    corpus, data = _corpus(tmp_path / "corpus"), tmp_path / "data"
    env = _env(data, corpus)
    subprocess.run([CITEQA, "index"], env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    # A file, not a pipe: one log line per request would fill a pipe nobody reads and stall the server.
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [CITEQA, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=log, text=True
    )
    try:
        assert process.stdout is not None
        assert "citeqa is running at" in process.stdout.readline()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            _wait_for_build(client, Layout(data).current().name)
            yield client, corpus, data
    finally:
        stop(process)
        log.close()


def test_a_rebuild_under_a_running_server_fails_no_request_and_its_answers_follow(
    server: tuple[httpx.Client, Path, Path], tmp_path: Path
) -> None:
    client, corpus, data = server
    old = Layout(data).current().name
    statuses: list[int] = []
    builds_seen: set[str] = set()
    stop = threading.Event()

    def keep_asking(question: str) -> None:
        with httpx.Client(base_url=client.base_url, timeout=60) as own:
            while not stop.is_set():
                statuses.append(own.post("/v1/ask", json={"question": question}).status_code)
                health = own.get("/healthz")
                statuses.append(health.status_code)
                if health.status_code == 200:
                    builds_seen.add(health.json()["build"])
                time.sleep(0.02)

    askers = [threading.Thread(target=keep_asking, args=(q,)) for q in QUESTIONS]
    for asker in askers:
        asker.start()
    try:
        _add_new_document(corpus)
        rebuilt = subprocess.run(
            [CITEQA, "index", "--rebuild"], env=_env(data, corpus), capture_output=True, text=True, timeout=300
        )
        assert rebuilt.returncode == 0, rebuilt.stderr
        new = Layout(data).current().name
        assert new != old
        _wait_for_build(client, new)
        during = len(statuses)
        while len(statuses) < during + 10:  # a few more requests on the new build
            time.sleep(0.05)
    finally:
        stop.set()
        for asker in askers:
            asker.join(timeout=60)
    assert statuses and set(statuses) == {200}, sorted(set(statuses))
    assert builds_seen == {old, new}
    answer = client.post("/v1/ask", json={"question": NEW_QUESTION}).json()
    assert answer["passages"][0]["document_id"] == "delta"
    assert (data / "builds" / old).is_dir(), "the build before the live one is kept"
    assert '"event": "index_reloaded"' in (tmp_path / "serve.log").read_text(encoding="utf-8")


def _break_vector_search(build: Path) -> None:
    for folder in (build / "chroma").iterdir():
        if (folder / HNSW_FILES[0]).is_file():
            shutil.rmtree(folder)


def test_admin_reload_needs_the_key_switches_to_a_new_build_and_keeps_serving_over_a_damaged_one(
    tmp_path: Path,
) -> None:
    from citeqa.ui.app import create_app

    corpus, data = _corpus(tmp_path / "corpus"), tmp_path / "data"
    # Only the admin route reloads here: the periodic check is off.
    settings = Settings(  # type: ignore[call-arg]
        data_dir=data, corpus_dir=corpus, query_threads=1, api_key="k3y", reload_check_seconds=0, _env_file=None
    )
    embedder = wiring.embedder_for(settings)
    first = wiring.build(settings, embedder).build
    answerer = wiring.open_answerer(settings, wiring.open_index(settings, embedder))
    key = {"Authorization": "Bearer k3y"}
    with LiveServer(create_app(settings, answerer)) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        assert client.post("/v1/admin/reload").status_code == 401
        unchanged = client.post("/v1/admin/reload", headers=key)
        assert unchanged.status_code == 200, unchanged.text
        assert unchanged.json() == {"build": first, "previous": first, "changed": False}

        _add_new_document(corpus)
        damaged = wiring.build(settings, embedder, rebuild=True).build
        _break_vector_search(data / "builds" / damaged)
        refused = client.post("/v1/admin/reload", headers=key)
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "index_unavailable"
        assert "citeqa index --rebuild" in refused.json()["error"]["message"]
        still = client.post("/v1/ask", json={"question": QUESTIONS[0]}, headers=key)
        assert still.status_code == 200 and still.json()["passages"][0]["document_id"] == "beta"

        repaired = wiring.build(settings, embedder, rebuild=True).build
        switched = client.post("/v1/admin/reload", headers=key)
        assert switched.json() == {"build": repaired, "previous": first, "changed": True}
        answer = client.post("/v1/ask", json={"question": NEW_QUESTION}, headers=key).json()
        assert answer["passages"][0]["document_id"] == "delta"
