"""`citeqa serve`: the HTTP API and the chat under uvicorn, with one or several worker processes."""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

import click
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from .. import wiring
from ..index import IndexMissingError, Layout
from ..settings import Settings
from .access_log import configure_logging


class ServerConfig(uvicorn.Config):
    """uvicorn's Config plus the read timeout, so that it reaches each worker process with the rest."""

    def __init__(self, app: Any, *, read_timeout: float, **options: Any) -> None:
        super().__init__(app, **options)
        self.read_timeout = read_timeout


class SlowClientProtocol(HttpToolsProtocol):
    """Closes a connection whose request has not fully arrived `read_timeout` seconds after it began.

    uvicorn times out idle keep-alive connections but not a client that sends its request a byte at a
    time, which would hold a connection (and a file descriptor) for as long as it likes.
    """

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        timeout = getattr(self.config, "read_timeout", None)
        if timeout is not None:
            self._deadline = self.loop.call_later(timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()


def server_options(settings: Settings) -> dict[str, Any]:
    """What `citeqa serve` tells uvicorn, for one worker or several."""
    trusted = settings.trusted_proxies
    return {
        "access_log": False,
        "log_level": "warning",
        "lifespan": "on",
        "http": SlowClientProtocol,
        "read_timeout": settings.read_timeout,
        "timeout_keep_alive": settings.keep_alive_timeout,
        # uvicorn trusts X-Forwarded-For from 127.0.0.1 unless told otherwise: anyone on the host could
        # then claim any address and spend (or escape) another client's rate limit.
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
    }


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
        banner = (
            f"citeqa is running at {_url(host, sock.getsockname()[1])} (API under /v1, docs at /docs); "
            f"index in {settings.data_dir.resolve()}"
        )
        configure_logging()
        if workers == 1:
            from .app import create_app

            app = create_app(settings, answerer)
            config = ServerConfig(app, **server_options(settings))
            _AnnouncingServer(config, banner).run(sockets=[sock])
            return
        del answerer
        # Workers are separate processes that build their Settings from the environment.
        os.environ["CITEQA_DATA_DIR"] = str(settings.data_dir.resolve())
        if settings.corpus_dir is not None:
            os.environ["CITEQA_CORPUS_DIR"] = str(settings.corpus_dir.resolve())
        config = ServerConfig("citeqa.ui.app:app_from_env", factory=True, workers=workers, **server_options(settings))
        click.echo(f"{banner}; {workers} workers, ready when /healthz says so")
        Multiprocess(config, sockets=[sock]).run()
