"""Evidence that a document's structure gives: the heading a line stands under, the answer after a question.

"Which release added --no-dereference?" is answered by the body line "diff accepts a new option,
--no-dereference" together with the heading it stands under, "release 3.3 (2013-03-24)": neither holds
both the subject and the version. An FAQ's question ("Can I encrypt zip files with zlib?") matches the
user's question better than anything, and its answer is what follows it. A line naming a setting may
leave its value to the next sentence ("…the timeout waiting for the image. Defaults to 100 msec.").
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import replace

from ..corpus.text import versions_in
from ..index.protocol import HEADING, Paragraph, SearchIndex, Span
from .evidence import Question, Scored, Vocabulary, about, holds_answer, names_versions
from .slots import fills

# The types a heading states for the paragraphs under it.
HEADED_SLOTS = frozenset({"date", "version"})
# The types a sentence may leave to the next one ("Defaults to 100 msec."); a capitalised word in the next
# sentence is too often no name of the asked kind, and a date no value of the named setting.
COMPLETED_SLOTS = frozenset({"duration", "number", "amount", "time"})
DEPTH = 10  # candidate sentences whose headings are looked at


def under_headings(
    index: SearchIndex, question: Question, scored: Sequence[Scored], vocab: Vocabulary, context: Question | None
) -> list[Scored]:
    """For each of the best sentences about the question whose heading gives the asked type, the heading's
    sentence and then the sentence itself, in score order; empty for other types of question."""
    if question.slot not in HEADED_SLOTS:
        return []
    found: list[Scored] = []
    for item in scored[:DEPTH]:
        heading = index.heading_of(item.passage.paragraph_id)
        text = index.documents[item.span.document_id].text
        if heading is None or not fills(question, heading.text, vocab):
            continue
        if question.years and not any(y in heading.text for y in question.years):
            continue
        if not names_versions(question, f"{heading.text} {item.passage.text}"):
            continue
        if not about(question, text[item.span.start : item.span.end], item.passage, vocab, context):
            continue
        for sentence in index.sentences(heading.id)[:1]:
            found.append(Scored(item.passage, item.rank, sentence.span, item.score, item.dense, item.overlap))
            found.append(item)
    return found


class Releases:
    """The release each paragraph stands under: the last one-line heading before it that names a version.
    The nearest heading may be a section of the release ("** New features"); the release is above it. A
    heading of several lines is a body paragraph the chunker took for one ("…[bug introduced in 3.4]")."""

    def __init__(self, index: SearchIndex) -> None:
        self._index = index
        self._headings: dict[str, list[Paragraph]] = {}
        for pid in index.paragraph_ids():
            paragraph = index.paragraph(pid)
            if paragraph.role == HEADING and "\n" not in paragraph.text.strip() and versions_in(paragraph.text):
                self._headings.setdefault(paragraph.document_id, []).append(paragraph)
        for headings in self._headings.values():
            headings.sort(key=lambda h: h.start)
        self._starts = {doc: [h.start for h in headings] for doc, headings in self._headings.items()}

    def of(self, paragraph_id: str) -> Paragraph | None:
        paragraph = self._index.paragraph(paragraph_id)
        # A release heading stands under itself.
        at = bisect.bisect_right(self._starts.get(paragraph.document_id, []), paragraph.start)
        return self._headings[paragraph.document_id][at - 1] if at else None

    def is_release(self, item: Scored) -> bool:
        """Whether the item is a release heading itself."""
        release = self.of(item.passage.paragraph_id)
        return release is not None and release.id == item.passage.paragraph_id

    def sentence(self, item: Scored) -> Scored | None:
        """The item's release heading's first sentence, scored as the item."""
        release = self.of(item.passage.paragraph_id)
        sentences = self._index.sentences(release.id) if release is not None else []
        return replace(item, span=sentences[0].span) if sentences else None


def released_elsewhere(releases: Releases, question: Question, best: Scored) -> Scored | None:
    """The release heading's sentence when the best sentence, naming a code term of the question, stands
    under a release other than the one the question names ("Why did gzip 1.6 add --rsyncable?" when the
    --rsyncable line is under release 1.7): the version the question asserts is wrong."""
    if not question.versions or not question.code_terms or names_versions(question, best.passage.text):
        return None
    release = releases.of(best.passage.paragraph_id)
    if release is None or names_versions(question, release.text):
        return None
    return releases.sentence(best)


def completed_by_next(
    index: SearchIndex, question: Question, scored: Sequence[Scored], vocab: Vocabulary, context: Question | None
) -> list[Scored]:
    """For each of the best sentences about the question that give no asked-for fact, the span running on
    through the next sentence of its paragraph when that one gives it; empty for other types of question."""
    if question.slot not in COMPLETED_SLOTS:
        return []
    found: list[Scored] = []
    for item in scored[:DEPTH]:
        text = index.documents[item.span.document_id].text
        sentence = text[item.span.start : item.span.end]
        if fills(question, sentence, vocab) or not about(question, sentence, item.passage, vocab, context):
            continue
        after = [s.span for s in index.sentences(item.passage.paragraph_id) if s.span.start >= item.span.end]
        if not after:
            continue
        joined = replace(item.span, end=min(after, key=lambda span: span.start).end)
        if holds_answer(question, text[joined.start : joined.end], item.passage, vocab, context):
            found.append(replace(item, span=joined))
    return found


SHORT_ANSWER_CHARS = 20  # "Yes and yes." alone says too little: the sentence after it joins


def following(index: SearchIndex) -> dict[str, str]:
    """Searchable paragraph id -> the one after it in the same document."""
    ids = index.paragraph_ids()
    return {
        a: b for a, b in itertools.pairwise(ids) if index.paragraph(a).document_id == index.paragraph(b).document_id
    }


def answers_for_questions(index: SearchIndex, scored: Sequence[Scored], after: dict[str, str]) -> list[Scored]:
    """The scored sentences, each one that is itself a question replaced by what answers it: the sentence
    after it in its paragraph, or the first of the next paragraph (with its second, when the first is a
    bare "Yes."); a question with nothing after it stays. Duplicates keep their best score."""
    out: list[Scored] = []
    seen: set[Span] = set()
    for item in scored:
        replaced = _answer(index, item, after) if _is_question(index, item.span) else item
        if replaced.span not in seen:
            seen.add(replaced.span)
            out.append(replaced)
    return out


def _is_question(index: SearchIndex, span: Span) -> bool:
    text = index.documents[span.document_id].text[span.start : span.end]
    return text.rstrip(" \t\n\u00a0\"'”’»)").endswith("?")


def _answer(index: SearchIndex, item: Scored, after: dict[str, str]) -> Scored:
    sentences = list(index.sentences(item.span.paragraph_id))
    later = [s for s in sentences if s.span.start >= item.span.end]
    # A question may be asked twice over ("Is zlib subject to export controls?  What is its ECCN?"): the
    # answer follows the last of them.
    later = list(itertools.dropwhile(lambda s: _is_question(index, s.span), later))
    if not later and item.span.paragraph_id in after:
        later = list(index.sentences(after[item.span.paragraph_id]))
    if not later:
        return item
    span = later[0].span
    if span.end - span.start < SHORT_ANSWER_CHARS and len(later) > 1:
        span = Span(span.document_id, span.paragraph_id, span.start, later[1].span.end)
    return Scored(item.passage, item.rank, span, item.score, item.dense, item.overlap)
