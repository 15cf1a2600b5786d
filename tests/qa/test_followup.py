"""Which questions lean on the conversation, and what retrieval reads for them."""

from __future__ import annotations

from citeqa.qa.followup import earlier_question
from citeqa.qa.models import Turn

HISTORY = [Turn(role="user", content="What did the council decide about the bridge?")]


def test_a_question_with_no_history_stands_on_its_own() -> None:
    assert earlier_question("What did he decide?", []) is None


def test_a_question_with_a_pronoun_leans_on_the_previous_question() -> None:
    assert earlier_question("When did they build it?", HISTORY) == HISTORY[0].content


def test_a_question_naming_its_own_topic_stands_on_its_own() -> None:
    assert earlier_question("Who founded the orchard cooperative?", HISTORY) is None
