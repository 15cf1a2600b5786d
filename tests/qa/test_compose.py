"""Turning chosen sentences into spans and citations: merging, lists, verbatim slices."""

from __future__ import annotations

from citeqa.index.protocol import Span
from citeqa.qa.compose import cite_spans, extend_enumerations, merged_spans
from citeqa.qa.evidence import Scored
from citeqa.qa.models import Passage
from tests.qa.memory_index import MemoryIndex, document

TEXT = "Rule one is short. Rule two follows it. Rule three ends the list.\n\nAn unrelated paragraph."
LIST = "There are three duties: First, keep the key. Second, lock the door. Third, report a loss.\n\nEnd."


def _scored(index: MemoryIndex, pid: str, sentence: int) -> Scored:
    span = index.sentences(pid)[sentence].span
    paragraph = index.paragraph(pid)
    passage = Passage(
        paragraph_id=pid,
        document_id=paragraph.document_id,
        source_file="d.txt",
        text=paragraph.text,
        start=paragraph.start,
        end=paragraph.end,
        score=1.0,
    )
    return Scored(passage, 0, span, 1.0, 1.0, 1.0)


def test_neighbouring_sentences_of_a_paragraph_merge_into_one_span() -> None:
    index = MemoryIndex([document("d", TEXT)])
    spans = merged_spans([_scored(index, "d#p00", 0), _scored(index, "d#p00", 1)], index.documents)
    assert spans == [Span("d", "d#p00", 0, TEXT.index(" Rule three"))]


def test_sentences_with_a_sentence_between_them_stay_two_spans() -> None:
    index = MemoryIndex([document("d", TEXT)])
    spans = merged_spans([_scored(index, "d#p00", 0), _scored(index, "d#p00", 2)], index.documents)
    assert [TEXT[s.start : s.end] for s in spans] == ["Rule one is short.", "Rule three ends the list."]


def test_an_announced_list_is_quoted_whole() -> None:
    index = MemoryIndex([document("d", LIST)])
    first = index.sentences("d#p00")[0].span
    (span,) = extend_enumerations([first], index)
    assert LIST[span.start : span.end].endswith("Third, report a loss.")


def test_a_list_opened_by_first_after_the_quote_is_quoted_whole_though_no_count_announces_it() -> None:
    text = "The duties are several. First, keep the key. Second, lock the door. Third, report a loss.\n\nEnd."
    index = MemoryIndex([document("d", text)])
    (span,) = extend_enumerations([index.sentences("d#p00")[0].span], index)
    assert (
        text[span.start : span.end]
        == "The duties are several. First, keep the key. Second, lock the door. Third, report a loss."
    )


def test_cited_quotes_are_slices_of_the_document_with_markers_in_order() -> None:
    index = MemoryIndex([document("d", TEXT)])
    spans = [Span("d", "d#p00", 0, 18), Span("d", "d#p00", 38, 64)]
    lines, citations = cite_spans(spans, index.documents)
    assert [c.quote for c in citations] == [TEXT[0:18], TEXT[38:64]]
    assert [c.marker for c in citations] == [1, 2]
    assert "[1]" in lines[0] and "[2]" in lines[0]


def test_a_quote_that_brings_its_own_quotation_marks_gets_no_second_pair() -> None:
    text = '"The competition is fierce," he said.\n\nEnd.'
    index = MemoryIndex([document("d", text)])
    lines, citations = cite_spans([Span("d", "d#p00", 0, 28)], index.documents)
    assert citations[0].quote == '"The competition is fierce,"'
    assert '“"' not in lines[0] and '"”' not in lines[0]
