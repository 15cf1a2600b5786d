"""`citeqa serve`: the HTTP API and the chat under uvicorn, with one or several worker processes."""

from __future__ import annotations

import os
import socket

import click
import uvicorn
from uvicorn.supervisors import Multiprocess

from .. import wiring
from ..index import IndexMissingError, Layout
from ..settings import Settings
from .access_log import configure_logging


class _AnnouncingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, banner: str) -> None:
        super().__init__(config)
        self.banner = banner

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            click.echo(self.banner)


def _bind(host: str, port: int) -> socket.socket:
    """Bind before anything slow happens, so that a taken port fails at once and in one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


@click.command()
@click.option("--host", help="address to listen on  [default: CITEQA_HOST or 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535), help="port  [default: CITEQA_PORT or 8000]")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True, help="worker processes")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int) -> None:
    """Serve the HTTP API (/v1, docs at /docs) and the chat (/); builds the index first if there is none."""
    settings: Settings = ctx.ensure_object(dict)["settings"]
    host = host or settings.host
    with _bind(host, settings.port if port is None else port) as sock:
        try:
            Layout(settings.data_dir).current()
        except IndexMissingError:
            click.echo(f"no index in {settings.data_dir} yet: building it first", err=True)
            from .cli import index_cmd

            ctx.invoke(index_cmd)
        # Opening the index here turns a mismatched or damaged one into one line and a non-zero exit;
        # a single worker then serves with it, several workers load their own.
        answerer = wiring.open_answerer(settings)
        banner = f"citeqa is running at {_url(host, sock.getsockname()[1])} (API under /v1, docs at /docs)"
        configure_logging()
        if workers == 1:
            from .app import create_app

            app = create_app(settings, answerer)
            config = uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on")
            _AnnouncingServer(config, banner).run(sockets=[sock])
            return
        del answerer
        # Workers are separate processes that build their Settings from the environment.
        os.environ["CITEQA_DATA_DIR"] = str(settings.data_dir.resolve())
        if settings.corpus_dir is not None:
            os.environ["CITEQA_CORPUS_DIR"] = str(settings.corpus_dir.resolve())
        config = uvicorn.Config(
            "citeqa.ui.app:app_from_env",
            factory=True,
            workers=workers,
            access_log=False,
            log_level="warning",
            lifespan="on",
        )
        click.echo(f"{banner}; {workers} workers, ready when /healthz says so")
        Multiprocess(config, sockets=[sock]).run()
