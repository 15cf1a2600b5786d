"""The corpus loader: the bundled catalog is verified, user folders get derived metadata, bad input is named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from citeqa.corpus import BUNDLED_DIR, CorpusError, load_corpus
from citeqa.corpus.loader import sha256_of

SHARED = BUNDLED_DIR.parent.parent / "shared" / "corpus"


def test_bundled_documents_match_their_catalog_hashes() -> None:
    documents = load_corpus()
    assert len(documents) == 5
    for doc in documents:
        raw = (BUNDLED_DIR / "documents" / doc.source_file).read_bytes()
        assert sha256_of(raw) == doc.sha256
        assert doc.text == raw.decode("utf-8")


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared corpus is not beside this checkout")
def test_bundled_documents_are_byte_copies_of_the_shared_corpus() -> None:
    for path in SHARED.glob("*.txt"):
        assert (BUNDLED_DIR / "documents" / path.name).read_bytes() == path.read_bytes()


def test_catalog_records_partial_and_inferred_dates() -> None:
    by_file = {d.source_file: d for d in load_corpus()}
    assert by_file["002_07323cb4183408b1.txt"].date == "2017"
    assert "year" in by_file["003_bd720d3cabb8a03b.txt"].date_inferred


def test_folder_without_catalog_gets_derived_metadata(tmp_path: Path) -> None:
    (tmp_path / "2020-05-01 notes.md").write_text("# Notes on policy\n\nA paragraph.\n", encoding="utf-8")
    (doc,) = load_corpus(tmp_path)
    assert doc.id == "2020-05-01-notes"
    assert doc.title == "Notes on policy"
    assert doc.date == "2020-05-01"


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"empty\.txt is empty"):
        load_corpus(tmp_path)


def test_non_utf8_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("caf\xe9 policy".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin\.txt is not valid UTF-8"):
        load_corpus(tmp_path)


def test_catalog_hash_mismatch_is_a_clear_error(tmp_path: Path) -> None:
    shutil.copytree(BUNDLED_DIR / "documents", tmp_path / "documents")
    catalog = json.loads((BUNDLED_DIR / "catalog.json").read_text(encoding="utf-8"))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    target = tmp_path / "documents" / "004_f23e8d0d1bd20d81.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nAn added line.", encoding="utf-8")
    with pytest.raises(CorpusError, match="does not match its catalog hash"):
        load_corpus(tmp_path)


def test_folder_with_no_documents_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(CorpusError, match=r"no \.txt or \.md files"):
        load_corpus(tmp_path)
