"""Options, variables and identifiers a question writes as code: the evidence must write them too."""

from __future__ import annotations

from citeqa.qa import Answerer, Retriever
from tests.qa.memory_index import MemoryIndex, document

NEWS = (
    "# Changes in release 1.7 (2016-03-27)\n\n"
    "## New features\n\n"
    "The tool now accepts the --rsyncable option, which keeps output friendly to rsync.\n\n"
    "# Changes in release 1.6 (2013-06-09)\n\n"
    "## New features\n\n"
    "The tool now accepts the --keep option, which keeps input files.\n\n"
    "The tool now prints its version."
)


def answerer() -> Answerer[MemoryIndex]:
    return Answerer(Retriever(MemoryIndex([document("news", NEWS)])))


def test_a_sentence_on_another_option_does_not_answer_for_the_option_asked_about() -> None:
    answer = answerer().ask("Which files does the new --rsyncable option keep, in the tool?")
    assert answer.citations and all("--keep" not in c.quote for c in answer.citations)
    assert any("--rsyncable" in c.quote for c in answer.citations)


def test_an_option_asked_of_the_wrong_release_is_corrected_by_the_release_it_came_in() -> None:
    answer = answerer().ask("Why did release 1.6 add the --rsyncable option?")
    assert answer.premise_corrected
    assert "“1.6”" in answer.answer
    quotes = [c.quote for c in answer.citations]
    assert "# Changes in release 1.7 (2016-03-27)" in quotes
    assert any("--rsyncable" in q for q in quotes)


def test_an_option_asked_of_its_own_release_is_not_corrected() -> None:
    answer = answerer().ask("Why did release 1.7 add the --rsyncable option?")
    assert not answer.premise_corrected
    assert any("--rsyncable" in c.quote for c in answer.citations)
