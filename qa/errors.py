"""Errors of the question-answering floor."""

from ..corpus.errors import CiteqaError


class QAError(CiteqaError):
    """A question cannot be answered for a reason the caller can fix or should know."""


class InvalidQuestionError(QAError):
    """The question or its history is empty, too long or malformed."""


class LLMError(QAError):
    """The configured LLM endpoint failed; the extractive answer is used instead where possible."""


class LLMTimeoutError(LLMError):
    """The LLM did not finish its reply within the configured timeout."""
