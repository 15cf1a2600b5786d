"""A direct answer: the shortest verbatim span of the best sentence that states the asked fact.

"When was the festival held?" opens with "June 4, 2021 [1]" rather than a whole paragraph; the span is
cut from the source and cited like every other quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..corpus.text import LOCATOR
from .slots import DURATION_UNITS, MONTH_NAMES, NUMBER_WORDS

_MONTHS = f"(?:{MONTH_NAMES})"
_DATE = re.compile(
    rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?:\s+\d{{4}})?\b"
    rf"|\b{_MONTHS}\s+\d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b(?:1[89]|20)\d\d\b"
)
_NAME = r"[A-Z][\w'’-]+(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w'’-]+)*"
_PLACE = re.compile(rf"\b(?:in|at)\s+(?:the\s+)?({_NAME})")
_QUANTITY = (
    r"(?:[$¥€£]\s?)?\d[\d,.]*(?:\s?%|\s+(?:percent|per\s+cent|million|billion|trillion|thousand|hundred))*"
    r"(?:\s+(?:yuan|dollars?|euros?|pounds?|[a-zA-Z]+))?"
)
_NUMBER = re.compile(
    rf"(?<![\w.]){_QUANTITY}|\b(?:{NUMBER_WORDS})\s+[a-z]+",
    re.IGNORECASE,
)
_VERSION = re.compile(r"\b(?:version|release|v)\s*\d+(?:\.\d+)*|\b\d+(?:\.\d+)+\b|\b[a-z][\w]*-\d+(?:\.\d+)*\b", re.I)
_DURATION = re.compile(rf"\b(?:\d[\d,.]*\s*|(?:{NUMBER_WORDS})\s+){DURATION_UNITS}\b", re.I)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?:\s*(?:a\.m\.|p\.m\.|am|pm))?|\b\d{1,2}\s*(?:a\.m\.|p\.m\.|am|pm)\b", re.I)
# Per slot, the patterns tried in turn, each with the group that holds the answer. A place is a named one
# first ("in Valmora"), then a path, address or URL.
_PATTERNS: dict[str, tuple[tuple[re.Pattern[str], int], ...]] = {
    "date": ((_DATE, 0),),
    "time": ((_TIME, 0),),
    "place": ((_PLACE, 1), (LOCATOR, 0)),
    "duration": ((_DURATION, 0),),
    "number": ((_NUMBER, 0),),
    "amount": ((_NUMBER, 0),),
    "version": ((_VERSION, 0),),
}


def short_span(
    slot: str | None, sentence: str, question: str, is_generic: Callable[[str], bool]
) -> tuple[int, int] | None:
    """Offsets within `sentence` of the asked fact, or None (an open question, or no clean expression).

    Expressions the question itself contains are passed over: they name what is asked about, not the answer.
    `is_generic` tells names too common in the corpus to be an answer (the corpus's own country, say).
    """
    patterns = _PATTERNS.get(slot or "", ())
    lowered = question.lower()
    for pattern, group in patterns:
        for match in pattern.finditer(sentence):
            text = match.group(group).strip(" ,.;:«»<>`'\"")
            if not text or text.lower() in lowered or (pattern is _PLACE and is_generic(text)):
                continue
            start = match.start(group) + match.group(group).index(text)
            return start, start + len(text)
    return None
