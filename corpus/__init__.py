"""Floor 1: documents in several formats, their catalog, and the loader that extracts and validates them."""

from .document import Document
from .errors import CiteqaError, CorpusError
from .formats import PageSpan
from .loader import BUNDLED_DIR, CorpusReport, FileEvent, Skipped, load_corpus, read_corpus

__all__ = [
    "BUNDLED_DIR",
    "CiteqaError",
    "CorpusError",
    "CorpusReport",
    "Document",
    "FileEvent",
    "PageSpan",
    "Skipped",
    "load_corpus",
    "read_corpus",
]
