"""Floor 3: hybrid retrieval, verbatim quotes, the extractive answerer and the optional LLM step."""

from .answer import Answerer, Thresholds
from .errors import InvalidQuestionError, LLMError, QAError
from .models import Agreement, Answer, Citation, Passage, Turn
from .retrieve import Filters, Retriever

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
