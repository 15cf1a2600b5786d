"""Bad files in a corpus folder: each is skipped with one reason, the rest load, nothing raises."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from citeqa.corpus import FileEvent, read_corpus
from tests.corpus.makers import make_pdf

GOOD = "Harbour Notes\n\nThe harbour master reported calm water all week.\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    return tmp_path


def skipped(folder: Path) -> dict[str, str]:
    report = read_corpus(folder)
    assert [d.source_file for d in report.documents] == ["good.txt"]
    return {s.source_file: s.reason for s in report.skipped}


def test_an_encrypted_pdf_is_skipped_as_needing_a_password(folder: Path) -> None:
    make_pdf(folder / "locked.pdf", [["A secret paragraph about the harbour budget."]], password="tide")
    assert skipped(folder) == {"locked.pdf": "encrypted PDF that needs a password; save an unencrypted copy"}


def test_a_truncated_pdf_is_skipped_as_unreadable(folder: Path) -> None:
    whole = make_pdf(folder / "whole.pdf", [["Some text on the first page."], ["More text on the second page."]])
    (folder / "cut.pdf").write_bytes(whole.read_bytes()[:200])
    whole.unlink()
    assert skipped(folder)["cut.pdf"].startswith("not a readable PDF (")


def test_garbage_named_pdf_is_skipped_as_unreadable(folder: Path) -> None:
    (folder / "junk.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    assert skipped(folder)["junk.pdf"].startswith(("not a readable PDF (", "PDF page 1 cannot be read"))


def test_a_pdf_with_only_scanned_pages_is_skipped_and_says_so(folder: Path) -> None:
    make_pdf(folder / "scan.pdf", [[], []])
    assert skipped(folder) == {"scan.pdf": "no text layer on any of its 2 pages (scanned?); OCR it first"}


def test_a_file_over_the_size_limit_is_skipped_without_being_read(folder: Path) -> None:
    with open(folder / "huge.txt", "wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: 200 MB on paper, nothing on disk
    reason = skipped(folder)["huge.txt"]
    assert reason == "too large (200 MB; the limit is 100 MB, CITEQA_MAX_FILE_MB)"


def test_a_binary_file_renamed_txt_is_skipped_as_binary(folder: Path) -> None:
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    assert skipped(folder) == {"photo.txt": "binary data, not text"}


def test_an_html_page_that_is_all_script_is_skipped(folder: Path) -> None:
    page = "<html><head><script>var app = {};</script></head><body><div id='root'></div><script>app.run()</script></body></html>"
    (folder / "app.html").write_text(page, encoding="utf-8")
    assert skipped(folder) == {"app.html": "no readable text in the page (only scripts, markup or navigation)"}


def test_an_empty_file_is_skipped(folder: Path) -> None:
    (folder / "blank.md").write_text("\n  \n", encoding="utf-8")
    (folder / "zero.pdf").write_bytes(b"")
    assert skipped(folder) == {"blank.md": "empty file", "zero.pdf": "empty file"}


def test_a_file_that_vanishes_while_the_folder_is_read_is_skipped(folder: Path) -> None:
    (folder / "a-first.txt").write_text("First\n\nRead before the other file goes.\n", encoding="utf-8")
    (folder / "z-gone.txt").write_text("Gone\n\nThis file is deleted before it is read.\n", encoding="utf-8")

    def delete_the_last(event: FileEvent) -> None:
        if event.source_file == "a-first.txt" and not event.reading:
            (folder / "z-gone.txt").unlink()

    report = read_corpus(folder, progress=delete_the_last)
    assert sorted(d.source_file for d in report.documents) == ["a-first.txt", "good.txt"]
    assert [s.line() for s in report.skipped] == ["skipped z-gone.txt: vanished before it could be read"]


def test_every_file_reports_progress_before_and_after_reading_with_its_skip_reason(folder: Path) -> None:
    (folder / "blank.txt").write_text("", encoding="utf-8")
    events: list[FileEvent] = []
    read_corpus(folder, progress=events.append)
    assert [(e.source_file, e.done, e.total, e.reading) for e in events] == [
        ("blank.txt", 0, 2, True),
        ("blank.txt", 1, 2, False),
        ("good.txt", 1, 2, True),
        ("good.txt", 2, 2, False),
    ]
    assert events[1].skipped is not None and events[3].skipped is None


def test_a_file_changed_after_it_was_read_is_detected_by_its_hash(folder: Path) -> None:
    report = read_corpus(folder)
    assert report.changed_since_read() == []
    (folder / "good.txt").write_text(GOOD + "\nA line added during the build.\n", encoding="utf-8")
    assert report.changed_since_read() == ["good.txt"]


def test_a_docx_whose_parts_are_broken_is_skipped_not_raised(folder: Path) -> None:
    import zipfile

    with zipfile.ZipFile(folder / "broken.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types><Default Extension='xml' ContentType='garbage'/></Types>")
        archive.writestr("word/document.xml", "<not-closed")
    assert skipped(folder)["broken.docx"].startswith("not a readable Word document (")
