"""Generated README blocks: the text between a start and an end marker, replaced by a command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..corpus import CiteqaError


class ReadmeError(CiteqaError):
    """The README cannot take the generated block."""


@dataclass(frozen=True)
class Block:
    start: str
    end: str
    what: str

    def _read(self, path: Path) -> tuple[str, int, int]:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ReadmeError(f"cannot read {path}: {exc}") from exc
        start, end = text.find(self.start), text.find(self.end)
        if start < 0 or end < start:
            raise ReadmeError(
                f"{path} needs the markers {self.start} and {self.end} (in that order) around the {self.what}"
            )
        return text, start, end

    def require(self, path: Path) -> None:
        """Fail before a long run, not after it, when the README cannot take the numbers."""
        self._read(path)

    def rewrite(self, path: Path, content: str) -> None:
        """Replace what lies between the markers in `path`; ReadmeError when they are missing."""
        text, start, end = self._read(path)
        path.write_text(text[: start + len(self.start)] + "\n" + content.strip() + "\n" + text[end:], encoding="utf-8")


EVAL_BLOCK = Block("<!-- eval:start -->", "<!-- eval:end -->", "eval numbers")
BENCH_BLOCK = Block("<!-- bench:start -->", "<!-- bench:end -->", "bench block")
