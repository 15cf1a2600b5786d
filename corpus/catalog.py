"""catalog.json beside the files overrides derived metadata; catalog.suggested.json is the editable draft.

An entry names its file by `source_file` and may give any of the other fields; what it gives wins,
what it leaves out stays derived. An entry with a `sha256` pins the file: a different file is an error.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .document import Document
from .errors import CorpusError

CATALOG = "catalog.json"
SUGGESTED = "catalog.suggested.json"
OVERRIDABLE = ("id", "title", "date", "kind", "language", "description")


def read_catalog(root: Path) -> dict[str, dict[str, Any]] | None:
    """Entries of root/catalog.json by source file, or None when there is no catalog."""
    path = root / CATALOG
    if not path.exists():
        return None
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["documents"]
        by_file = {str(entry["source_file"]): dict(entry) for entry in entries}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"{path} is not a valid catalog ({type(exc).__name__}: {exc})") from exc
    return by_file


def apply_entry(document: Document, entry: Mapping[str, Any], catalog: Path) -> Document:
    pinned = entry.get("sha256")
    if pinned and pinned != document.sha256:
        raise CorpusError(
            f"{document.source_file} does not match its catalog hash (file {document.sha256[:12]}…, catalog "
            f"{str(pinned)[:12]}…); restore the file or update {catalog.name}"
        )
    given = {key: str(entry[key]) for key in OVERRIDABLE if key in entry}
    changes: dict[str, Any] = dict(given)
    if "date" in given:
        changes["date_inferred"] = tuple(str(part) for part in entry.get("date_inferred", ()))
    sources = {**document.derived_from, **dict.fromkeys(given, catalog.name)}
    return dataclasses.replace(document, **changes, derived_from=sources)


def suggested_entry(document: Document) -> dict[str, Any]:
    meta = document.metadata()
    # No sha256: a user's own files change, and a pinned hash would then stop the build.
    keys = ("id", "title", "date", "date_inferred", "kind", "language", "source_file", "description")
    return {**{key: meta[key] for key in keys}, "derived_from": meta["derived_from"]}


def write_suggested(root: Path, documents: Iterable[Document]) -> Path:
    """Write root/catalog.suggested.json: copy it to catalog.json, edit what is wrong, and it overrides."""
    path = root / SUGGESTED
    body = {
        "note": f"Derived by citeqa. Rename to {CATALOG} and edit; each entry's fields override what is derived.",
        "documents": [suggested_entry(d) for d in documents],
    }
    try:
        path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"cannot write {path}: {exc.strerror}") from exc
    return path
