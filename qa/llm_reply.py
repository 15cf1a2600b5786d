"""The model's reply as it streams in: whole claim objects as soon as each is complete, and the grammar that
constrains the reply when the server takes one.

The reply is one JSON object, {"claims": [{"text", "passage", "quote"}, ...]}. Each claim object is handed
on the moment its closing brace arrives, so the first claim can be checked and shown while the model is
still writing the second.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

MAX_REPLY_CHARS = 12_000  # a reply of four short claims is under 3,000; past this the model is rambling
_CLAIMS = re.compile(r'"claims"\s*:\s*\[')
_DECODER = json.JSONDecoder()


class ReplyParser:
    """Feed it the reply piece by piece; it returns each claim object once it is complete."""

    def __init__(self, limit: int = MAX_REPLY_CHARS) -> None:
        self.limit = limit
        self.buffer = ""
        self.found = 0
        self.closed = False  # the claims array ended
        self._pos: int | None = None

    @property
    def overflowed(self) -> bool:
        return len(self.buffer) > self.limit

    def feed(self, piece: str) -> list[Any]:
        self.buffer += piece
        return self._scan()

    def _scan(self) -> list[Any]:
        out: list[Any] = []
        if self._pos is None:
            match = _CLAIMS.search(self.buffer)
            if match is None:
                return out
            self._pos = match.end()
        while not self.closed:
            pos = self._pos
            while pos < len(self.buffer) and self.buffer[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(self.buffer):
                break
            if self.buffer[pos] == "]":
                self.closed = True
                break
            try:
                value, end = _DECODER.raw_decode(self.buffer, pos)
            except ValueError:
                break  # incomplete so far; a reply that never completes is judged by finish()
            out.append(value)
            self._pos = end
        self.found += len(out)
        return out

    def finish(self) -> list[Any]:
        """Claims a tolerant reading of the whole reply finds when streaming found none (prose, fences)."""
        if self.found or self.closed:
            return []
        claims = parse_claims(self.buffer)
        self.found += len(claims)
        return claims

    @property
    def malformed(self) -> bool:
        """The reply held no claims array that could be read (after finish())."""
        return not self.found and not self.closed and parse_claims_object(self.buffer) is None


def parse_claims_object(reply: str) -> dict[str, Any] | None:
    match = re.search(r"\{.*\}", reply, re.DOTALL)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("claims"), list) else None


def parse_claims(reply: str) -> list[Any]:
    """The claims of a whole reply; tolerant of code fences and prose around the JSON."""
    data = parse_claims_object(reply)
    return list(data["claims"]) if data is not None else []


def _gbnf_literal(text: str) -> str:
    return json.dumps(json.dumps(text)[1:-1])  # JSON-escaped for the reply, then quoted as a GBNF literal


def sentence_grammar(sentences: Sequence[tuple[int, str]], max_claims: int, max_text: int) -> str:
    """A llama.cpp GBNF grammar: each quote is one whole passage sentence, each passage number one given.

    The claim text may not hold quotation marks, brackets or backslashes, so constrained output cannot
    carry a quotation or a marker of its own making.
    """
    quote_rules = "\n".join(f"q{i} ::= {_gbnf_literal(text)}" for i, (_, text) in enumerate(sentences))
    quote = " | ".join(f"q{i}" for i in range(len(sentences))) or '"x"'
    passages = " | ".join(sorted({f'"{n}"' for n, _ in sentences})) or '"1"'
    return f"""root ::= "{{\\"claims\\": [" (claim ("," claim){{0,{max_claims - 1}}})? "]}}"
claim ::= "{{\\"text\\": \\"" text "\\", \\"passage\\": " pnum ", \\"quote\\": \\"" quote "\\"}}"
text ::= [^"\\\\\\n“”«»「」『』\\[\\]［］【】]{{1,{max_text}}}
pnum ::= {passages}
quote ::= {quote}
{quote_rules}
"""
