"""HTML through trafilatura: the main content, with navigation, footers, cookie notes and scripts dropped.

trafilatura finds the main text even on pages without <main>/<article>, which tag-based rules miss.
Its Markdown output keeps headings as `#` lines, so the chunker carries them as section metadata.
The page's own metadata (og:title, <title>, published dates, lang) is read here with lxml, so that
each value can name the tag it came from.
"""

from __future__ import annotations

from importlib.metadata import version

from .base import Extracted, UnreadableFile, tidy_lines

_TITLES = (
    ("//meta[@property='og:title']/@content", "HTML og:title"),
    ("//title/text()", "HTML <title>"),
)
_DATES = (
    ("//meta[@property='article:published_time']/@content", "HTML article:published_time"),
    ("//meta[@name='date' or @name='DC.date' or @name='dc.date' or @name='DC.date.issued']/@content", "HTML meta date"),
    ("//*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime", "HTML datePublished"),
    ("//time/@datetime", "HTML <time datetime>"),
)


def _metadata(tree) -> tuple[dict[str, str], dict[str, str]]:  # type: ignore[no-untyped-def]
    from ..dates import normalise_date

    fields: dict[str, str] = {}
    sources: dict[str, str] = {}
    for query, source in _TITLES:
        values = [" ".join(str(v).split()) for v in tree.xpath(query)]
        if values and values[0]:
            fields["title"], sources["title"] = values[0], source
            break
    for query, source in _DATES:
        dates = [normalise_date(str(v)) for v in tree.xpath(query)]
        if dates and dates[0]:
            fields["date"], sources["date"] = dates[0], source
            break
    lang = [str(v).strip() for v in tree.xpath("/html/@lang")]
    if lang and lang[0]:
        fields["language"], sources["language"] = lang[0].split("-")[0].lower(), "HTML lang attribute"
    return fields, sources


def extract_html(data: bytes) -> Extracted:
    import lxml.html
    import trafilatura
    from lxml.etree import LxmlError

    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary data, not an HTML page")
    try:
        tree = lxml.html.fromstring(data)
    except (LxmlError, ValueError) as exc:
        raise UnreadableFile(f"not a readable HTML page ({exc})") from exc
    # Precision mode: on a page without <main>, the default kept a sidebar's links and newsletter line
    # (and dropped the <h1>); precision mode kept exactly the heading and the two paragraphs.
    body = trafilatura.extract(
        data, output_format="markdown", include_comments=False, include_tables=True, favor_precision=True
    )
    text = tidy_lines(body or "")
    if not text:
        raise UnreadableFile("no readable text in the page (only scripts, markup or navigation)")
    fields, sources = _metadata(tree)
    return Extracted(
        text=text,
        format="html",
        extractor=f"trafilatura {version('trafilatura')}",
        fields=fields,
        field_sources=sources,
    )
