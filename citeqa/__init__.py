"""citeqa: answers over a document corpus in which every claim cites a verbatim quote.

The public API is small: `Settings`, `open_answerer(settings)`, the `Answerer` and the answer models.
Names load on first use, so `import citeqa` (and `citeqa --help`) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Settings": ".settings",
    "open_answerer": ".wiring",
    "Answerer": ".qa",
    "Answer": ".qa",
    "Citation": ".qa",
    "Passage": ".qa",
    "Turn": ".qa",
    "Filters": ".qa",
    "CiteqaError": ".corpus.errors",
}
__all__ = ["Answer", "Answerer", "Citation", "CiteqaError", "Filters", "Passage", "Settings", "Turn", "open_answerer"]

if TYPE_CHECKING:
    from .corpus.errors import CiteqaError
    from .qa import Answer, Answerer, Citation, Filters, Passage, Turn
    from .settings import Settings
    from .wiring import open_answerer


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'citeqa' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
