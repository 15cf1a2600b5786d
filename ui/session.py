"""Signing in to the chat with the API key: a login page that sets a signed, expiring session cookie.

The cookie holds only its expiry time and an HMAC of it under a secret derived from the key, so the
server keeps no session state, and changing the key signs everybody out.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from html import escape
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .access_log import client_of

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
SESSION_COOKIE = "citeqa_session"
_MAX_FORM_BYTES = 4096

router = APIRouter(include_in_schema=False)


class SessionSigner:
    def __init__(self, key: str, hours: float, clock: Callable[[], float] = time.time) -> None:
        self._secret = hmac.new(key.encode(), b"citeqa chat session", hashlib.sha256).digest()
        self.seconds = int(hours * 3600)
        self.clock = clock

    def _sign(self, expires: str) -> str:
        return hmac.new(self._secret, expires.encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        expires = str(int(self.clock()) + self.seconds)
        return f"{expires}.{self._sign(expires)}"

    def valid(self, cookie: str) -> bool:
        expires, _, signature = cookie.partition(".")
        if not expires.isdigit() or not hmac.compare_digest(signature.encode(), self._sign(expires).encode()):
            return False
        return int(expires) > self.clock()


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>citeqa: sign in</title>
<style>
body {{ font-family: ui-sans-serif, system-ui, sans-serif; background: #f6f7f9; color: #1f2328; margin: 0; }}
main {{ max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 10px;
        box-shadow: 0 1px 3px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.4rem; margin: 0 0 .5rem; }}
label {{ display: block; margin: 1.2rem 0 .3rem; font-weight: 600; }}
input {{ width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem; border: 1px solid #b9bec6;
         border-radius: 6px; }}
button {{ margin-top: 1rem; width: 100%; padding: .6rem; font-size: 1rem; border: 0; border-radius: 6px;
          background: #2f5fd0; color: #fff; cursor: pointer; }}
.error {{ color: #b42318; margin-top: 1rem; }}
</style></head>
<body><main>
<h1>citeqa</h1>
<p>This server needs its API key. Sign in once; the browser keeps the session for {hours:g} hours.</p>
<form method="post" action="{login}">
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
{error}
</main></body></html>
"""


def _page(request: Request, error: str = "", status: int = 200) -> HTMLResponse:
    signer: SessionSigner | None = request.app.state.gate.signer
    hours = signer.seconds / 3600 if signer else 0
    shown = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return HTMLResponse(_PAGE.format(hours=hours, login=LOGIN_PATH, error=shown), status_code=status)


@router.get(LOGIN_PATH)
async def login_page(request: Request) -> Response:
    if request.app.state.gate.key is None:
        return RedirectResponse("/", status_code=303)
    return _page(request)


@router.post(LOGIN_PATH)
async def login(request: Request) -> Response:
    gate = request.app.state.gate
    if gate.key is None:
        return RedirectResponse("/", status_code=303)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_FORM_BYTES:
            return _page(request, "The form was too large.", 413)
    key = parse_qs(body.decode("utf-8", "replace")).get("key", [""])[0]
    if not gate.key_matches(key.encode()):
        if gate.failed(client_of(request.scope)) > 0:
            return _page(request, "Too many wrong keys. Wait a minute and try again.", 429)
        return _page(request, "That key is not right.", 401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        gate.signer.issue(),
        max_age=gate.signer.seconds,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post(LOGOUT_PATH)
async def logout() -> Response:
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
    return response
