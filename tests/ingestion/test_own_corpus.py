"""A user's own folder, end to end: PDF, HTML, Markdown and text indexed by `citeqa index`, asked by
`citeqa ask`, served by the HTTP API and shown in the chat, every quote checked against the stored text."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from citeqa import wiring
from citeqa.index import Index
from citeqa.settings import Settings
from tests.conftest import LiveServer
from tests.corpus.makers import HTML_PAGE, MARKDOWN_NOTE, make_pdf

CITEQA = str(Path(sys.executable).with_name("citeqa"))
QUESTION = "When will the eastern channel be dredged?"
REPORT_PAGES = [
    ["Harbour Water Quality Report", "Nitrate levels stayed at three milligrams per litre through the spring."],
    ["The eastern channel will be dredged in September 2024, at a cost of two million euros paid by the port."],
    [],
    ["The board will review these findings at its autumn meeting together with the ferry operators."],
]
CONTRACT = (
    "Version 1.2 ratified on 12 June 2019\n\nSocial Contract of the Harbour Cooperative\n\n"
    "Members share the cost of maintaining the slipway in proportion to the berths they hold.\n"
)


def citeqa(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CITEQA_DATA_DIR": str(data), "CITEQA_INDEX_THREADS": "2"}
    return subprocess.run([CITEQA, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("own")
    make_pdf(root / "harbour-report.pdf", REPORT_PAGES, created=dt.date(2021, 3, 4))
    (root / "river-plan.html").write_text(HTML_PAGE, encoding="utf-8")
    (root / "ferry.md").write_text(MARKDOWN_NOTE, encoding="utf-8")
    (root / "contract.txt").write_text(CONTRACT, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def indexed(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data = tmp_path_factory.mktemp("own-data")
    return data, citeqa("--corpus", str(folder), "index", data=data)


@pytest.fixture(scope="module")
def settings(folder: Path, indexed: tuple[Path, Any]) -> Settings:
    return Settings(data_dir=indexed[0], corpus_dir=folder, query_threads=1, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def index(settings: Settings) -> Index:
    return wiring.open_index(settings, wiring.embedder_for(settings))


def test_index_reads_every_format_and_summarises_them(indexed: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = indexed
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("indexed 4 documents into "), result.stdout
    assert "read 4 files (1 html, 1 markdown, 1 pdf, 1 text)" in result.stdout
    assert "skipped 1 page without a text layer (scanned?): harbour-report.pdf 1" in result.stdout
    assert "extracting" in result.stderr and "embedding" in result.stderr
    assert "Traceback" not in result.stderr


def test_stored_text_carries_the_file_hash_extractor_and_pages(folder: Path, index: Index) -> None:
    report = index.documents["harbour-report"]
    assert report.sha256 == hashlib.sha256((folder / "harbour-report.pdf").read_bytes()).hexdigest()
    assert report.extractor.startswith("pypdf ") and report.format == "pdf"
    assert [p.number for p in report.pages] == [1, 2, 4] and report.skipped_pages == 1
    assert index.documents["river-plan"].extractor.startswith("trafilatura ")
    assert index.documents["contract"].text == CONTRACT


def test_ask_cites_the_pdf_page_with_a_verbatim_quote_of_the_stored_text(
    indexed: tuple[Path, Any], folder: Path, index: Index
) -> None:
    result = citeqa("--corpus", str(folder), "ask", QUESTION, "--json", data=indexed[0])
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert not answer["refused"], answer
    cited = [c for c in answer["citations"] if c["source_file"] == "harbour-report.pdf"]
    assert cited and any("September 2024" in c["quote"] for c in cited), answer["citations"]
    text = index.documents["harbour-report"].text
    for c in cited:
        assert c["quote"] == text[c["start"] : c["end"]]
        assert c["page"] == 2
        assert c["page_start"] <= c["start"] < c["end"] <= c["page_end"]
    readable = citeqa("--corpus", str(folder), "ask", QUESTION, data=indexed[0])
    assert "Harbour Water Quality Report (2021-03-04) · p. 2 · " in readable.stdout


def test_derived_titles_and_dates_without_a_catalog(index: Index) -> None:
    contract = index.documents["contract"]
    assert (contract.title, contract.date, contract.date_inferred) == (
        "Social Contract of the Harbour Cooperative",
        "2019-06-12",
        ("all",),
    )
    assert index.documents["harbour-report"].title == "Harbour Water Quality Report"
    assert index.documents["ferry"].title == "Ferry Timetable Review"


def test_docs_shows_where_each_value_came_from(indexed: tuple[Path, Any], folder: Path) -> None:
    result = citeqa("--corpus", str(folder), "docs", data=indexed[0])
    assert result.returncode == 0, result.stderr
    assert "      date: header line 1 (inferred)" in result.stdout
    assert "      title: first heading-like line (line 3)" in result.stdout
    assert "front matter title" in result.stdout and "PDF info /CreationDate" in result.stdout


def test_the_suggested_catalog_is_written_beside_the_files(indexed: tuple[Path, Any], folder: Path) -> None:
    suggested = json.loads((folder / "catalog.suggested.json").read_text(encoding="utf-8"))
    titles = {entry["source_file"]: entry["title"] for entry in suggested["documents"]}
    assert titles["contract.txt"] == "Social Contract of the Harbour Cooperative"


@pytest.fixture(scope="module")
def server(settings: Settings, index: Index) -> Iterator[LiveServer]:
    from citeqa.ui.app import create_app

    with LiveServer(create_app(settings, wiring.open_answerer(settings, index))) as live:
        yield live


def test_documents_route_serves_the_stored_text_and_its_pages(server: LiveServer, index: Index) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        body = client.get("/v1/documents/harbour-report").json()
        answer = client.post("/v1/ask", json={"question": QUESTION}).json()
        dredging = next(p for p in body["paragraphs"] if "dredged" in body["text"][p["start"] : p["end"]])
        paragraph = client.get(f"/v1/paragraphs/{dredging['paragraph_id'].replace('#', '%23')}").json()
    assert dredging["page"] == 2 and paragraph["page"] == 2
    assert body["text"] == index.documents["harbour-report"].text
    assert [p["number"] for p in body["pages"]] == [1, 2, 4]
    assert body["extractor"].startswith("pypdf ") and body["derived_from"]["date"] == "PDF info /CreationDate"
    cited = [c for c in answer["citations"] if c["document_id"] == "harbour-report"]
    assert cited
    for c in cited:
        assert body["text"][c["start"] : c["end"]] == c["quote"] and c["page"] == 2


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)")
def test_the_chat_shows_the_page_and_opens_the_document_there(server: LiveServer, artifacts: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--disable-dev-shm-usage", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
            page.goto(server.url)
            sources = page.locator("#cq-sources")
            expect(sources.locator(".cq-catalog li").first).to_be_visible(timeout=30_000)
            box = page.get_by_label("Your question")
            box.fill(QUESTION)
            box.press("Enter")
            link = sources.locator('.cq-panel[data-turn="1"] a.cq-page', has_text="p. 2")
            expect(link.first).to_be_visible(timeout=30_000)
            link.first.click()
            label = sources.locator(".cq-doc.cq-shown .cq-page-no", has_text="p. 2")
            expect(label).to_be_in_viewport()
            expect(sources.locator(".cq-doc.cq-shown")).to_contain_text("dredged in September 2024")
            page.screenshot(path=artifacts / "chat-pdf-page.png", full_page=True)
        finally:
            browser.close()
