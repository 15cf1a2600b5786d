"""Write a run's results as JSON and as one self-contained HTML page (inline CSS and SVG, nothing fetched)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from .dataset import TYPES
from .metrics import ANSWERER, READING_BUDGET, READING_RECALL, RECALL_KS
from .runner import Run
from .svg import bar_chart, histogram, line_chart

# (metric key, column label), in the order tables show them.
COLUMNS = (
    ("recall@1", "R@1"),
    ("recall@5", "R@5"),
    ("recall@10", "R@10"),
    (READING_RECALL, f"R@{READING_BUDGET} chars"),
    ("mrr", "MRR"),
    ("verbatim_rate", "verbatim"),
    ("support_precision", "support P"),
    ("support_precision_lenient", "support P lenient"),
    ("citation_recall", "citation R"),
    ("refusal_f1", "refusal F1"),
    ("refusal_rate", "refused"),
    ("false_premise_correction", "premise fixed"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
    ("passage_chars", "passage chars"),
    ("items", "items"),
)

_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#111827;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px}h3{font-size:15px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #d1d5db;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{border:1px solid #e5e7eb;max-width:100%;height:auto}
.quote{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap}
.bad{color:#b91c1c}.meta{color:#4b5563}
"""


def fmt(key: str, value: float | int | None) -> str:
    if value is None:
        return "–"
    if key.endswith("_ms") or key in ("items", "passage_chars", "citations", "errors"):
        return f"{value:.0f}"
    return f"{value:.2f}"


def headline_scope(result: Mapping[str, Any]) -> str:
    """The held-out split when the dataset has one (tuning numbers flatter), otherwise all items."""
    splits = result["configs"][0]["summary"]["by_split"] if result["configs"] else {}
    return "heldout" if "heldout" in splits else "all"


def scope_summary(config: Mapping[str, Any], scope: str) -> Mapping[str, Any]:
    summary = config["summary"]
    return summary["all"] if scope == "all" else summary["by_split"][scope]


def scope_types(config: Mapping[str, Any], scope: str) -> Mapping[str, Any]:
    summary = config["summary"]
    return summary["by_type"] if scope == "all" else summary["by_split_type"][scope]


def build_result(runs: Sequence[Run], *, dataset: str, split: str, k: int, via: str) -> dict[str, Any]:
    """What report.json holds: how the run was made, then every configuration's metrics and failures."""
    return {
        "meta": {
            "dataset": dataset,
            "items": len(runs[0].scores) if runs else 0,
            "split": split,
            "k": k,
            "via": via,
            "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
        "configs": [r.result(k) for r in runs],
    }


def write_json(result: Mapping[str, Any], path: Path) -> None:
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if i >= numeric_from else f"<td>{cell}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _metrics_table(names: Sequence[str], summaries: Sequence[Mapping[str, Any]]) -> str:
    keys = [(k, label) for k, label in COLUMNS if any(k in s for s in summaries)]
    rows = [[escape(name), *(fmt(k, s.get(k)) for k, _ in keys)] for name, s in zip(names, summaries, strict=True)]
    return _table(["", *(label for _, label in keys)], rows)


def _charts(result: Mapping[str, Any], scope: str) -> str:
    configs = result["configs"]
    k = result["meta"]["k"]
    ks = [j for j in RECALL_KS if j <= k]
    curve = {c["name"]: [scope_summary(c, scope).get(f"recall@{j}") for j in ks] for c in configs}
    types = [t for t in TYPES if any(t in scope_types(c, scope) for c in configs) and t != "unanswerable"]

    def by_type(metric: str, kinds: Sequence[str]) -> dict[str, list[float | None]]:
        chosen = [c for c in configs if c["kind"] in kinds]
        return {c["name"]: [scope_types(c, scope).get(t, {}).get(metric) for t in types] for c in chosen}

    charts = [
        line_chart(f"Evidence recall@k ({scope})", [f"@{j}" for j in ks], curve),
        bar_chart(
            f"Recall@{min(5, k)} per question type ({scope})",
            types,
            by_type(f"recall@{min(5, k)}", [ANSWERER, "retrieval"]),
        ),
    ]
    if any(c["kind"] == ANSWERER for c in configs):
        charts.append(
            bar_chart(f"Citation recall per question type ({scope})", types, by_type("citation_recall", [ANSWERER]))
        )
    answering = [c for c in configs if c["kind"] == ANSWERER]
    charts += [histogram(f"Latency: {c['name']} (all items)", c["latencies_ms"]) for c in answering]
    return '<div class="charts">' + "".join(charts) + "</div>"


def _quotes(entries: Sequence[Mapping[str, Any]], mark_support: bool = False) -> str:
    parts = []
    for e in entries:
        css = "quote bad" if mark_support and not e.get("supported") else "quote"
        parts.append(
            f'<div class="{css}"><b>{escape(str(e.get("doc")))}</b>: {escape(str(e.get("quote", e.get("text"))))}</div>'
        )
    return "".join(parts) or "–"


def _failure_table(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return "<p>No failures.</p>"
    body = []
    for r in rows:
        history = "".join(f"<div class=meta>{escape(t['role'])}: {escape(t['content'])}</div>" for t in r["history"])
        shown = _quotes(r["cited"], mark_support=True) if r["cited"] else "<i>retrieved:</i>" + _quotes(r["retrieved"])
        body.append(
            [
                escape(r["id"]),
                f"{escape(r['type'])}<br><span class=meta>{escape(r['split'])}</span>",
                history + escape(r["question"]),
                "<br>".join(escape(x) for x in r["reasons"]),
                _quotes(r["expected"]),
                "<i>refused</i>" if r["refused"] else shown,
            ]
        )
    return _table(
        ["id", "type", "question", "why", "expected", "cited (red: unsupported) / retrieved"], body, numeric_from=99
    )


def render_html(result: Mapping[str, Any]) -> str:
    meta, configs = result["meta"], result["configs"]
    scope = headline_scope(result)
    names = [c["name"] for c in configs]
    splits = list(configs[0]["summary"]["by_split"]) if configs else []
    # A dataset with one split (the smoke set) would only repeat the table for all items.
    scopes = ["all", *splits] if len(splits) > 1 else ["all"]
    sections = [
        f"<h1>citeqa citation-accuracy eval: {escape(meta['dataset'])}</h1>",
        f"<p class=meta>{meta['items']} items · split {escape(meta['split'])} · top_k {meta['k']} · "
        f"via {escape(meta['via'])} · generated {escape(meta['generated'])}</p>",
    ]
    for s in scopes:
        sections.append(f"<h2>Summary: {escape(s)}</h2>")
        sections.append(_metrics_table(names, [scope_summary(c, s) for c in configs]))
    if any(c["kind"] != ANSWERER for c in configs):
        sections.append(
            "<p class=meta>Retrieval-only configurations run after the answerer and reuse its cached query "
            "vectors, so their latency leaves out embedding the question.</p>"
        )
    sections += ["<h2>Plots</h2>", _charts(result, scope)]
    for i, c in enumerate(configs):
        types = scope_types(c, scope)
        sections.append(
            f"<details{' open' if i == 0 else ''}><summary><h2 style=display:inline>Per type: {escape(c['name'])} "
            f"({scope})</h2></summary>{_metrics_table(list(types), list(types.values()))}</details>"
        )
    for i, c in enumerate(configs):
        open_attr = " open" if i == 0 else ""
        sections.append(
            f"<details{open_attr}><summary><h2 style=display:inline>Failures: {escape(c['name'])} "
            f"({len(c['failures'])})</h2></summary>{_failure_table(c['failures'])}</details>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>citeqa eval: {escape(meta['dataset'])}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(sections)}</body></html>"
    )


def write_html(result: Mapping[str, Any], path: Path) -> None:
    path.write_text(render_html(result), encoding="utf-8")
