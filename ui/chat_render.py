"""HTML for the chat: answers, refusals, the sources panel with whole-document views, the corpus catalog.

Every piece of corpus or user text goes through `html.escape`: documents hold quotes and could hold
markup. Highlighted spans are cut from the document text by offset, never searched for, so a
`<mark>`'s text is always exactly `document.text[start:end]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from ..corpus import Document
from ..index.chunking import Chunk
from ..qa import Answer, Citation, Passage
from .wording import plural, quoted, score

_MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of a document, reachable at element id `anchor`; `inner` are quotes inside it."""

    start: int
    end: int
    anchor: str
    markers: tuple[int, ...] = ()
    inner: tuple[Span, ...] = ()


def _meta(*parts: str) -> str:
    return " · ".join(escape(p) for p in parts if p)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{line}</p>" for line in text.split("\n") if line.strip())


def answer_html(text: str, markers: Iterable[int] = (), turn: int = 0) -> str:
    """An answer's text as paragraphs; markers that have a citation become badges.

    A badge names its turn, so that a click on an earlier answer's badge brings that answer's sources back.
    In classes, not data attributes: the chat's HTML sanitizer keeps `class` but drops `data-*`.
    """
    cited = set(markers)

    def badge(match: re.Match[str]) -> str:
        n = match.group(1)
        if int(n) not in cited:
            return match.group(0)
        return (
            f'<span class="cq-marker cq-src cq-t{turn} cq-n{n}" role="button" tabindex="0" '
            f'title="Show source {n} beside the chat">[{n}]</span>'
        )

    return f'<div class="cq-answer">{_paragraphs(_MARKER.sub(badge, escape(text)))}</div>'


def refusal_html(answer: Answer) -> str:
    """The amber box: why there is no answer, and where the corpus comes closest."""
    nearest = dict.fromkeys((p.title, p.heading, p.date) for p in answer.passages[:3])
    listing = "".join(f"<li>{_meta(*place)}</li>" for place in nearest)
    closest = f"<p>The closest passages:</p><ul>{listing}</ul>" if listing else ""
    reason = escape(answer.refusal_reason or "The corpus does not support an answer.")
    return (
        '<div class="cq-refusal" role="note"><p class="cq-refusal-title">Not in the corpus</p>'
        f"<p>{reason}</p>{closest}</div>"
    )


def catalog_html(documents: Iterable[Document]) -> str:
    """The start screen of the sources panel: what the corpus holds."""
    docs = sorted(documents, key=lambda d: d.date)
    items = "".join(
        f'<li><p class="cq-title">{escape(d.title)}</p><p class="cq-meta">{_meta(d.date, d.kind)}</p>'
        f'<p class="cq-desc">{escape(d.description)}</p></li>'
        for d in docs
    )
    span = f"{escape(docs[0].date[:4])}–{escape(docs[-1].date[:4])}" if docs else ""
    return (
        '<div class="cq-panel"><h2 class="cq-h">What the corpus holds</h2>'
        f'<p class="cq-lead">{plural(len(docs), "document")}, {span}. Every answer quotes them word for word; '
        "the quotes appear here, highlighted in their paragraph, with a link to the whole document.</p>"
        f'<ul class="cq-catalog">{items}</ul></div>'
    )


def loading_html() -> str:
    return (
        '<div class="cq-panel"><h2 class="cq-h">Loading the index…</h2>'
        '<p class="cq-lead">The corpus appears here as soon as it is ready.</p></div>'
    )


def _context(citation: Citation, doc: Document, chunks: Mapping[str, Chunk]) -> tuple[int, int]:
    """The paragraph around a quote: its chunk when that holds the quote, else the quote's lines."""
    chunk = chunks.get(citation.paragraph_id)
    if chunk is not None and chunk.document_id == doc.id and chunk.start < citation.end and citation.start < chunk.end:
        return min(chunk.start, citation.start), max(chunk.end, citation.end)
    return doc.text.rfind("\n", 0, citation.start) + 1, _line_end(doc.text, citation.end)


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _highlight(text: str, lo: int, hi: int, spans: Sequence[Span], with_ids: bool) -> str:
    """text[lo:hi] escaped, with each span (sorted, not overlapping) inside a <mark>, its inner spans nested."""
    out, at = [], lo
    for span in spans:
        start, end = max(span.start, lo), min(span.end, hi)
        if start >= end:
            continue
        anchor = f' id="{span.anchor}" tabindex="-1"' if with_ids else ""
        markers = " ".join(map(str, span.markers))
        out.append(escape(text[at:start]))
        inside = _highlight(text, start, end, span.inner, with_ids)
        out.append(f'<mark class="cq-quote" data-markers="{markers}"{anchor}>{inside}</mark>')
        at = end
    out.append(escape(text[at:hi]))
    return "".join(out)


def _document_spans(citations: Sequence[Citation], prefix: str) -> tuple[list[Span], dict[int, str]]:
    """Highlight spans of one document's quotes, and the anchor each citation marker scrolls to.

    A quote inside another (a short answer within its sentence) gets its own mark inside the other's, so each
    mark's text is its quote. Quotes that only partly overlap (an LLM can quote twice from one sentence)
    share one mark.
    """
    groups: list[list[Citation]] = []
    for c in sorted(citations, key=lambda c: (c.start, -c.end)):
        if groups and c.start < max(g.end for g in groups[-1]):
            groups[-1].append(c)
        else:
            groups.append([c])
    spans: list[Span] = []
    anchor_of: dict[int, str] = {}
    for group in groups:
        lo, hi = group[0].start, max(c.end for c in group)
        whole = [c for c in group if (c.start, c.end) == (lo, hi)]
        inner, inner_anchors = _document_spans([c for c in group if c not in whole], prefix) if whole else ([], {})
        markers = tuple(c.marker for c in whole or group)
        spans.append(Span(lo, hi, f"{prefix}-q{markers[0]}", markers, tuple(inner)))
        anchor_of.update(dict.fromkeys(markers, spans[-1].anchor) | inner_anchors)
    return spans, anchor_of


def _agreement(paragraph_id: str, passages: Sequence[Passage]) -> str:
    titles = [a.title for p in passages if p.paragraph_id == paragraph_id for a in p.agreement]
    if not titles:
        return ""
    return f'<p class="cq-agree">Also stated in: {escape(", ".join(dict.fromkeys(titles)))}</p>'


def sources_html(answer: Answer, documents: Mapping[str, Document], chunks: Mapping[str, Chunk], turn: int) -> str:
    """The sources panel for one answer: a card per cited paragraph, and each cited document in full."""
    if answer.refused:
        return _nearest_html(answer, turn)
    prefix = f"cq-t{turn}"
    by_doc: dict[str, list[Citation]] = {}
    for c in answer.citations:
        by_doc.setdefault(c.document_id, []).append(c)
    anchor_of: dict[int, str] = {}
    page_anchor: dict[int, str] = {}
    views = []
    for n, (doc_id, cited) in enumerate(by_doc.items()):
        doc = documents[doc_id]
        spans, anchors = _document_spans(cited, f"{prefix}-d{n}")
        anchor_of.update(anchors)
        views.append(
            f'<section class="cq-doc" aria-label="Whole document: {escape(doc.title)}">'
            '<div><button type="button" class="cq-back">← Back to sources</button>'
            f'<p class="cq-title">{escape(doc.title)}</p><p class="cq-meta">{_meta(doc.date, doc.kind)}</p>'
            f'<p class="cq-meta cq-file">File {escape(doc.source_file)}</p>'
            f'</div><div class="cq-doc-text">{_document_text(doc, spans, f"{prefix}-d{n}")}</div></section>'
        )
        page_anchor.update({c.marker: f"{prefix}-d{n}-page{c.page}" for c in cited if c.page})
    by_paragraph: dict[tuple[str, str], list[Citation]] = {}
    for c in answer.citations:
        by_paragraph.setdefault((c.document_id, c.paragraph_id), []).append(c)
    cards = [
        _card(cited, documents[cited[0].document_id], chunks, answer.passages, anchor_of, page_anchor)
        for cited in by_paragraph.values()
    ]
    return (
        f'<div class="cq-panel" data-turn="{turn}"><div class="cq-list"><h2 class="cq-h">Sources</h2>'
        f'<p class="cq-lead">For {escape(quoted(answer.question))}</p>{_read_as(answer)}<ol class="cq-cites">{"".join(cards)}</ol>'
        f"{_retrieved_html(answer.passages)}</div>{''.join(views)}</div>"
    )


def _card(
    cited: Sequence[Citation],
    doc: Document,
    chunks: Mapping[str, Chunk],
    passages: Sequence[Passage],
    anchor_of: Mapping[int, str],
    page_anchor: Mapping[int, str],
) -> str:
    """One paragraph with every quote the answer took from it highlighted; its markers head the card."""
    contexts = [_context(c, doc, chunks) for c in cited]
    lo, hi = min(a for a, _ in contexts), max(b for _, b in contexts)
    spans, _ = _document_spans(cited, "")
    markers = [c.marker for c in cited]
    badges = " ".join(f'<span class="cq-marker">[{m}]</span>' for m in markers)
    pages = "".join(dict.fromkeys(_page_link(c, page_anchor) for c in cited))
    return (
        f'<li class="cq-cite" data-markers="{" ".join(map(str, markers))}" tabindex="-1">'
        f'<p class="cq-title">{badges} <span class="cq-doc-title">{escape(doc.title)}</span></p>'
        f'<p class="cq-meta">{_meta(doc.date, doc.kind)}{pages}</p>'
        f'<blockquote class="cq-context">{_highlight(doc.text, lo, hi, spans, with_ids=False)}</blockquote>'
        f'{_agreement(cited[0].paragraph_id, passages)}<a class="cq-open" href="#{anchor_of[markers[0]]}">'
        "Show in the whole document</a></li>"
    )


def _document_text(doc: Document, spans: Sequence[Span], prefix: str) -> str:
    """The whole text, highlighted; a paginated source gets a "p. N" label, an anchor, at each page's start."""
    if not doc.pages:
        return _highlight(doc.text, 0, len(doc.text), spans, with_ids=True)
    starts = [0, *(p.start for p in doc.pages[1:]), len(doc.text)]
    return "".join(
        f'<span class="cq-page-no" id="{prefix}-page{page.number}" tabindex="-1">p. {page.number}</span>'
        + _highlight(doc.text, lo, hi, spans, with_ids=True)
        for page, lo, hi in zip(doc.pages, starts, starts[1:], strict=False)
    )


def _page_link(citation: Citation, page_anchor: Mapping[int, str]) -> str:
    """ "p. 12" for a quote from a paginated source: opens the whole document at that page."""
    if citation.marker not in page_anchor:
        return ""
    return f' · <a class="cq-open cq-page" href="#{page_anchor[citation.marker]}">p. {citation.page}</a>'


def _read_as(answer: Answer) -> str:
    """How a follow-up was read with the conversation, so the reader can see why these sources."""
    if not answer.retrieval_query or answer.retrieval_query.strip() == answer.question.strip():
        return ""
    return f'<p class="cq-lead cq-query">Read with the conversation as {escape(quoted(answer.retrieval_query))}</p>'


def _retrieved_html(passages: Sequence[Passage]) -> str:
    rows = "".join(
        f"<li>{_meta(p.title, p.date, p.heading)} <span class='cq-score'>dense cosine {score(p.dense_score, 3)} · "
        f"BM25 {score(p.lexical_score, 2)}</span></li>"
        for p in passages
    )
    return f'<details class="cq-retrieved"><summary>All {len(passages)} retrieved passages</summary><ol>{rows}</ol></details>'


def _nearest_html(answer: Answer, turn: int) -> str:
    """For a refusal: what the corpus does say closest to the question, so the reader can rephrase."""
    cards = "".join(
        f'<li class="cq-near"><p class="cq-title">{escape(p.title)}</p><p class="cq-meta">{_meta(p.date, p.kind, p.heading)}</p>'
        f'<blockquote class="cq-context">{escape(p.text)}</blockquote></li>'
        for p in answer.passages[:3]
    )
    return (
        f'<div class="cq-panel cq-refused" data-turn="{turn}"><h2 class="cq-h">No sources: not in the corpus</h2>'
        f'<p class="cq-lead">Nothing was quoted for {escape(quoted(answer.question))}. The closest passages the search '
        f'found are below; none of them answers the question.</p>{_read_as(answer)}<ol class="cq-cites">{cards}</ol></div>'
    )
