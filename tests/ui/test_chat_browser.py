"""The chat in a real headless Chromium against a real uvicorn server on 127.0.0.1 (fixture `live_server`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from citeqa.qa import Answerer, Turn
from tests.conftest import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--disable-dev-shm-usage",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSWER_TIMEOUT_MS = 30_000
FOLLOW_UP = ("What did Xi say about core technology in his 2016 speech?", "and what did he say about talent?")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)")


class ChatPage:
    """One browser tab on the chat, recording every request it makes."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.requests: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.goto(url)
        # The catalog arrives with the page's load event: the chat is ready once it shows.
        expect(self.sources.locator(".cq-catalog li").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        self.turns = 0

    @property
    def sources(self) -> Locator:
        return self.page.locator("#cq-sources")

    @property
    def last_reply(self) -> Locator:
        return self.page.get_by_test_id("bot").last

    def ask(self, question: str) -> Locator:
        """Types the question, submits it with Enter, and returns the sources panel once the answer is done."""
        box = self.page.get_by_label("Your question")
        box.fill(question)
        box.press("Enter")
        self.turns += 1
        panel = self.sources.locator(f'.cq-panel[data-turn="{self.turns}"]')
        expect(panel).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        return panel

    def external_requests(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def chat(browser: Browser, live_server: LiveServer) -> Iterator[ChatPage]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        chat_page = ChatPage(page, live_server.url)
        yield chat_page
        assert chat_page.external_requests() == [], "the page reached beyond 127.0.0.1"
    finally:
        context.close()


def document_titled(answerer: Answerer, title: str) -> str:
    matches = [d.text for d in answerer.index.documents.values() if d.title == title]
    assert len(matches) == 1, f"no single document titled {title!r}"
    return matches[0]


def card_title(card: Locator) -> str:
    # The title line starts with the marker badge: "[1] Title".
    return (card.locator(".cq-title").text_content() or "").split("] ", 1)[1]


def test_start_screen_shows_catalog_and_examples(chat: ChatPage, answerer: Answerer, artifacts: Path) -> None:
    titles = chat.sources.locator(".cq-catalog .cq-title").all_text_contents()
    assert sorted(titles) == sorted(d.title for d in answerer.index.documents.values())
    for doc in answerer.index.documents.values():
        expect(chat.sources).to_contain_text(doc.description)
    expect(chat.page.get_by_text("What did Xi say about core technologies?")).to_be_visible()
    expect(chat.page.get_by_label("Let the language model phrase answers (quotes are still verified)")).to_have_count(0)
    chat.page.screenshot(path=artifacts / "chat-start.png", full_page=True)


def test_answer_cites_exact_highlighted_quotes(chat: ChatPage, answerer: Answerer, artifacts: Path) -> None:
    question = "What are the signs of a network power?"
    panel = chat.ask(question)
    expect(chat.last_reply.locator(".cq-answer .cq-marker").first).to_be_visible()
    expected = answerer.ask(question)
    cards = panel.locator("li.cq-cite")
    expect(cards).to_have_count(len(expected.citations))
    for card, citation in zip(cards.all(), expected.citations, strict=True):
        quote = card.locator("mark.cq-quote").text_content()
        assert quote == answerer.index.documents[citation.document_id].text[citation.start : citation.end]
        assert quote in document_titled(answerer, card_title(card))
    chat.page.screenshot(path=artifacts / "chat-answer.png", full_page=True)


def test_follow_up_uses_the_conversation(chat: ChatPage, answerer: Answerer, artifacts: Path) -> None:
    first, follow_up = FOLLOW_UP
    chat.ask(first)
    panel = chat.ask(follow_up)
    expect(chat.last_reply.locator(".cq-answer")).to_be_visible()
    # Shown only when the conversation changed what was searched for.
    expect(panel.locator(".cq-query")).to_be_visible()
    history = [Turn(role="user", content=first), Turn(role="assistant", content=answerer.ask(first).answer)]
    quotes = panel.locator("li.cq-cite mark.cq-quote").all_text_contents()
    assert quotes == [c.quote for c in answerer.ask(follow_up, history).citations]
    assert any("talent" in q.lower() for q in quotes), quotes
    chat.page.screenshot(path=artifacts / "chat-followup.png", full_page=True)


def test_unanswerable_question_is_a_visible_refusal(chat: ChatPage, artifacts: Path) -> None:
    chat.ask("What are the signs of a network power?")
    answer_bubble = chat.last_reply
    answer_background = answer_bubble.locator(".cq-answer").evaluate("e => getComputedStyle(e).backgroundColor")
    panel = chat.ask("What's a good recipe for sourdough bread?")
    refusal = chat.last_reply.locator(".cq-refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Not in the corpus")
    expect(chat.last_reply.locator(".cq-answer")).to_have_count(0)
    assert refusal.evaluate("e => getComputedStyle(e).backgroundColor") != answer_background
    expect(panel).to_have_class("cq-panel cq-refused")
    expect(panel.locator("mark")).to_have_count(0)
    expect(panel.locator("li.cq-near").first).to_be_visible()
    chat.page.screenshot(path=artifacts / "chat-refusal.png", full_page=True)


def test_show_in_whole_document_scrolls_to_the_quote(chat: ChatPage, answerer: Answerer, artifacts: Path) -> None:
    panel = chat.ask("What did Xi say about core technologies?")
    card = panel.locator("li.cq-cite").first
    link = card.locator("a.cq-open")
    mark = panel.locator(f"#{(link.get_attribute('href') or '#')[1:]}")
    expect(mark).not_to_be_visible()
    link.click()
    expect(mark).to_be_in_viewport()
    expect(mark).to_be_focused()
    document = mark.locator("xpath=ancestor::section[contains(@class, 'cq-doc')]")
    assert document.locator(".cq-doc-text").text_content() == document_titled(answerer, card_title(card))
    chat.page.screenshot(path=artifacts / "chat-document.png", full_page=False)
    document.get_by_role("button", name="← Back to sources").click()
    expect(link).to_be_in_viewport()
    # Page, scripts, styles, the answer stream and the document view: all from this server.
    assert len(chat.requests) > 10 and chat.external_requests() == []


def test_empty_question_is_a_plain_error(chat: ChatPage) -> None:
    chat.page.get_by_label("Your question").press("Enter")
    expect(chat.page.get_by_text("Type a question first.")).to_be_visible()
    expect(chat.page.get_by_test_id("bot")).to_have_count(0)


def test_example_click_asks_it(chat: ChatPage) -> None:
    chat.page.get_by_text("Where was the 2023 national conference held?").click()
    chat.turns += 1
    panel = chat.sources.locator(f'.cq-panel[data-turn="{chat.turns}"]')
    expect(panel.locator("mark.cq-quote").first).to_contain_text("Beijing", timeout=ANSWER_TIMEOUT_MS)
