"""Turn one benchmark run into tables (Markdown and HTML), SVG figures, a page, and the README block.

Every number shown comes from the run's JSON; nothing here measures anything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from .bench_latency import STAGES
from .bench_plots import line_chart, stacked_bars
from .markers import BENCH_BLOCK

_MISSING = "–"


@dataclass(frozen=True)
class Table:
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    note: str = ""

    def markdown(self) -> str:
        lines = [f"**{self.title}**", "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "|".join(["---", *["---:"] * (len(self.header) - 1)]) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines + ([f"\n{self.note}"] if self.note else []))

    def html(self) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in self.rows)
        note = f"<p>{escape(self.note)}</p>" if self.note else ""
        return f"<h2>{escape(self.title)}</h2><div class='wide'><table><tr>{head}</tr>{body}</table></div>{note}"


def _ms(value: Any) -> str:
    return _MISSING if value is None else f"{value:.1f}"


def _rate(value: Any) -> str:
    return _MISSING if value is None else f"{value:.3f}"


def _pct(stats: Mapping[str, Any], stage: str, which: str) -> float | None:
    found = stats.get(stage)
    return None if found is None else float(found[which])


def latency_table(latency: Mapping[str, Any]) -> Table:
    configs = [c for c in ("citeqa_cache_miss", "citeqa_cache_hit", "llamaindex_default") if c in latency]
    header = ["stage (ms)", *(f"{c.replace('_', ' ')} {w}" for c in configs for w in ("p50", "p95"))]
    rows = [
        [stage, *(_ms(_pct(latency[c], stage, w)) for c in configs for w in ("p50", "p95"))]
        for stage in (*STAGES, "total")
    ]
    miss = latency["citeqa_cache_miss"]
    share = miss["query embedding"]["p50"] / miss["total"]["p50"] if miss["total"]["p50"] else 0.0
    note = (
        f"{latency['questions']} dev-set questions, extractive mode, one query embedding thread; citeqa and "
        "LlamaIndex (SentenceSplitter defaults, VectorStoreIndex, same embedder) alternate question by question. "
        f"The query embedding is {share:.0%} of the cache-miss p50. "
    )
    if "llamaindex_default" in latency:
        ratio = latency["citeqa_cache_miss"]["total"]["p50"] / latency["llamaindex_default"]["total"]["p50"]
        note += f"citeqa end to end (cache miss) / LlamaIndex retrieve only, p50: {ratio:.2f}."
    return Table("Warm query latency by stage", header, rows, note)


def build_table(build: Mapping[str, Any]) -> Table:
    row = [
        f"{build['paragraphs']} paragraphs, {build['texts']} texts",
        f"{build['build_s']:.1f}",
        f"{build['build_embedding_s']:.1f}",
        f"{build['raw_embedding_s']:.1f} ({build['raw_embedding_before_s']:.1f} / {build['raw_embedding_after_s']:.1f})",
        f"{build['raw_texts_per_s']:.1f}",
        f"{build['build_over_raw']:.2f}",
    ]
    header = ["corpus", "build s", "of which embedding s", "raw embedding s (before / after)", "raw texts/s",
              "build / raw"]  # fmt: skip
    note = "Raw embedding: the same texts through the embedder alone, right before and right after the build."
    return Table("Index build against embedding the same texts", header, [row], note)


def serving_table(serving: Mapping[str, Any]) -> Table:
    cold, first, steady = serving["cold_start"], serving["memory_after_first_answer"], serving["memory_serving"]
    header = ["interpreter s", "imports s", "open index s", "first answer s", "cold start s", "RSS MB", "peak RSS MB"]
    row = [f"{cold[k]:.2f}" for k in ("interpreter_s", "imports_s", "open_index_s", "first_answer_s", "total_s")]
    note = f"RSS right after the first answer: {first['rss_mb']:.0f} MB; RSS and peak after the latency runs."
    return Table("Cold start to first answer, and memory while serving", header, [[*row, *(
        f"{steady[k]:.0f}" for k in ("rss_mb", "peak_rss_mb"))]], note)  # fmt: skip


def _seconds(row: Mapping[str, Any], key: str) -> str:
    return _MISSING if row.get(key) is None else f"{row[key]:.1f}"


def scale_tables(scale: Sequence[Mapping[str, Any]]) -> list[Table]:
    size_rows = [
        [f"{row['paragraphs']:,}", _seconds(row, "build_s"), _seconds(row, "build_chroma_s"),
         _seconds(row, "build_bm25_s"), f"{row['disk_mb']:.0f}", _seconds(row, "chroma_mb"),
         f"{row['cold_start']['open_index_s']:.1f}", f"{row['memory_serving']['rss_mb']:.0f}",
         f"{row['memory_serving']['peak_rss_mb']:.0f}"]
        for row in scale
    ]  # fmt: skip
    sizes = Table(
        "Scaling with distractor paragraphs: build, disk, memory",
        ["paragraphs", "build s", "Chroma add s", "BM25 s", "disk MB", "Chroma MB", "open s", "RSS MB", "peak RSS MB"],
        size_rows,
        "The first row is the bundled corpus; the others add synthetic on-topic distractor paragraphs "
        "(evals/bench_scale.py). Build s is the incremental build that adds them, with stand-in vectors; "
        "open s is opening the index and the answerer in a fresh process.",
    )
    header = ["paragraphs", "p50 miss ms", "p95 miss ms", "p50 hit ms", "embedding p50", "BM25 p50", "vector p50",
              "fusion p50", "compose p50", "recall@5 hybrid", "dense", "BM25"]  # fmt: skip
    rows = []
    for row in scale:
        miss, hit = row["latency_ms"]["citeqa_cache_miss"], row["latency_ms"]["citeqa_cache_hit"]
        rows.append([
            f"{row['paragraphs']:,}", _ms(miss["total"]["p50"]), _ms(miss["total"]["p95"]), _ms(hit["total"]["p50"]),
            *(_ms(miss[stage]["p50"]) for stage in STAGES),
            *(_rate(row["recall@5"][k]) for k in ("hybrid", "dense", "bm25")),
        ])  # fmt: skip
    latency = Table("Scaling with distractor paragraphs: latency (ms) and evidence recall@5", header, rows)
    return [sizes, latency]


def embedders_table(embedders: Mapping[str, Any]) -> Table:
    header = ["embedder", "dense recall@5", "hybrid recall@5", "texts/s indexing", "query embedding p50 ms"]
    rows = []
    for row in embedders.values():
        if "skipped" in row:
            rows.append([row["description"], _MISSING, _MISSING, _MISSING, _MISSING])
            continue
        rows.append([
            row["description"], _rate(row["recall@5_dense"]), _rate(row["recall@5_hybrid"]),
            f"{row['texts_per_s']} ({row['threads']} threads)", _ms(row["query_embedding_p50_ms"]),
        ])  # fmt: skip
    return Table("Embedders (evals/results/embedders.json, from `citeqa bench --embedders`)", header, rows)


def load_table(load: Mapping[str, Any]) -> Table:
    header = ["workers", "clients", "requests", "req/s", "p50 ms", "p95 ms", "errors"]
    rows = [
        [str(run["workers"]), str(run.get("clients", _MISSING)), str(run["completed"]), str(run["throughput_rps"]),
         _ms(run["latency_ms"]["p50"]), _ms(run["latency_ms"]["p95"]), str(run["errors"])]
        for run in load["runs"]
    ]  # fmt: skip
    return Table("HTTP load: `citeqa serve` on 127.0.0.1 (evals/load.py)", header, rows)


def startup_table(startup: Mapping[str, Any]) -> Table:
    header = ["command", "median s", "/ bare interpreter"]
    rows = [[f"`{name}`", f"{row['s']:.2f}", f"{row['ratio']:.1f}"] for name, row in startup["commands"].items()]
    rows.append(["`python -c pass`", f"{startup['interpreter_s']:.2f}", "1.0"])
    note = f"Median of {startup['repeats']} runs each (evals/bench_startup.py)."
    return Table("Command-line start-up", header, rows, note)


def tables(result: Mapping[str, Any]) -> list[Table]:
    found = [
        latency_table(result["serving"]["latency_ms_beside_llamaindex"]),
        build_table(result["build"]),
        serving_table(result["serving"]),
        *scale_tables(result["scale"]),
    ]
    if result.get("embedders"):
        found.append(embedders_table(result["embedders"]))
    if result.get("load"):
        found.append(load_table(result["load"]))
    if result.get("startup"):
        found.append(startup_table(result["startup"]))
    return found


def figures(result: Mapping[str, Any]) -> dict[str, str]:
    latency, scale = result["serving"]["latency_ms_beside_llamaindex"], result["scale"]
    bars = [
        (name.replace("_", " "), {s: latency[name][s]["p50"] for s in STAGES if s in latency[name]})
        for name in ("citeqa_cache_miss", "citeqa_cache_hit", "llamaindex_default")
        if name in latency
    ]
    build, cold = result["build"], result["serving"]["cold_start"]
    build_bars = [
        (
            "build",
            {"embedding": build["build_embedding_s"], "everything else": build["build_s"] - build["build_embedding_s"]},
        ),
        ("raw embedding", {"embedding": build["raw_embedding_s"], "everything else": 0.0}),
    ]
    xs = [float(row["paragraphs"]) for row in scale]
    return {
        "latency_breakdown": stacked_bars("Warm query latency, p50 by stage (ms)", bars, "ms"),
        "cold_start": stacked_bars(
            "Cold start to first answer (s)",
            [("citeqa", {k.removesuffix("_s").replace("_", " "): cold[k] for k in cold if k != "total_s"})],
            "s",
        ),
        "build": stacked_bars("Index build against raw embedding of the same texts (s)", build_bars, "s"),
        "scale_latency": line_chart(
            "Query latency as the index grows (ms)",
            xs,
            {
                "p50 cache miss": [r["latency_ms"]["citeqa_cache_miss"]["total"]["p50"] for r in scale],
                "p95 cache miss": [r["latency_ms"]["citeqa_cache_miss"]["total"]["p95"] for r in scale],
                "p50 cache hit": [r["latency_ms"]["citeqa_cache_hit"]["total"]["p50"] for r in scale],
            },
            "ms",
            log_y=True,
        ),
        "scale_recall": line_chart(
            "Evidence recall@5 of the dev questions as distractors grow",
            xs,
            {k: [r["recall@5"][k] for r in scale] for k in ("hybrid", "dense", "bm25")},
            "recall@5",
        ),
        "scale_memory": line_chart(
            "Memory and disk as the index grows (MB)",
            xs,
            {
                "RSS serving": [r["memory_serving"]["rss_mb"] for r in scale],
                "index on disk": [r["disk_mb"] for r in scale],
            },
            "MB",
            log_y=True,
        ),
    }


def markdown(result: Mapping[str, Any]) -> str:
    meta = result["meta"]
    head = (
        f"Generated by `{meta['command']}` on {meta['generated']} ({meta['cores']} cores, load average "
        f"{meta['load_before']:.1f} before and {meta['load_after']:.1f} after: compare within a table, "
        "not across machines). Do not edit by hand."
    )
    return "\n\n".join([head, *(t.markdown() for t in tables(result))])


def html(result: Mapping[str, Any]) -> str:
    meta = result["meta"]
    svgs = "".join(f"<figure>{svg}</figure>" for svg in figures(result).values())
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>citeqa benchmarks</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#111}"
        ".wide{overflow-x:auto}table{border-collapse:collapse;margin:.5em 0;font-size:13px}"
        "td,th{border:1px solid #d1d5db;padding:3px 8px;"
        "text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:1em 0}</style></head><body>"
        f"<h1>citeqa benchmarks</h1><p>{escape(meta['command'])} · {escape(meta['generated'])}</p>"
        + "".join(t.html() for t in tables(result))
        + f"<h2>Figures</h2>{svgs}</body></html>"
    )


def write(result: Mapping[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = {
        out / "bench.json": json.dumps(result, indent=1, ensure_ascii=False),
        out / "bench.md": markdown(result),
        out / "bench.html": html(result),
        **{out / f"{name}.svg": svg for name, svg in figures(result).items()},
    }
    for path, content in written.items():
        path.write_text(content + "\n", encoding="utf-8")
    return list(written)


def require_markers(path: Path) -> None:
    """Fail before a run of many minutes, not after it."""
    BENCH_BLOCK.require(path)


def rewrite_readme(path: Path, result: Mapping[str, Any]) -> None:
    BENCH_BLOCK.rewrite(path, markdown(result))
