"""Wording shared by the CLI and the chat."""

from __future__ import annotations

import pytest

from citeqa.ui.wording import plural, quoted


@pytest.mark.parametrize(("count", "text"), [(0, "0 documents"), (1, "1 document"), (2, "2 documents")])
def test_plural_counts_nouns(count: int, text: str) -> None:
    assert plural(count, "document") == text


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        ("Core technologies are the treasures", "“Core technologies are the treasures”"),
        ('"The competition between major countries', '"The competition between major countries”'),
        ("to promote their development.”", "“to promote their development.”"),
        ("“Belt and Road”", "“Belt and Road”"),
        ("the countries’", "“the countries’”"),
        ('"Social Contract" with the Community', '“"Social Contract" with the Community”'),
        (
            'the document entitled "The Free Guidelines". We promise',
            '“the document entitled "The Free Guidelines". We promise”',
        ),
    ],
)
def test_quotes_get_no_second_mark_where_they_have_their_own(quote: str, shown: str) -> None:
    assert quoted(quote) == shown
