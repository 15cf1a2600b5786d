"""Evidence a section's heading gives: release notes date and number a release in its heading only.

"Which release added --no-dereference?" is answered by the body line "diff accepts a new option,
--no-dereference" together with the heading it stands under, "release 3.3 (2013-03-24)": neither holds
both the subject and the version.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..index.protocol import SearchIndex
from .evidence import Question, Scored, Vocabulary, about, fills

# The types a heading states for the paragraphs under it.
HEADED_SLOTS = frozenset({"date", "version"})
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
        if not about(question, text[item.span.start : item.span.end], item.passage, vocab, context):
            continue
        for sentence in index.sentences(heading.id)[:1]:
            found.append(Scored(item.passage, item.rank, sentence.span, item.score, item.dense, item.overlap))
            found.append(item)
    return found
