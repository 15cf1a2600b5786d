"""`citeqa index` and `citeqa docs`: extraction and embedding progress, the build summary, derived metadata."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import Any

import click
from tqdm import tqdm

from .. import wiring
from ..corpus import CorpusError, CorpusReport, Document, FileEvent
from ..corpus.catalog import write_suggested
from ..settings import Settings


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _extract(settings: Settings) -> CorpusReport:
    bar: tqdm[Any] | None = None

    def progress(event: FileEvent) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=event.total, unit="file", desc="extracting", file=sys.stderr, leave=True)
        if event.reading:
            bar.set_postfix_str(event.source_file[-40:])
            return
        if event.skipped is not None:
            bar.write(event.skipped.line(), file=sys.stderr)
        bar.update(event.done - bar.n)

    try:
        return wiring.read_corpus_for(settings, progress)
    finally:
        if bar is not None:
            bar.close()


def summary_lines(corpus: CorpusReport) -> list[str]:
    """Files by format, then skipped files and pages with their reasons."""
    formats = ", ".join(f"{n} {name}" for name, n in sorted(corpus.formats.items()))
    lines = [f"read {_count(len(corpus.documents), 'file')} ({formats})"]
    if corpus.skipped:
        reasons: dict[str, list[str]] = {}
        for skip in corpus.skipped:
            reasons.setdefault(skip.reason, []).append(skip.source_file)
        detail = "; ".join(f"{', '.join(names)}: {reason}" for reason, names in reasons.items())
        lines.append(f"skipped {_count(len(corpus.skipped), 'file')}: {detail}")
    if corpus.skipped_pages:
        pages = ", ".join(f"{d.source_file} {d.skipped_pages}" for d in corpus.documents if d.skipped_pages)
        lines.append(f"skipped {_count(corpus.skipped_pages, 'page')} without a text layer (scanned?): {pages}")
    return lines


def run_index(settings: Settings, rebuild: bool) -> None:
    started = time.perf_counter()
    corpus = _extract(settings)
    bar: tqdm[Any] | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="text", desc="embedding", file=sys.stderr, disable=total == 0)
        bar.update(done - bar.n)

    embedder = wiring.embedder_for(settings, indexing=True)
    try:
        report = wiring.build(settings, embedder, rebuild=rebuild, progress=progress, documents=corpus.documents)
    finally:
        if bar is not None:
            bar.close()
    n = len(corpus.documents)
    elapsed = time.perf_counter() - started
    if report.changed_anything:
        click.echo(
            f"indexed {_count(n, 'document')} into {settings.data_dir}: {len(report.added)} added, "
            f"{len(report.changed)} changed, {len(report.removed)} removed, {len(report.unchanged)} unchanged; "
            f"{_count(report.chunks, 'paragraph')}, {report.embedded} embedded in {report.embed_seconds:.1f} s; "
            f"total {elapsed:.1f} s"
        )
    else:
        click.echo(f"nothing changed: {_count(n, 'document')} up to date in {settings.data_dir} ({elapsed:.2f} s)")
    for line in summary_lines(corpus):
        click.echo(line)
    for name in corpus.changed_since_read():
        click.echo(f"{name} changed while the index was built; `citeqa index` again reads the new version", err=True)
    if settings.corpus_dir is not None:
        try:
            click.echo(
                f"metadata written to {write_suggested(corpus.root, corpus.documents)} (edit it into catalog.json)"
            )
        except CorpusError as exc:
            click.echo(f"citeqa: {exc}", err=True)


def docs_lines(documents: Iterable[Document]) -> list[str]:
    """Each document's metadata, and where every derived value came from."""
    lines = []
    for d in documents:
        inferred = f" (inferred: {', '.join(d.date_inferred)})" if d.date_inferred else ""
        scans = f" (+{d.skipped_pages} without text)" if d.skipped_pages else ""
        pages = f" · {_count(len(d.pages), 'page')}{scans}" if d.pages else ""
        lines += [
            d.id,
            f"   {d.title}",
            f"   {d.date or 'no date'}{inferred} · {d.kind} · {d.language} · {d.source_file}{pages} · {d.extractor}",
        ]
        by_source: dict[str, list[str]] = {}
        for name, source in d.derived_from.items():
            by_source.setdefault(source, []).append(name)
        lines += [f"      {', '.join(names)}: {source}" for source, names in by_source.items()]
    return lines


def run_docs(settings: Settings) -> CorpusReport:
    corpus = wiring.read_corpus_for(settings)
    for skip in corpus.skipped:
        click.echo(skip.line(), err=True)
    return corpus
