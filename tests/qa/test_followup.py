"""Which questions lean on the conversation, and what retrieval reads for them."""

from __future__ import annotations

from citeqa.corpus import Document
from citeqa.qa import Answerer, Retriever
from citeqa.qa.followup import earlier_question
from citeqa.qa.models import Turn
from tests.qa.memory_index import MemoryIndex, document

HISTORY = [Turn(role="user", content="What did the council decide about the bridge?")]


def test_a_question_with_no_history_stands_on_its_own() -> None:
    assert earlier_question("What did he decide?", []) is None


def test_a_question_with_a_pronoun_leans_on_the_previous_question() -> None:
    assert earlier_question("When did they build it?", HISTORY) == HISTORY[0].content


def test_a_question_naming_its_own_topic_stands_on_its_own() -> None:
    assert earlier_question("Who founded the orchard cooperative?", HISTORY) is None


# The bridge's schedule shares only "work" and "finish" with the follow-up; the harbour's notes share
# those and "council" too, so the follow-up read with the earlier question ranks them above it.
BRIDGE = (
    "The council decided to rebuild the old stone bridge over the river.\n\n"
    "The council decided that the bridge keeps its toll.\n\n"
    "The council decided the bridge reopens to carts first.\n\n"
    "Work is expected to finish by the autumn."
)
HARBOUR = (
    "The harbour council said work will finish in May.\n\n"
    "The harbour council said work would finish once the quay is dry.\n\n"
    "The harbour council hopes work can finish before the festival.\n\n"
    "The harbour council expects the work to finish on time."
)


def _answerer(*documents: Document) -> Answerer[MemoryIndex]:
    return Answerer(Retriever(MemoryIndex(list(documents))))


def test_a_follow_up_finds_its_answer_among_the_documents_of_the_earlier_subject() -> None:
    answerer = _answerer(document("bridge", BRIDGE, "Minutes"), document("harbour", HARBOUR, "Notes"))
    plan = answerer.plan("and when will work on it finish?", HISTORY)
    passages = answerer.retrieve(plan)
    assert "Work is expected to finish by the autumn." in [p.text for p in passages]
    # The combined reading still leads.
    assert passages[0].document_id == "bridge"


def test_a_follow_up_asking_for_a_date_of_the_earlier_subject_keeps_the_combined_reading() -> None:
    # "When did…" asks an attribute of the subject, found where the combined reading looks; the follow-up's
    # own words would pull in every passage about dates in those documents.
    answerer = _answerer(document("bridge", BRIDGE, "Minutes"), document("harbour", HARBOUR, "Notes"))
    plan = answerer.plan("and when did work on it finish?", HISTORY)
    combined = answerer.retriever.search(plan.query, plan.vector(plan.query), 5)
    assert [p.paragraph_id for p in answerer.retrieve(plan)] == [p.paragraph_id for p in combined]
