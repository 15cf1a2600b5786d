"""Read an eval dataset in the contract's JSON Lines format, rejecting malformed lines by number.

The format is documented in ../shared/docs/contract.md ("Eval dataset"). Any file that follows it
is accepted, not only the bundled ones; `split` is optional because the contract does not require it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import CiteqaError

TYPES = ("factual", "paraphrase", "multi-hop", "cross-doc", "unanswerable", "false-premise", "casual", "follow-up")
MIN_QUOTE_CHARS = 40
ALL_SPLITS = "all"


class DatasetError(CiteqaError):
    """The dataset file cannot be read or a line breaks the format."""


@dataclass(frozen=True)
class GoldQuote:
    doc: str  # a document id or a source file name
    quote: str


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    answer: str
    gold_quotes: tuple[GoldQuote, ...]
    any_of: bool
    type: str
    origin: str  # "FILE line N", for error messages about this item
    split: str = ""
    history: tuple[dict[str, str], ...] = field(default=())

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def _require(obj: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in obj:
        raise DatasetError(f"{where}: missing field {key!r}")
    value = obj[key]
    # bool is an int in Python; a dataset that writes `"any_of": 1` should still be told it is wrong.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise DatasetError(f"{where}: field {key!r} must be {kind.__name__}, not {type(value).__name__}")
    return value


def _gold(raw: Any, where: str) -> GoldQuote:
    if not isinstance(raw, dict):
        raise DatasetError(f"{where}: must be an object with 'doc' and 'quote'")
    doc = _require(raw, "doc", str, where)
    quote = _require(raw, "quote", str, where)
    if len(quote) < MIN_QUOTE_CHARS:
        raise DatasetError(f"{where}: quote is {len(quote)} characters; gold quotes need at least {MIN_QUOTE_CHARS}")
    return GoldQuote(doc=doc, quote=quote)


def _history(raw: Any, where: str) -> tuple[dict[str, str], ...]:
    if not isinstance(raw, list):
        raise DatasetError(f"{where}: field 'history' must be a list of turns")
    turns = []
    for n, turn in enumerate(raw):
        at = f"{where}: history[{n}]"
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            raise DatasetError(f"{at} needs role 'user' or 'assistant'")
        turns.append({"role": turn["role"], "content": _require(turn, "content", str, at)})
    return tuple(turns)


def parse_item(obj: Any, where: str) -> Item:
    """One dataset row; `where` ("FILE line N") starts every error message about it."""
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    kind = _require(obj, "type", str, where)
    if kind not in TYPES:
        raise DatasetError(f"{where}: type {kind!r} is not one of {', '.join(TYPES)}")
    raw_quotes = _require(obj, "gold_quotes", list, where)
    quotes = tuple(_gold(q, f"{where}: gold_quotes[{n}]") for n, q in enumerate(raw_quotes))
    if kind == "unanswerable" and quotes:
        raise DatasetError(f"{where}: unanswerable items have no gold quotes")
    if kind != "unanswerable" and not quotes:
        raise DatasetError(f"{where}: a {kind} item needs at least one gold quote")
    history = _history(obj.get("history", []), where)
    if kind == "follow-up" and not history:
        raise DatasetError(f"{where}: follow-up items need a non-empty 'history'")
    split = obj.get("split", "")
    if not isinstance(split, str):
        raise DatasetError(f"{where}: field 'split' must be str, not {type(split).__name__}")
    question = _require(obj, "question", str, where)
    if not question.strip():
        raise DatasetError(f"{where}: question is empty")
    return Item(
        id=_require(obj, "id", str, where),
        question=question,
        answer=_require(obj, "answer", str, where),
        gold_quotes=quotes,
        any_of=_require(obj, "any_of", bool, where),
        type=kind,
        origin=where,
        split=split,
        history=history,
    )


def load_dataset(path: Path) -> list[Item]:
    """Every item of the file; DatasetError names the first offending line."""
    try:
        # JSON Lines ends records at "\n" only; splitlines() would also split inside strings at U+2028.
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read dataset {path}: {exc}") from exc
    items: list[Item] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        where = f"{path} line {number}"
        try:
            obj = json.loads(text)
        except ValueError as exc:
            raise DatasetError(f"{where}: not valid JSON ({exc})") from exc
        item = parse_item(obj, where)
        if item.id in seen:
            raise DatasetError(f"{where}: id {item.id!r} already used on line {seen[item.id]}")
        seen[item.id] = number
        items.append(item)
    if not items:
        raise DatasetError(f"dataset {path} holds no items")
    return items


def select_split(items: Sequence[Item], split: str) -> list[Item]:
    if split == ALL_SPLITS:
        return list(items)
    chosen = [item for item in items if item.split == split]
    if not chosen:
        found = sorted({item.split for item in items if item.split}) or ["none"]
        raise DatasetError(f"no items in split {split!r}; the dataset's splits: {', '.join(found)}")
    return chosen
