"""Floor 3: hybrid retrieval, verbatim quotes, the extractive answerer and the optional LLM step."""

from .answer import Answerer, Thresholds
from .errors import InvalidQuestionError, LLMError, QAError
from .events import AnswerDone, CitationAdded, Event, PassagesFound, TextDelta
from .models import Agreement, Answer, Citation, Passage, Turn
from .plan import Filters, QueryPlan
from .retrieve import Retriever

__all__ = [
    "Agreement",
    "Answer",
    "AnswerDone",
    "Answerer",
    "Citation",
    "CitationAdded",
    "Event",
    "Filters",
    "InvalidQuestionError",
    "LLMError",
    "Passage",
    "PassagesFound",
    "QAError",
    "QueryPlan",
    "Retriever",
    "TextDelta",
    "Thresholds",
    "Turn",
]
