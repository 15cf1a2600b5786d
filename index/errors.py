"""Errors of the index floor."""

from ..corpus.errors import CiteqaError


class IndexStoreError(CiteqaError):
    """The index cannot be built or read."""


class IndexMissingError(IndexStoreError):
    """No index has been built in the data directory yet."""


class IndexMismatchError(IndexStoreError):
    """The index was built with another embedder or chunker version."""


class IndexCorruptError(IndexStoreError):
    """The index directory is damaged."""


class IndexBusyError(IndexStoreError):
    """Another build holds the index lock."""


class EmbedderError(IndexStoreError):
    """The configured embedder cannot be loaded or used."""
