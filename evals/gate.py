"""The CI gate: a run's metrics checked against the minimums in evals/thresholds.json."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ..corpus import CiteqaError

THRESHOLDS = Path(__file__).resolve().with_name("thresholds.json")


class GateError(CiteqaError):
    """The thresholds file cannot be read."""


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, float]:
    try:
        minimums = json.loads(path.read_text(encoding="utf-8"))["minimums"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GateError(f"cannot read thresholds from {path}: {exc}") from exc
    if not isinstance(minimums, dict) or not all(isinstance(v, int | float) for v in minimums.values()):
        raise GateError(f"{path}: 'minimums' must map metric names to numbers")
    return {str(k): float(v) for k, v in minimums.items()}


def check(metrics: Mapping[str, float | int | None], minimums: Mapping[str, float]) -> list[str]:
    """One message per metric below its minimum; a metric the run did not measure fails too."""
    failures = []
    for name, minimum in minimums.items():
        value = metrics.get(name)
        if value is None:
            failures.append(f"{name}: not measured (minimum {minimum:.4f})")
        elif value < minimum:
            failures.append(f"{name}: {value:.4f} is below the minimum {minimum:.4f}")
    return failures
