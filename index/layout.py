"""Where an index lives on disk: one data directory, a pointer to the live build, builds beside it.

DATA_DIR/
  CURRENT              name of the live build, replaced atomically
  .lock                held while a build runs
  builds/<name>/       manifest.json, chunks.jsonl, texts/, chroma/, bm25/
  builds/<name>.partial   a build in progress (or killed mid-way)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import IndexCorruptError, IndexMissingError

FORMAT_VERSION = 1
PARTIAL = ".partial"


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    @property
    def lock(self) -> Path:
        return self.root / ".lock"

    def current(self) -> Path:
        """The live build's folder; raises when there is none or it is unreadable."""
        if not self.pointer.exists():
            raise IndexMissingError(f"no index in {self.root}; run `citeqa index` first")
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise IndexCorruptError(
                f"index pointer {self.pointer} is unreadable; run `citeqa index --rebuild`"
            ) from exc
        build = self.builds / name
        if not name or "/" in name or not (build / "manifest.json").is_file():
            raise IndexCorruptError(
                f"index in {self.root} points to a missing build {name!r}; run `citeqa index --rebuild`"
            )
        return build

    def switch_to(self, build: Path) -> None:
        """Make `build` live in one atomic rename, durable before it returns."""
        tmp = self.pointer.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(build.name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.pointer)
        _fsync_dir(self.root)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(build: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{build / 'manifest.json'} is unreadable; run `citeqa index --rebuild`") from exc
    required = ("format_version", "chunker_version", "embedder", "documents")
    if not isinstance(manifest, dict) or any(key not in manifest for key in required):
        raise IndexCorruptError(f"{build / 'manifest.json'} is incomplete; run `citeqa index --rebuild`")
    return manifest


def write_json(path: Path, data: object) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
