"""The root of citeqa's exception tree, and the corpus floor's own errors."""


class CiteqaError(Exception):
    """Base of every error citeqa raises on purpose; edges turn these into user messages."""


class CorpusError(CiteqaError):
    """The corpus cannot be read or does not match its catalog."""
