"""The eval's answer checker: bracketed numbers in the answer's own words, not in its verbatim quotes."""

from __future__ import annotations

from citeqa.evals.verify import text_problems

QUOTE = "By default, systemd-timesyncd uses the Google Public NTP servers `time[1-4].google.com`."


def answer(text: str) -> dict[str, object]:
    citation = {"marker": 1, "quote": QUOTE, "paragraph_id": "d#p1"}
    return {"question": "Which NTP servers?", "answer": text, "citations": [citation], "passages": []}


def test_brackets_inside_a_cited_quote_are_the_documents_text_not_a_marker() -> None:
    assert text_problems(answer(f"{QUOTE} [1]")) == []


def test_a_range_marker_in_the_answers_own_words_is_still_a_made_up_reference() -> None:
    assert text_problems(answer(f"The servers are listed [1-4]. {QUOTE} [1]")) == [
        "a marker citeqa did not write: '[1-4]'"
    ]


def test_a_marker_without_its_citation_is_reported() -> None:
    assert text_problems(answer(f"{QUOTE} [1] and more [2]")) == ["markers without a citation: [2]"]
