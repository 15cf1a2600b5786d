"""With an API key configured, the chat in headless Chromium: sent to sign in, refused a wrong key, then answering."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from citeqa.qa import Answerer
from citeqa.settings import Settings
from tests.ui.conftest import QUESTIONS, api_server
from tests.ui.test_chat_browser import ARGS, CHROMIUM, ChatPage

KEY = "browser-s3cret"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)")


def test_with_a_key_the_chat_asks_to_sign_in_and_then_answers(
    settings: Settings, answerer: Answerer, artifacts: Path
) -> None:
    with api_server(settings, answerer, api_key=KEY) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
            page.goto(server.url)
            expect(page).to_have_url(f"{server.url}/login")
            page.get_by_label("API key").fill("a guess")
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("alert")).to_have_text("That key is not right.")
            page.screenshot(path=artifacts / "chat-login-refused.png")

            page.get_by_label("API key").fill(KEY)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(f"{server.url}/")
            chat = ChatPage(page, server.url)
            panel = chat.ask(QUESTIONS[0])
            quote = answerer.ask(QUESTIONS[0]).citations[0].quote
            expect(panel.locator("mark.cq-quote").first).to_have_text(quote)
            page.screenshot(path=artifacts / "chat-after-login.png", full_page=True)
            assert chat.external_requests() == [], "the page reached beyond 127.0.0.1"
        finally:
            browser.close()
