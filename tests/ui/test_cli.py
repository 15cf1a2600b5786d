"""The citeqa command line as a user runs it: real subprocesses, one-line errors, contract JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from citeqa.index import Index
from citeqa.settings import Settings

CITEQA = str(Path(sys.executable).with_name("citeqa"))
CHECKER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_answer.py"
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def run(*args: str, data_dir: Path, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir), "CITEQA_QUERY_THREADS": "1"}
    return subprocess.run(
        [CITEQA, *args], capture_output=True, text=True, env=env, timeout=300, input=input_text, check=False
    )


def test_search_prints_ranked_paragraphs_with_title_date_and_offsets(settings: Settings, index: Index) -> None:
    result = run("search", "core technology", data_dir=settings.data_dir)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("1. [")
    assert "(2016-04-19)" in result.stdout or "(2018-04-20)" in result.stdout
    assert " chars " in first and "#p" in first


def test_ask_json_prints_a_contract_answer_with_verbatim_quotes(settings: Settings, index: Index) -> None:
    result = run("ask", "What did Xi say about core technologies?", "--json", data_dir=settings.data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert not answer["refused"] and answer["citations"]
    for c in answer["citations"]:
        assert index.documents[c["document_id"]].text[c["start"] : c["end"]] == c["quote"]
    if CHECKER.exists():
        check = subprocess.run(
            [sys.executable, str(CHECKER), "--corpus", str(CORPUS)], input=result.stdout, capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout


def test_ask_with_history_json_answers_a_follow_up(settings: Settings, index: Index) -> None:
    history = json.dumps(
        [{"role": "user", "content": "What did Xi say about core technology?"}, {"role": "assistant", "content": "x"}]
    )
    result = run("ask", "and talent?", "--json", "--history-json", history, data_dir=settings.data_dir)
    assert result.returncode == 0, result.stderr
    assert "talent" in json.dumps(json.loads(result.stdout)["citations"]).lower()


def test_readable_ask_numbers_its_quotes_and_names_sources(settings: Settings, index: Index) -> None:
    result = run("ask", "What did Xi say about talent?", data_dir=settings.data_dir)
    assert result.returncode == 0, result.stderr
    assert "[1] " in result.stdout and "chars " in result.stdout


def test_chat_loop_carries_history_between_questions(settings: Settings, index: Index) -> None:
    result = run(
        "chat", data_dir=settings.data_dir, input_text="What did Xi say about core technology?\nand talent?\n\n"
    )
    assert result.returncode == 0, result.stderr
    # Each answer lists its sources under it, one line per citation starting with its marker.
    assert len(re.findall(r"^\[1\] ", result.stdout, flags=re.MULTILINE)) == 2


def test_docs_lists_the_catalog(tmp_path: Path) -> None:
    result = run("docs", data_dir=tmp_path)
    assert result.returncode == 0
    assert "2018-04-20-enhance-cyber-capabilities" in result.stdout
    assert "inferred: year" in result.stdout


def test_unchanged_index_reports_nothing_changed(settings: Settings, index: Index) -> None:
    result = run("index", data_dir=settings.data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("nothing changed")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--corpus", "/no/such/folder", "index"), "does not exist"),
        (("search", "core technology"), "citeqa index"),
        (("ask", "x", "--history-json", "{oops"), "--history-json"),
        (("search", "x", "--k", "0"), "--k"),
        (("nonsense",), "No such command"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_a_nonzero_exit(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(*args, data_dir=tmp_path / "empty")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in result.stderr


def test_index_of_a_folder_with_a_non_utf8_file_fails_cleanly(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bad.txt").write_bytes(b"\xff\xfe broken")
    result = run("--corpus", str(corpus), "index", data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert result.stderr.strip() == "citeqa: bad.txt is not valid UTF-8 (byte 0); convert it to UTF-8"
