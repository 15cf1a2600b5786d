"""Load a corpus folder into documents: extract each file, derive or look up its metadata, skip bad files.

The bundled corpus ships with a catalog (catalog.json) whose hashes pin every file. A user's folder may
hold PDF, HTML, Markdown, text and Word files, with or without a catalog. A file that yields no text
(encrypted, corrupt, binary, empty, too large, gone) is skipped with its reason; the rest load.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import CATALOG, apply_entry, read_catalog
from .document import Document, sha256_of
from .errors import CorpusError
from .formats import SUFFIXES, UnreadableFile, extract
from .metadata import derive

BUNDLED_DIR = Path(__file__).resolve().parent
DEFAULT_MAX_BYTES = 100 * 1024 * 1024

__all__ = ["BUNDLED_DIR", "CorpusReport", "Document", "FileEvent", "Skipped", "load_corpus", "read_corpus", "sha256_of"]


@dataclass(frozen=True)
class Skipped:
    source_file: str
    reason: str

    def line(self) -> str:
        return f"skipped {self.source_file}: {self.reason}"


@dataclass(frozen=True)
class FileEvent:
    """A file about to be read (`reading`), or done: `done` of `total`, and why it was skipped if it was."""

    source_file: str
    done: int
    total: int
    skipped: Skipped | None = None
    reading: bool = False


@dataclass(frozen=True)
class _Seen:
    path: Path
    size: int
    mtime_ns: int


@dataclass
class CorpusReport:
    root: Path
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    _seen: dict[str, _Seen] = field(default_factory=dict, repr=False)

    @property
    def formats(self) -> Counter[str]:
        return Counter(d.format for d in self.documents)

    @property
    def skipped_pages(self) -> int:
        return sum(d.skipped_pages for d in self.documents)

    def changed_since_read(self) -> list[str]:
        """Files that differ now from the bytes that were read (their new text is read on the next run)."""
        by_file = {d.source_file: d for d in self.documents}
        changed = []
        for name, seen in self._seen.items():
            try:
                stat = seen.path.stat()
                if (stat.st_size, stat.st_mtime_ns) == (seen.size, seen.mtime_ns):
                    continue
                if sha256_of(seen.path.read_bytes()) != by_file[name].sha256:
                    changed.append(name)
            except OSError:
                changed.append(name)
        return changed


Progress = Callable[[FileEvent], None]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def _document_files(folder: Path) -> list[Path]:
    docs_dir = folder / "documents" if (folder / "documents").is_dir() else folder
    return [p for p in sorted(docs_dir.iterdir()) if p.is_file() and p.suffix.lower() in SUFFIXES]


def _read(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    try:
        stat = path.stat()
        if stat.st_size > max_bytes:
            raise UnreadableFile(
                f"too large ({stat.st_size / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB, "
                "CITEQA_MAX_FILE_MB)"
            )
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise UnreadableFile("vanished before it could be read") from exc
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror})") from exc
    if len(data) > max_bytes:
        raise UnreadableFile(f"grew past the {max_bytes / 2**20:.0f} MB limit while being read")
    return data, stat


def _load_one(path: Path, data: bytes, doc_id: str) -> Document:
    extracted = extract(path.suffix, data)
    derived = derive(extracted, path)
    values = derived.values
    return Document(
        id=doc_id,
        title=values["title"],
        date=values["date"],
        kind=values["kind"],
        language=values["language"],
        source_file=path.name,
        sha256=sha256_of(data),
        description=values["description"],
        text=extracted.text,
        date_inferred=derived.date_inferred,
        format=extracted.format,
        extractor=extracted.extractor,
        pages=extracted.pages,
        skipped_pages=extracted.skipped_pages,
        derived_from=derived.sources,
    )


def _ids(paths: list[Path]) -> dict[Path, str]:
    # report.pdf and report.md side by side keep their suffix in the id; alone, a file's id is its stem.
    stems = Counter(_slug(p.stem) for p in paths)
    return {p: _slug(p.stem) if stems[_slug(p.stem)] == 1 else _slug(p.name) for p in paths}


def read_corpus(
    folder: Path | str | None = None, *, max_file_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None
) -> CorpusReport:
    """Every readable document of `folder` (the bundled corpus when None) and every skipped file with its reason."""
    root = BUNDLED_DIR if folder is None else Path(folder)
    if not root.is_dir():
        raise CorpusError(f"corpus folder {root} does not exist")
    paths = _document_files(root)
    if not paths:
        raise CorpusError(f"no {', '.join(s.lstrip('.') for s in SUFFIXES)} files in {root}")
    catalog = read_catalog(root)
    if catalog is not None:
        missing = sorted(set(catalog) - {p.name for p in paths})
        if missing:
            raise CorpusError(f"{root / CATALOG} lists {', '.join(missing)}, not in {root}")
    report = CorpusReport(root)
    for done, (path, doc_id) in enumerate(_ids(paths).items(), start=1):
        skipped = None
        if progress:
            progress(FileEvent(path.name, done - 1, len(paths), reading=True))
        try:
            data, stat = _read(path, max_file_bytes)
            document = _load_one(path, data, doc_id)
        except UnreadableFile as exc:
            skipped = Skipped(path.name, str(exc))
            report.skipped.append(skipped)
        else:
            entry = (catalog or {}).get(path.name)
            report.documents.append(apply_entry(document, entry, root / CATALOG) if entry else document)
            report._seen[path.name] = _Seen(path, stat.st_size, stat.st_mtime_ns)
        if progress:
            progress(FileEvent(path.name, done, len(paths), skipped))
    ids = [d.id for d in report.documents]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CorpusError(f"duplicate document ids: {', '.join(duplicates)}")
    if not report.documents:
        reasons = "; ".join(f"{s.source_file}: {s.reason}" for s in report.skipped[:3])
        raise CorpusError(f"no readable documents in {root} ({reasons})")
    return report


def load_corpus(folder: Path | str | None = None, *, max_file_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """The readable documents of `folder` (the bundled corpus when None); skipped files are left out."""
    return read_corpus(folder, max_file_bytes=max_file_bytes).documents
