"""The corpus loader: the bundled catalog is verified, user folders get derived metadata, catalogs override."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from citeqa.corpus import BUNDLED_DIR, CorpusError, Document, load_corpus, read_corpus
from citeqa.corpus.catalog import SUGGESTED, write_suggested
from citeqa.corpus.loader import sha256_of

SHARED = BUNDLED_DIR.parent.parent / "shared" / "corpus"


def test_bundled_documents_match_their_catalog_hashes() -> None:
    documents = load_corpus()
    assert len(documents) == 5
    for doc in documents:
        raw = (BUNDLED_DIR / "documents" / doc.source_file).read_bytes()
        assert sha256_of(raw) == doc.sha256
        assert doc.text == raw.decode("utf-8")
        assert set(doc.derived_from.values()) == {"catalog.json"}


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
    assert (doc.date, doc.date_inferred) == ("2020-05-01", ("all",))
    assert doc.derived_from["date"] == "file name (inferred)"


def test_same_stem_in_two_formats_keeps_the_suffix_in_the_ids(tmp_path: Path) -> None:
    (tmp_path / "report.md").write_text("# Report\n\nThe summary.\n", encoding="utf-8")
    (tmp_path / "report.txt").write_text("Report\n\nThe full text.\n", encoding="utf-8")
    assert sorted(d.id for d in load_corpus(tmp_path)) == ["report-md", "report-txt"]


def test_a_catalog_entry_overrides_only_the_fields_it_gives(tmp_path: Path) -> None:
    (tmp_path / "minutes.txt").write_text("Board minutes, 3 May 2019\n\nThe board met.\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Other Notes\n\nNothing else.\n", encoding="utf-8")
    catalog = {"documents": [{"source_file": "minutes.txt", "title": "Harbour Board Minutes", "kind": "minutes"}]}
    (tmp_path / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    by_file = {d.source_file: d for d in load_corpus(tmp_path)}
    minutes = by_file["minutes.txt"]
    assert (minutes.title, minutes.kind, minutes.date) == ("Harbour Board Minutes", "minutes", "2019-05-03")
    assert minutes.derived_from["title"] == "catalog.json"
    assert minutes.derived_from["date"] == "header line 1 (inferred)"
    assert by_file["other.txt"].title == "Other Notes"


def test_the_suggested_catalog_renamed_to_catalog_json_gives_the_same_documents(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Version 2 notes\n\nTide Tables for 2022\n\nHigh water at six.\n", encoding="utf-8")
    derived = load_corpus(tmp_path)
    path = write_suggested(tmp_path, derived)
    assert path.name == SUGGESTED
    entry = json.loads(path.read_text(encoding="utf-8"))["documents"][0]
    assert entry["title"] == "Tide Tables for 2022" and entry["derived_from"]["title"].startswith("first heading")
    entry["title"] = "Tide Tables"
    (tmp_path / "catalog.json").write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
    (doc,) = load_corpus(tmp_path)
    assert doc.title == "Tide Tables" and doc.date == derived[0].date and doc.text == derived[0].text


def test_a_document_survives_its_stored_record() -> None:
    doc = load_corpus()[0]
    assert Document.from_record({**doc.metadata(), "text": doc.text}) == doc


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_a_folder_of_only_unreadable_files_is_a_clear_error_naming_them(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"no readable documents .*empty\.txt: empty file"):
        load_corpus(tmp_path)


def test_non_utf8_text_is_skipped_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("caf\xe9 policy".encode("latin-1"))
    (tmp_path / "good.txt").write_text("Good\n\nText.\n", encoding="utf-8")
    report = read_corpus(tmp_path)
    assert [d.source_file for d in report.documents] == ["good.txt"]
    assert [s.line() for s in report.skipped] == ["skipped latin.txt: not valid UTF-8 (byte 3); convert it to UTF-8"]


def test_catalog_hash_mismatch_is_a_clear_error(tmp_path: Path) -> None:
    shutil.copytree(BUNDLED_DIR / "documents", tmp_path / "documents")
    catalog = json.loads((BUNDLED_DIR / "catalog.json").read_text(encoding="utf-8"))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    target = tmp_path / "documents" / "004_f23e8d0d1bd20d81.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nAn added line.", encoding="utf-8")
    with pytest.raises(CorpusError, match="does not match its catalog hash"):
        load_corpus(tmp_path)


def test_catalog_naming_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A\n\nText.\n", encoding="utf-8")
    (tmp_path / "catalog.json").write_text(json.dumps({"documents": [{"source_file": "gone.pdf"}]}), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"lists gone\.pdf, not in"):
        load_corpus(tmp_path)


def test_folder_with_no_documents_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(CorpusError, match=r"no txt, md, .*pdf.* files"):
        load_corpus(tmp_path)
