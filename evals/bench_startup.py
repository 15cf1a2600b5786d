"""Start-up of the command line: `citeqa --help` and `citeqa docs` against a bare interpreter, same run.

Listing commands and the catalog must import nothing heavy (Chroma, LlamaIndex, Gradio); the ratio to
`python -c pass` says how much the command itself adds, whatever the machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

CLI = [sys.executable, "-c", "import sys; from citeqa.ui.cli import main; main(sys.argv[1:])"]
COMMANDS: dict[str, list[str]] = {"citeqa --help": ["--help"], "citeqa docs": ["docs"]}


def _seconds(command: Sequence[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(repeats: int = 5) -> dict[str, Any]:
    """Median wall seconds of each command, of a bare interpreter, and their ratio."""
    bare = _seconds([sys.executable, "-c", "pass"], repeats)
    commands = {name: _seconds([*CLI, *args], repeats) for name, args in COMMANDS.items()}
    return {
        "repeats": repeats,
        "interpreter_s": round(bare, 3),
        "commands": {name: {"s": round(s, 3), "ratio": round(s / bare, 1)} for name, s in commands.items()},
    }
