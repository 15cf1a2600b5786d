"""The dev corpora: every manifest entry loads, its gold quotes are in its documents, its halves are even."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path, PurePosixPath

import pytest

from citeqa import wiring
from citeqa.corpus import Document
from citeqa.evals.corpora import MANIFEST, DevCorpus, ManifestError, index_mismatch, load_manifest, select
from citeqa.evals.dataset import MIN_QUOTE_CHARS, TYPES, load_dataset
from citeqa.evals.evidence import Corpus
from citeqa.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CORPORA = load_manifest()
NEW = [c for c in CORPORA if c.documents is not None]


def documents_of(corpus: DevCorpus) -> list[Document]:
    return wiring.documents_for(Settings(corpus_dir=corpus.documents, _env_file=None))  # type: ignore[call-arg]


def test_the_manifest_lists_the_bundled_corpus_and_at_least_three_of_other_genres() -> None:
    assert [c.documents for c in CORPORA].count(None) == 1
    assert len(NEW) >= 3
    assert len({c.genre for c in CORPORA}) == len(CORPORA)


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_every_gold_quote_is_found_in_the_corpus_as_the_loader_reads_it(corpus: DevCorpus) -> None:
    items = load_dataset(corpus.dataset)
    golds = Corpus(documents_of(corpus)).locate(items)  # raises DatasetError naming the first missing quote
    assert sum(len(g) for g in golds.values()) == sum(len(i.gold_quotes) for i in items)


@pytest.mark.parametrize("corpus", NEW, ids=lambda c: c.name)
def test_gold_quotes_are_exact_substrings_of_the_files_on_disk(corpus: DevCorpus) -> None:
    assert corpus.documents is not None
    files = {p.name: p.read_text(encoding="utf-8") for p in corpus.documents.iterdir()}
    assert 4 <= len(files) <= 8
    for item in load_dataset(corpus.dataset):
        for gold in item.gold_quotes:
            assert len(gold.quote) >= MIN_QUOTE_CHARS
            assert gold.quote in files[gold.doc], (item.id, gold.quote)


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_every_type_is_present_and_split_half_tune_half_heldout(corpus: DevCorpus) -> None:
    items = load_dataset(corpus.dataset)
    per_type = Counter((i.type, i.split) for i in items)
    for kind in TYPES:
        assert per_type[(kind, "tune")] == per_type[(kind, "heldout")] > 0, kind
    assert {i.split for i in items} == {"tune", "heldout"}


@pytest.mark.parametrize("corpus", NEW, ids=lambda c: c.name)
def test_new_corpora_have_enough_items_near_misses_and_false_premises(corpus: DevCorpus) -> None:
    items = load_dataset(corpus.dataset)
    kinds = Counter(i.type for i in items)
    assert len(items) >= 60
    assert kinds["unanswerable"] >= 8
    assert kinds["false-premise"] >= 6
    follow_ups = [i for i in items if i.type == "follow-up"]
    assert all(i.history and i.history[-1]["role"] == "assistant" for i in follow_ups)


def test_package_data_ships_the_manifest_every_dataset_and_every_document() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["citeqa.evals"]
    evals = ROOT / "evals"
    needed = [MANIFEST, *(c.dataset for c in CORPORA)]
    needed += [p for c in NEW if c.documents is not None for p in c.documents.iterdir()]

    def shipped(path: Path) -> bool:
        relative = PurePosixPath(path.relative_to(evals).as_posix())
        return any(len(relative.parts) == len(PurePosixPath(g).parts) and relative.match(g) for g in globs)

    assert [p for p in needed if not shipped(p)] == []


def write_manifest(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "a.txt").write_text("Alpha\n\nThe harbour opened in 1901.\n", encoding="utf-8")
    (tmp_path / "set.jsonl").write_text("", encoding="utf-8")
    path = tmp_path / "corpora.json"
    path.write_text(json.dumps({"corpora": entries}), encoding="utf-8")
    return path


GOOD = {"name": "harbour", "genre": "notes", "dataset": "set.jsonl", "documents": "docs"}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([GOOD, GOOD], "used twice: harbour"),
        ([{**GOOD, "dataset": "missing.jsonl"}], "missing.jsonl does not exist"),
        ([{**GOOD, "documents": "nowhere"}], "nowhere does not exist"),
        ([{**GOOD, "name": "Harbour Notes"}], "lower-case letters"),
        ([], "non-empty list"),
    ],
)
def test_a_broken_manifest_is_rejected_naming_what_is_wrong(
    tmp_path: Path, entries: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(ManifestError, match=message):
        load_manifest(write_manifest(tmp_path, entries))


def test_paths_in_the_manifest_are_relative_to_its_folder_and_select_keeps_its_order(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, [GOOD, {**GOOD, "name": "second", "documents": None}])
    corpora = load_manifest(manifest)
    assert (corpora[0].dataset, corpora[0].documents, corpora[1].documents) == (
        tmp_path / "set.jsonl",
        tmp_path / "docs",
        None,
    )
    assert [c.name for c in select(corpora, ["second", "harbour"])] == ["harbour", "second"]
    with pytest.raises(ManifestError, match="no corpus named third"):
        select(corpora, ["third"])


def test_index_mismatch_names_missing_extra_and_changed_documents(tmp_path: Path) -> None:
    write_manifest(tmp_path, [GOOD])
    [doc] = wiring.documents_for(Settings(corpus_dir=tmp_path / "docs", _env_file=None))  # type: ignore[call-arg]
    assert index_mismatch({doc.id: {"sha256": doc.sha256}}, [doc]) is None
    assert index_mismatch({}, [doc]) == "1 of the corpus's 1 documents are not in it"
    stale = index_mismatch({doc.id: {"sha256": "0" * 64}, "other": {"sha256": "1" * 64}}, [doc])
    assert stale == "1 indexed documents are not in the corpus; 1 documents changed since it was built"
