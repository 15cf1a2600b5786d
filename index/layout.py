"""Where an index lives on disk: one data directory, a pointer to the live build, builds beside it.

DATA_DIR/
  CURRENT              name of the live build, replaced atomically
  .lock                held while a build runs
  builds/<name>/       manifest.json, chunks.jsonl, documents.jsonl, vectors, chroma/, bm25/
  builds/<name>.partial   a build in progress (or killed mid-way)

Every process that has a build open holds a shared flock on its manifest.json, so a later build can
tell which old builds are still being read and keeps them.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

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

    def live_name(self) -> str | None:
        """The name CURRENT holds, without checking the build; None when there is no readable pointer."""
        try:
            return self.pointer.read_text(encoding="utf-8").strip() or None
        except (OSError, UnicodeDecodeError):
            return None

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


def hold(build: Path) -> IO[bytes]:
    """Mark `build` as being read until the returned file is closed (or its process ends)."""
    try:
        handle = open(build / "manifest.json", "rb")  # noqa: SIM115 - the open file is the hold
    except OSError as exc:
        raise IndexCorruptError(f"{build / 'manifest.json'} is unreadable; run `citeqa index --rebuild`") from exc
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def in_use(build: Path) -> bool:
    """Whether some process holds `build` open for reading."""
    try:
        with open(build / "manifest.json", "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False  # no readable manifest: nobody can have this build open
    return False


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
