"""`citeqa eval`: the edge of the harness. It alone reads Settings and wires the answerer (via ui.runtime),
then hands plain objects to the runner, report, README and gate modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from .. import wiring
from ..corpus import Document
from ..evals.corpora import MANIFEST, index_mismatch
from ..evals.dataset import ALL_SPLITS, load_dataset, select_split
from ..evals.evidence import Corpus
from ..evals.gate import THRESHOLDS, check, load_thresholds
from ..evals.llm_metrics import RecordingTarget, llm_summary, summary_lines
from ..evals.readme import numbers_markdown, require_markers, rewrite_block
from ..evals.report import COLUMNS, build_result, fmt, headline_scope, scope_summary, write_html, write_json
from ..evals.runner import HttpTarget, PythonTarget, Target, retrieval_targets, run
from ..index import IndexMissingError
from ..qa import Answerer
from ..settings import Settings

_PRINTED = ("recall@5", "mrr", "verbatim_rate", "support_precision", "citation_recall", "refusal_f1", "latency_p50_ms")


def _answerer(settings: Settings, documents: list[Document]) -> Answerer:
    embedder = wiring.embedder_for(settings)
    try:
        index = wiring.open_index(settings, embedder)
    except IndexMissingError:
        # A fresh clone has no index yet; build it once rather than make the user run another command.
        click.echo(f"no index in {settings.data_dir}: building it first", err=True)
        wiring.build(settings, wiring.embedder_for(settings, indexing=True))
        index = wiring.open_index(settings, embedder)
    stale = index_mismatch(index.manifest.get("documents", {}), documents)
    if stale:
        # Another corpus's index would score every answer as wrong; rebuilding it here would replace it unasked.
        raise click.ClickException(
            f"the index in {settings.data_dir} was not built from this corpus ({stale}); run `citeqa index` with "
            "the same --corpus and --data-dir first, or give this corpus its own --data-dir"
        )
    return wiring.open_answerer(settings, index)


def _targets(settings: Settings, url: str | None, k: int, compare: bool, documents: list[Document]) -> list[Target]:
    if url:
        return [HttpTarget(url, k, settings.api_key, timeout=settings.request_timeout * 2)]
    answerer = _answerer(settings, documents)
    targets: list[Target] = [PythonTarget(answerer, k)]
    if compare:
        from ..evals.baseline import BaselineTarget  # LlamaIndex's splitter and index load only for comparisons

        click.echo("embedding the LlamaIndex baseline's chunks (about half a minute)…", err=True)
        targets.append(BaselineTarget(documents, answerer.index.embedder.model, k))
        targets += retrieval_targets(answerer, k)
    return targets


def _command(dataset: Path, k: int, split: str, compare: bool, readme: Path | None, llm: bool) -> str:
    parts = ["citeqa eval", f"--dataset {dataset}"]
    parts += ["--llm"] if llm else []
    parts += [f"--k {k}"] if k != 10 else []
    parts += [f"--split {split}"] if split != ALL_SPLITS else []
    parts += ["--compare"] if compare else []
    parts += [f"--readme {readme}"] if readme else []
    return " ".join(parts)


def _echo_summary(result: dict[str, Any]) -> None:
    scope = headline_scope(result)
    labels = dict(COLUMNS)
    click.echo(f"{scope} items:")
    for config in result["configs"]:
        summary = scope_summary(config, scope)
        shown = [f"{labels[key]} {fmt(key, summary[key])}" for key in _PRINTED if key in summary]
        click.echo(f"  {config['name']:<9} " + " · ".join(shown))


@click.command("eval")
@click.option("--dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON Lines file in the contract's eval format (its documents: the global --corpus)")  # fmt: skip
@click.option("--all-corpora", is_flag=True,
              help="every dev corpus of --manifest, each on its own index: a table per corpus and half")  # fmt: skip
@click.option("--manifest", default=MANIFEST, show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="corpora for --all-corpora")  # fmt: skip
@click.option("--only", multiple=True, help="with --all-corpora: just this corpus of the manifest (repeatable)")
@click.option("--previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="with --all-corpora: an earlier run's summary.json, shown as rows named previous")  # fmt: skip
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 50),
              help="passages requested per question (top_k); recall@j is reported for j <= k")  # fmt: skip
@click.option("--out", default=Path("artifacts/eval"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="folder for report.json and report.html")  # fmt: skip
@click.option("--via", type=click.Choice(["python", "url"]), default="python", show_default=True,
              help="the in-process answerer, or a running server (give --url)")  # fmt: skip
@click.option("--url", help="base URL of a running citeqa server; implies --via url (gold quotes are located in the "
              "local corpus, which must be the server's)")  # fmt: skip
@click.option("--split", default=ALL_SPLITS, show_default=True, help="tune, heldout or all")
@click.option("--compare", is_flag=True, help="also run the LlamaIndex baseline and BM25/dense/hybrid retrieval")
@click.option("--llm", is_flag=True, help="LLM mode (CITEQA_LLM_BASE_URL or CITEQA_LLM_MODEL_PATH): also report claims "
              "dropped per check, the fallback rate and the time to the first claim and per answer")  # fmt: skip
@click.option("--gate", is_flag=True, help="exit non-zero when a metric is below its minimum in --thresholds")
@click.option("--thresholds", default=THRESHOLDS, show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))  # fmt: skip
@click.option("--readme", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="rewrite the numbers between <!-- eval:start --> and <!-- eval:end --> in this file")  # fmt: skip
@click.pass_context
def eval_cmd(
    ctx: click.Context,
    dataset: Path | None,
    all_corpora: bool,
    manifest: Path,
    only: tuple[str, ...],
    previous: Path | None,
    k: int,
    out: Path,
    via: str,
    url: str | None,
    split: str,
    compare: bool,
    llm: bool,
    gate: bool,
    thresholds: Path,
    readme: Path | None,
) -> None:
    """Citation-accuracy eval of a dataset, or of every dev corpus: JSON and HTML report, README table, CI gate."""
    if via == "url" and not url:
        raise click.UsageError("--via url needs --url")
    if url and compare:
        raise click.UsageError("--compare runs the configurations in process; leave out --url")
    settings = (ctx.obj or {}).get("settings") or Settings.model_validate({})
    if llm and not url and not (settings.llm_base_url or settings.llm_model_path):
        raise click.UsageError("--llm needs CITEQA_LLM_BASE_URL (a server) or CITEQA_LLM_MODEL_PATH (a GGUF file)")
    if all_corpora:
        if dataset or url or gate or split != ALL_SPLITS:
            raise click.UsageError("--all-corpora runs every half of every corpus in process; leave out "
                                   "--dataset, --url, --split and --gate")  # fmt: skip
        from .eval_corpora import run_all_corpora

        run_all_corpora(settings, manifest, only, k, out, compare, readme, previous, _targets)
        return
    if dataset is None or previous is not None:
        raise click.UsageError("give --dataset FILE, or --all-corpora (which alone takes --previous)")
    minimums = load_thresholds(thresholds) if gate else {}
    if readme is not None:
        require_markers(readme)
    items = select_split(load_dataset(dataset), split)
    documents = wiring.documents_for(settings)
    corpus = Corpus(documents)
    golds = corpus.locate(items)  # a quote the corpus lacks fails here, before any question is asked

    bars: dict[str, tqdm[Any]] = {}

    def progress(name: str, done: int, total: int) -> None:
        if name not in bars:
            # disable=None: bars only on a terminal, so logs and CI output keep one line per message.
            bars[name] = tqdm(total=total, desc=name, unit="q", file=sys.stderr, leave=False, disable=None)
        bars[name].update(done - bars[name].n)

    targets = _targets(settings, url, k, compare, documents)
    recorded = RecordingTarget(targets[0])
    if llm:
        targets[0] = recorded  # the answerer under test; comparisons run without a model
    runs = [run(t, items, golds, corpus, progress) for t in targets]
    for bar in bars.values():
        bar.close()
    result = build_result(runs, dataset=str(dataset), split=split, k=k, via=url or "python")
    if llm:
        result["llm"] = llm_summary(recorded.records)
    out.mkdir(parents=True, exist_ok=True)
    write_json(result, out / "report.json")
    write_html(result, out / "report.html")
    _echo_summary(result)
    for line in summary_lines(result["llm"]) if llm else []:
        click.echo(line)
    click.echo(f"wrote {out / 'report.json'} and {out / 'report.html'}")
    if readme is not None:
        rewrite_block(readme, numbers_markdown(result, _command(dataset, k, split, compare, readme, llm)))
        click.echo(f"updated the eval numbers in {readme}")
    if gate:
        failures = check(scope_summary(result["configs"][0], ALL_SPLITS), minimums)
        for failure in failures:
            click.echo(f"gate: {failure}", err=True)
        if failures:
            raise click.ClickException(f"eval gate failed: {len(failures)} of {len(minimums)} minimums missed")
        click.echo(f"gate passed: {len(minimums)} minimums met")
