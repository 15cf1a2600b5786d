"""Metric definitions on hand-made answers over the two-document test corpus."""

from __future__ import annotations

from typing import Any

import pytest

from citeqa.evals.dataset import Item, parse_item
from citeqa.evals.evidence import Corpus
from citeqa.evals.metrics import ANSWERER, RETRIEVAL, breakdown, failures, summarize
from citeqa.evals.scoring import ItemScore, score
from tests.evals.conftest import ALPHA, BETA, item

HARBOUR = "The harbour opened in 1901 after ten years of building work by the city council."
SHIPS = "Ships from four continents called there within a decade of the opening."
KEEPER = "The lighthouse keeper kept a daily log of every vessel that passed the northern reef."
QUOTAS = "Fishing quotas were cut by a third in 1975 to protect the spawning grounds of the cod."
REVERSED = "The cut was reversed in 1980 once the stocks had recovered to their earlier level."
TEXTS = {"alpha": ALPHA, "beta": BETA}


def cite(doc: str, quote: str, *, tamper: bool = False) -> dict[str, Any]:
    start = TEXTS[doc].index(quote)
    quoted = quote + ("!" if tamper else "")
    return {"document_id": doc, "source_file": f"{doc}.txt", "quote": quoted, "start": start, "end": start + len(quote)}


def passage(doc: str, text: str) -> dict[str, Any]:
    start = TEXTS[doc].index(text)
    return {"document_id": doc, "paragraph_id": f"{doc}#p", "text": text, "start": start, "end": start + len(text)}


def dataset_item(id: str = "t1", type: str = "factual", quotes: tuple[tuple[str, str], ...] = (), **extra: Any) -> Item:
    return parse_item(item(id, type, quotes, **extra), "test")


def scored(corpus: Corpus, entry: Item, **answer: Any) -> ItemScore:
    answer.setdefault("passages", [])
    answer.setdefault("citations", [])
    answer.setdefault("refused", False)
    return score(entry, corpus.locate([entry])[entry.id], corpus, answer, latency_ms=10.0)


def test_citation_of_the_gold_span_is_supported_and_verbatim(small_corpus: Corpus) -> None:
    entry = dataset_item(quotes=(("alpha", HARBOUR),))
    result = scored(small_corpus, entry, citations=[cite("alpha", "harbour opened in 1901")])
    found = result.citations[0]
    assert (found["doc"], found["verbatim"], found["supported"], found["lenient"]) == ("alpha", True, True, True)
    assert result.cites_gold


def test_neighbouring_sentence_of_the_gold_paragraph_is_supported_only_leniently(small_corpus: Corpus) -> None:
    entry = dataset_item(quotes=(("alpha", HARBOUR),))
    result = scored(small_corpus, entry, citations=[cite("alpha", SHIPS), cite("alpha", KEEPER), cite("beta", QUOTAS)])
    assert [(c["supported"], c["lenient"]) for c in result.citations] == [
        (False, True),  # same paragraph as the gold sentence
        (False, False),  # another paragraph of the same document
        (False, False),  # another document
    ]
    metrics = summarize([result], ANSWERER, k=10)
    assert metrics["support_precision"] == 0.0
    assert metrics["support_precision_lenient"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics["citation_recall"] == 0.0


def test_tampered_quote_is_not_verbatim(small_corpus: Corpus) -> None:
    entry = dataset_item(quotes=(("alpha", HARBOUR),))
    result = scored(small_corpus, entry, citations=[cite("alpha", HARBOUR), cite("alpha", SHIPS, tamper=True)])
    assert summarize([result], ANSWERER, k=10)["verbatim_rate"] == 0.5
    assert "1 citation(s) not verbatim" in result.answer_failures()


def test_recall_needs_every_quote_unless_any_of(small_corpus: Corpus) -> None:
    ranked = [passage("beta", REVERSED), passage("alpha", KEEPER), passage("alpha", HARBOUR), passage("beta", QUOTAS)]
    both = dataset_item("all", "multi-hop", (("alpha", HARBOUR), ("beta", QUOTAS)))
    either = dataset_item("any", "cross-doc", (("alpha", HARBOUR), ("beta", QUOTAS)), any_of=True)
    all_needed, one_enough = scored(small_corpus, both, passages=ranked), scored(small_corpus, either, passages=ranked)
    assert all_needed.gold_ranks == (3, 4)
    assert [all_needed.recall_at(k) for k in (1, 3, 5)] == [0.0, 0.5, 1.0]
    assert [one_enough.recall_at(k) for k in (1, 3, 5)] == [0.0, 1.0, 1.0]
    assert all_needed.reciprocal_rank == pytest.approx(1 / 3)
    metrics = summarize([all_needed, one_enough], RETRIEVAL, k=5)
    assert (metrics["recall@3"], metrics["recall@5"]) == (0.75, 1.0)
    assert "recall@10" not in metrics  # k=5 passages cannot measure recall@10
    assert "citation_recall" not in metrics  # a retrieval-only configuration has no answers to grade


def test_multi_hop_citing_one_of_two_needed_quotes_misses_citation_recall(small_corpus: Corpus) -> None:
    entry = dataset_item("m", "multi-hop", (("alpha", HARBOUR), ("beta", QUOTAS)))
    result = scored(small_corpus, entry, citations=[cite("beta", QUOTAS)])
    assert not result.cites_gold
    assert result.answer_failures() == ["cited 1 of 2 gold quotes, all needed"]


def test_refusal_scores_treat_unanswerable_items_as_positives(small_corpus: Corpus) -> None:
    results = [
        scored(small_corpus, dataset_item("u1", "unanswerable"), refused=True),  # true positive
        scored(small_corpus, dataset_item("u2", "unanswerable"), citations=[cite("alpha", KEEPER)]),  # missed
        scored(small_corpus, dataset_item("f1", quotes=(("alpha", HARBOUR),)), refused=True),  # false refusal
        scored(small_corpus, dataset_item("f2", quotes=(("alpha", HARBOUR),)), citations=[cite("alpha", HARBOUR)]),
    ]
    metrics = summarize(results, ANSWERER, k=10)
    assert (metrics["refusal_precision"], metrics["refusal_recall"], metrics["refusal_f1"]) == (0.5, 0.5, 0.5)
    # Citations on an unanswerable item are a refusal error, not a precision error.
    assert metrics["support_precision"] == 1.0
    assert [f["reasons"][0] for f in failures(results, ANSWERER)] == [
        "answered an unanswerable question",
        "refused an answerable question",
    ]


def test_false_premise_is_corrected_only_by_citing_a_contradicting_quote(small_corpus: Corpus) -> None:
    entry = dataset_item("p", "false-premise", (("beta", QUOTAS), ("beta", REVERSED)))
    corrected = scored(small_corpus, entry, citations=[cite("beta", REVERSED)])
    off_topic = scored(
        small_corpus, dataset_item("q", "false-premise", (("beta", QUOTAS),)), citations=[cite("alpha", KEEPER)]
    )
    refused = scored(small_corpus, dataset_item("r", "false-premise", (("beta", QUOTAS),)), refused=True)
    assert summarize([corrected, off_topic, refused], ANSWERER, k=10)["false_premise_correction"] == pytest.approx(
        1 / 3, abs=1e-4
    )
    assert off_topic.answer_failures() == ["premise not corrected: no contradicting gold quote cited"]
    assert refused.answer_failures() == ["refused an answerable question"]


def test_a_failed_request_scores_as_an_empty_answer_and_is_listed(small_corpus: Corpus) -> None:
    entry = dataset_item(quotes=(("alpha", HARBOUR),))
    result = score(entry, small_corpus.locate([entry])[entry.id], small_corpus, None, 5.0, error="HTTP 500: boom")
    assert (result.recall_at(5), result.cites_gold) == (0.0, False)
    assert failures([result], ANSWERER)[0]["reasons"][0] == "request failed: HTTP 500: boom"
    assert summarize([result], ANSWERER, k=10)["errors"] == 1


def test_breakdown_groups_by_type_and_split(small_corpus: Corpus) -> None:
    results = [
        scored(
            small_corpus,
            dataset_item("a", quotes=(("alpha", HARBOUR),), split="tune"),
            passages=[passage("alpha", HARBOUR)],
        ),
        scored(small_corpus, dataset_item("b", "casual", (("beta", QUOTAS),), split="heldout")),
    ]
    table = breakdown(results, RETRIEVAL, k=10)
    assert table["all"]["recall@1"] == 0.5
    assert list(table["by_type"]) == ["factual", "casual"]
    assert {s: m["recall@1"] for s, m in table["by_split"].items()} == {"tune": 1.0, "heldout": 0.0}
    assert table["by_split_type"]["heldout"]["casual"]["items"] == 1


def test_reading_budget_recall_counts_characters_read_before_the_gold_quote_ends(small_corpus: Corpus) -> None:
    # One long passage holding the quote near its end, after a short passage without it.
    whole_alpha = {"document_id": "alpha", "paragraph_id": "alpha", "text": ALPHA, "start": 0, "end": len(ALPHA)}
    entry = dataset_item(quotes=(("alpha", KEEPER),))
    result = scored(small_corpus, entry, passages=[passage("beta", REVERSED), whole_alpha])
    assert result.gold_reach == (len(REVERSED) + len(ALPHA),)
    assert result.recall_at(2) == 1.0
    assert result.recall_within(len(REVERSED) + len(ALPHA) - 1) == 0.0
    assert result.recall_within(len(REVERSED) + len(ALPHA)) == 1.0
