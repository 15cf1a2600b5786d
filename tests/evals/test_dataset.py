"""Dataset loading: the bundled sets are sound, an unseen file in the contract format is accepted,
and a malformed line is rejected with its line number."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from citeqa.corpus import load_corpus
from citeqa.evals.dataset import MIN_QUOTE_CHARS, DatasetError, load_dataset, select_split
from citeqa.evals.evidence import Corpus
from tests.evals.conftest import item

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
HARBOUR = "The harbour opened in 1901 after ten years of building work by the city council."
QUOTAS = "Fishing quotas were cut by a third in 1975 to protect the spawning grounds of the cod."

Write = Callable[[Sequence[Any]], Path]


@pytest.mark.parametrize("name", ["dev.jsonl", "smoke.jsonl"])
def test_every_bundled_gold_quote_is_a_long_exact_substring_of_a_known_document(name: str) -> None:
    corpus = Corpus(load_corpus())
    items = load_dataset(DATASETS / name)
    located = corpus.locate(items)
    for entry in items:
        for gold, found in zip(entry.gold_quotes, located[entry.id], strict=True):
            doc_id = corpus.resolve(gold.doc)
            assert doc_id is not None, f"{entry.id}: unknown document {gold.doc}"
            assert len(gold.quote) >= MIN_QUOTE_CHARS, entry.id
            assert gold.quote in corpus.text(doc_id), entry.id
            assert all(corpus.text(d)[s:e] == gold.quote for d, s, e in found.occurrences)


def test_dev_set_splits_every_type_in_half() -> None:
    items = load_dataset(DATASETS / "dev.jsonl")
    tune, heldout = select_split(items, "tune"), select_split(items, "heldout")
    assert len(tune) == len(heldout) == len(items) // 2
    assert sorted(i.type for i in tune) == sorted(i.type for i in heldout)


def test_unseen_dataset_in_contract_format_is_accepted(write_jsonl: Write, small_corpus: Corpus) -> None:
    # No split field, a document named by its file name, a follow-up with history: all in the contract.
    path = write_jsonl(
        [
            item("a", quotes=[("alpha.txt", HARBOUR)]),
            item("b", type="unanswerable"),
            item("c", type="follow-up", quotes=[("beta", QUOTAS)], history=[{"role": "user", "content": "fish?"}]),
        ]
    )
    items = load_dataset(path)
    located = small_corpus.locate(items)
    assert [i.id for i in items] == ["a", "b", "c"]
    assert items[2].history == ({"role": "user", "content": "fish?"},)
    assert located["a"][0].occurrences == (("alpha", 14, 14 + len(HARBOUR)),)
    assert located["b"] == ()
    assert select_split(items, "all") == items


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ('{"id": "x", "question": "broken', "not valid JSON"),
        (item("x", type="trivia", quotes=[("alpha", HARBOUR)]), "type 'trivia' is not one of"),
        (item("x", quotes=[("alpha", "too short to be a gold quote")]), "quote is 28 characters"),
        (item("x", type="follow-up", quotes=[("alpha", HARBOUR)]), "follow-up items need a non-empty 'history'"),
        (item("x", type="unanswerable", quotes=[("alpha", HARBOUR)]), "unanswerable items have no gold quotes"),
        (item("x", quotes=[("alpha", HARBOUR)], any_of="yes"), "field 'any_of' must be bool"),
        (
            {k: v for k, v in item("x", quotes=[("alpha", HARBOUR)]).items() if k != "question"},
            "missing field 'question'",
        ),
        (item("t1", quotes=[("alpha", HARBOUR)]), "id 't1' already used on line 1"),
    ],
)
def test_malformed_line_is_rejected_naming_the_line(write_jsonl: Write, bad_row: Any, message: str) -> None:
    path = write_jsonl([item("t1", quotes=[("alpha", HARBOUR)]), bad_row])
    with pytest.raises(DatasetError, match=f"line 2: .*{message}"):
        load_dataset(path)


def test_quote_absent_from_its_document_is_rejected_naming_the_line(write_jsonl: Write, small_corpus: Corpus) -> None:
    path = write_jsonl([item("a", quotes=[("alpha", HARBOUR)]), item("b", quotes=[("beta", HARBOUR)])])
    with pytest.raises(
        DatasetError, match=r"line 2 \(item b\): gold_quotes\[0\]: quote is not an exact substring of beta"
    ):
        small_corpus.locate(load_dataset(path))


def test_unknown_document_is_rejected_naming_the_line(write_jsonl: Write, small_corpus: Corpus) -> None:
    path = write_jsonl([item("a", quotes=[("gamma.txt", HARBOUR)])])
    with pytest.raises(DatasetError, match=r"line 1 .*'gamma\.txt' is neither a document id nor a file name"):
        small_corpus.locate(load_dataset(path))


def test_split_without_items_is_an_error_listing_the_splits(write_jsonl: Write) -> None:
    items = load_dataset(write_jsonl([item("a", quotes=[("alpha", HARBOUR)], split="tune")]))
    with pytest.raises(DatasetError, match="no items in split 'heldout'; the dataset's splits: tune"):
        select_split(items, "heldout")


def test_line_separator_characters_inside_a_string_do_not_split_the_record(write_jsonl: Write) -> None:
    # JSON allows U+2028 unescaped; str.splitlines() would cut the record there.
    items = load_dataset(write_jsonl([item("a", quotes=[("alpha", HARBOUR)], answer="one\u2028two")]))
    assert items[0].answer == "one\u2028two"
