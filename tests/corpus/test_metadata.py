"""Metadata without a catalog: titles that are not notices, dates from headers, detected kind and language."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeqa.corpus import read_corpus
from citeqa.corpus.dates import find_date
from citeqa.corpus.metadata import detect_language, is_notice
from tests.corpus.makers import make_pdf

# Folders as users have them: the first lines are version notes, notices and disclaimers.
OPENINGS = {
    "contract.txt": (
        "Version 1.2 ratified on 12 June 2019\n\nSocial Contract of the Harbour Cooperative\n\n"
        "Members share the cost of the slipway in proportion to their berths.\n"
    ),
    "manifesto.md": (
        "Please note that this document is a translation and may contain errors.\n\n"
        "Disclaimer: nothing here is legal advice.\n\nThe Open Tools Manifesto\n\nPublished March 3, 2020\n\n"
        "We believe that tools should be repairable by the people who use them.\n"
    ),
    "charter.txt": (
        "Last updated: 2021-11-02\n\nCopyright 2021 The Allotment Society\n\nAllotment Society Charter\n\n"
        "Plots are allocated by lot each spring, and a plot left untended for a season returns to the pool.\n"
    ),
    "notes.txt": (
        "DRAFT - for internal use only\n\nv0.3 (rev. 7)\n\nMeeting Notes on the Village Hall Roof\n\n"
        "The roofer found rot in two beams and will replace them before the winter.\n"
    ),
}
EXPECTED = {
    "contract.txt": ("Social Contract of the Harbour Cooperative", "2019-06-12"),
    "manifesto.md": ("The Open Tools Manifesto", "2020-03-03"),
    "charter.txt": ("Allotment Society Charter", "2021-11-02"),
    "notes.txt": ("Meeting Notes on the Village Hall Roof", ""),
}


@pytest.fixture
def notices(tmp_path: Path) -> Path:
    for name, text in OPENINGS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_derived_titles_skip_version_notes_notices_and_disclaimers(notices: Path) -> None:
    by_file = {d.source_file: d for d in read_corpus(notices).documents}
    assert {name: by_file[name].title for name in OPENINGS} == {name: title for name, (title, _) in EXPECTED.items()}
    assert by_file["manifesto.md"].derived_from["title"] == "first heading-like line (line 5)"


def test_a_line_of_a_wrapped_paragraph_is_not_a_title_but_a_name_with_its_version_in_brackets_is(
    tmp_path: Path,
) -> None:
    (tmp_path / "rules.txt").write_text(
        "      Rules of the Harbour Cooperative (v2.1)\n\n   Version 2.1 adopted on 4 May 2020.\n\n1. Berths\n",
        encoding="utf-8",
    )
    (tmp_path / "pledge.txt").write_text(
        "   The members of the cooperative, meeting in the boat shed, have\n"
        "   agreed the following pledge. It binds every member.\n\n"
        "Pledge to the Harbour\n\n    1. We keep the slipway clear\n",
        encoding="utf-8",
    )
    by_file = {d.source_file: d.title for d in read_corpus(tmp_path).documents}
    assert by_file == {"rules.txt": "Rules of the Harbour Cooperative (v2.1)", "pledge.txt": "Pledge to the Harbour"}


def test_dates_written_in_the_header_are_used_and_marked_inferred(notices: Path) -> None:
    by_file = {d.source_file: d for d in read_corpus(notices).documents}
    assert {name: by_file[name].date for name in OPENINGS} == {name: date for name, (_, date) in EXPECTED.items()}
    contract = by_file["contract.txt"]
    assert contract.date_inferred == ("all",) and contract.derived_from["date"] == "header line 1 (inferred)"
    assert by_file["notes.txt"].derived_from["date"] == "none found"


def test_an_emacs_mode_line_and_padding_are_not_part_of_the_title(tmp_path: Path) -> None:
    (tmp_path / "NEWS").with_suffix(".txt").write_text(
        "GNU tar NEWS              -*- outline -*-\n\n* Noteworthy changes in release 1.35 (2023-07-18) [stable]\n",
        encoding="utf-8",
    )
    (doc,) = read_corpus(tmp_path).documents
    assert (doc.title, doc.date) == ("GNU tar NEWS", "2023-07-18")


def test_a_date_in_a_link_is_not_the_documents_date(tmp_path: Path) -> None:
    (tmp_path / "faq.txt").write_text(
        "Frequently Asked Questions\n\nSee http://example.org/1997/01/01/engine/ for the design.\n", encoding="utf-8"
    )
    (doc,) = read_corpus(tmp_path).documents
    assert doc.date == ""


def test_kind_comes_from_the_title_not_from_words_in_the_body(tmp_path: Path) -> None:
    (tmp_path / "hacking.md").write_text(
        "# Hacking on the Tool\n\nRead our contribution policy and the report template first.\n", encoding="utf-8"
    )
    (tmp_path / "note.txt").write_text("Dear members,\n\nThe hall is closed on Monday.\n", encoding="utf-8")
    by_file = {d.source_file: d for d in read_corpus(tmp_path).documents}
    assert by_file["hacking.md"].kind == "document"
    assert by_file["note.txt"].kind == "letter"


def test_a_date_below_the_header_area_is_not_taken(tmp_path: Path) -> None:
    lines = "\n".join(f"Line {n} of the minutes without any date." for n in range(30))
    (tmp_path / "long.txt").write_text(f"Long Minutes\n{lines}\nSigned 4 May 2001.\n", encoding="utf-8")
    (doc,) = read_corpus(tmp_path).documents
    assert doc.date == ""


def test_without_any_heading_the_file_name_is_the_title(tmp_path: Path) -> None:
    (tmp_path / "ferry_notes-2020.txt").write_text(
        "this is all one long lower-case sentence, no title.\n", encoding="utf-8"
    )
    (doc,) = read_corpus(tmp_path).documents
    assert (doc.title, doc.derived_from["title"]) == ("ferry notes 2020", "file name")
    assert (doc.date, doc.derived_from["date"]) == ("2020", "file name (inferred)")


def test_a_placeholder_pdf_title_gives_way_to_the_first_heading(tmp_path: Path) -> None:
    make_pdf(
        tmp_path / "a.pdf",
        [["Tide Tables for the Outer Harbour", "High water falls at six in the morning."]],
        title="Microsoft Word - tides.docx",
    )
    (doc,) = read_corpus(tmp_path).documents
    assert doc.title == "Tide Tables for the Outer Harbour"


def test_kind_and_language_are_detected(notices: Path) -> None:
    (notices / "bericht.txt").write_text(
        "Jahresbericht\n\nDas ist der Bericht für die Stadt, und er ist nicht lang.\n", encoding="utf-8"
    )
    by_file = {d.source_file: d for d in read_corpus(notices).documents}
    assert by_file["contract.txt"].kind == "agreement"
    assert by_file["manifesto.md"].kind == "manifesto"
    assert by_file["contract.txt"].language == "en"
    assert by_file["bericht.txt"].language == "de"
    assert by_file["bericht.txt"].derived_from["language"] == "detected from common words"


@pytest.mark.parametrize(
    ("line", "notice"),
    [
        ("Version 1.2 ratified on 12 June 2019", True),
        ("Please note that this document is a translation.", True),
        ("This document is provided as is.", True),
        ("© 2020 The Authors", True),
        ("Updated 4 May 2020", True),
        ("The Open Tools Manifesto", False),
        ("Notes on the Harbour", False),
    ],
)
def test_notice_lines_are_recognised(line: str, notice: bool) -> None:
    assert is_notice(line) is notice


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("ratified on 12 June 2019", "2019-06-12"),
        ("March 4, 2021 remarks", "2021-03-04"),
        ("published 2022-06-14T09:00:00Z", "2022-06-14"),
        ("Updated Sept. 2020", "2020-09"),
        ("On the 3rd of May, 2019", "2019-05-03"),
        ("in 2021-13-01 nothing", ""),
        ("page 1234", ""),
    ],
)
def test_dates_are_read_as_precisely_as_written(text: str, date: str) -> None:
    assert find_date(text) == date


def test_chinese_text_is_detected_by_its_script() -> None:
    assert detect_language("网络安全和信息化是事关党的长期执政。")[0] == "zh"
