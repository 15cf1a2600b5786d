"""The tokenizer that BM25, the retriever's metadata match and the answerer's word overlap all share."""

from __future__ import annotations

from citeqa.corpus.text import tokenize, versions_in


def test_a_word_and_its_inflections_share_one_stem() -> None:
    assert len({tokenize(word)[0] for word in ("release", "released", "releases", "releasing")}) == 1
    assert len({tokenize(word)[0] for word in ("change", "changed", "changes")}) == 1


def test_a_dotted_version_is_kept_whole_beside_its_parts() -> None:
    tokens = tokenize("When was gzip 1.12 released?")
    assert "1.12" in tokens
    assert "1.12" not in tokenize("Major changes in Gzip 1.3.12 (2007-04-13)")


def test_versions_are_found_once_each_and_dates_are_not_versions() -> None:
    assert versions_in("sed 4.2.2 (2012-12-22) followed 4.2.1 and 4.2.2") == ("4.2.2", "4.2.1")
    assert versions_in("It ended. 2019 was next.") == ()


def test_a_contraction_typed_without_its_apostrophe_is_a_function_word_like_the_one_with_it() -> None:
    assert tokenize("whats uid 0 again") == tokenize("what's uid 0 again") == ["uid", "0"]
    assert tokenize("I'm inside a container") == tokenize("im inside a container")
