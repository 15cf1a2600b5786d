"""The plan a question gets: what retrieval and the answer's checks read."""

from __future__ import annotations

from citeqa.qa.plan import make_plan, spelt_out
from tests.qa.memory_index import MemoryIndex, document


def test_chat_shorthand_is_spelt_out_for_retrieval_and_the_checks() -> None:
    index = MemoryIndex([document("spec", "The maximum size of the index is 16 GiB.")])
    plan = make_plan("whats the max size of the index abt?", [], index)
    assert plan.question == "whats the maximum size of the index about?"
    assert plan.query == plan.question


def test_shorthand_in_capitals_or_inside_a_longer_word_is_left_alone() -> None:
    assert spelt_out("Does MAX or max-width or maxima change?") == "Does MAX or max-width or maxima change?"
