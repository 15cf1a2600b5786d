"""Locating a quote in the source and verifying citations against the document text."""

from __future__ import annotations

from citeqa.qa.quotes import citation, locate, verified
from tests.qa.memory_index import document

TEXT = "He said: “Openness is the key.”\u00a0Then  he LEFT the room."


def test_locate_finds_an_exact_quote() -> None:
    assert locate("Then", TEXT) == (TEXT.index("Then"), TEXT.index("Then") + 4)


def test_locate_tolerates_quote_marks_case_and_spaces_but_returns_the_source_characters() -> None:
    span = locate('"openness is the key." then he left', TEXT)
    assert span is not None
    assert TEXT[span[0] : span[1]] == "“Openness is the key.”\u00a0Then  he LEFT"


def test_locate_gives_none_for_words_the_text_does_not_hold() -> None:
    assert locate("Openness is the lock", TEXT) is None


def test_locate_searches_only_inside_the_given_range() -> None:
    assert locate("Then", TEXT, 0, 10) is None


def test_verified_keeps_only_citations_whose_quote_is_the_documents_slice() -> None:
    doc = document("d", TEXT)
    good = citation(1, doc, "d#p00", 0, 7)
    forged = good.model_copy(update={"quote": "He says"})
    shifted = good.model_copy(update={"start": 1, "end": 8})
    assert verified([good, forged, shifted], {"d": doc}) == [good]
