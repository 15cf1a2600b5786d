"""Real files in each format, made by the tests: PDFs with fpdf2, HTML, Markdown and Word documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path


def make_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    created: dt.date | None = None,
    password: str | None = None,
) -> Path:
    """A PDF with one page per item of `pages` (its paragraphs); an empty item is a page without a text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if created:
        pdf.set_creation_date(dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC))
    if password:
        pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    for paragraphs in pages:
        pdf.add_page()
        if paragraphs:
            pdf.set_font("Helvetica", size=11)
        else:
            # A drawn shape and no text: what a scanned page looks like to a text extractor.
            pdf.rect(20, 20, 100, 60, style="F")
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph)
            pdf.ln(6)
    pdf.output(str(path))
    return path


HTML_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>River Restoration Plan | City Portal</title>
<meta property="og:title" content="River Restoration Plan">
<meta property="article:published_time" content="2022-06-14T09:00:00Z">
<script>var tracking = "visitor"; function track() { return tracking; }</script>
<style>body { color: #333; }</style></head>
<body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News archive</a></li>
<li><a href="/contact">Contact the council</a></li></ul></nav></header>
<div class="cookie-notice">This site uses cookies. By continuing you agree to our cookie policy.</div>
<main><article><h1>River Restoration Plan</h1>
<p>The city council approved a plan to restore the banks of the Elm river over the next five years, replanting willow and alder along eleven kilometres.</p>
<h2>Funding</h2>
<p>The plan costs 4.2 million euros, of which the regional government pays sixty percent and the city the remainder from its water levy.</p>
<p>Work begins in the autumn at the northern weir, where erosion of the banks is worst.</p>
</article></main>
<aside><h3>Related pages</h3><ul><li><a href="/parks">Parks budget overview</a></li></ul></aside>
<footer><p>© 2022 City Portal. All rights reserved.</p><a href="/privacy">Privacy statement</a></footer>
</body></html>
"""

MARKDOWN_NOTE = """---
title: Ferry Timetable Review
date: 2021-09-30
kind: review
---
# Winter service

The ferry will run every forty minutes between November and March, instead of every twenty.

# Summer service

In summer the crossing returns to a twenty-minute interval, with an extra late boat on Fridays.
"""


def make_docx(path: Path, title: str, heading: str, paragraphs: Sequence[str]) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path
