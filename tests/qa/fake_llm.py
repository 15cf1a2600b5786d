"""A fake OpenAI-compatible chat server speaking real HTTP on 127.0.0.1, replying from a queue.

For the deterministic LLM cases a real model cannot be made to produce on demand: fabricated quotes, look-alike
markers, a 40,000-character reply, malformed JSON, a server that hangs, a stream held open after its first claim.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    content: str = '{"claims": []}'
    hold_after: str | None = None  # stop streaming after the piece that ends this text, until release() is called
    hang: bool = False  # read the request and never answer
    raw: bytes | None = None  # send these bytes as the body, whatever the request asked for


class FakeLLMServer:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.released = threading.Event()
        self.closing = threading.Event()
        self.finished = threading.Event()  # the last reply has been sent in full
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append(body)
                reply = server.replies.popleft() if server.replies else Reply()
                if reply.hang:
                    server.closing.wait()
                    return
                if reply.raw is not None:
                    self._send("application/json", reply.raw)
                elif body.get("stream"):
                    try:
                        self._stream(body, reply)
                    except (BrokenPipeError, ConnectionResetError):
                        return  # the client stopped reading, as it does with a reply too long to keep
                else:
                    message = {"role": "assistant", "content": reply.content}
                    self._send("application/json", _completion(body, {"message": message}).encode())
                server.finished.set()

            def _send(self, content_type: str, payload: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, body: dict[str, Any], reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                held = reply.hold_after
                cut = reply.content.index(held) + len(held) if held else len(reply.content)
                for part in _pieces(reply.content[:cut]):
                    self._event(_completion(body, {"delta": {"content": part}}))
                if held:
                    server.released.wait(timeout=60)
                for part in _pieces(reply.content[cut:]):
                    self._event(_completion(body, {"delta": {"content": part}}))
                self._event(_completion(body, {"delta": {}, "finish_reason": "stop"}))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _event(self, data: str) -> None:
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def queue(self, *replies: str | Reply) -> None:
        self.replies.extend(r if isinstance(r, Reply) else Reply(r) for r in replies)

    def release(self) -> None:
        self.released.set()

    def __enter__(self) -> FakeLLMServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _pieces(text: str, size: int = 16) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _completion(body: dict[str, Any], choice: dict[str, Any]) -> str:
    return json.dumps(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "stop", **choice}],
        }
    )
