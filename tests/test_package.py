"""A non-editable wheel: one top-level package, the corpus and datasets inside, usable from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from citeqa.index import Index
from citeqa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the venv's own setuptools builds it, so this needs no network.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("citeqa-*.whl")
    return built


def test_the_wheel_holds_one_top_level_package_with_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"citeqa"}
    assert "citeqa/corpus/catalog.json" in names
    assert any(n.startswith("citeqa/corpus/documents/") and n.endswith(".txt") for n in names)
    assert "citeqa/evals/datasets/dev.jsonl" in names


def test_installed_wheel_answers_from_outside_the_checkout(
    wheel: Path, tmp_path: Path, settings: Settings, index: Index
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    before = set(os.listdir(_site_packages(venv)))
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(pip, check=True, capture_output=True)
    added = set(os.listdir(_site_packages(venv))) - before
    assert {a for a in added if not a.endswith(".dist-info")} == {"citeqa"}

    # The dependencies come from the test venv's site-packages, which holds no citeqa of its own: the
    # editable install there is a path hook that only its .pth file starts, and PYTHONPATH reads no .pth.
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"], "CITEQA_DATA_DIR": str(settings.data_dir)}
    env.pop("CITEQA_CORPUS_DIR", None)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    python = str(venv / "bin" / "python")
    old_layout = subprocess.run([python, "-c", "import qa"], cwd=outside, env=env, capture_output=True, text=True)
    assert old_layout.returncode != 0 and "No module named 'qa'" in old_layout.stderr
    where = subprocess.run(
        [python, "-c", "import citeqa.qa; print(citeqa.qa.__file__)"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.strip().startswith(str(venv))
    asked = subprocess.run(
        [str(venv / "bin" / "citeqa"), "ask", "What did Xi say about core technologies?", "--json"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert not answer["refused"] and answer["citations"]


def _site_packages(venv: Path) -> Path:
    (found,) = (venv / "lib").glob("python3*/site-packages")
    return found
