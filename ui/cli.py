"""The `citeqa` command line: index, search, docs, ask, chat, serve, eval, bench."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

from .. import wiring
from ..corpus import CiteqaError
from ..settings import Settings
from .wording import quoted, score

if TYPE_CHECKING:
    from ..qa import Answer, Answerer, Turn


def _settings(ctx: click.Context) -> Settings:
    return ctx.ensure_object(dict)["settings"]  # type: ignore[no-any-return]


class LazyGroup(click.Group):
    """Commands that pull in heavy libraries (FastAPI, Gradio, the eval harness) load only when run.

    Their one-line help is kept here, so `citeqa --help` lists them without importing them.
    """

    lazy: ClassVar[dict[str, tuple[str, str]]] = {
        "serve": ("citeqa.ui.serve:serve", "Serve the chat at / and the HTTP API under /v1."),
        "eval": ("citeqa.ui.eval_command:eval_cmd", "Citation-accuracy eval of a dataset: report, README table, gate."),
        "bench": ("citeqa.ui.bench_command:bench_cmd", "Latency, build, memory and scaling benchmarks."),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module, _, attr = self.lazy[name][0].partition(":")
            return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                rows.append((name, self.lazy[name][1]))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.option("--data-dir", type=click.Path(path_type=Path), help="index location (CITEQA_DATA_DIR)")
@click.option(
    "--corpus", "corpus_dir", type=click.Path(path_type=Path), help="folder of PDF, HTML, Markdown, text, DOCX files"
)
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, corpus_dir: Path | None) -> None:
    """citeqa: answers whose every claim cites a verbatim quote."""
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if corpus_dir is not None:
        overrides["corpus_dir"] = corpus_dir
    settings = Settings(**overrides)
    # Absolute, so that every message naming the index folder says where it is wherever citeqa runs.
    ctx.ensure_object(dict)["settings"] = settings.model_copy(update={"data_dir": settings.data_dir.resolve()})


@cli.command("index")
@click.option("--rebuild", is_flag=True, help="ignore the existing index and embed everything again")
@click.pass_context
def index_cmd(ctx: click.Context, rebuild: bool) -> None:
    """Build or update the index (only changed documents are embedded again)."""
    from .corpus_command import run_index

    run_index(_settings(ctx), rebuild)


@cli.command()
@click.argument("query")
@click.option("--k", "k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@click.pass_context
def search(ctx: click.Context, query: str, k: int, as_json: bool) -> None:
    """Ranked paragraphs for QUERY (hybrid BM25 + dense retrieval)."""
    from ..qa import Retriever

    settings = _settings(ctx)
    index = wiring.open_index(settings, wiring.embedder_for(settings))
    passages = Retriever(index).search(query, index.embed_query(query), k=k)
    if as_json:
        click.echo(json.dumps([p.model_dump() for p in passages], ensure_ascii=False, indent=1))
        return
    for rank, p in enumerate(passages, start=1):
        doc = index.documents[p.document_id]
        click.echo(f"{rank}. {doc.title} ({doc.date}) · {p.paragraph_id} · chars {p.start}-{p.end}")
        click.echo(f"   dense cosine {score(p.dense_score, 3)} · BM25 {score(p.lexical_score, 2)}")
        click.echo(f"   {p.text[:300]}{'…' if len(p.text) > 300 else ''}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@click.pass_context
def docs(ctx: click.Context, as_json: bool) -> None:
    """The corpus catalog, and where each derived value came from."""
    from .corpus_command import docs_lines, run_docs

    documents = run_docs(_settings(ctx)).documents
    if as_json:
        click.echo(json.dumps([d.metadata() for d in documents], ensure_ascii=False, indent=1))
        return
    for line in docs_lines(documents):
        click.echo(line)


def _history(raw: str | None) -> list[Turn]:
    from ..qa import Turn

    if not raw:
        return []
    try:
        data = json.loads(raw)
        return [Turn.model_validate(turn) for turn in data]
    except (ValueError, TypeError) as exc:
        raise click.BadParameter(f"--history-json must be a JSON list of {{role, content}} turns ({exc})") from exc


def _print_answer(answer: Answer) -> None:
    if answer.refused:
        click.echo(f"Not answered from the corpus: {answer.refusal_reason}")
        return
    click.echo(answer.answer)
    click.echo("")
    for c in answer.citations:
        page = f" · p. {c.page}" if c.page else ""
        click.echo(f"[{c.marker}] {c.title} ({c.date}){page} · {c.paragraph_id} · chars {c.start}-{c.end}")
        click.echo(f"    {quoted(c.quote)}")


def _ask_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--k", "k", type=click.IntRange(1, 50), help="passages to retrieve")(command)
    command = click.option("--doc", "documents", multiple=True, help="only these document ids")(command)
    command = click.option("--since", default="", help="only documents dated on or after (YYYY[-MM[-DD]])")(command)
    command = click.option("--until", default="", help="only documents dated on or before")(command)
    return click.option("--no-llm", is_flag=True, help="extractive answer even when an LLM is configured")(command)


def _answerer(ctx: click.Context) -> Answerer:
    return wiring.open_answerer(_settings(ctx))


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="print the answer object (contract JSON)")
@click.option("--history-json", help='earlier turns: [{"role": "user", "content": "..."}, ...]')
@_ask_options
@click.pass_context
def ask(
    ctx: click.Context,
    question: str,
    as_json: bool,
    history_json: str | None,
    k: int | None,
    documents: tuple[str, ...],
    since: str,
    until: str,
    no_llm: bool,
) -> None:
    """Answer QUESTION with numbered verbatim quotes."""
    from ..qa import Filters

    history = _history(history_json)  # checked before the index loads, so a typo fails fast
    filters = Filters(document_ids=documents, date_from=since, date_to=until)
    answer = _answerer(ctx).ask(question, history, top_k=k, filters=filters, use_llm=not no_llm)
    if as_json:
        click.echo(answer.model_dump_json(indent=1))
    else:
        _print_answer(answer)


@cli.command()
@_ask_options
@click.pass_context
def chat(ctx: click.Context, k: int | None, documents: tuple[str, ...], since: str, until: str, no_llm: bool) -> None:
    """Ask questions in a loop; follow-ups use the conversation. An empty line or Ctrl-D ends it."""
    from ..qa import Filters, Turn

    answerer = _answerer(ctx)
    filters = Filters(document_ids=documents, date_from=since, date_to=until)
    history: list[Turn] = []
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            break
        if not question:
            break
        try:
            answer = answerer.ask(question, history, top_k=k, filters=filters, use_llm=not no_llm)
        except CiteqaError as exc:
            click.echo(f"citeqa: {exc}", err=True)
            continue
        _print_answer(answer)
        click.echo("")
        history += [Turn(role="user", content=question), Turn(role="assistant", content=answer.answer)]


def _run(entry: Callable[..., Any], args: list[str] | None) -> int:
    try:
        entry.main(args=args, prog_name="citeqa", standalone_mode=False)  # type: ignore[attr-defined]
    except click.exceptions.Abort:
        click.echo("citeqa: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        click.echo(f"citeqa: {exc.format_message()}", err=True)
        return exc.exit_code
    except CiteqaError as exc:
        click.echo(f"citeqa: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("citeqa: interrupted", err=True)
        return 130
    return 0


def main(args: list[str] | None = None) -> None:
    sys.exit(_run(cli, args))
