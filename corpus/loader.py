"""Load a corpus folder into validated documents.

The bundled corpus ships with a catalog (catalog.json) whose hashes pin every file. A user's own
folder of .txt/.md files may have a catalog too; without one, metadata is derived from the files.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError

BUNDLED_DIR = Path(__file__).resolve().parent
SUFFIXES = (".txt", ".md")
_CATALOG_FIELDS = ("id", "title", "date", "kind", "language", "source_file", "sha256", "description")
_DATE_IN_NAME = re.compile(r"(\d{4})(?:[-_](\d{2}))?(?:[-_](\d{2}))?")


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    date: str
    kind: str
    language: str
    source_file: str
    sha256: str
    description: str
    text: str = field(repr=False)
    date_inferred: tuple[str, ...] = ()

    def metadata(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "date_inferred": list(self.date_inferred),
            "kind": self.kind,
            "language": self.language,
            "source_file": self.source_file,
            "sha256": self.sha256,
            "description": self.description,
            "characters": len(self.text),
        }


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_text(path: Path) -> tuple[str, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        # newline handling stays off: offsets must index the file exactly as stored.
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path.name} is not valid UTF-8 (byte {exc.start}); convert it to UTF-8") from exc
    if not text.strip():
        raise CorpusError(f"{path.name} is empty; remove it or add text")
    return text, sha256_of(raw)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def _derive(path: Path, text: str, digest: str) -> Document:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
    title = first_line.lstrip("#").strip()[:120]
    match = _DATE_IN_NAME.search(path.stem)
    date = "-".join(part for part in match.groups() if part) if match else ""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return Document(
        id=_slug(path.stem),
        title=title,
        date=date,
        kind="document",
        language="zh" if cjk > len(text) / 4 else "en",
        source_file=path.name,
        sha256=digest,
        description=f"{path.name}: metadata derived from the file (no catalog).",
        text=text,
        date_inferred=("all",) if date else (),
    )


def _catalog_entries(folder: Path) -> list[dict[str, object]] | None:
    catalog = folder / "catalog.json"
    if not catalog.exists():
        return None
    try:
        entries = json.loads(catalog.read_text(encoding="utf-8"))["documents"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"{catalog} is not a valid catalog: {exc}") from exc
    for entry in entries:
        missing = [key for key in _CATALOG_FIELDS if key not in entry]
        if missing:
            raise CorpusError(f"{catalog}: entry {entry.get('id', '?')!r} lacks {', '.join(missing)}")
    return list(entries)


def _document_files(folder: Path) -> dict[str, Path]:
    docs_dir = folder / "documents" if (folder / "documents").is_dir() else folder
    return {p.name: p for p in sorted(docs_dir.iterdir()) if p.is_file() and p.suffix in SUFFIXES}


def load_corpus(folder: Path | str | None = None) -> list[Document]:
    """Documents of `folder` (the bundled corpus when None), validated against its catalog."""
    root = BUNDLED_DIR if folder is None else Path(folder)
    if not root.is_dir():
        raise CorpusError(f"corpus folder {root} does not exist")
    files = _document_files(root)
    if not files:
        raise CorpusError(f"no .txt or .md files in {root}")
    entries = _catalog_entries(root)
    documents: list[Document] = []
    if entries is None:
        for path in files.values():
            text, digest = _read_text(path)
            documents.append(_derive(path, text, digest))
    else:
        for entry in entries:
            name = str(entry["source_file"])
            if name not in files:
                raise CorpusError(f"catalog lists {name}, which is not in {root}")
            text, digest = _read_text(files[name])
            if digest != entry["sha256"]:
                raise CorpusError(
                    f"{name} does not match its catalog hash (file {digest[:12]}…, catalog "
                    f"{str(entry['sha256'])[:12]}…); restore the file or update catalog.json"
                )
            fields = {key: str(entry[key]) for key in _CATALOG_FIELDS}
            inferred = tuple(str(part) for part in entry.get("date_inferred", []))  # type: ignore[attr-defined]
            documents.append(Document(**fields, text=text, date_inferred=inferred))
        uncatalogued = sorted(set(files) - {d.source_file for d in documents})
        if uncatalogued:
            raise CorpusError(f"{', '.join(uncatalogued)} not in {root / 'catalog.json'}; add an entry")
    ids = [d.id for d in documents]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CorpusError(f"duplicate document ids: {', '.join(duplicates)}")
    return documents
