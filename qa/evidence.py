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

from ..corpus.text import YEAR, tokenize, versions_in
from ..index.protocol import SearchIndex, Span
from .models import Passage
from .slots import MONTH, asked, fills

_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+")


@dataclass(frozen=True)
class SentenceWeights:
    """How a sentence's score adds up: its cosine to the question, plus these.

    Fitted on the tune halves of every dev corpus by evals/fit_sentences.py (results/sentences.json); its
    latest run, over five corpora, chose the same point again. With its margin and citation count, held-out
    support precision / citation recall in that run: cyber-policy .55/.57, packaging-specs .42/.33,
    systemd-docs .54/.48, gnu-release-notes .61/.52, debian-governance .43/.44. A bonus for holding the asked
    type and a share of the passage's retrieval score were fitted to 0 and are gone; a penalty for a sentence
    that is itself a question gave way to citing what answers it (qa.sections).
    """

    lexical: float = 0.1  # share of the question's idf weight the sentence holds
    rank: float = 0.05  # taken off per rank of the sentence's passage


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
    # The named things a typed answer must be about ("XZ Utils"), capitalised words in a row
    subjects: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, vocab: Vocabulary) -> Question:
        slot, filler = asked(text)
        names = tuple(n for n in _NAME.findall(text) if len(n) > 3)
        names += tuple(m.group(2) for m in re.finditer(r"\b(in|at)\s+([A-Z][a-z]+)", text) if m.group(2) not in names)
        # A month is a date expression, checked as a date ("December 2018" is 2018-12), not a name.
        names = tuple(n for n in names if not vocab.is_generic(n) and not MONTH.fullmatch(n))
        # Digits glued to letters belong to a name ("GPT-4", "x86", "Windows 11" stays a number).
        numbers = tuple(
            m.rstrip(".,")
            for m in re.findall(r"(?<![\w.-])\d[\d,.]*(?![\w-])", text)
            if not YEAR.fullmatch(m.rstrip(".,"))
        )
        years = tuple(YEAR.findall(text))
        subjects = tuple(n for n in _SUBJECT.findall(text) if not vocab.is_generic(n))
        # "long" in "how long" asks, it names nothing a sentence must share ("How long is the wait?").
        terms = tuple(tokenize(_ASKING.sub(" ", text)))
        return cls(text, slot, filler, years, numbers, names, terms, versions_in(text), subjects)

    # Asked of every candidate sentence, so worked out once per question.
    @cached_property
    def words(self) -> frozenset[str]:
        """The question's words as written, lower-cased and unstemmed."""
        return frozenset(re.findall(r"\w+", self.text.lower()))

    @cached_property
    def given(self) -> tuple[str, ...]:
        """The numbers, versions and years the question states, longest first."""
        return tuple(sorted({*self.numbers, *self.versions, *self.years}, key=len, reverse=True))

    @cached_property
    def code_terms(self) -> tuple[str, ...]:
        """What the question writes as code: an option ("--rsyncable"), a variable, an identifier."""
        return tuple(dict.fromkeys(m.strip("`") for m in _CODE.findall(self.text)))

    @cached_property
    def subject_words(self) -> tuple[tuple[str, ...], ...]:
        """Per named subject, the lower-cased words a passage must hold to be about it: all but ordinals."""
        return tuple(
            tuple(w.lower() for w in subject.split() if not _ORDINAL.fullmatch(w)) for subject in self.subjects
        )


# Capitalised words in a row, acronyms included ("XZ Utils", "Technical Committee"), not opening the question.
_SUBJECT = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w-]*(?:\s+[A-Z][\w-]*)+")
_WORD = re.compile(r"[^\W\d_]{2,}")
# "--keep", "-R", "$SYSTEMD_BUS_TIMEOUT", "DEB_GAIN_ROOT_CMD", "`po/`": a hyphenated word is no option.
_CODE = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*|\$\w+|[A-Za-z]+_\w+|`[^`]+`)")
_ASKING = re.compile(r"\bhow\s+(long|big|large|old|often|far|soon)\b", re.I)
# An ordinal in a name is as often written in figures ("the Second Conference", "the 2nd Conference").
_ORDINAL = re.compile(r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)", re.I)


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
        # Words the corpus writes in lower case somewhere are common nouns, whatever their capitals in a
        # title ("the Project Secretary"); a person's name is never written so ("Murdock").
        self.lowercase: set[str] = set()
        for document in self.index.documents.values():
            self.document_df.update(set(re.findall(r"\w+", document.text.lower())))
            self.lowercase.update(re.findall(r"\b[a-z]+\b", document.text))

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
            # A rule of stars or dashes ("*****", "+====+") is layout, however long; it quotes nothing.
            if len(words) < 20 or not _WORD.search(words):
                continue
            dense = float(sentence.vector @ query_vector)
            lexical = overlap(terms, words, vocab)
            if context_terms:
                lexical = 0.7 * lexical + 0.3 * overlap(context_terms, words, vocab)
            score = dense + weights.lexical * lexical - weights.rank * rank
            scored.append(Scored(passage, rank, sentence.span, score, dense, lexical))
    scored.sort(key=lambda s: -s.score)
    return scored


def asked_terms(question: Question, vocab: Vocabulary, context: Question | None = None) -> set[str]:
    """The content words of the question and of the one before it, repaired to the corpus's spelling."""
    return _content_terms(question, vocab) | (_content_terms(context, vocab) if context else set())


def adds_nothing(sentence: str, asked: set[str], vocab: Vocabulary) -> bool:
    """Whether the sentence holds no word outside `asked` (asked_terms): a heading that names the subject
    ("Sed 4.2") or a restated question answers nothing."""
    return not {w for w in tokenize(sentence) if (vocab.repair(w) or w) not in asked}


def names_code(question: Question, passage: Passage) -> bool:
    """Whether the passage writes one of the question's code terms (true when it writes none): the
    sentence on --keep does not say what --rsyncable does, however alike the two read."""
    return not question.code_terms or any(term in passage.text for term in question.code_terms)


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
    # And a named subject: the release that added a filter to the format is not a release of XZ Utils.
    where = f"{sentence} {passage.text} {passage.heading} {passage.title}".lower()
    if any(not all(w in where for w in words) for words in question.subject_words):
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
    for turn in (question, context) if context is not None else (question,):
        terms = _content_terms(turn, vocab)
        if overlap(terms, sentence, vocab) >= TIE_SENTENCE or overlap(terms, passage.text, vocab) >= TIE_PARAGRAPH:
            return True
    return False


def shown_before(sentence: str, earlier: set[str]) -> bool:
    """Whether an earlier answer in the conversation already said (nearly) this sentence."""
    words = set(tokenize(sentence))
    return bool(words) and len(words & earlier) / len(words) >= 0.75
