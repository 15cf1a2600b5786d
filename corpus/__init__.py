"""Floor 1: the bundled documents, their catalog, and the loader that validates them."""

from corpus.errors import CiteqaError, CorpusError
from corpus.loader import BUNDLED_DIR, Document, load_corpus

__all__ = ["BUNDLED_DIR", "CiteqaError", "CorpusError", "Document", "load_corpus"]
