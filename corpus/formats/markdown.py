"""Markdown: YAML front matter becomes metadata; the rest is stored as written.

Headings stay `#` lines in the text, which the chunker carries as each paragraph's section.
"""

from __future__ import annotations

import re
from datetime import date
from importlib.metadata import version

from .base import Extracted
from .plain import decode

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
# front matter key -> citeqa field
_KEYS = {
    "title": "title",
    "date": "date",
    "published": "date",
    "kind": "kind",
    "type": "kind",
    "language": "language",
    "lang": "language",
    "description": "description",
    "summary": "description",
}


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    """Front matter fields and where the body starts; ({}, 0) when there is none or it is not YAML."""
    import yaml

    from ..dates import normalise_date

    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, 0
    if not isinstance(data, dict):
        return {}, 0
    fields: dict[str, str] = {}
    for key, value in data.items():
        name = _KEYS.get(str(key).lower())
        if name is None or name in fields or value is None:
            continue
        if name == "date":
            fields[name] = value.isoformat()[:10] if isinstance(value, date) else normalise_date(str(value))
        else:
            fields[name] = " ".join(str(value).split())
    return {k: v for k, v in fields.items() if v}, match.end()


def extract_markdown(data: bytes) -> Extracted:
    text = decode(data)
    fields, body_start = _front_matter(text)
    sources = {name: f"front matter {name}" for name in fields}
    body = text[body_start:]
    if "title" not in fields:
        heading = _HEADING.search(body)
        if heading:
            fields["title"], sources["title"] = heading.group(1), "first # heading"
    extractor = f"citeqa-markdown 1 (PyYAML {version('PyYAML')})" if body_start else "citeqa-markdown 1"
    return Extracted(text=body, format="markdown", extractor=extractor, fields=fields, field_sources=sources)
