"""The floors import downwards only: corpus <- index <- qa <- wiring <- evals <- ui."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"corpus": "corpus", "index": "index", "qa": "qa", "evals": "evals", "ui": "ui", "citeqa": "citeqa"}
WIRING = {"citeqa.settings", "citeqa.wiring"}
# What each floor may import, besides itself.
ALLOWED = {
    "corpus": set(),
    "index": {"corpus"},
    "qa": {"corpus", "index"},
    "wiring": {"corpus", "index", "qa"},
    "evals": {"corpus", "index", "qa", "wiring"},
    "ui": {"corpus", "index", "qa", "wiring", "evals"},
    "citeqa": {"corpus", "qa", "wiring"},
}


def floor_of(module: str) -> str | None:
    if module in WIRING or any(module.startswith(w + ".") for w in WIRING):
        return "wiring"
    parts = module.split(".")
    if parts[0] != "citeqa":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in FOLDERS else "citeqa"


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[0] != "citeqa":
        parts.insert(0, "citeqa")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> list[tuple[int, str]]:
    """Every module the file imports, relative imports resolved, with its line."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from .. import wiring` imports the module citeqa.wiring, not the package above it.
            submodules = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in WIRING]
            found += [(node.lineno, m) for m in submodules] if submodules else [(node.lineno, target)]
    return found


def sources() -> list[Path]:
    return sorted(p for folder in FOLDERS.values() for p in (ROOT / folder).rglob("*.py"))


def test_the_floor_test_sees_every_floor() -> None:
    floors = {floor_of(module_name(p)) for p in sources()}
    assert floors == set(ALLOWED)


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_floors_below_its_own(path: Path) -> None:
    own = floor_of(module_name(path))
    assert own is not None
    wrong = []
    for line, target in imported(path):
        floor = floor_of(target)
        if floor is None or floor == own:
            continue
        if floor not in ALLOWED[own]:
            wrong.append(f"line {line}: {own} imports {target} ({floor})")
    assert not wrong, "\n".join(wrong)


def test_no_source_module_imports_the_old_top_level_names() -> None:
    old = {"corpus", "index", "qa", "evals", "ui"}
    offenders = [
        f"{p.relative_to(ROOT)}:{line} {target}"
        for p in sources()
        for line, target in imported(p)
        if target.split(".")[0] in old
    ]
    assert not offenders


def test_qa_sees_the_index_only_through_its_protocol() -> None:
    offenders = [
        f"{p.relative_to(ROOT)}:{line} {target}"
        for p in sorted((ROOT / "qa").rglob("*.py"))
        for line, target in imported(p)
        if floor_of(target) == "index" and target != "citeqa.index.protocol"
    ]
    assert not offenders
