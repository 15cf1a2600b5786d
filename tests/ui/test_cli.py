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
from citeqa.qa import Retriever
from citeqa.settings import Settings

CITEQA = str(Path(sys.executable).with_name("citeqa"))
CHECKER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_answer.py"
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def run(*args: str, data_dir: Path, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir), "CITEQA_QUERY_THREADS": "1"}
    return subprocess.run(
        [CITEQA, *args], capture_output=True, text=True, env=env, timeout=300, input=input_text, check=False
    )


def run_in(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`citeqa ARGS` started in `folder` with CITEQA_DATA_DIR unset, so the default data directory applies."""
    environ = {k: v for k, v in os.environ.items() if k != "CITEQA_DATA_DIR"} | env
    return subprocess.run([CITEQA, *args], capture_output=True, text=True, cwd=folder, env=environ, timeout=120)


SEARCH_HIT = re.compile(r"^(\d+)\. (.+) \((\d{4}(?:-\d{2}){0,2})\) · (\S+#p\d+(?:\.\d+)?) · chars (\d+)-(\d+)$")
SEARCH_SCORES = re.compile(r"^   dense cosine (\d\.\d{3}|–) · BM25 (\d+\.\d{2}|–)$")


def test_search_shows_rank_dense_cosine_and_bm25_per_paragraph(settings: Settings, index: Index) -> None:
    result = run("search", "core technology", "--k", "5", data_dir=settings.data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    hits = [SEARCH_HIT.match(line) for line in lines[0::3]]
    scores = [SEARCH_SCORES.match(line) for line in lines[1::3]]
    assert len(lines) == 15 and all(hits) and all(scores), result.stdout
    assert [int(h.group(1)) for h in hits if h] == [1, 2, 3, 4, 5]
    expected = {
        p.paragraph_id: p for p in Retriever(index).search("core technology", index.embed_query("core technology"), k=5)
    }
    for hit, score in zip(hits, scores, strict=True):
        assert hit and score
        passage = expected[hit.group(4)]
        assert (int(hit.group(5)), int(hit.group(6))) == (passage.start, passage.end)
        assert score.group(1) == ("–" if passage.dense_score is None else f"{passage.dense_score:.3f}")
        assert score.group(2) == ("–" if passage.lexical_score is None else f"{passage.lexical_score:.2f}")
    # A hybrid hit for these words is found by both rankings, so neither score is missing on the first line.
    assert "–" not in lines[1]


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


def test_unchanged_index_reports_nothing_changed_and_where_it_is(settings: Settings, index: Index) -> None:
    result = run("index", data_dir=settings.data_dir)
    assert result.returncode == 0, result.stderr
    count = len(index.documents)
    assert result.stdout.startswith(f"nothing changed: {count} documents up to date in {settings.data_dir.resolve()} (")


def test_one_document_is_counted_in_the_singular(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text("Cyber policy.\n\nThe note says that talent matters.\n", encoding="utf-8")
    data = tmp_path.resolve() / "data"
    first = run("--corpus", str(corpus), "index", data_dir=data)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"indexed 1 document into {data}: 1 added,"), first.stdout
    again = run("--corpus", str(corpus), "index", data_dir=data)
    assert again.stdout.startswith(f"nothing changed: 1 document up to date in {data} ("), again.stdout


def test_without_citeqa_data_dir_the_index_lives_in_the_users_data_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "some" / "other" / "folder"
    elsewhere.mkdir(parents=True)
    user_data = tmp_path.resolve() / "xdg-data"
    result = run_in(elsewhere, "search", "talent", XDG_DATA_HOME=str(user_data))
    assert result.returncode == 1
    assert result.stderr.strip() == f"citeqa: no index in {user_data / 'citeqa'}; run `citeqa index` first"


def test_a_relative_data_dir_is_named_in_full(tmp_path: Path) -> None:
    result = run_in(tmp_path, "--data-dir", "here", "search", "talent")
    assert result.stderr.strip() == f"citeqa: no index in {tmp_path.resolve() / 'here'}; run `citeqa index` first"


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


def test_index_of_a_folder_whose_only_file_is_not_utf8_ends_with_one_line_naming_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bad.txt").write_bytes(b"\xff\xfe broken")
    result = run("--corpus", str(corpus), "index", data_dir=tmp_path / "data")
    assert result.returncode == 1
    # Above it, on stderr too, only the extraction progress and the skipped file.
    assert result.stderr.strip().splitlines()[-1] == (
        f"citeqa: no readable documents in {corpus} (bad.txt: not valid UTF-8 (byte 0); convert it to UTF-8)"
    )
    assert "Traceback" not in result.stderr
