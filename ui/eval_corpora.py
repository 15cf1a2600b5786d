"""`citeqa eval --all-corpora`: every dev corpus of the manifest on its own index, a table per corpus and half.

The edge part only: which settings each corpus gets, building its index, writing the reports. Metrics,
tables and the manifest are plain functions in evals/.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from .. import wiring
from ..corpus import Document
from ..evals.corpora import MANIFEST, DevCorpus, corpus_result, load_manifest, load_previous, select, summary_of
from ..evals.corpora_report import CORPORA_BLOCK, corpora_markdown, corpus_heading, corpus_table
from ..evals.dataset import ALL_SPLITS, load_dataset
from ..evals.evidence import Corpus
from ..evals.report import build_result, write_html, write_json
from ..evals.runner import Target, run
from ..settings import Settings

MakeTargets = Callable[[Settings, str | None, int, bool, list[Document]], list[Target]]


def corpus_settings(settings: Settings, corpus: DevCorpus) -> Settings:
    """The bundled corpus keeps the main data directory; every other corpus gets its own beside it."""
    if corpus.documents is None and settings.corpus_dir is None:
        return settings
    return settings.model_copy(
        update={"corpus_dir": corpus.documents, "data_dir": settings.data_dir / "corpora" / corpus.name}
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _command(
    manifest: Path, names: Sequence[str], k: int, compare: bool, readme: Path | None, previous: Path | None
) -> str:
    parts = ["citeqa eval --all-corpora"]
    parts += [f"--manifest {_shown(manifest)}"] if manifest.resolve() != MANIFEST.resolve() else []
    parts += [f"--only {name}" for name in names]
    parts += [f"--k {k}"] if k != 10 else []
    parts += ["--compare"] if compare else []
    parts += [f"--previous {_shown(previous)}"] if previous else []
    parts += [f"--readme {readme}"] if readme else []
    return " ".join(parts)


def _progress() -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    bars: dict[str, tqdm[Any]] = {}

    def progress(name: str, done: int, total: int) -> None:
        if name not in bars:
            bars[name] = tqdm(total=total, desc=name, unit="q", file=sys.stderr, leave=False, disable=None)
        bars[name].update(done - bars[name].n)

    def close() -> None:
        for bar in bars.values():
            bar.close()
        bars.clear()

    return progress, close


def _evaluate(
    settings: Settings, corpus: DevCorpus, k: int, compare: bool, make_targets: MakeTargets
) -> dict[str, Any]:
    own = corpus_settings(settings, corpus)
    items = load_dataset(corpus.dataset)
    documents = wiring.documents_for(own)
    evidence = Corpus(documents)
    golds = evidence.locate(items)  # a quote the corpus lacks fails here, before anything is embedded
    click.echo(f"{corpus.name}: {len(documents)} documents, {len(items)} questions, index in {own.data_dir}", err=True)
    wiring.build(own, wiring.embedder_for(own, indexing=True))  # unchanged documents are not embedded again
    progress, close = _progress()
    try:
        runs = [run(t, items, golds, evidence, progress) for t in make_targets(own, None, k, compare, documents)]
    finally:
        close()
    result = build_result(runs, dataset=_shown(corpus.dataset), split=ALL_SPLITS, k=k, via="python")
    return corpus_result(corpus, len(documents), runs, result)


def run_all_corpora(
    settings: Settings,
    manifest: Path,
    names: Sequence[str],
    k: int,
    out: Path,
    compare: bool,
    readme: Path | None,
    previous: Path | None,
    make_targets: MakeTargets,
) -> None:
    corpora = select(load_manifest(manifest), names)
    earlier = load_previous(previous) if previous else {}
    if readme is not None:
        CORPORA_BLOCK.require(readme)
    results = []
    for corpus in corpora:
        result = _evaluate(settings, corpus, k, compare, make_targets)
        folder = out / corpus.name
        folder.mkdir(parents=True, exist_ok=True)
        write_json(result, folder / "report.json")
        write_html(result, folder / "report.html")
        click.echo("\n".join(["", corpus_heading(result), "", *corpus_table(result, earlier.get(corpus.name))]))
        results.append(result)
    markdown = corpora_markdown(results, _command(manifest, names, k, compare, readme, previous), earlier)
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpora.md").write_text(markdown + "\n", encoding="utf-8")
    # Small enough to commit: a later run shows it as its "previous" rows (--previous).
    write_json(summary_of(results), out / "summary.json")
    click.echo(
        f"\nwrote {out}/<corpus>/report.json and report.html for {len(results)} corpora, and {out / 'corpora.md'}"
    )
    if readme is not None:
        CORPORA_BLOCK.rewrite(readme, markdown)
        click.echo(f"updated the per-corpus eval numbers in {readme}")
