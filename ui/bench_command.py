"""`citeqa bench`: every performance figure measured side by side in one run, written as tables and plots.

1. Build the bundled corpus into a scratch folder and embed the same texts again without the index
   (evals/bench_build.py).
2. Serve that index from a fresh process: cold start, memory, warm latency by stage, evidence recall@5;
   then from another one, citeqa's latency interleaved with LlamaIndex's default retriever
   (evals/bench_probe.py, evals/bench_latency.py).
3. For each size, add synthetic distractor paragraphs through the real build and probe again
   (evals/bench_scale.py).
4. Write bench.json, bench.md, SVG figures and bench.html; optionally rewrite the README's block.

`--embedders` instead compares the candidate embedders (evals/bench_embedders.py). Like `citeqa eval`,
this module is an edge: it alone reads Settings and wires through ui.wiring.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from .. import wiring
from ..evals.bench_build import measure_build
from ..evals.bench_embedders import RESULTS, compare
from ..evals.bench_recall import answerable_items
from ..evals.bench_report import require_markers, rewrite_readme, write
from ..evals.bench_scale import build_scaled, folder_bytes
from ..evals.bench_startup import measure as measure_startup
from ..index import Index, Layout
from ..settings import Settings

QUICK_SIZES = (1000, 5000)
LOAD_RUNS = ((1, 1, 50), (2, 8, 200))  # (workers, clients, requests)


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError as exc:
        raise click.BadParameter(f"{text!r} is not a comma-separated list of paragraph counts") from exc
    if not sizes or sizes[0] <= 0:
        raise click.BadParameter("give positive paragraph counts, e.g. 1000,10000,100000")
    return sizes


def probe(data_dir: Path, out: Path, baseline: bool = False, questions: int | None = None) -> dict[str, Any]:
    """Run evals.bench_probe in a fresh interpreter over `data_dir` (embedded Chroma) and read its result."""
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir.resolve())}
    env.pop("CITEQA_CHROMA_HOST", None)  # the bench builds its scratch indexes with embedded Chroma
    command = [sys.executable, "-m", "citeqa.evals.bench_probe", str(out), repr(time.time())]
    command += ["--baseline"] if baseline else []
    command += ["--questions", str(questions)] if questions else []
    completed = subprocess.run(command, env=env, capture_output=True)
    if completed.returncode != 0:
        raise click.ClickException(f"the probe over {data_dir} failed:\n{completed.stderr.decode(errors='replace')}")
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _step(message: str) -> None:
    click.echo(f"[{time.strftime('%H:%M:%S')}] {message}", err=True)


def _command(sizes: list[int], quick: bool, readme: Path | None, with_load: bool) -> str:
    parts = ["citeqa bench", "--quick" if quick else f"--sizes {','.join(map(str, sizes))}"]
    parts += [f"--readme {readme}"] if readme else []
    parts += ["--load"] if with_load else []
    return " ".join(parts)


def run(settings: Settings, work: Path, sizes: list[int], with_load: bool) -> dict[str, Any]:
    documents = wiring.documents_for(settings)
    data = work / "data"
    embedder = wiring.embedder_for(settings, indexing=True)
    _step(f"building the bundled corpus ({len(documents)} documents) and embedding its texts again")
    _step("timing the command line's start-up against a bare interpreter")
    result: dict[str, Any] = {"startup": measure_startup()}
    result["build"] = measure_build(documents, data, embedder, settings.max_tokens)
    _step("probing a fresh process: cold start, memory, latency, recall")
    serving = probe(data, work / "probe-corpus.json")
    # The comparison runs in a process of its own, so LlamaIndex's index does not weigh on citeqa's memory.
    _step("probing again with LlamaIndex's default retriever timed beside citeqa")
    compared = probe(data, work / "probe-llamaindex.json", baseline=True)
    result["serving"] = {**serving, "latency_ms_beside_llamaindex": compared["latency_ms"]}
    scale = [{**serving, "build_s": None, "disk_mb": round(folder_bytes(Layout(data).current()) / 2**20, 1)}]
    index = Index.open(data, embedder, settings.max_tokens)
    _, golds = answerable_items(documents)
    for size in sizes:
        if size <= len(index.body_ids):
            _step(f"skipping {size}: the corpus alone has {len(index.body_ids)} paragraphs")
            continue
        target = work / f"data-{size}"
        _step(f"building {size:,} paragraphs with distractors")
        built = build_scaled(data, target, index, golds, size, settings.max_tokens)
        _step(f"probing {built['paragraphs']:,} paragraphs (built in {built['build_s']:.0f} s)")
        scale.append({**probe(target, work / f"probe-{size}.json"), **built})
        shutil.rmtree(target, ignore_errors=True)  # 100k paragraphs take over a gigabyte
    result["scale"] = scale
    if with_load:
        from ..evals.load import dataset_questions, run_load

        _step("HTTP load: citeqa serve with 1 and 2 workers")
        questions = dataset_questions()
        result["load"] = {"runs": [run_load(data, w, c, n, questions) for w, c, n in LOAD_RUNS]}
    if RESULTS.exists():
        result["embedders"] = json.loads(RESULTS.read_text(encoding="utf-8"))
    return result


@click.command("bench")
@click.option("--out", default=Path("artifacts/bench"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="folder for bench.json/.md/.html and SVGs")  # fmt: skip
@click.option("--sizes", default="1000,10000,100000", show_default=True,
              help="paragraph counts of the scaling curve (the corpus plus distractors)")  # fmt: skip
@click.option("--quick", is_flag=True, help=f"scaling curve at {','.join(map(str, QUICK_SIZES))} only (CI)")
@click.option("--readme", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="rewrite the block between <!-- bench:start --> and <!-- bench:end --> in this file")  # fmt: skip
@click.option("--embedders", is_flag=True,
              help=f"only compare the embedders importable here, merging into {RESULTS.name}")  # fmt: skip
@click.option("--load", "with_load", is_flag=True, help="also run the HTTP load benchmark (evals/load.py)")
@click.pass_context
def bench_cmd(
    ctx: click.Context, out: Path, sizes: str, quick: bool, readme: Path | None, embedders: bool, with_load: bool
) -> None:
    """Performance benchmarks: latency by stage, build against embedding, cold start, memory, scaling."""
    settings: Settings = (ctx.obj or {}).get("settings") or Settings.model_validate({})
    chosen = list(QUICK_SIZES) if quick else _sizes(sizes)
    if readme is not None:
        require_markers(readme)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=out))
    try:
        if embedders:
            _step("comparing embedders on the bundled corpus")
            merged, outcome = compare(wiring.documents_for(settings), work, settings.max_tokens, settings.index_threads)
            for spec, what in outcome.items():
                click.echo(f"{spec}: {what}")
            click.echo(f"wrote {RESULTS} and {RESULTS.with_suffix('.md')} ({len(merged)} embedders)")
            return
        load_before = os.getloadavg()[0]
        result = run(settings, work, chosen, with_load)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["meta"] = {
        "command": _command(chosen, quick, readme, with_load),
        "generated": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "embedder": settings.embedder,
        "query_threads": settings.query_threads,
        "index_threads": settings.index_threads,
        "max_tokens": settings.max_tokens,
    }
    paths = write(result, out)
    click.echo(f"wrote {', '.join(str(p) for p in paths)}")
    if readme is not None:
        rewrite_readme(readme, result)
        click.echo(f"updated the bench block in {readme}")
