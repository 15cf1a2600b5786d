"""What a question asks for (a date, a place, a figure, a name…) and whether a sentence gives it.

A slot is asked by the question's wording and filled by an expression in a sentence; a value the question
itself states never fills it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..corpus.text import LOCATOR, YEAR

if TYPE_CHECKING:
    from .evidence import Question, Vocabulary

# Shared with qa.direct, which cuts the same expressions out of a sentence.
MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    "hundreds?|thousands?|millions?|billions?|trillions?|dozens?"
)
_MONTHS = MONTH_NAMES.lower()
_NUMBER = re.compile(
    rf"(?<![\d,])(?!(?:1[89]|20)\d\d\b)\d[\d,.]*(?!\d|st\b|nd\b|rd\b|th\b)|\b({NUMBER_WORDS}|percent)\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(r"\b(yuan|dollars?|euros?|pounds?)\b|[$¥€£]|\b(million|billion|trillion)\b", re.IGNORECASE)
MONTH = re.compile(_MONTHS, re.IGNORECASE)
# Months and years; a bare ordinal ("36th") numbers a session, it does not date it. Month names are
# capitalised: in lower case "may" is a verb and "march" a walk. A date may be written in figures
# ("Revised 01/06/94").
DATE = re.compile(rf"\b(?-i:{MONTH_NAMES})\b|{YEAR.pattern}|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b", re.IGNORECASE)
# A named place after "in"/"at". A name found in most documents (the corpus's own country, say) names no
# venue: Vocabulary.is_generic decides that from the corpus, see fills().
_PLACE = re.compile(r"\b(in|at)\s+(?!The\b|the\b)([A-Z][a-z]+)")
# Where things are in a system: a path, a file, a section ("in /etc/os-release", "under «admindir»").
_LOCATION = re.compile(
    r"\b(in|at|under|inside|within|into|from)\s+(the\s+)?([/~$«<`\"'][^\s]+|\S+\s+(directory|folder|file|section|"
    r"chapter|table|field|header|variable)\b)",
    re.I,
)
# A length of time or of text: "100 msec", "one week", "a fortnight", "255 bytes".
DURATION_UNITS = (
    r"(?:ms|msec|milliseconds?|s|secs?|seconds?|mins?|minutes?|hours?|h|days?|weeks?|fortnights?|months?|years?"
    r"|bytes?|bits?|characters?|chars|lines?|[KMGT]i?B)"
)
_DURATION = re.compile(rf"(?:\b\d[\d,.]*\s*|\b(?:{NUMBER_WORDS}|a|an)\s+){DURATION_UNITS}\b", re.IGNORECASE)
# "How long after 1.11 did 1.12 come out?" is answered by the two dates, the span between them worked out.
_SPAN = re.compile(r"\b(after|before|between|since|until|till|from)\b", re.I)
_DURATION_OR_DATE = re.compile(f"{_DURATION.pattern}|{DATE.pattern}", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(a\.m\.|p\.m\.|am|pm)\b|o'clock|\bmidnight\b|\bnoon\b", re.I)
_PENALTY = re.compile(r"\b(prison|imprison\w*|jail|fined?\b|fines\b|penalt\w+|sentenced)", re.IGNORECASE)
# A release or version: "1.12", "4.2.2", "version 13", "mkosi-13", "v252".
_VERSION = re.compile(r"\d+(?:\.\d+)+|\b(?:version|release|v)\s*\d+|[a-z]-\d+\b", re.IGNORECASE)
# Someone's name: two capitalised words together, or one next to a verb of saying ("…, Xi said").
_SAYING = r"(?:said|says|wrote|writes|stressed|noted|added|told|pointed out|according to)"
_SAYING_WORDS = frozenset(re.findall(r"[a-z]+", _SAYING))
# An initial may stand between the names ("Ian A. Murdock").
_PERSON = re.compile(
    rf"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.|[A-Z][a-z]+))*\s+[A-Z][a-z]+|\b[A-Z][a-z]+\s+{_SAYING}\b|\b{_SAYING}\s+[A-Z][a-z]+"
)
# An organisation's name: capitalised words, maybe joined by "of", "for", "in", "the" ("Software in the
# Public Interest"), or an acronym ("SPI").
_ORGANISATION = re.compile(r"\b[A-Z]{2,}\b|\b[A-Z][a-z]+(?:\s+(?:(?:of|for|in|the|and)\s+)*[A-Z][a-z]+)+")
_AUXILIARIES = "is|are|was|were|do|does|did|can|could|should|would|will|has|have|had|may|must"
# (slot, how a question asks for it, what a sentence that gives it contains)
_SLOTS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "amount",
        re.compile(r"\bhow much (money|funding|investment)\b|\b(budget|funding|spend|spending|cost)\b", re.I),
        _AMOUNT,
    ),
    # "When was it held?" wants a date; "When should a frontend take the lock?" wants a condition.
    (
        "date",
        re.compile(r"\bwhen (was|were|did|had)\b|\b(what|which) (year|date|day|month)\b|\bon what (date|day)\b", re.I),
        DATE,
    ),
    ("time", re.compile(r"\b(what|which) time\b|\bat what hour\b", re.I), _TIME),
    (
        "version",
        re.compile(r"\b(which|what|in which)\s+(\w+\s+)?(version|release)\b(?!\s+notes?\b)", re.I),
        _VERSION,
    ),
    ("duration", re.compile(r"\bhow long\b", re.I), _DURATION),
    (
        "number",
        re.compile(
            r"\bhow (many|much|big|large|old|often)\b"
            r"|\bwhat (percentage|percent|share|number|amount|figure|proportion|sum|size)\b"
            # An identifier is a number too: "what UID", "which port", "which CVE".
            r"|\b(which|what)\s+(\w+\s+)?(uid|gid|id|port|cve)\b",
            re.I,
        ),
        _NUMBER,
    ),
    # "Where is it held?" asks a place; "the list where resolutions are announced" only names one.
    (
        "place",
        re.compile(
            rf"^\W*where\b|\bwhere(\s+({_AUXILIARIES}|to)\b|'s\b)|\b(which|what) (city|province|venue|place|town|country)\b",
            re.I,
        ),
        _PLACE,
    ),
    # Only the verbs of authorship ask for a person: "who pays for it?" is as often answered by "the council".
    # So does asking who holds a post at a time ("Who is the current Leader?").
    (
        "person",
        re.compile(
            r"\bwho\s+(first\s+)?(wrote|designed|founded|created|invented|authored|said|developed|proposed)\b"
            r"|\bwho\s+(is|was|are|were)\s+(the\s+)?(current|present|incumbent|first|new|former|previous|next)\b",
            re.I,
        ),
        _PERSON,
    ),
    (
        "organisation",
        re.compile(
            r"\b(which|what)\s+(\w+\s+)?(organi[sz]ations?|compan(y|ies)|firms?|agenc(y|ies)|institutions?)\b", re.I
        ),
        _ORGANISATION,
    ),
    # "Is it fine to…" asks no penalty: a fine is "a fine", "fined" or "fines".
    (
        "penalty",
        re.compile(
            r"\b(prison|jail|fined|fines|a fine|penalt\w+|punish\w*|(prison|jail) sentences?|sentenced)\b", re.I
        ),
        _PENALTY,
    ),
)
# A yes/no question ("Does it matter which country…?") is answered by the evidence, not by a place, a
# name or a version its clauses mention; only an explicit quantity or date in it is still asked for.
_YES_NO = re.compile(rf"^\W*({_AUXILIARIES})\b", re.I)
_YES_NO_SLOTS = frozenset({"date", "time", "duration", "number", "amount"})


def asked(question: str) -> tuple[str | None, re.Pattern[str] | None]:
    """The slot a question asks to fill, and the pattern of what fills it; (None, None) for open questions."""
    yes_no = bool(_YES_NO.match(question))
    for name, asks, fills_slot in _SLOTS:
        if asks.search(question) and (not yes_no or name in _YES_NO_SLOTS):
            if name == "duration" and _SPAN.search(question):
                return name, _DURATION_OR_DATE
            return name, fills_slot
    return None, None


SLOT_NOUNS = {
    "date": "date",
    "time": "time",
    "duration": "length",
    "number": "figure",
    "amount": "amount",
    "place": "place",
    "penalty": "penalty",
    "organisation": "organisation",
    "version": "version",
    "person": "name",
}


def fills(question: Question, sentence: str, vocab: Vocabulary) -> bool:
    """Whether the sentence holds an expression of the kind the question asks for."""
    if question.slot_filler is None:
        return False
    if question.slot == "place":
        named = any(not vocab.is_generic(m.group(2)) for m in _PLACE.finditer(sentence))
        return named or bool(_LOCATION.search(sentence) or LOCATOR.search(sentence))
    if question.slot == "version":
        # A numbered section's heading ("5.3.2. Delta") numbers a section, not a release.
        sentence = _SECTION_NUMBER.sub("", sentence, count=1)
    if question.slot in ("person", "organisation"):
        # The name asked about is not its own answer: "Who wrote the Debian Manifesto?" wants the author,
        # "Which organisations are on the List of Trusted Organisations?" the organisations. A person is
        # named by a word the corpus never writes in lower case: "the Project Secretary" holds a post.
        common = vocab.lowercase if question.slot == "person" else set()
        return any(
            set(re.findall(r"[a-z]+", m.group(0).lower())) - question.words - _SAYING_WORDS - common
            for m in question.slot_filler.finditer(sentence)
            # "The Debian Linux Manifesto" names a work and "The Free Software Foundation" a body: a
            # person's name takes no article.
            if question.slot == "organisation" or not _ARTICLE.match(m.group(0))
        )
    if question.slot in ("number", "amount"):
        # An item's number in a list ("5. `systemd-homed` mounts…") counts nothing.
        sentence = _LIST_NUMBER.sub("", sentence, count=1)
    if question.slot == "number" and _COUNT.search(question.text):
        # A number that names something counts nothing: "Version 1.1 ratified" says not how many voted,
        # "ISO 639" not how many languages there are.
        sentence = _NAMING_NUMBER.sub(" ", sentence)
    return bool(question.slot_filler.search(_without_given(question, sentence)))


def _without_given(question: Question, sentence: str) -> str:
    """The sentence less the values the question itself states: "How many voted for version 1.9?" is
    not answered by "Version 1.9 ratified", nor "When in 2016…?" by a bare "2016"."""
    for value in question.given:
        sentence = re.sub(rf"(?<![\w.]){re.escape(value)}(?!\w|\.\d)", " ", sentence)
    return sentence


_ARTICLE = re.compile(r"(The|A|An)\s")
_COUNT = re.compile(r"\bhow (many|much)\b", re.I)
# A standard's or a release's number: "ISO 639", "RFC 1952", "version 1.1", "v252", "4.2.2".
_NAMING_NUMBER = re.compile(
    r"\b(?-i:[A-Z]{2,})[- ]?\d[\d.-]*|\b(?:version|release|v)\s*\d[\d.]*|\b\d+(?:\.\d+){2,}\b", re.I
)
_SECTION_NUMBER = re.compile(r"^\W*\d+(?:\.\d+)*\.?(?=\s|$)")
_LIST_NUMBER = re.compile(r"^\W*\d+[.)](?=\s)")
