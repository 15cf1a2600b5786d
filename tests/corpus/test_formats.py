"""Each format's extractor on real files: the stored text, page ranges, and the format's own metadata."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from citeqa.corpus import read_corpus
from citeqa.corpus.formats import extract
from citeqa.index.chunking import BODY, chunk_document
from citeqa.index.tokens import count_tokens
from tests.corpus.makers import HTML_PAGE, MARKDOWN_NOTE, make_docx, make_pdf

PAGES = [
    ["Harbour water quality in 2021.", "Nitrate levels stayed at three milligrams per litre through the spring."],
    ["Dredging of the eastern channel begins in 2024 and will cost two million euros, paid by the port."],
    [],
    ["The board will review these findings at its meeting in the autumn, together with the ferry operators."],
]


def test_pdf_text_is_page_by_page_with_each_pages_range_and_scans_counted(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "report.pdf", PAGES, title="Harbour Report", created=dt.date(2021, 3, 4))
    out = extract(".pdf", path.read_bytes())
    assert [p.number for p in out.pages] == [1, 2, 4]
    assert out.skipped_pages == 1
    assert out.extractor.startswith("pypdf ")
    for page, paragraphs in zip(out.pages, [PAGES[0], PAGES[1], PAGES[3]], strict=True):
        for paragraph in paragraphs:
            at = out.text.find(paragraph)
            assert page.start <= at and at + len(paragraph) <= page.end, (paragraph, page)
    assert out.fields == {"title": "Harbour Report", "date": "2021-03-04"}
    assert out.field_sources["title"] == "PDF info /Title"


def test_pdf_paragraphs_are_chunks_that_carry_their_page(tmp_path: Path) -> None:
    make_pdf(tmp_path / "report.pdf", PAGES)
    (doc,) = read_corpus(tmp_path).documents
    body = [c for c in chunk_document(doc, 200, count_tokens) if c.role == BODY]
    dredging = next(c for c in body if "Dredging" in c.text)
    assert dredging.page == 2
    assert doc.page_at(dredging.start) == doc.pages[1]
    assert all(doc.text[c.start : c.end] == c.text for c in body)


def test_a_pdf_heading_set_above_its_paragraph_becomes_the_section_of_that_paragraph(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Annual Report of the Harbour Board")
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Dredging", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "The eastern channel will be dredged in September 2024. " * 4)
    pdf.output(str(tmp_path / "board.pdf"))
    (doc,) = read_corpus(tmp_path).documents
    body = [c for c in chunk_document(doc, 200, count_tokens) if c.role == BODY]
    assert [c.heading for c in body] == ["Dredging"]
    assert body[0].text.startswith("The eastern channel") and "\n" not in body[0].text


def test_html_keeps_the_main_content_and_drops_navigation_footer_scripts_and_cookie_notes() -> None:
    out = extract(".html", HTML_PAGE.encode())
    assert "replanting willow and alder" in out.text
    assert "## Funding" in out.text
    for boilerplate in ("News archive", "Contact the council", "cookie", "All rights reserved", "tracking", "Privacy"):
        assert boilerplate not in out.text, boilerplate
    assert out.fields == {"title": "River Restoration Plan", "date": "2022-06-14", "language": "en"}
    assert out.field_sources["title"] == "HTML og:title"
    assert out.extractor.startswith("trafilatura ")


def test_html_title_falls_back_to_the_title_tag() -> None:
    page = "<html><head><title>Board Minutes</title></head><body><p>The board met on Tuesday and agreed the budget.</p></body></html>"
    out = extract(".html", page.encode())
    assert out.fields["title"] == "Board Minutes"
    assert out.field_sources["title"] == "HTML <title>"


def test_markdown_front_matter_is_metadata_and_headings_are_sections(tmp_path: Path) -> None:
    (tmp_path / "ferry.md").write_text(MARKDOWN_NOTE, encoding="utf-8")
    (doc,) = read_corpus(tmp_path).documents
    assert (doc.title, doc.date, doc.kind, doc.date_inferred) == ("Ferry Timetable Review", "2021-09-30", "review", ())
    assert doc.derived_from["title"] == "front matter title"
    assert not doc.text.startswith("---") and "kind: review" not in doc.text
    body = [c for c in chunk_document(doc, 200, count_tokens) if c.role == BODY]
    # The chunker reads a document's first heading as its title; the sections after it are carried.
    assert body[-1].heading == "Summer service" and "twenty-minute" in body[-1].text


def test_markdown_without_front_matter_is_titled_by_its_first_heading() -> None:
    out = extract(".md", b"Draft v2\n\n# Parking Rules\n\nStaff park in the west lot.\n")
    assert out.fields["title"] == "Parking Rules"
    assert out.text.startswith("Draft v2")


def test_plain_text_is_stored_exactly_as_the_file(tmp_path: Path) -> None:
    raw = "Line one.\r\n\r\nA second paragraph with “quotes”.\n"
    (tmp_path / "note.txt").write_bytes(raw.encode())
    (doc,) = read_corpus(tmp_path).documents
    assert doc.text == raw
    assert doc.extractor == "citeqa-text 1"


def test_docx_paragraphs_and_heading_styles_are_extracted(tmp_path: Path) -> None:
    make_docx(tmp_path / "memo.docx", "Staff Memo", "Parking", ["Staff parking moves to the west lot from May."])
    (doc,) = read_corpus(tmp_path).documents
    assert doc.text == "# Parking\n\nStaff parking moves to the west lot from May."
    assert (doc.title, doc.format) == ("Staff Memo", "docx")


def test_html_without_semantic_tags_still_loses_its_menu_sidebar_and_footer() -> None:
    page = """<html><head><title>Minutes</title></head><body>
<div id="topbar"><a href="/">Home</a> | <a href="/about">About us</a> | <a href="/login">Log in</a></div>
<div class="cookie-notice">This site uses cookies. By continuing you agree to our cookie policy.</div>
<div id="content"><h1>Board minutes, 3 May 2019</h1>
<p>The board met at the town hall and agreed to extend the ferry timetable through the winter months.</p>
<p>Members asked the harbour master to report on the cost of dredging the eastern channel.</p></div>
<div class="sidebar"><p>Popular: Ferry times</p><p>Subscribe to our newsletter for weekly updates.</p></div>
<div id="footer">Copyright 2019 Harbour Board · Privacy · Terms</div></body></html>"""
    out = extract(".html", page.encode())
    assert "extend the ferry timetable" in out.text and "dredging the eastern channel" in out.text
    for boilerplate in ("About us", "cookie", "Popular", "newsletter", "Copyright"):
        assert boilerplate not in out.text, boilerplate
