"""Word documents through python-docx: paragraphs in order, Heading styles as `#` headings, the core title.

The core `created` stamp is not taken as the document's date: templates carry theirs into every copy
(python-docx's own says 2013), so the date comes from the text's header instead.
"""

from __future__ import annotations

import io
import zipfile
from importlib.metadata import version

from .base import Extracted, UnreadableFile


def extract_docx(data: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"not a readable Word document ({type(exc).__name__})") from exc
    blocks = []
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        level = {"Title": 1}.get(style, int(style[8:]) if style.startswith("Heading ") and style[8:].isdigit() else 0)
        blocks.append(f"{'#' * level} {text}" if level else text)
    if not blocks:
        raise UnreadableFile("no text in the document")
    fields: dict[str, str] = {}
    sources: dict[str, str] = {}
    props = document.core_properties
    if props.title and props.title.strip():
        fields["title"], sources["title"] = props.title.strip(), "DOCX core title"
    return Extracted(
        text="\n\n".join(blocks),
        format="docx",
        extractor=f"python-docx {version('python-docx')}",
        fields=fields,
        field_sources=sources,
    )
