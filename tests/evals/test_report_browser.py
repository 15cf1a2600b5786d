"""The HTML report in a real headless Chromium: it opens offline and its plots are visible."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from citeqa.evals.report import build_result, write_html
from citeqa.evals.runner import Run

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--disable-dev-shm-usage", "--no-sandbox", "--disable-gpu"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)")


def test_report_renders_its_plots_without_fetching_anything(
    smoke_runs: list[Run], tmp_path: Path, artifacts: Path
) -> None:
    page_path = tmp_path / "report.html"
    write_html(build_result(smoke_runs, dataset="smoke.jsonl", split="all", k=10, via="python"), page_path)
    fetched: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(page_path.as_uri())
        charts = page.locator(".charts svg")
        # recall@k curve, recall per type, citation recall per type, latency of the one answering config
        expect(charts).to_have_count(4)
        for i in range(4):
            chart = charts.nth(i)
            expect(chart).to_be_visible()
            box = chart.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 150
        expect(charts.first.locator("polyline")).to_have_count(4)  # one recall curve per configuration
        assert charts.nth(3).locator("rect[fill='#2563eb']").count() > 1  # histogram bars
        expect(page.get_by_role("heading", name="Failures: citeqa", exact=False)).to_be_visible()
        page.screenshot(path=str(artifacts / "eval-report.png"), full_page=True)
        browser.close()
    assert fetched == [page_path.as_uri()]
