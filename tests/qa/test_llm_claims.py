"""The checks on each claim of a model's reply, on a two-paragraph document: quote, quotations, values, length."""

from __future__ import annotations

import pytest

from citeqa.qa.claims import MAX_CLAIM_CHARS, Claim, ClaimChecker, DropReason, Rejection, quotations, strip_markers
from citeqa.qa.llm_reply import ReplyParser, parse_claims, sentence_grammar
from citeqa.qa.models import Passage
from citeqa.qa.quotes import is_verbatim
from tests.qa.memory_index import document

TEXT = (
    "The harbour festival began in 1921 as a fishermen's market.\n\n"
    "Mayor Elena Brun said the network infrastructure of the quay must be renewed before the summer."
)
DOC = document("harbour", TEXT, "Harbour festival", "2021-06-01")
SECOND = TEXT.index("Mayor")
PASSAGES = [
    Passage(paragraph_id="harbour#p00", document_id="harbour", source_file="harbour.txt", text=TEXT[: SECOND - 2],
            start=0, end=SECOND - 2, score=1.0, title=DOC.title, date=DOC.date),
    Passage(paragraph_id="harbour#p01", document_id="harbour", source_file="harbour.txt", text=TEXT[SECOND:],
            start=SECOND, end=len(TEXT), score=0.9, title=DOC.title, date=DOC.date),
]  # fmt: skip


def check(text: str, quote: str, passage: int = 2, question: str = "What did the mayor say about the quay?"):  # type: ignore[no-untyped-def]
    return ClaimChecker({"harbour": DOC}, PASSAGES, question, max_claims=4).check(
        {"text": text, "passage": passage, "quote": quote}
    )


def rejected(outcome: Claim | Rejection) -> DropReason:
    assert isinstance(outcome, Rejection), outcome
    return outcome.reason


def test_a_claim_with_a_verbatim_quote_is_admitted_and_cites_the_source_span() -> None:
    claim = check("The mayor wants the quay renewed.", "the network infrastructure of the quay must be renewed")
    assert isinstance(claim, Claim)
    assert is_verbatim(claim.citation, {"harbour": DOC})
    assert (
        claim.line(1)
        == "The mayor wants the quay renewed. [1]\n   “the network infrastructure of the quay must be renewed”"
    )


def test_a_quote_ending_mid_word_is_widened_to_the_whole_word() -> None:
    claim = check("The mayor spoke of the network.", "Brun said the network inf")
    assert isinstance(claim, Claim)
    assert claim.citation.quote == "Brun said the network infrastructure"


def test_a_quotation_in_the_claim_text_that_the_passage_lacks_drops_the_claim() -> None:
    text = "Brun declared: “All foreign boats will be banned from the quay by 2025.”"
    assert (
        rejected(check(text, "the network infrastructure of the quay must be renewed"))
        is DropReason.QUOTATION_UNVERIFIED
    )


@pytest.mark.parametrize("marks", ['"{}"', "«{}»", "「{}」", "‘{}’", "„{}“"])
def test_every_kind_of_quotation_mark_is_checked(marks: str) -> None:
    text = "Brun said " + marks.format("the boats are banned") + "."
    assert (
        rejected(check(text, "the network infrastructure of the quay must be renewed"))
        is DropReason.QUOTATION_UNVERIFIED
    )


def test_a_verified_quotation_in_the_text_is_shown_in_the_source_characters() -> None:
    claim = check(
        'The mayor said the quay "must be  renewed".', "the network infrastructure of the quay must be renewed"
    )
    assert isinstance(claim, Claim), claim
    assert claim.text == 'The mayor said the quay "must be renewed".'


def test_an_unclosed_quotation_mark_drops_the_claim() -> None:
    text = "Brun said “the boats are banned"
    assert (
        rejected(check(text, "the network infrastructure of the quay must be renewed"))
        is DropReason.QUOTATION_UNVERIFIED
    )


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 the mayor asked for a renewed quay.",
        "The mayor wants 300 new berths on the quay.",
        "The mayor wants five new berths on the quay.",
        "The mayor and President Okafor want the quay renewed.",
    ],
)
def test_a_year_number_or_name_absent_from_question_and_quote_drops_the_claim(text: str) -> None:
    assert (
        rejected(check(text, "the network infrastructure of the quay must be renewed")) is DropReason.UNSUPPORTED_VALUE
    )


def test_values_from_the_question_the_quote_or_the_cited_date_are_allowed() -> None:
    claim = check(
        "In 2021 Mayor Brun said the quay must be renewed before summer.",
        "Mayor Elena Brun said the network infrastructure of the quay must be renewed",
        question="What did the mayor say about the quay?",
    )
    assert isinstance(claim, Claim), claim


def test_a_fabricated_quote_is_dropped() -> None:
    assert (
        rejected(check("The mayor banned boats.", "the mayor banned every boat from the quay"))
        is DropReason.QUOTE_NOT_FOUND
    )


def test_claim_text_past_its_bound_is_dropped() -> None:
    text = "The quay needs work. " * (MAX_CLAIM_CHARS // 10)
    assert rejected(check(text, "the network infrastructure of the quay must be renewed")) is DropReason.TOO_LONG


@pytest.mark.parametrize("marker", ["[3]", "［3］", "【6】", "[ 4 ]", "[1, 2]", "(５)"])
def test_model_written_markers_and_look_alikes_are_stripped(marker: str) -> None:
    assert strip_markers(f"The quay must be renewed {marker}.") == "The quay must be renewed."
    claim = check(f"The quay must be renewed {marker}.", "the network infrastructure of the quay must be renewed")
    assert isinstance(claim, Claim)
    assert claim.line(1).count("[") == 1


def test_the_same_span_twice_and_claims_past_the_limit_are_dropped() -> None:
    checker = ClaimChecker({"harbour": DOC}, PASSAGES, "What about the quay?", max_claims=2)
    quote = "the network infrastructure of the quay must be renewed"
    assert isinstance(checker.check({"text": "The quay must be renewed.", "passage": 2, "quote": quote}), Claim)
    assert rejected(checker.check({"text": "Renew it.", "passage": 2, "quote": quote})) is DropReason.DUPLICATE
    second = {"text": "The festival began as a market.", "passage": 1, "quote": "began in 1921 as a fishermen's market"}
    assert isinstance(checker.check(second), Claim)
    assert rejected(checker.check(second)) is DropReason.TOO_MANY


def test_claims_that_are_not_objects_with_text_and_quote_are_malformed() -> None:
    checker = ClaimChecker({"harbour": DOC}, PASSAGES, "q", max_claims=4)
    assert rejected(checker.check("just a string")) is DropReason.MALFORMED
    assert rejected(checker.check({"text": 3, "quote": "the network infrastructure"})) is DropReason.MALFORMED


def test_apostrophes_are_not_quotation_marks() -> None:
    assert quotations("The fishermen’s market and Brun’s quay") == ([], False)


def test_the_reply_parser_hands_on_each_claim_as_soon_as_it_is_complete() -> None:
    parser = ReplyParser()
    assert parser.feed('{"claims": [{"text": "a", "passage": 1, "quote": "b"}') == [
        {"text": "a", "passage": 1, "quote": "b"}
    ]
    assert parser.feed(', {"text": "c", "pass') == []
    assert parser.feed('age": 2, "quote": "d"}]}') == [{"text": "c", "passage": 2, "quote": "d"}]
    assert parser.finish() == [] and not parser.malformed


def test_the_reply_parser_reads_fenced_replies_and_names_garbage_malformed() -> None:
    fenced = ReplyParser()
    fenced.feed('```json\n{"claims":\n  [{"text": "a", "passage": 1, "quote": "b"}]}\n```')
    assert fenced.found == 1
    garbage = ReplyParser()
    garbage.feed('{"claims": [{"text": "a", "passage": 1 "quote": }')
    assert garbage.finish() == [] and garbage.malformed
    assert parse_claims("I cannot help with that.") == []


def test_the_grammar_allows_only_passage_sentences_as_quotes_and_no_quotation_marks_in_text() -> None:
    grammar = sentence_grammar([(1, "The harbour festival began in 1921.")], max_claims=4, max_text=300)
    assert grammar.startswith("root ::=")
    assert 'q0 ::= "The harbour festival began in 1921."' in grammar
    assert "“”" in grammar.split("text ::=")[1].splitlines()[0]
