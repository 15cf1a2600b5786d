"""`citeqa index` on a folder full of bad files: one line per bad file, a count, the rest indexed, no traceback;
a file changed while the index is built is caught by its hash and read again on the next run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from citeqa import wiring
from citeqa.settings import Settings
from tests.corpus.makers import make_pdf

CITEQA = str(Path(sys.executable).with_name("citeqa"))
GOOD = "Harbour Notes\n\nThe harbour master reported calm water all week, and the ferries ran on time.\n"


def make_bad_files(folder: Path) -> dict[str, str]:
    """Each bad file, and a word its one skip line must contain."""
    make_pdf(folder / "locked.pdf", [["The budget for the new pier."]], password="tide")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without an end")
    with open(folder / "huge.txt", "wb") as handle:
        handle.truncate(200 * 2**20)
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (folder / "app.html").write_text("<html><body><script>start()</script></body></html>", encoding="utf-8")
    (folder / "empty.md").write_text("", encoding="utf-8")
    return {
        "locked.pdf": "encrypted",
        "corrupt.pdf": "not a readable PDF",
        "huge.txt": "too large",
        "photo.txt": "binary",
        "app.html": "no readable text",
        "empty.md": "empty",
    }


def test_each_bad_file_is_one_line_and_counted_and_the_rest_is_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    bad = make_bad_files(folder)
    env = {**os.environ, "CITEQA_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [CITEQA, "--corpus", str(folder), "index"], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.replace("\r", "\n").splitlines()
    for name, word in bad.items():
        (line,) = [line for line in lines if line.startswith(f"skipped {name}: ")]
        assert word in line, line
    assert result.stdout.startswith("indexed 1 document into "), result.stdout
    assert "read 1 file (1 text)" in result.stdout
    assert f"skipped {len(bad)} files: " in result.stdout


def test_a_file_changed_during_the_build_is_read_again_on_the_next_run(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    note = folder / "note.txt"
    note.write_text(GOOD, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=folder, index_threads=2, _env_file=None)  # type: ignore[call-arg]
    embedder = wiring.embedder_for(settings, indexing=True)
    corpus = wiring.read_corpus_for(settings)

    def edit_while_embedding(done: int, total: int) -> None:
        note.write_text(GOOD + "\nA line written while the index was being built.\n", encoding="utf-8")

    wiring.build(settings, embedder, progress=edit_while_embedding, documents=corpus.documents)
    assert corpus.changed_since_read() == ["note.txt"]
    assert wiring.open_index(settings, embedder).documents["note"].text == GOOD  # what was read is what is cited

    again = wiring.read_corpus_for(settings)
    report = wiring.build(settings, embedder, documents=again.documents)
    assert report.changed == ["note"]
    assert "written while the index" in wiring.open_index(settings, embedder).documents["note"].text
