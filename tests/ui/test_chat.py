"""The chat without a browser: HTML rendering of answers and sources, filters, options, the examples."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import gradio as gr
import pytest

from citeqa.corpus import Document
from citeqa.index.chunking import Chunk
from citeqa.qa import Agreement, Answer, Answerer, Citation, Passage
from citeqa.qa.quotes import citation
from citeqa.settings import Settings
from citeqa.ui.chat import EXAMPLES, Notice, _filters, build_chat, chat_mount_kwargs
from citeqa.ui.chat_render import answer_html, catalog_html, refusal_html, sources_html

HOSTILE = 'Intro.\n<script>alert("x")</script> said “core” & <b>bold</b> terms.\nLast\u00a0line.'


class _Marks(HTMLParser):
    """The text of every <mark>, in document order; a mark inside another is in both."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[int] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "mark":
            self.open.append(len(self.texts))
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for at in self.open:
            self.texts[at] += data


def marks(html: str) -> list[str]:
    parser = _Marks()
    parser.feed(html)
    return parser.texts


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="cq-cite".*?</li>', html, flags=re.S)


def card_titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<span class="cq-doc-title">([^<]+)</span>', html)]


def doc(text: str = HOSTILE, doc_id: str = "d1", title: str = 'A "title" <i>') -> Document:
    return Document(doc_id, title, "2016-04-19", "speech", "en", f"{doc_id}.txt", "0" * 64, "About <it>.", text)


def cite(marker: int, start: int, end: int, document: Document, paragraph_id: str = "d1#p1") -> Citation:
    return citation(marker, document, paragraph_id, start, end)


def chunk(document: Document, start: int, end: int, chunk_id: str = "d1#p1") -> Chunk:
    return Chunk(chunk_id, document.id, 1, 0, start, end, document.text[start:end], "", "en", "body")


def answer_for(citations: list[Citation], passages: list[Passage] | None = None, **extra: object) -> Answer:
    return Answer(
        question="What <did> he say?",
        answer=" ".join(f"“{c.quote}” [{c.marker}]" for c in citations),
        refused=False,
        citations=citations,
        passages=passages or [],
        **extra,  # type: ignore[arg-type]
    )


def test_sources_escape_markup_and_mark_exact_slices() -> None:
    d = doc()
    start = HOSTILE.index("<script>")
    c = cite(1, start, HOSTILE.index(" terms"), d)
    html = sources_html(answer_for([c]), {d.id: d}, {"d1#p1": chunk(d, start, len(HOSTILE))}, turn=1)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html
    # Once in the card, once in the whole document.
    assert marks(html) == [c.quote, c.quote]
    whole = re.search(r'<div class="cq-doc-text">(.*?)</div>', html, flags=re.S)
    assert whole is not None
    assert unescape(re.sub(r"</?mark[^>]*>", "", whole.group(1))) == HOSTILE


def test_card_shows_the_paragraph_around_the_quote() -> None:
    d = doc()
    second = HOSTILE.index("<script>")
    c = cite(1, HOSTILE.index("said"), HOSTILE.index(" terms"), d)
    html = sources_html(answer_for([c]), {d.id: d}, {"d1#p1": chunk(d, second, HOSTILE.index("\nLast"))}, turn=1)
    (card,) = cards(html)
    assert "&lt;script&gt;alert" in card and "Intro." not in card and "Last" not in card


def test_quote_outside_its_paragraph_falls_back_to_its_lines() -> None:
    d = doc()
    c = cite(1, HOSTILE.index("Last"), len(HOSTILE), d)
    html = sources_html(answer_for([c]), {d.id: d}, {"d1#p1": chunk(d, 0, 6)}, turn=1)
    (card,) = cards(html)
    assert "Intro." not in card
    assert marks(card) == ["Last\u00a0line."]


def test_overlapping_quotes_share_one_mark_in_the_document() -> None:
    d = doc()
    first = cite(1, 0, 20, d)
    second = cite(2, 10, 30, d)
    html = sources_html(answer_for([first, second]), {d.id: d}, {}, turn=3)
    view = html[html.index('<section class="cq-doc"') :]
    assert marks(view) == [HOSTILE[0:30]]
    (card,) = cards(html)
    assert marks(card) == [HOSTILE[0:30]] and 'data-markers="1 2"' in card
    assert re.findall(r'class="cq-open" href="#([^"]+)"', html) == ["cq-t3-d0-q1"]
    assert view.count('id="cq-t3-d0-q1"') == 1


def test_a_quote_inside_another_gets_its_own_mark_inside_the_other() -> None:
    d = doc()
    sentence = cite(2, HOSTILE.index("said"), HOSTILE.index("\nLast"), d)
    word = cite(1, HOSTILE.index("core"), HOSTILE.index("core") + 4, d)
    html = sources_html(answer_for([word, sentence]), {d.id: d}, {"d1#p1": chunk(d, 0, len(HOSTILE))}, turn=2)
    (card,) = cards(html)
    assert marks(card) == [sentence.quote, "core"]
    view = html[html.index('<section class="cq-doc"') :]
    assert marks(view) == [sentence.quote, "core"]
    assert re.search(r'<mark [^>]*id="cq-t2-d0-q2"[^>]*>said “<mark [^>]*id="cq-t2-d0-q1"', view)
    assert re.findall(r'class="cq-open" href="#([^"]+)"', html) == ["cq-t2-d0-q1"]


def test_two_quotes_from_one_paragraph_share_one_card_with_both_highlighted() -> None:
    d = doc()
    paragraph = chunk(d, 0, len(HOSTILE))
    later, earlier = cite(1, HOSTILE.index("said"), HOSTILE.index(" terms"), d), cite(2, 0, 6, d)
    other = cite(3, HOSTILE.index("Last"), len(HOSTILE), d, "d1#p2")
    chunks = {"d1#p1": paragraph, "d1#p2": chunk(d, HOSTILE.index("Last"), len(HOSTILE), "d1#p2")}
    html = sources_html(answer_for([later, earlier, other]), {d.id: d}, chunks, turn=1)
    first, second = cards(html)
    assert re.search(r'data-markers="([^"]*)"', first)[1] == "1 2"  # type: ignore[index]
    assert re.findall(r'<span class="cq-marker">\[(\d+)\]</span>', first) == ["1", "2"]
    # In reading order, each exactly its slice of the document.
    assert marks(first) == [earlier.quote, later.quote]
    assert unescape(re.sub(r"<[^>]+>", "", first)).count("Intro.") == 1
    assert marks(second) == [other.quote] and 'data-markers="3"' in second


def test_each_cited_document_gets_one_view_and_its_own_anchors() -> None:
    a, b = doc(doc_id="d1"), doc(text="Other text here.", doc_id="d2", title="Other")
    citations = [cite(1, 0, 6, a), cite(2, 0, 5, b, "d2#p1"), cite(3, 8, 20, a, "d1#p2")]
    html = sources_html(answer_for(citations), {a.id: a, b.id: b}, {}, turn=1)
    assert html.count('<section class="cq-doc"') == 2
    assert re.findall(r'class="cq-open" href="#([^"]+)"', html) == ["cq-t1-d0-q1", "cq-t1-d1-q2", "cq-t1-d0-q3"]


def test_agreeing_documents_are_named_on_the_card() -> None:
    d = doc()
    passage = Passage(
        paragraph_id="d1#p1",
        document_id="d1",
        source_file="d1.txt",
        text=HOSTILE,
        start=0,
        end=len(HOSTILE),
        score=0.5,
        agreement=[Agreement(paragraph_id="d2#p4", document_id="d2", title="Xinhua <report>", similarity=0.97)],
    )
    html = sources_html(answer_for([cite(1, 0, 6, d)], [passage]), {d.id: d}, {}, turn=1)
    assert "Also stated in: Xinhua &lt;report&gt;" in html


def test_a_follow_up_shows_how_it_was_read() -> None:
    d = doc()
    citations = [cite(1, 0, 6, d)]
    plain = sources_html(answer_for(citations, retrieval_query="What <did> he say?"), {d.id: d}, {}, turn=1)
    assert "cq-query" not in plain
    follow_up = answer_for(citations, retrieval_query="What <did> he say? Earlier <question>")
    assert "Read with the conversation as “What &lt;did&gt; he say? Earlier &lt;question&gt;”" in sources_html(
        follow_up, {d.id: d}, {}, turn=2
    )


def test_answer_badges_only_cited_markers_and_name_their_turn() -> None:
    html = answer_html("<b>x</b> [1]\nsecond [7]", markers=[1], turn=4)
    assert "<b>" not in html
    (badge,) = re.findall(r'<span class="cq-marker[^"]*"[^>]*>\[\d+\]</span>', html)
    assert 'class="cq-marker cq-src cq-t4 cq-n1" role="button" tabindex="0"' in badge and ">[1]<" in badge
    assert "[7]" in html and html.count("<p>") == 2


def test_document_view_names_the_title_before_the_file() -> None:
    d = doc(doc_id="d1", title="Readable title")
    view = sources_html(answer_for([cite(1, 0, 6, d)]), {d.id: d}, {}, turn=1).split('<section class="cq-doc"')[1]
    assert view.index("Readable title") < view.index("File d1.txt")


def test_quotes_that_carry_their_own_marks_are_not_marked_twice() -> None:
    d = doc()
    asked = answer_for([cite(1, 0, 6, d)])
    asked.question = '"Core" technologies?”'
    html = sources_html(asked, {d.id: d}, {}, turn=1)
    # The text's own closing mark stands for ours; its opening one is closed inside, so ours opens it.
    assert "For “&quot;Core&quot; technologies?”</p>" in html and "”</p>" in html and "?””" not in html


def test_retrieved_passages_show_dense_and_bm25_scores() -> None:
    d = doc()
    passages = [
        Passage(
            paragraph_id="d1#p1",
            document_id="d1",
            source_file="d1.txt",
            text="t",
            start=0,
            end=1,
            score=0.03,
            title="T",
            dense_score=0.8766,
            lexical_score=None,
        ),
    ]
    html = sources_html(answer_for([cite(1, 0, 6, d)], passages), {d.id: d}, {}, turn=1)
    assert "dense cosine 0.877 · BM25 –" in html and "0.030" not in html


def test_refusal_names_the_nearest_passages() -> None:
    passage = Passage(
        paragraph_id="d1#p1",
        document_id="d1",
        source_file="d1.txt",
        text="t",
        start=0,
        end=1,
        score=0.1,
        title="Near <doc>",
        heading="Part 2",
        date="2017",
    )
    refused = Answer(question="q", answer="no", refused=True, refusal_reason="Nothing <here>.", passages=[passage])
    html = refusal_html(refused)
    assert 'class="cq-refusal"' in html and "Not in the corpus" in html
    assert "Nothing &lt;here&gt;." in html and "Near &lt;doc&gt; · Part 2 · 2017" in html
    panel = sources_html(refused, {}, {}, turn=2)
    assert "cq-refused" in panel and "<mark" not in panel and "Near &lt;doc&gt;" in panel


def test_catalog_lists_every_document() -> None:
    docs = [doc(doc_id="d2", title="Later"), doc(doc_id="d1", title="<Earlier>")]
    html = catalog_html(docs)
    assert html.count("<li>") == 2 and "&lt;Earlier&gt;" in html and "About &lt;it&gt;." in html


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [("16", "", "From date"), ("", "2018/12", "To date"), ("2019", "2018", "after")],
)
def test_bad_dates_are_plain_notices(date_from: str, date_to: str, message: str) -> None:
    with pytest.raises(Notice, match=message):
        _filters([], date_from, date_to)


def test_filters_pass_documents_and_dates() -> None:
    assert _filters(["d1"], " 2016 ", "2018-12-31").document_ids == ("d1",)
    assert _filters(None, "2016-04", "").date_from == "2016-04"


def test_theme_uses_system_fonts_only() -> None:
    theme = chat_mount_kwargs()["theme"].to_dict()["theme"]
    assert theme["_font_css"] == []
    assert "system-ui" in theme["font"] and "monospace" in theme["font_mono"]


@pytest.mark.parametrize("llm_base_url", [None, "http://127.0.0.1:9/v1"])
def test_llm_switch_only_when_an_llm_is_configured(llm_base_url: str | None) -> None:
    settings = Settings(llm_base_url=llm_base_url, _env_file=None)  # type: ignore[call-arg]
    blocks = build_chat(lambda: None, settings)
    (switch,) = [b for b in blocks.blocks.values() if isinstance(b, gr.Checkbox)]
    assert switch.visible is bool(llm_base_url)


@pytest.mark.parametrize("question", EXAMPLES)
def test_examples_are_answered(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert not answer.refused and answer.citations
    html = sources_html(answer, answerer.index.documents, answerer.index.chunks, turn=1)
    assert sorted(marks(html)) == sorted([c.quote for c in answer.citations] * 2)


def test_page_opened_before_the_index_loads_fills_in_later(answerer: Answerer) -> None:
    loaded: list[Answerer] = []
    # Until the app's background load finishes, its getter returns None.
    blocks = build_chat(lambda: loaded[0] if loaded else None, Settings(_env_file=None))  # type: ignore[call-arg]
    start = next(f.fn for f in blocks.fns.values() if f.name == "start")
    assert start is not None
    panel, _, poll = start()
    assert "Loading the index" in panel and poll.active is True
    loaded.append(answerer)
    panel, choices, poll = start()
    assert panel.count("<li>") == len(answerer.index.documents) and poll.active is False
    assert {value for _, value in choices.choices} == set(answerer.index.documents)


def test_options_reach_the_answerer(answerer: Answerer) -> None:
    blocks = build_chat(lambda: answerer, Settings(_env_file=None))  # type: ignore[call-arg]
    respond = next(f.fn for f in blocks.fns.values() if f.name == "respond")
    assert respond is not None
    only = "2018-04-20-enhance-cyber-capabilities"
    *_, (messages, panel, turns, _, _) = respond(
        "What did Xi say about core technologies?", [], [], 8, [only], "", "", True
    )
    assert 'class="cq-answer"' in messages[-1]["content"] and turns[0]["role"] == "user"
    cited = card_titles(panel)
    assert cited and set(cited) == {answerer.index.documents[only].title}
    assert panel.count("<li>") == 8  # the retrieved passages listed under the sources
    *_, (_, panel, _, _, _) = respond(
        "What did Xi say about core technologies?", [], [], 5, [], "2017", "2018-12-31", True
    )
    cited = card_titles(panel)
    dates = {d.title: d.date for d in answerer.index.documents.values()}
    assert cited and all("2017" <= dates[title] < "2019" for title in cited)


@pytest.mark.parametrize(
    ("question", "date_from", "notice"),
    [("   ", "", "Type a question first."), ("What about talent?", "16", "“From date” must look like")],
)
def test_a_question_that_cannot_be_asked_leaves_the_chat_alone_and_says_why_once(
    answerer: Answerer, question: str, date_from: str, notice: str
) -> None:
    blocks = build_chat(lambda: answerer, Settings(_env_file=None))  # type: ignore[call-arg]
    respond = next(f.fn for f in blocks.fns.values() if f.name == "respond")
    assert respond is not None
    earlier = [{"role": "user", "content": "<p>q</p>"}, {"role": "assistant", "content": "<p>a</p>"}]
    (only,) = list(respond(question, earlier, [], 5, [], date_from, "", True))
    *untouched, shown = only
    assert untouched == [gr.skip()] * 4
    assert shown.startswith('<p class="cq-notice" role="alert">') and notice in unescape(shown)


def test_chat_says_why_when_the_index_could_not_be_loaded() -> None:
    failed = "index in /x is damaged; run `citeqa index --rebuild`"
    blocks = build_chat(lambda: None, Settings(_env_file=None), lambda: failed)  # type: ignore[call-arg]
    respond = next(f.fn for f in blocks.fns.values() if f.name == "respond")
    assert respond is not None
    (only,) = list(respond("What about talent?", [], [], 5, [], "", "", True))
    assert "could not be loaded" in unescape(only[-1]) and "still loading" not in unescape(only[-1])
