"""Client/server mode: CITEQA_CHROMA_HOST points the index at a real `chroma run` server."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import httpx
import pytest

from citeqa import wiring
from citeqa.settings import Settings
from tests.conftest import free_port, stop

STARTUP_SECONDS = 30


def _chroma_cli() -> str:
    beside_python = Path(sys.executable).with_name("chroma")
    found = str(beside_python) if beside_python.exists() else shutil.which("chroma")
    if found is None:
        pytest.fail("the `chroma` command (shipped by the chromadb package) is not installed")
    return found


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    """A `chroma run` server on 127.0.0.1 and a free port; always terminated, even when the test fails."""
    port = free_port()
    log = open(tmp_path / "chroma.log", "wb")  # noqa: SIM115 - closed below, after the process ends
    process = subprocess.Popen(
        [_chroma_cli(), "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not answer: {(tmp_path / 'chroma.log').read_text(errors='replace')}")
            time.sleep(0.2)
        yield port
    finally:
        stop(process, signal.SIGTERM, timeout=10)
        log.close()


def _write_corpus(folder: Path) -> None:
    folder.mkdir()
    (folder / "harbour.txt").write_text(
        "Harbour notes\n\nThe harbour of Lindqvist was rebuilt in 1987 after a storm destroyed the old pier.\n\n"
        "Fishermen from the northern villages land their catch at the new quay every morning.\n",
        encoding="utf-8",
    )
    (folder / "observatory.txt").write_text(
        "Observatory notes\n\nThe observatory on Mount Keller opened in 2004 and houses a two-metre telescope.\n",
        encoding="utf-8",
    )


def _collections(port: int) -> set[str]:
    return {c.name for c in chromadb.HttpClient(host="127.0.0.1", port=port).list_collections()}


def test_index_query_and_rebuild_through_a_chroma_server(
    tmp_path: Path, chroma_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus)
    monkeypatch.setenv("CITEQA_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CITEQA_CHROMA_PORT", str(chroma_server))
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, index_threads=2, _env_file=None)  # type: ignore[call-arg]
    assert settings.chroma_host == "127.0.0.1"
    embedder = wiring.embedder_for(settings, indexing=True)

    first = wiring.build(settings, embedder)
    index = wiring.open_index(settings, embedder)
    assert index.manifest["collection"] in _collections(chroma_server)
    assert not (index.build / "chroma").exists()  # the vectors live on the server, not beside the build
    assert index.vectors.count() == len(index.body_ids) == 3
    assert index.dense(index.embed_query("when did the observatory open"), 1)[0].paragraph_id.startswith("observatory#")

    (corpus / "observatory.txt").write_text(
        "Observatory notes\n\nThe observatory on Mount Keller closed in 2020 for repairs to its dome.\n",
        encoding="utf-8",
    )
    second = wiring.build(settings, embedder)
    assert second.changed == ["observatory"] and second.unchanged == ["harbour"]
    assert second.embedded == 2  # the changed paragraph and its one sentence; the harbour vectors are reused
    index = wiring.open_index(settings, embedder)
    top = index.dense(index.embed_query("why was the observatory closed"), 1)[0]
    hit, similarity = top.paragraph_id, top.score
    assert index.chunks[hit].text.startswith("The observatory on Mount Keller closed in 2020")
    assert 0.5 < similarity <= 1.0

    (corpus / "harbour.txt").unlink()
    third = wiring.build(settings, embedder)
    assert third.removed == ["harbour"]
    # Two builds are kept (a running server may still read the previous one); the oldest collection is dropped.
    assert _collections(chroma_server) == {f"citeqa-{second.build}", f"citeqa-{third.build}"}
    assert f"citeqa-{first.build}" not in _collections(chroma_server)
    assert wiring.open_index(settings, embedder).body_ids == [hit]
