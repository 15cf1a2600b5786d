"""`citeqa eval` end to end: an unseen dataset, a malformed one, the gate's exit code, a running server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from citeqa.settings import Settings
from citeqa.ui.cli import main
from tests.conftest import LiveServer

TALENT = "We will formulate an overall plan for talent development to promote institutional reforms in this regard"
SEARCH = "Search engines should not decide the position of websites in results just based on how much they pay"
ROWS: list[dict[str, Any]] = [
    # Documents named by source file name, no split: the contract format, not the bundled files' habits.
    {"id": "n1", "question": "What does the 2018 speech say about an overall plan for talent development?",
     "answer": "A plan for talent.", "gold_quotes": [{"doc": "001_e5f450ee1e177c55.txt", "quote": TALENT}],
     "any_of": False, "type": "factual"},
    {"id": "n2", "question": "What did Xi say about the price of tea in Paris?", "answer": "Nothing.",
     "gold_quotes": [], "any_of": False, "type": "unanswerable"},
    {"id": "n3", "question": "what about search engines specifically?", "answer": "Not by payment.",
     "gold_quotes": [{"doc": "003_bd720d3cabb8a03b.txt", "quote": SEARCH}], "any_of": False, "type": "follow-up",
     "history": [{"role": "user", "content": "What did Xi say in 2016 about internet companies' social responsibility?"},
                 {"role": "assistant", "content": "Only responsible firms can be competitive."}]},
]  # fmt: skip


def citeqa(settings: Settings, *args: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(["--data-dir", str(settings.data_dir), *args])
    return int(exited.value.code or 0)


@pytest.fixture
def unseen(tmp_path: Path) -> Path:
    path = tmp_path / "unseen.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    return path


def test_eval_writes_json_and_html_for_a_dataset_it_has_never_seen(
    settings: Settings, index: object, unseen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert citeqa(settings, "eval", "--dataset", str(unseen), "--out", str(out)) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    [config] = report["configs"]
    assert (config["name"], config["summary"]["all"]["items"], report["meta"]["via"]) == ("citeqa", 3, "python")
    assert config["summary"]["all"]["verbatim_rate"] == 1.0
    assert list(config["summary"]["by_type"]) == ["factual", "unanswerable", "follow-up"]
    assert (out / "report.html").read_text(encoding="utf-8").count("<svg") >= 3
    assert "wrote" in capsys.readouterr().out


def test_malformed_dataset_exits_non_zero_with_one_line_naming_the_line(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n" + json.dumps({**ROWS[1], "type": "riddle"}) + "\n", encoding="utf-8")
    assert citeqa(settings, "eval", "--dataset", str(path), "--out", str(tmp_path / "out")) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("citeqa: ") and "bad.jsonl line 2: type 'riddle'" in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_gate_exits_non_zero_with_one_stderr_line_per_missed_minimum(
    settings: Settings, index: object, unseen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(json.dumps({"minimums": {"verbatim_rate": 1.0, "recall@5": 1.01, "mrr": 1.01}}))
    args = ["eval", "--dataset", str(unseen), "--out", str(tmp_path), "--gate", "--thresholds", str(thresholds)]
    assert citeqa(settings, *args) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith(("gate:", "citeqa:"))]
    assert [line.split(":")[1].strip() for line in err[:2]] == ["recall@5", "mrr"]
    assert err[2] == "citeqa: eval gate failed: 2 of 3 minimums missed"


def test_readme_without_markers_fails_before_any_question_is_asked(
    settings: Settings, unseen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# project\n", encoding="utf-8")
    args = ["eval", "--dataset", str(unseen), "--out", str(tmp_path / "out"), "--readme", str(readme)]
    assert citeqa(settings, *args) == 1
    assert "needs the markers <!-- eval:start --> and <!-- eval:end -->" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_url_mode_asks_a_running_server_with_history_and_top_k(
    settings: Settings, live_server: LiveServer, unseen: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert citeqa(settings, "eval", "--dataset", str(unseen), "--url", live_server.url, "--out", str(out)) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    summary = report["configs"][0]["summary"]
    assert report["meta"]["via"] == live_server.url
    assert summary["all"]["errors"] == 0
    assert summary["all"]["verbatim_rate"] == 1.0
    # top_k=10 reached the server: recall@10 is measured from ten passages.
    assert summary["all"]["recall@10"] is not None
    assert summary["by_type"]["follow-up"]["recall@10"] == 1.0


def test_compare_refuses_a_server_url(settings: Settings, unseen: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert citeqa(settings, "eval", "--dataset", str(unseen), "--url", "http://127.0.0.1:9", "--compare") == 2
    assert "--compare runs the configurations in process" in capsys.readouterr().err
