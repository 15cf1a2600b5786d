"""Floor 3: hybrid retrieval, verbatim quotes, the extractive answerer and the optional LLM step."""

from qa.answer import Answerer, Thresholds
from qa.errors import InvalidQuestionError, LLMError, QAError
from qa.models import Agreement, Answer, Citation, Passage, Turn
from qa.retrieve import Filters, Retriever

__all__ = [
    "Agreement",
    "Answer",
    "Answerer",
    "Citation",
    "Filters",
    "InvalidQuestionError",
    "LLMError",
    "Passage",
    "QAError",
    "Retriever",
    "Thresholds",
    "Turn",
]
