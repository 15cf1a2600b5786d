"""The answerer a server uses, replaced between requests when `citeqa index` moves CURRENT to a new build.

Each request takes the answerer once and keeps it to the end, so a swap never changes the build under
a request in flight; the old Index is released when the last such request lets go of it, and until
then its build stays on disk (index.layout.hold). A new build is opened in a background thread while
the old one keeps answering, so no request waits for it or fails because of it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass

from fastapi import APIRouter, Request
from pydantic import BaseModel

from .. import wiring
from ..corpus import CiteqaError
from ..index import Index, Layout
from ..qa import Answerer
from ..settings import Settings
from .errors import ERROR_RESPONSES, ApiError

log = logging.getLogger("citeqa.api")


class Reloaded(BaseModel):
    build: str
    previous: str | None
    changed: bool


@dataclass(frozen=True)
class Served:
    """What requests are answered with, swapped as one value."""

    answerer: Answerer
    index: Index | None  # None: an in-memory index (tests), with no build on disk to follow


class LiveAnswerer:
    """Holds the current answerer; `get()` looks at CURRENT at most every `check_seconds` (0: never)."""

    def __init__(self, settings: Settings, answerer: Answerer | None = None) -> None:
        self.settings = settings
        self.layout = Layout(settings.data_dir)
        self.load_error: str | None = None
        index = answerer.index if answerer is not None and isinstance(answerer.index, Index) else None
        self._served = Served(answerer, index) if answerer is not None else None
        # An answerer over an in-memory index (tests) has no build on disk to follow.
        self.check_seconds = 0.0 if answerer is not None and index is None else settings.reload_check_seconds
        self._opening = threading.Lock()
        self._next_check = time.monotonic() + self.check_seconds
        # A build that failed to open is not retried until CURRENT names another (or an admin asks).
        self._failed: str | None = None

    @property
    def build(self) -> str | None:
        served = self._served
        return served.index.build.name if served is not None and served.index is not None else None

    @property
    def _answerer(self) -> Answerer | None:
        served = self._served
        return served.answerer if served is not None else None

    def get(self) -> Answerer | None:
        """The answerer for one request: None while the first build is still loading or failed to."""
        if self.check_seconds > 0 and time.monotonic() >= self._next_check:
            self._next_check = time.monotonic() + self.check_seconds
            pointer = self.layout.live_name()
            if pointer is not None and pointer not in (self.build, self._failed) and not self._opening.locked():
                self.start()
        return self._answerer

    def start(self) -> None:
        """Open the live build in the background; requests keep the current answerer meanwhile."""
        threading.Thread(target=self._open_quietly, name="citeqa-load", daemon=True).start()

    def reload(self) -> Reloaded:
        """Open the live build now if it is not the one being served; raises when it cannot be opened."""
        previous = self.build
        with self._opening:
            if self.layout.live_name() != self.build or self._answerer is None:
                self._swap()
        return Reloaded(build=self.build or "", previous=previous, changed=self.build != previous)

    def _open_quietly(self) -> None:
        if not self._opening.acquire(blocking=False):
            return
        try:
            self._swap()
        except CiteqaError as exc:
            self._note_failure(str(exc))
        except Exception as exc:
            log.exception("opening the index failed")
            self._note_failure(f"unexpected {type(exc).__name__}; see the server log")
        finally:
            self._opening.release()

    def _swap(self) -> None:
        pointer = self.layout.live_name()
        try:
            old = self._served.index if self._served is not None else None
            if old is None:
                answerer = wiring.open_answerer(self.settings)
            else:
                # The embedder is the one part a new build does not change, and the slowest to load.
                answerer = wiring.open_answerer(self.settings, wiring.open_index(self.settings, old.embedder))
            served = Served(answerer, answerer.index if isinstance(answerer.index, Index) else None)
        except Exception:
            self._failed = pointer
            raise
        previous, self._served = self.build, served
        self.load_error = self._failed = None
        if previous is not None:
            log.info(json.dumps({"event": "index_reloaded", "build": self.build, "previous": previous}))

    def _note_failure(self, message: str) -> None:
        if self._answerer is None:
            self.load_error = message
        # A damaged new build must not take down the one that is serving: keep it and say why once.
        log.error(json.dumps({"event": "load_failed", "build": self._failed, "error": message}))


router = APIRouter(responses=ERROR_RESPONSES)


@router.post(
    "/v1/admin/reload",
    response_model=Reloaded,
    summary="Serve the live build now",
    description=(
        "Opens the build that CURRENT names if it is not the one being served, and switches to it between "
        "requests. The server also does this by itself within `CITEQA_RELOAD_CHECK_SECONDS`. With several "
        "workers, each switches on its own. Needs the API key when one is set."
    ),
)
def reload_index(request: Request) -> Reloaded:
    live: LiveAnswerer = request.app.state.live
    try:
        return live.reload()
    except CiteqaError as exc:
        raise ApiError(503, "index_unavailable", f"the live build could not be opened: {exc}") from exc
