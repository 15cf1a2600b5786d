"""Floor 1: the bundled documents, their catalog, and the loader that validates them."""

from .errors import CiteqaError, CorpusError
from .loader import BUNDLED_DIR, Document, load_corpus

__all__ = ["BUNDLED_DIR", "CiteqaError", "CorpusError", "Document", "load_corpus"]
