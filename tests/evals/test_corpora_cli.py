"""`citeqa eval --all-corpora` end to end on two tiny corpora, and the refusal to score against another index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from citeqa.ui.cli import main
from tests.evals.conftest import ALPHA, BETA

HARBOUR = "The harbour opened in 1901 after ten years of building work by the city council."
QUOTAS = "Fishing quotas were cut by a third in 1975 to protect the spawning grounds of the cod."


def row(id: str, type: str, split: str, question: str, quotes: list[tuple[str, str]]) -> dict[str, Any]:
    return {"id": id, "question": question, "answer": "reference", "any_of": False, "type": type, "split": split,
            "gold_quotes": [{"doc": d, "quote": q} for d, q in quotes]}  # fmt: skip


def write_corpus(root: Path, name: str, files: dict[str, str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    folder = root / name / "documents"
    folder.mkdir(parents=True)
    for file_name, text in files.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    (root / name / "dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return {"name": name, "genre": f"{name} notes", "dataset": f"{name}/dev.jsonl", "documents": f"{name}/documents"}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpora")
    entries = [
        write_corpus(root, "harbour", {"alpha.txt": ALPHA}, [
            row("h1", "factual", "tune", "When did the harbour open?", [("alpha.txt", HARBOUR)]),
            row("h2", "factual", "heldout", "In which year did the port start operating?", [("alpha.txt", HARBOUR)]),
            row("h3", "unanswerable", "tune", "How much did the harbour cost to build?", []),
            row("h4", "unanswerable", "heldout", "Who was the first harbour master?", []),
        ]),
        write_corpus(root, "fishing", {"beta.txt": BETA, "alpha.txt": ALPHA}, [
            row("f1", "factual", "tune", "By how much were fishing quotas cut in 1975?", [("beta.txt", QUOTAS)]),
            row("f2", "factual", "heldout", "Why were the cod quotas reduced?", [("beta.txt", QUOTAS)]),
        ]),
    ]  # fmt: skip
    (root / "corpora.json").write_text(json.dumps({"corpora": entries}), encoding="utf-8")
    return root


def citeqa(*args: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    return int(exited.value.code or 0)


@pytest.fixture(scope="module")
def evaluated(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    data, out = tmp_path_factory.mktemp("data"), tmp_path_factory.mktemp("out")
    readme = corpora / "README.md"
    readme.write_text("# x\n\n<!-- eval-corpora:start -->\nold\n<!-- eval-corpora:end -->\n", encoding="utf-8")
    code = citeqa("--data-dir", str(data), "eval", "--all-corpora", "--manifest", str(corpora / "corpora.json"),
                  "--out", str(out), "--readme", str(readme))  # fmt: skip
    assert code == 0
    return data, out, readme


def test_each_corpus_gets_its_own_index_report_and_cited_unanswerable_count(evaluated: tuple[Path, Path, Path]) -> None:
    data, out, _ = evaluated
    assert sorted(p.name for p in (data / "corpora").iterdir()) == ["fishing", "harbour"]
    harbour = json.loads((out / "harbour" / "report.json").read_text(encoding="utf-8"))
    assert (harbour["meta"]["corpus"], harbour["meta"]["documents"], harbour["meta"]["items"]) == ("harbour", 1, 4)
    [config] = harbour["configs"]
    assert set(config["summary"]["by_split"]) == {"tune", "heldout"}
    assert {half: count["of"] for half, count in config["unanswerable_cited"].items()} == {
        "all": 2,
        "tune": 1,
        "heldout": 1,
    }
    fishing = json.loads((out / "fishing" / "report.json").read_text(encoding="utf-8"))
    assert (fishing["meta"]["documents"], "unanswerable_cited" in fishing["configs"][0]) == (2, True)
    assert (out / "fishing" / "report.html").is_file()


def test_the_readme_and_the_summary_file_show_a_table_per_corpus_with_both_halves_and_the_gap(
    evaluated: tuple[Path, Path, Path],
) -> None:
    _, out, readme = evaluated
    block = readme.read_text(encoding="utf-8")
    assert "old" not in block and block.index("**harbour**") < block.index("**fishing**")
    for text in (block, (out / "corpora.md").read_text(encoding="utf-8")):
        assert text.count("| config | half |") == 2
        assert (
            text.count("| citeqa | tune |") == text.count("| citeqa | heldout |") == text.count("| citeqa | gap |") == 2
        )
    assert "of 1 |" in block  # the cited-unanswerable count of each half of harbour


def test_eval_refuses_to_score_a_corpus_against_an_index_built_from_another(
    corpora: Path, evaluated: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data, _, _ = evaluated
    harbour_index = data / "corpora" / "harbour"
    code = citeqa("--corpus", str(corpora / "fishing" / "documents"), "--data-dir", str(harbour_index), "eval",
                  "--dataset", str(corpora / "fishing" / "dev.jsonl"), "--out", str(corpora / "out"))  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code != 0 and len(err.splitlines()) == 1
    assert "was not built from this corpus (1 of the corpus's 2 documents are not in it)" in err


def test_all_corpora_leaves_out_a_dataset_and_names_unknown_corpora(
    corpora: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert citeqa("eval", "--all-corpora", "--dataset", str(corpora / "harbour" / "dev.jsonl")) != 0
    assert "leave out --dataset" in capsys.readouterr().err
    assert citeqa("eval", "--all-corpora", "--manifest", str(corpora / "corpora.json"), "--only", "whaling") != 0
    assert "no corpus named whaling" in capsys.readouterr().err
    assert citeqa("eval") != 0
    assert "give --dataset FILE, or --all-corpora" in capsys.readouterr().err


def test_a_later_run_shows_the_earlier_summary_as_previous_rows(
    corpora: Path, evaluated: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    data, out, _ = evaluated
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["corpora"]) == {"harbour", "fishing"}
    later = tmp_path / "later"
    code = citeqa("--data-dir", str(data), "eval", "--all-corpora", "--manifest", str(corpora / "corpora.json"),
                  "--only", "harbour", "--previous", str(out / "summary.json"), "--out", str(later))  # fmt: skip
    assert code == 0
    block = (later / "corpora.md").read_text(encoding="utf-8")
    assert "**fishing**" not in block
    assert block.count("| previous | tune |") == block.count("| previous | heldout |") == 1
    assert f"Rows named previous: citeqa as measured on {summary['generated']}." in block
