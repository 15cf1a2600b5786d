"""Score the sentences of retrieved paragraphs against a question and judge whether they support it.

Retrieval scores alone cannot tell a near-miss question from an answerable one (measured: top dense
similarities overlap), so support is judged on content: whether the best sentences hold the kind of
fact the question asks for (a date, a place, a number, a name) and the specific values it asserts.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..corpus.text import LOCATOR, YEAR, tokenize, versions_in
from ..index.protocol import SearchIndex, Span
from .models import Passage

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_NUMBER = re.compile(
    r"(?<![\d,])(?!(?:1[89]|20)\d\d\b)\d[\d,.]*(?!\d|st\b|nd\b|rd\b|th\b)|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|trillions?|percent|dozens?)\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(r"\b(yuan|dollars?|euros?|pounds?)\b|[$¥€£]|\b(million|billion|trillion)\b", re.IGNORECASE)
_MONTH = re.compile(_MONTHS, re.IGNORECASE)
# Months and years; a bare ordinal ("36th") numbers a session, it does not date it.
_DATE = re.compile(rf"\b({_MONTHS})\b|{YEAR.pattern}", re.IGNORECASE)
# A named place after "in"/"at". A name found in most documents (the corpus's own country, say) names no
# venue: Vocabulary.is_generic decides that from the corpus, see fills().
_PLACE = re.compile(r"\b(in|at)\s+(?!The\b|the\b)([A-Z][a-z]+)")
# Where things are in a system: a path, a file, a section ("in /etc/os-release", "under «admindir»").
_LOCATION = re.compile(
    r"\b(in|at|under|inside|within|into|from)\s+(the\s+)?([/~$«<`\"'][^\s]+|\S+\s+(directory|folder|file|section|"
    r"chapter|table|field|header|variable)\b)",
    re.I,
)
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(a\.m\.|p\.m\.|am|pm)\b|o'clock|\bmidnight\b|\bnoon\b", re.I)
_PENALTY = re.compile(r"\b(prison|imprison\w*|jail|fined?\b|fines\b|penalt\w+|sentenced)", re.IGNORECASE)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+")
# A release or version: "1.12", "4.2.2", "version 13", "mkosi-13", "v252".
_VERSION = re.compile(r"\d+(?:\.\d+)+|\b(?:version|release|v)\s*\d+|[a-z]-\d+\b", re.IGNORECASE)
# Someone's name: two capitalised words together, or one next to a verb of saying ("…, Xi said").
_SAYING = r"(?:said|says|wrote|writes|stressed|noted|added|told|pointed out|according to)"
_SAYING_WORDS = frozenset(re.findall(r"[a-z]+", _SAYING))
# An initial may stand between the names ("Ian A. Murdock").
_PERSON = re.compile(
    rf"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.|[A-Z][a-z]+))*\s+[A-Z][a-z]+|\b[A-Z][a-z]+\s+{_SAYING}\b|\b{_SAYING}\s+[A-Z][a-z]+"
)
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
        _DATE,
    ),
    ("time", re.compile(r"\b(what|which) time\b|\bat what hour\b", re.I), _TIME),
    (
        "version",
        re.compile(r"\b(which|what|in which)\s+(\w+\s+)?(version|release)\b(?!\s+notes?\b)", re.I),
        _VERSION,
    ),
    (
        "number",
        re.compile(
            r"\bhow (many|much|long|big|large|old|often)\b"
            r"|\bwhat (percentage|percent|share|number|amount|figure|proportion|sum|size)\b"
            # An identifier is a number too: "what UID", "which port", "which CVE".
            r"|\b(which|what)\s+(\w+\s+)?(uid|gid|id|port|cve)\b",
            re.I,
        ),
        _NUMBER,
    ),
    ("place", re.compile(r"\bwhere\b|\b(which|what) (city|province|venue|place|town|country)\b", re.I), _PLACE),
    # Only the verbs of authorship ask for a person: "who pays for it?" is as often answered by "the council".
    (
        "person",
        re.compile(
            r"\bwho\s+(first\s+)?(wrote|designed|founded|created|invented|authored|said|developed|proposed)\b", re.I
        ),
        _PERSON,
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
_YES_NO = re.compile(r"^\W*(is|are|was|were|do|does|did|can|could|should|would|will|has|have|had|may|must)\b", re.I)
_YES_NO_SLOTS = frozenset({"date", "time", "number", "amount"})


@dataclass(frozen=True)
class SentenceWeights:
    """How a sentence's score adds up: its cosine to the question, plus these.

    Fitted on the tune halves of every dev corpus by evals/fit_sentences.py (results/sentences.json). With
    its margin and citation count, held-out support precision / citation recall as `citeqa eval` measured
    them: cyber-policy .55/.57, packaging-specs .36/.26, systemd-docs .55/.48, gnu-release-notes .60/.48
    (before this fit and the typed rules beside it: .49/.50, .29/.33, .34/.33, .26/.30). A bonus for holding
    the asked type and a share of the passage's retrieval score were fitted to 0 and are gone; a penalty
    for a sentence that is itself a question gave way to citing what answers it (qa.sections).
    """

    lexical: float = 0.1  # share of the question's idf weight the sentence holds
    rank: float = 0.05  # taken off per rank of the sentence's passage


SLOT_NOUNS = {
    "date": "date",
    "time": "time",
    "number": "figure",
    "amount": "amount",
    "place": "place",
    "penalty": "penalty",
    "version": "version",
    "person": "name",
}


@dataclass(frozen=True)
class Question:
    text: str
    slot: str | None
    slot_filler: re.Pattern[str] | None
    years: tuple[str, ...]
    numbers: tuple[str, ...]
    names: tuple[str, ...]
    terms: tuple[str, ...]
    versions: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, vocab: Vocabulary) -> Question:
        slot, filler = None, None
        yes_no = bool(_YES_NO.match(text))
        for name, asks, fills_slot in _SLOTS:
            if asks.search(text) and (not yes_no or name in _YES_NO_SLOTS):
                slot, filler = name, fills_slot
                break
        names = tuple(n for n in _NAME.findall(text) if len(n) > 3)
        names += tuple(m.group(2) for m in re.finditer(r"\b(in|at)\s+([A-Z][a-z]+)", text) if m.group(2) not in names)
        # A month is a date expression, checked as a date ("December 2018" is 2018-12), not a name.
        names = tuple(n for n in names if not vocab.is_generic(n) and not _MONTH.fullmatch(n))
        # Digits glued to letters belong to a name ("GPT-4", "x86", "Windows 11" stays a number).
        numbers = tuple(
            m.rstrip(".,")
            for m in re.findall(r"(?<![\w.-])\d[\d,.]*(?![\w-])", text)
            if not YEAR.fullmatch(m.rstrip(".,"))
        )
        years = tuple(YEAR.findall(text))
        return cls(text, slot, filler, years, numbers, names, tuple(tokenize(text)), versions_in(text))

    # Asked of every candidate sentence, so worked out once per question.
    @cached_property
    def words(self) -> frozenset[str]:
        """The question's words as written, lower-cased and unstemmed."""
        return frozenset(re.findall(r"\w+", self.text.lower()))

    @cached_property
    def given(self) -> tuple[str, ...]:
        """The numbers, versions and years the question states, longest first."""
        return tuple(sorted({*self.numbers, *self.versions, *self.years}, key=len, reverse=True))


@dataclass
class Scored:
    passage: Passage
    rank: int
    span: Span
    score: float
    dense: float
    overlap: float


_UNSEEN = object()


# A word found in at least this share of the documents (and in two or more) is the corpus's common
# ground, not a specific a question can assert: the country of a policy corpus, the product of a manual.
GENERIC_SHARE = 0.5


@dataclass
class Vocabulary:
    """Word statistics of the index: paragraph frequencies for weighting and spelling repair, document
    frequencies for telling a corpus's common names from specific ones."""

    index: SearchIndex
    df: Counter[str] = field(default_factory=Counter)
    document_df: Counter[str] = field(default_factory=Counter)
    _repairs: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.paragraphs = len(self.index.paragraph_ids())
        for pid in self.index.paragraph_ids():
            self.df.update(set(tokenize(self.index.paragraph(pid).text)))
        for document in self.index.documents.values():
            self.document_df.update(set(re.findall(r"\w+", document.text.lower())))

    def is_generic(self, name: str) -> bool:
        """Whether every word of a name is common ground across the corpus's documents."""
        documents = len(self.index.documents)
        words = re.findall(r"\w+", name.lower())
        return bool(words) and all(self.document_df[w] >= max(2, GENERIC_SHARE * documents) for w in words)

    @cached_property
    def words(self) -> list[str]:
        return list(self.df)

    def idf(self, term: str) -> float:
        return math.log(1 + self.paragraphs / (1 + self.df.get(term, 0)))

    def repair(self, term: str) -> str | None:
        """The corpus word a mistyped term most likely meant, or None if nothing is close."""
        if term in self.df:
            return term
        if len(term) < 4:
            return None
        cached = self._repairs.get(term, _UNSEEN)
        if cached is not _UNSEEN:
            return cached  # type: ignore[return-value]
        # difflib scans the whole vocabulary, so each answer is remembered (bounded; threads may share it).
        if len(self._repairs) > 10_000:
            self._repairs.clear()
        close = difflib.get_close_matches(term, self.words, n=1, cutoff=0.8)
        repaired = close[0] if close else None
        self._repairs[term] = repaired
        return repaired


def overlap(question_terms: set[str], sentence: str, vocab: Vocabulary) -> float:
    """Share of the question's idf weight that the sentence contains."""
    if not question_terms:
        return 0.0
    words = set(tokenize(sentence))
    total = sum(vocab.idf(t) for t in question_terms)
    return sum(vocab.idf(t) for t in question_terms & words) / total if total else 0.0


def _content_terms(question: Question, vocab: Vocabulary) -> set[str]:
    terms = {vocab.repair(t) or t for t in question.terms}
    if question.slot != "date":
        # A year in a question usually names the occasion ("his 2016 speech"), not the fact wanted.
        terms -= set(question.years)
    return terms


def score_sentences(
    index: SearchIndex,
    passages: list[Passage],
    query_vector: np.ndarray,
    question: Question,
    vocab: Vocabulary,
    context: Question | None = None,
    depth: int = 6,
    weights: SentenceWeights = SentenceWeights(),
) -> list[Scored]:
    """Sentences of the top passages, best first. `context` is the earlier turn a follow-up leans on:
    its words help, but the follow-up's own words decide which sentence answers it."""
    terms = _content_terms(question, vocab)
    context_terms = _content_terms(context, vocab) - terms if context else set()
    scored: list[Scored] = []
    for rank, passage in enumerate(passages[:depth]):
        text = index.documents[passage.document_id].text
        for sentence in index.sentences(passage.paragraph_id):
            words = text[sentence.span.start : sentence.span.end]
            if len(words) < 20:
                continue
            dense = float(sentence.vector @ query_vector)
            lexical = overlap(terms, words, vocab)
            if context_terms:
                lexical = 0.7 * lexical + 0.3 * overlap(context_terms, words, vocab)
            score = dense + weights.lexical * lexical - weights.rank * rank
            scored.append(Scored(passage, rank, sentence.span, score, dense, lexical))
    scored.sort(key=lambda s: -s.score)
    return scored


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
    if question.slot == "person":
        # The name asked about is not its own answer: "Who wrote the Debian Manifesto?" wants the author.
        return any(
            set(re.findall(r"[a-z]+", m.group(0).lower())) - question.words - _SAYING_WORDS
            for m in _PERSON.finditer(sentence)
        )
    return bool(question.slot_filler.search(_without_given(question, sentence)))


def _without_given(question: Question, sentence: str) -> str:
    """The sentence less the values the question itself states: "How many voted for version 1.9?" is
    not answered by "Version 1.9 ratified", nor "When in 2016…?" by a bare "2016"."""
    for value in question.given:
        sentence = re.sub(rf"(?<![\w.]){re.escape(value)}(?!\w|\.\d)", " ", sentence)
    return sentence


_SECTION_NUMBER = re.compile(r"^\W*\d+(?:\.\d+)*\.?(?=\s|$)")


def asked_terms(question: Question, vocab: Vocabulary, context: Question | None = None) -> set[str]:
    """The content words of the question and of the one before it, repaired to the corpus's spelling."""
    return _content_terms(question, vocab) | (_content_terms(context, vocab) if context else set())


def adds_nothing(sentence: str, asked: set[str], vocab: Vocabulary) -> bool:
    """Whether the sentence holds no word outside `asked` (asked_terms): a heading that names the subject
    ("Sed 4.2") or a restated question answers nothing."""
    return not {w for w in tokenize(sentence) if (vocab.repair(w) or w) not in asked}


def unsupported_values(question: Question, evidence_text: str) -> list[str]:
    """Years, numbers and names the question asserts that the evidence does not contain."""
    missing = [y for y in question.years if y not in evidence_text]
    missing += [n for n in question.numbers if n not in evidence_text]
    lowered = evidence_text.lower()
    missing += [n for n in question.names if n.lower() not in lowered and n.split()[-1].lower() not in lowered]
    return missing


# A sentence answers for the entity or event a question names when it shares this share of the question's
# content weight, or its paragraph shares this much: "It was held in Valmora" follows the sentence that
# names the festival.
TIE_SENTENCE = 0.2
TIE_PARAGRAPH = 0.5


def holds_answer(
    question: Question, sentence: str, passage: Passage, vocab: Vocabulary, context: Question | None = None
) -> bool:
    """Whether the sentence gives what the question asks for (a date, a place, a figure…), about what it asks.

    When the question names a year, only sentences of that year's documents (or naming it) count:
    the place of the 2023 conference does not answer where the 2018 one was held.
    """
    if question.slot_filler is None:
        return True
    years = question.years
    if years and passage.date[:4] not in years and not any(y in sentence for y in years):
        return False
    # Likewise a version: the date of gzip 1.3.12 does not answer when gzip 1.12 came out.
    if not names_versions(question, f"{sentence} {passage.text} {passage.heading}"):
        return False
    return fills(question, sentence, vocab) and about(question, sentence, passage, vocab, context)


def names_versions(question: Question, text: str) -> bool:
    """Whether the text names a version the question names (true when it names none)."""
    return not question.versions or bool(set(question.versions) & set(versions_in(text)))


def about(
    question: Question, sentence: str, passage: Passage, vocab: Vocabulary, context: Question | None = None
) -> bool:
    """Whether the sentence (or its paragraph) is about what the question names; a follow-up's subject may
    be named only by the question before it ("which release added it?")."""
    for asked in (question, context) if context is not None else (question,):
        terms = _content_terms(asked, vocab)
        if overlap(terms, sentence, vocab) >= TIE_SENTENCE or overlap(terms, passage.text, vocab) >= TIE_PARAGRAPH:
            return True
    return False


_PARTS = re.compile(
    r",?\s+and\s+(?=(?:what|which|who|whom|when|where|how|why|did|does|do|is|are|was|were)\b)|;\s*|\?\s+"
)


def question_parts(question: str) -> list[str]:
    """The sub-questions of a question that asks two things ("What was X, and what did Y?")."""
    parts = [p.strip(" ,?") for p in _PARTS.split(question) if p and p.strip(" ,?")]
    return parts if len(parts) > 1 and all(len(tokenize(p)) >= 2 for p in parts) else [question]


def shown_before(sentence: str, earlier: set[str]) -> bool:
    """Whether an earlier answer in the conversation already said (nearly) this sentence."""
    words = set(tokenize(sentence))
    return bool(words) and len(words & earlier) / len(words) >= 0.75
