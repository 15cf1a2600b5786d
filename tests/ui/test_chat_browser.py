"""The chat in a real headless Chromium against a real uvicorn server on 127.0.0.1 (fixture `live_server`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from citeqa.qa import Answerer, Citation, Turn
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
# Questions whose answers quote one paragraph twice (the first that still does is used).
TWO_FROM_ONE_PARAGRAPH = (
    "What kind of educational institution did Xi say should be built to train cyber talent?",
    "Per the 2018 remarks, what is at stake for the nation if its online defences fail?",
    "What did Xi say about a lawless place on the internet?",
)

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
    return card.locator(".cq-doc-title").text_content() or ""


def by_paragraph(citations: list[Citation]) -> list[list[Citation]]:
    """The cards the panel should show: one per cited paragraph, in marker order, quotes in reading order."""
    groups: dict[tuple[str, str], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.document_id, c.paragraph_id), []).append(c)
    # Document order of the marks: a quote inside another comes right after it.
    return [sorted(group, key=lambda c: (c.start, -c.end)) for group in groups.values()]


def card_marks(panel: Locator) -> list[list[str]]:
    return [card.locator("mark.cq-quote").all_text_contents() for card in panel.locator("li.cq-cite").all()]


def test_start_screen_shows_catalog_and_examples(chat: ChatPage, answerer: Answerer, artifacts: Path) -> None:
    titles = chat.sources.locator(".cq-catalog .cq-title").all_text_contents()
    assert sorted(titles) == sorted(d.title for d in answerer.index.documents.values())
    for doc in answerer.index.documents.values():
        expect(chat.sources).to_contain_text(doc.description)
    expect(chat.page.get_by_text("What did Xi say about core technologies?")).to_be_visible()
    expect(chat.page.get_by_label("Let the language model phrase answers (quotes are still verified)")).to_have_count(0)
    # The footer shows one link, Settings, with no separator dot before it.
    expect(chat.page.locator("footer").get_by_text("Settings")).to_be_visible()
    expect(chat.page.locator("footer .divider:visible")).to_have_count(0)
    chat.page.screenshot(path=artifacts / "chat-start.png", full_page=True)


def test_answer_cites_exact_highlighted_quotes(chat: ChatPage, answerer: Answerer, artifacts: Path) -> None:
    question = "What are the signs of a network power?"
    panel = chat.ask(question)
    expect(chat.last_reply.locator(".cq-answer .cq-marker").first).to_be_visible()
    expected = by_paragraph(answerer.ask(question).citations)
    cards = panel.locator("li.cq-cite")
    expect(cards).to_have_count(len(expected))
    for card, cited in zip(cards.all(), expected, strict=True):
        quotes = card.locator("mark.cq-quote").all_text_contents()
        assert quotes == [answerer.index.documents[c.document_id].text[c.start : c.end] for c in cited]
        assert all(q in document_titled(answerer, card_title(card)) for q in quotes)
    chat.page.screenshot(path=artifacts / "chat-answer.png", full_page=True)


def test_follow_up_uses_the_conversation(chat: ChatPage, answerer: Answerer, artifacts: Path) -> None:
    first, follow_up = FOLLOW_UP
    chat.ask(first)
    panel = chat.ask(follow_up)
    expect(chat.last_reply.locator(".cq-answer")).to_be_visible()
    # Shown only when the conversation changed what was searched for.
    expect(panel.locator(".cq-query")).to_be_visible()
    history = [Turn(role="user", content=first), Turn(role="assistant", content=answerer.ask(first).answer)]
    quotes = card_marks(panel)
    assert quotes == [[c.quote for c in cited] for cited in by_paragraph(answerer.ask(follow_up, history).citations)]
    assert any("talent" in q.lower() for card in quotes for q in card), quotes
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


def test_badge_in_an_earlier_answer_brings_back_its_sources(
    chat: ChatPage, answerer: Answerer, artifacts: Path
) -> None:
    first, second = "What are the signs of a network power?", "What did Xi say about core technologies?"
    chat.ask(first)
    chat.ask(second)
    earlier = chat.page.get_by_test_id("bot").first
    earlier.locator(".cq-marker", has_text="[1]").click()
    panel = chat.sources.locator('.cq-panel[data-turn="1"]')
    expect(panel).to_be_visible()
    expect(chat.sources.locator(".cq-panel")).to_have_count(1)
    expect(panel.locator(".cq-lead").first).to_have_text(f"For “{first}”")
    card = panel.locator("li.cq-cite.cq-picked")
    expect(card).to_have_count(1)
    expect(card).to_be_in_viewport()
    expect(card).to_be_focused()
    cited = by_paragraph(answerer.ask(first).citations)
    assert card.locator("mark.cq-quote").all_text_contents() == [c.quote for c in cited[0]]
    # Scrolled, the chat's label stays above the messages instead of covering them.
    label = chat.page.locator("#cq-chat label[data-testid='block-label']").bounding_box()
    messages = chat.page.locator("#cq-chat .bubble-wrap").bounding_box()
    assert label and messages and label["y"] + label["height"] <= messages["y"] + 0.5
    chat.page.screenshot(path=artifacts / "chat-earlier-badge.png", full_page=True)
    # From the keyboard, a badge of the latest answer brings its own sources back.
    latest = chat.last_reply.locator(".cq-marker", has_text="[1]")
    latest.focus()
    latest.press("Enter")
    panel = chat.sources.locator('.cq-panel[data-turn="2"]')
    expect(panel.locator("li.cq-cite.cq-picked")).to_have_attribute("data-markers", re.compile(r"(^| )1( |$)"))
    assert card_marks(panel) == [[c.quote for c in g] for g in by_paragraph(answerer.ask(second).citations)]


def test_empty_question_is_one_inline_notice_and_the_conversation_stays(chat: ChatPage, artifacts: Path) -> None:
    panel = chat.ask("What are the signs of a network power?")
    box = chat.page.get_by_label("Your question")
    box.fill("   ")
    box.press("Enter")
    notice = chat.page.locator("#cq-notice .cq-notice")
    expect(notice).to_have_text("Type a question first.")
    expect(chat.page.get_by_text("Type a question first.")).to_have_count(1)
    expect(chat.page.get_by_test_id("toast-body")).to_have_count(0)
    expect(chat.page.get_by_text("Error", exact=True)).to_have_count(0)
    expect(chat.page.get_by_test_id("bot")).to_have_count(1)
    expect(chat.page.get_by_test_id("user")).to_have_count(1)
    expect(panel).to_be_visible()
    chat.page.screenshot(path=artifacts / "chat-empty-question.png", full_page=True)
    # The next question that can be asked clears the notice.
    chat.ask("Where was the 2023 national conference held?")
    expect(notice).to_have_count(0)


def test_two_quotes_from_one_paragraph_are_one_card(chat: ChatPage, answerer: Answerer, artifacts: Path) -> None:
    asked = [(q, by_paragraph(answerer.ask(q).citations)) for q in TWO_FROM_ONE_PARAGRAPH]
    question, cited = next(((q, g) for q, g in asked if any(len(group) > 1 for group in g)), (None, []))
    assert question is not None, "no candidate question quotes one paragraph twice any more: pick another"
    panel = chat.ask(question)
    cards = panel.locator("li.cq-cite")
    expect(cards).to_have_count(len(cited))
    assert card_marks(panel) == [[c.quote for c in group] for group in cited]
    shared = next(i for i, group in enumerate(cited) if len(group) > 1)
    card = cards.nth(shared)
    markers = sorted(c.marker for c in cited[shared])
    assert card.locator(".cq-title .cq-marker").all_text_contents() == [f"[{m}]" for m in markers]
    # The paragraph is shown once, with every quote from it highlighted.
    context = card.locator(".cq-context").text_content() or ""
    assert all(context.count(c.quote) == 1 for c in cited[shared])
    card.scroll_into_view_if_needed()
    chat.page.screenshot(path=artifacts / "chat-one-card-per-paragraph.png", full_page=True)


def test_example_click_asks_it(chat: ChatPage) -> None:
    chat.page.get_by_text("Where was the 2023 national conference held?").click()
    chat.turns += 1
    panel = chat.sources.locator(f'.cq-panel[data-turn="{chat.turns}"]')
    expect(panel.locator("mark.cq-quote").first).to_contain_text("Beijing", timeout=ANSWER_TIMEOUT_MS)
