"""Judge the evidence for a question before anything is composed: the sentences that may answer it, the
features of the best one, and the refusal, with what is missing, when the corpus does not answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..corpus.text import tokenize, versions_in
from ..index.protocol import SearchIndex
from .decide import Features
from .evidence import (
    Question,
    Scored,
    SentenceWeights,
    Vocabulary,
    adds_nothing,
    asked_terms,
    holds_answer,
    names_code,
    overlap,
    score_sentences,
    shown_before,
    unsupported_values,
)
from .models import Passage, Turn
from .plan import QueryPlan
from .sections import Releases, answers_for_questions, completed_by_next, following, released_elsewhere, under_headings
from .slots import SLOT_NOUNS


@dataclass(frozen=True)
class Thresholds:
    """Support thresholds, set by measurement on the tuning half of the dev set (evals/).

    margin and max_citations (how close to the best sentence another must score to be cited too, and how
    many are cited) are fitted with the sentence weights by evals/fit_sentences.py.
    """

    min_dense: float = 0.80
    min_dense_unknown: float = 0.84
    min_overlap: float = 0.2
    margin: float = 0.03
    max_citations: int = 2
    sentences: SentenceWeights = field(default_factory=SentenceWeights)


@dataclass
class Assessment:
    question: Question
    scored: list[Scored]
    missing: list[str] = field(default_factory=list)
    features: Features | None = None
    refusal: str | None = None
    # Every quotable sentence, before those not giving the asked-for kind of fact were set aside.
    considered: list[Scored] = field(default_factory=list)


class Assessor:
    def __init__(self, index: SearchIndex, vocab: Vocabulary, thresholds: Thresholds) -> None:
        self.index = index
        self.vocab = vocab
        self.thresholds = thresholds
        # Lowered once: asserted names are looked up in the whole corpus on every question.
        self._lowered_texts = [doc.text.lower() for doc in index.documents.values()]
        self._dated_years = {doc.date[:4] for doc in index.documents.values() if doc.date}
        self._versions = {v for doc in index.documents.values() for v in versions_in(f"{doc.title}\n{doc.text}")}
        self._following = following(index)
        self.releases = Releases(index)

    def __call__(self, plan: QueryPlan, passages: list[Passage], turns: Sequence[Turn]) -> Assessment:
        question = plan.question
        parsed = Question.parse(question, self.vocab)
        if not passages:
            about = f" on {_quoted(parsed, parsed.terms)}" if parsed.terms else " on this subject"
            return Assessment(parsed, [], refusal=f"The corpus has no passage{about}.")
        # Retrieval reads a follow-up with the earlier question; choosing the sentence that answers it
        # goes by the follow-up's own words, or the earlier topic's sentences win again.
        context = Question.parse(plan.earlier, self.vocab) if plan.earlier is not None else None
        scored = score_sentences(
            self.index, passages, plan.vector(question), parsed, self.vocab, context, weights=self.thresholds.sentences
        )
        scored = answers_for_questions(self.index, scored, self._following)
        asked = asked_terms(parsed, self.vocab, context)
        scored = [s for s in scored if not adds_nothing(self.text(s), asked, self.vocab)] or scored
        scored = [s for s in scored if names_code(parsed, s.passage)] or scored
        said = {w for t in turns if t.role == "assistant" for w in tokenize(t.content)}
        fresh = [s for s in scored if not shown_before(self.text(s), said)] if said else scored
        # A follow-up wants something new; what the last answer already said is kept only as a last resort.
        scored = fresh or scored
        if not scored:
            return Assessment(
                parsed,
                [],
                refusal=f"No sentence of the retrieved passages is long enough to quote for {_quoted(parsed, parsed.terms)}.",
            )
        considered = scored
        if parsed.slot is not None:
            # A question that asks for a date, place or figure is answered only by sentences that give one.
            holding = [s for s in scored if holds_answer(parsed, self.text(s), s.passage, self.vocab, context)]
            # A line of release notes may hold the subject and its heading the release and the date.
            holding = holding or under_headings(self.index, parsed, scored, self.vocab, context)
            completed = completed_by_next(self.index, parsed, scored, self.vocab, context)
            holding = sorted([*holding, *completed], key=lambda s: -s.score)
            if not holding:
                wanted = SLOT_NOUNS[parsed.slot]
                return Assessment(
                    parsed, [], refusal=f"The corpus discusses this but does not give the {wanted} asked for."
                )
            scored = holding
        evidence = " ".join(p.text for p in passages[:3])
        missing = unsupported_values(parsed, evidence + " " + " ".join(p.date for p in passages[:3]))
        # What the closest passages lack is only unsupported when the corpus lacks it too: a year that names
        # an occasion some document is dated in, or a version or name found elsewhere, is retrieval's miss.
        missing = [m for m in missing if m not in self._dated_years] if parsed.years else missing
        missing = [m for m in missing if m in parsed.years or not self._in_corpus(m)]
        unknown = [m for m in missing if not self._in_corpus(m)]
        if (heading := released_elsewhere(self.releases, parsed, scored[0])) is not None:
            # The correction cites the release the corpus puts it under, beside the line itself.
            missing = [*missing, *(v for v in parsed.versions if v not in missing)]
            scored = [scored[0], heading, *scored[1:]]
        # A version names what the question is about ("gzip 1.13"), not a figure it may have wrong: a
        # version no document names is a subject the corpus lacks, however close the passages read.
        absent_versions = [v for v in parsed.versions if v not in self._versions]
        features = self._features(parsed, scored, evidence, unknown)
        best, t = scored[0], self.thresholds
        refusal = None
        # A follow-up's topic was settled by the turn before it; only a fresh question can be off-topic.
        # No content word of a fresh question in any of the closest passages: whatever its embedding is
        # near, the corpus does not speak of it (dense similarity's floor differs from corpus to corpus).
        unrelated = context is None and bool(parsed.terms) and features.coverage == 0 and best.overlap == 0
        if unrelated or (context is None and best.dense < t.min_dense and best.overlap < t.min_overlap):
            refusal = _absent("Nothing in the corpus addresses this question.", parsed, evidence, self.vocab)
        elif absent_versions or (unknown and best.dense < t.min_dense_unknown):
            refusal = f"The corpus says nothing about {', '.join(absent_versions or unknown)}."
        return Assessment(parsed, scored, missing, features, refusal, considered)

    def _features(self, parsed: Question, scored: list[Scored], evidence: str, unknown: list[str]) -> Features:
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else best.score - 0.1
        terms = {self.vocab.repair(w) or w for w in parsed.terms}
        return Features(
            dense=best.dense,
            overlap=best.overlap,
            coverage=overlap(terms, evidence, self.vocab),
            margin=best.score - runner_up,
            unknown=len(unknown) / max(1, len(parsed.names) + len(parsed.numbers) + len(parsed.years)),
            typed=float(parsed.slot is not None),
        )

    def _in_corpus(self, value: str) -> bool:
        lowered = value.lower()
        return any(lowered in text for text in self._lowered_texts)

    def text(self, item: Scored) -> str:
        return self.index.documents[item.span.document_id].text[item.span.start : item.span.end]


def _absent(reason: str, question: Question, evidence: str, vocab: Vocabulary) -> str:
    """The reason, naming the question's words that the closest passages do not contain."""
    found = set(tokenize(evidence))
    absent = [w for w in dict.fromkeys(question.terms) if (vocab.repair(w) or w) not in found]
    return f"{reason} The closest passages do not mention {_quoted(question, absent)}." if absent else reason


def _quoted(question: Question, stems: Sequence[str]) -> str:
    """The question's own words behind the stems ("released", not "releas"), quoted, at most four."""
    words: dict[str, str] = {}
    for raw in re.findall(r"[\w’'.-]+", question.text):
        for stem in tokenize(raw):
            words.setdefault(stem, raw.strip("."))
    # "1.0" is the stems "1", "0" and "1.0": the reader sees it once.
    shown = dict.fromkeys(words.get(s, s) for s in stems)
    return ", ".join(f"“{word}”" for word in list(shown)[:4])
