"""A question that names two versions or two years is answered from a sentence naming each."""

from __future__ import annotations

from citeqa.qa import Answerer, Retriever
from tests.qa.memory_index import MemoryIndex, document

NOTES = (
    "Widget release history.\n\n"
    "Widget 1.11 was released on 2021-09-03 with a new file picker.\n\n"
    "Widget 1.12 was released on 2022-04-07 and fixed the file picker.\n\n"
    "Widget 1.10 added themes for every dialog."
)
PLANS = (
    "The harbour plan of 2019 set out 40 berths along the quay.\n\n"
    "The harbour plan of 2021 raised the quay to 65 berths.\n\n"
    "The town council meets every month."
)


def quotes(corpus: str, question: str) -> list[str]:
    answer = Answerer(Retriever(MemoryIndex([document("notes", corpus)]))).ask(question)
    return [c.quote for c in answer.citations]


def test_both_versions_a_question_compares_are_cited() -> None:
    cited = quotes(NOTES, "How long after widget 1.11 did widget 1.12 come out?")
    assert any("1.11" in q for q in cited) and any("1.12" in q for q in cited)


def test_both_years_a_question_compares_are_cited() -> None:
    cited = quotes(PLANS, "How many more berths did the 2021 harbour plan give the quay than the 2019 one?")
    assert any("2019" in q for q in cited) and any("2021" in q for q in cited)


SPEC = (
    "Check ID 0x0A stands for SHA-256.\n\n"
    "Check ID 0x01 stands for CRC32.\n\n"
    "Check ID 0x04 stands for CRC64.\n\n"
    "Check ID 0x00 stands for no check.\n\n"
    "Every decoder has to support stream padding.\n\n"
    "Every decoder has to support concatenated streams.\n\n"
    "Every decoder has to support the index.\n\n"
    "Every decoder has to support block headers.\n\n"
    "Supporting SHA-256 is optional for a decoder."
)


def test_a_part_pointing_back_at_a_thing_is_retrieved_with_the_part_before_it() -> None:
    answerer = Answerer(Retriever(MemoryIndex([document("spec", SPEC)])))
    plan = answerer.plan("Which check ID stands for SHA-256, and does every decoder have to support it?")
    assert "Supporting SHA-256 is optional for a decoder." in [p.text for p in answerer.retrieve(plan)]
