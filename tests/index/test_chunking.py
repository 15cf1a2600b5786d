"""Chunking follows each file's structure and every offset slices the original text exactly."""

from __future__ import annotations

import pytest

from citeqa.corpus import Document, load_corpus
from citeqa.index.chunking import BODY, MIN_PART_TOKENS, Chunk, chunk_document, paragraph_spans
from citeqa.index.sentences import sentence_spans
from citeqa.index.tokens import count_tokens

MAX_TOKENS = 200


@pytest.fixture(scope="module")
def chunks() -> dict[str, list[Chunk]]:
    return {d.id: chunk_document(d, MAX_TOKENS, count_tokens) for d in load_corpus()}


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {d.id: d for d in load_corpus()}


def test_every_chunk_is_exactly_its_document_slice(
    chunks: dict[str, list[Chunk]], documents: dict[str, Document]
) -> None:
    total = 0
    for doc_id, items in chunks.items():
        text = documents[doc_id].text
        for chunk in items:
            assert chunk.text == text[chunk.start : chunk.end]
            assert chunk.text == chunk.text.strip()
            total += 1
    assert total > 150


def test_body_chunks_fit_the_token_limit_unless_one_sentence_is_longer(chunks: dict[str, list[Chunk]]) -> None:
    for chunk in (c for items in chunks.values() for c in items if c.role == BODY):
        # The last part may carry a tail too small to stand alone.
        if count_tokens(chunk.text) > MAX_TOKENS + MIN_PART_TOKENS:
            assert len(sentence_spans(chunk.text)) == 1, chunk.id


def test_no_part_of_a_split_paragraph_is_a_tiny_tail(chunks: dict[str, list[Chunk]]) -> None:
    split = [c for items in chunks.values() for c in items if c.role == BODY and c.part > 1]
    assert split
    assert all(count_tokens(c.text) >= MIN_PART_TOKENS for c in split)


def test_hard_wrapped_sentences_are_one_sentence_across_line_breaks() -> None:
    text = (
        "Any frontend needing to make sure no write operation is currently happening,\n"
        "and no other frontend is running should first acquire the lock. Then it may go on.\n"
        "- a list item\n"
        "- another item"
    )
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Any frontend needing to make sure no write operation is currently happening,\n"
        "and no other frontend is running should first acquire the lock.",
        "Then it may go on.",
        "- a list item",
        "- another item",
    ]


def test_long_paragraphs_are_split_into_parts_with_stable_ids(chunks: dict[str, list[Chunk]]) -> None:
    parts = [c for c in chunks["2017-strategic-thinking-network-power"] if c.part > 1]
    assert parts
    assert all(c.id.endswith(f".{c.part}") for c in parts)
    ids = [c.id for items in chunks.values() for c in items]
    assert len(ids) == len(set(ids))


def test_no_break_space_joined_sentences_are_split() -> None:
    text = "China has become a big network country.\xa0This is our basic premise.\xa0He pointed out"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["China has become a big network country.", "This is our basic premise.", "He pointed out"]


def test_sentence_splitter_keeps_closing_quotes_and_abbreviations() -> None:
    text = "He said “we will not shut the door.” Then Mr. Li left. The U.S. replied."
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["He said “we will not shut the door.”", "Then Mr. Li left.", "The U.S. replied."]


def test_line_per_paragraph_and_blank_line_files_both_give_paragraphs() -> None:
    assert len(paragraph_spans("one.\ntwo.\nthree.")) == 3
    assert len(paragraph_spans("one\nstill one.\n\ntwo.\n\n\nthree.")) == 3


def test_boilerplate_and_doubled_headline_stay_out_of_the_body(chunks: dict[str, list[Chunk]]) -> None:
    report = chunks["2023-07-15-xi-instructions-cyber-work"]
    body_text = " ".join(c.text for c in report if c.role == BODY)
    assert "Share This" not in body_text and "Disqus" not in body_text
    assert [c.role for c in report[:2]] == ["title", "boilerplate"]
    essay = chunks["2018-04-20-enhance-cyber-capabilities"]
    assert not any("Copyright" in c.text or "republished" in c.text for c in essay if c.role == BODY)


def test_headings_travel_with_the_paragraphs_under_them(chunks: dict[str, list[Chunk]]) -> None:
    essay = chunks["2017-strategic-thinking-network-power"]
    under = [c for c in essay if c.role == BODY and c.heading == "Second, what kind of network power to build"]
    assert under


def test_chinese_paragraphs_are_tagged_zh(chunks: dict[str, list[Chunk]]) -> None:
    essay = chunks["2017-strategic-thinking-network-power"]
    zh = [c for c in essay if c.language == "zh" and c.role == BODY]
    assert len(zh) >= 5
    assert all(sum("\u4e00" <= ch <= "\u9fff" for ch in c.text) > len(c.text) / 2 for c in zh)
    assert all(c.language == "en" for items in chunks.values() for c in items if "Xi Jinping" in c.text[:40])


def test_headings_are_searched_and_titles_boilerplate_and_metadata_are_not(chunks: dict[str, list[Chunk]]) -> None:
    every = [c for items in chunks.values() for c in items]
    heading = next(c for c in every if c.role == "heading")
    assert heading.searchable
    assert not any(c.searchable for c in every if c.role in ("title", "boilerplate", "meta"))
