"""Checks on each claim a model proposes: its quote, and its own words, against the cited passage.

A claim is admitted only when every check holds, and then it is rewritten from the source: the quote
becomes document_text[start:end] (widened to whole words), any words the claim puts in quotation marks
become the cited passage's own characters, and markers the model wrote are removed so that only the
markers citeqa numbers remain. A claim that fails a check is rejected with the reason, which the
caller logs and counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..corpus import Document
from ..corpus.text import STOPWORDS, quoted
from .models import Citation, Passage
from .quotes import citation, is_verbatim, locate

MAX_CLAIM_CHARS = 300  # one short sentence; the quote carries the detail
MAX_QUOTE_CHARS = 800
MIN_QUOTE_CHARS = 12  # shorter strings are found by chance in any passage


class DropReason(StrEnum):
    MALFORMED = "malformed"  # not an object with a text and a quote
    TOO_LONG = "too_long"  # claim text or quote past its bound
    QUOTE_NOT_FOUND = "quote_not_found"  # the quote is in none of the passages
    QUOTATION_UNVERIFIED = "quotation_unverified"  # the text quotes words the cited passage does not hold
    UNSUPPORTED_VALUE = "unsupported_value"  # a year, number or name found neither in the question nor the quote
    DUPLICATE = "duplicate"  # the same span as a claim already admitted
    TOO_MANY = "too_many"  # past the number of claims an answer may have


@dataclass(frozen=True)
class Claim:
    """An admitted claim: text with no markers, and its verified citation (marker set when numbered)."""

    text: str
    citation: Citation

    def line(self, marker: int) -> str:
        return f"{self.text} [{marker}]\n   {quoted(self.citation.quote)}"


@dataclass(frozen=True)
class Rejection:
    reason: DropReason
    detail: str


# Brackets and digits of every width: a model copying citation style writes ［3］, 【6】, [ 4 ] or [1, 2].
_MARKER = re.compile(r"\s*[\[［【〔〖(（]\s*[0-9０-９]+(?:\s*[,，;\-–]\s*[0-9０-９]+)*\s*[\]］】〕〗)）]")
_PAIRS = {'"': '"', "“": "”", "„": "“”", "«": "»", "「": "」", "『": "』", "‹": "›", "＂": "＂", "‘": "’"}
OPENERS = "".join(_PAIRS)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = frozenset(
    [
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
        "million",
        "billion",
        "trillion",
        "dozen",
    ]
)
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)$")


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def quotations(text: str) -> tuple[list[tuple[int, int]], bool]:
    """Spans of the words `text` puts in quotation marks, and whether a mark was left open."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        # ‘ opens a quotation only at a word start; ’ inside a word is an apostrophe, not a closing mark.
        if ch in _PAIRS and not (ch == "‘" and i > 0 and text[i - 1].isalnum()):
            closers = _PAIRS[ch]
            end = next(
                (
                    j
                    for j in range(i + 1, len(text))
                    if text[j] in closers and not (text[j] == "’" and j + 1 < len(text) and text[j + 1].isalpha())
                ),
                -1,
            )
            if end < 0:
                return spans, True
            spans.append((i + 1, end))
            i = end + 1
        else:
            i += 1
    return spans, False


def _words_boundary(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The span widened to whole words (inside text[lo:hi]), with surrounding white space trimmed."""
    while start > lo and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < hi and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def common_words(documents: Iterable[Document]) -> frozenset[str]:
    """Every word some document writes in lower case: a capital on such a word only opens a sentence."""
    return frozenset(w for d in documents for w in _WORD.findall(d.text) if w[0].islower())


def _normal_number(value: str) -> str:
    return value.replace(",", "")


class ClaimChecker:
    """Admits or rejects the claims of one reply, for one question and its numbered passages."""

    def __init__(
        self,
        documents: Mapping[str, Document],
        passages: Sequence[Passage],
        question: str,
        max_claims: int,
        common_words: frozenset[str] = frozenset(),
    ) -> None:
        self.documents = documents
        self.passages = list(passages)
        self.question = question
        self.max_claims = max_claims
        self.common_words = common_words  # words the corpus writes in lower case: no names
        self.admitted: list[Claim] = []

    def check(self, raw: object) -> Claim | Rejection:
        if len(self.admitted) >= self.max_claims:
            return Rejection(DropReason.TOO_MANY, f"more than {self.max_claims} claims")
        if (
            not isinstance(raw, Mapping)
            or not isinstance(raw.get("text"), str)
            or not isinstance(raw.get("quote"), str)
        ):
            return Rejection(DropReason.MALFORMED, repr(raw)[:80])
        text = " ".join(strip_markers(raw["text"]).split())
        quote = raw["quote"]
        if not text or len(quote.strip()) < MIN_QUOTE_CHARS:
            return Rejection(DropReason.MALFORMED, "empty text or a quote too short to locate")
        if len(text) > MAX_CLAIM_CHARS or len(quote) > MAX_QUOTE_CHARS:
            return Rejection(DropReason.TOO_LONG, f"{len(text)} characters of text, {len(quote)} of quote")
        found = self._find(quote, raw.get("passage"))
        if found is None:
            return Rejection(DropReason.QUOTE_NOT_FOUND, quote[:80])
        passage, start, end = found
        document = self.documents[passage.document_id]
        cited = citation(0, document, passage.paragraph_id, start, end)
        if not is_verbatim(cited, self.documents):
            return Rejection(DropReason.QUOTE_NOT_FOUND, quote[:80])
        if any(c.citation.document_id == cited.document_id and c.citation.start == start for c in self.admitted):
            return Rejection(DropReason.DUPLICATE, cited.quote[:80])
        text, problem = self._verify_quotations(text, document.text, passage)
        if problem is not None:
            return Rejection(DropReason.QUOTATION_UNVERIFIED, problem)
        unsupported = self._unsupported_values(text, cited)
        if unsupported:
            return Rejection(DropReason.UNSUPPORTED_VALUE, ", ".join(unsupported))
        claim = Claim(text, cited)
        self.admitted.append(claim)
        return claim

    def _find(self, quote: str, number: object) -> tuple[Passage, int, int] | None:
        preferred = [self.passages[number - 1]] if isinstance(number, int) and 1 <= number <= len(self.passages) else []
        for passage in [*preferred, *self.passages]:
            text = self.documents[passage.document_id].text
            span = locate(quote, text, passage.start, passage.end)
            if span is not None:
                start, end = _words_boundary(text, *span, passage.start, passage.end)
                if end - start >= MIN_QUOTE_CHARS:
                    return passage, start, end
        return None

    def _verify_quotations(self, text: str, source: str, passage: Passage) -> tuple[str, str | None]:
        """The text with each quotation replaced by the cited passage's own characters, or the one that is not there."""
        spans, left_open = quotations(text)
        if left_open:
            return text, f"an unclosed quotation mark in {text[:80]!r}"
        pieces, last = [], 0
        for lo, hi in spans:
            words = text[lo:hi]
            if not any(ch.isalnum() for ch in words):
                continue
            span = locate(words, source, passage.start, passage.end)
            if span is None:
                return text, f"quotes {words[:80]!r}, which the cited passage does not contain"
            pieces += [text[last:lo], source[span[0] : span[1]]]
            last = hi
        return "".join([*pieces, text[last:]]), None

    def _unsupported_values(self, text: str, cited: Citation) -> list[str]:
        """Years, numbers and names in the claim's own words that neither the question nor the citation holds."""
        spans, _ = quotations(text)
        own = "".join(" " if any(lo <= i < hi for lo, hi in spans) else ch for i, ch in enumerate(text))
        support = f"{self.question} {cited.quote} {cited.title} {cited.date}"
        numbers = {_normal_number(n) for n in _NUMBER.findall(support)}
        words = {w.lower().replace("’", "'").removesuffix("'s") for w in _WORD.findall(support)}
        missing = [n for n in _NUMBER.findall(own) if _normal_number(n) not in numbers]
        for match in _WORD.finditer(own):
            word = match.group(0).replace("’", "'").removesuffix("'s").strip("'-")
            lowered = word.lower()
            if not word or lowered in words:
                continue
            if lowered in _NUMBER_WORDS:
                missing.append(word)
            elif word[0].isupper() and len(word) > 1:
                # A capital opening a sentence marks no name: such a word passes when the corpus writes it in lower case.
                initial = bool(_SENTENCE_START.search(own[: match.start()]))
                if not (initial and (lowered in STOPWORDS or lowered in self.common_words)):
                    missing.append(word)
        return list(dict.fromkeys(missing))
