"""The chat's stylesheet and the script behind "Show in the whole document"; both ship inline, nothing is fetched."""

from __future__ import annotations

# Nested under .gradio-container: Gradio's own reset (".gradio-container-6-31-0 h2") outranks bare classes.
CSS = """
.gradio-container {
  .cq-panel { font-size: 0.95rem; line-height: 1.5; }
  .cq-panel p, .cq-answer p, .cq-refusal p { margin: 0 0 0.4em; }
  .cq-app-title { font-size: 1.6rem; font-weight: 700; margin: 0; }
  .cq-h { font-size: 1.15rem; font-weight: 700; margin: 0 0 0.2em; }
  .cq-lead { font-size: 0.95em; }
  .cq-meta, .cq-score { font-size: 0.85em; color: #52525b; }
  .cq-title { font-weight: 600; }
  .cq-catalog, .cq-cites { list-style: none; padding: 0; margin: 0.6em 0; }
  .cq-catalog > li, .cq-cites > li {
    border: 1px solid var(--border-color-primary); border-radius: 8px;
    padding: 0.6em 0.8em; margin: 0 0 0.6em; background: var(--background-fill-primary);
  }
  .cq-desc { font-size: 0.9em; }
  .cq-context {
    margin: 0.4em 0; padding: 0.3em 0.7em; border-left: 3px solid var(--border-color-accent);
    white-space: pre-wrap;
  }
  mark.cq-quote { background: #fde68a; color: #1f2937; padding: 0 0.1em; border-radius: 2px; }
  mark.cq-quote:focus { outline: 2px solid #d97706; outline-offset: 2px; }
  .cq-open, .cq-back { font-size: 0.9em; font-weight: 600; color: var(--color-accent); }
  .cq-open { text-decoration: underline; text-underline-offset: 2px; }
  .cq-back { background: none; border: none; padding: 0 0 0.4em; cursor: pointer; }
  .cq-agree { font-size: 0.85em; }
  .cq-retrieved summary { cursor: pointer; color: #52525b; }
  .cq-retrieved ol { font-size: 0.85em; padding-left: 1.4em; list-style: decimal; }
  .cq-doc, .cq-reading .cq-list { display: none; }
  .cq-doc.cq-shown { display: block; }
  .cq-page-no { display: block; margin: 0.8em 0 0.3em; font-size: 0.8em; font-weight: 600; color: #52525b; }
  .cq-doc-text {
    white-space: pre-wrap; max-height: 68vh; overflow-y: auto; padding: 0.6em 0.8em; margin-top: 0.4em;
    border: 1px solid var(--border-color-primary); border-radius: 8px; background: var(--background-fill-primary);
  }
  .cq-marker { font-weight: 700; font-size: 0.85em; color: var(--color-accent); }
  .cq-wait { color: #52525b; font-style: italic; }
  .cq-refusal {
    background: #fffbeb; color: #78350f; border: 1px solid #f59e0b; border-left-width: 6px;
    border-radius: 8px; padding: 0.6em 0.9em;
  }
  .cq-refusal-title { font-weight: 700; }
  .cq-refusal ul { margin: 0; padding-left: 1.2em; list-style: disc; }
  .cq-refused .cq-h { color: #b45309; }
  .cq-refused .cq-cites > li { border-color: #fcd34d; }
}
.dark .gradio-container {
  .cq-meta, .cq-score, .cq-wait, .cq-retrieved summary { color: #a1a1aa; }
}
"""

# Runs once when the sources panel mounts; delegation on the panel keeps working as its HTML is replaced.
# Links are handled here rather than followed: the page has a <base href>, so a bare "#id" link
# would navigate whenever the page address carries a query string.
SOURCES_JS = """
let lastLink = null;
element.addEventListener('click', (event) => {
  const link = event.target.closest('a.cq-open');
  if (link) {
    event.preventDefault();
    const mark = element.querySelector('#' + CSS.escape(link.getAttribute('href').slice(1)));
    if (!mark) return;
    const panel = mark.closest('.cq-panel');
    panel.querySelectorAll('.cq-doc').forEach((doc) => doc.classList.toggle('cq-shown', doc.contains(mark)));
    panel.classList.add('cq-reading');
    lastLink = link;
    mark.scrollIntoView({block: 'center'});
    mark.focus({preventScroll: true});
    return;
  }
  const back = event.target.closest('button.cq-back');
  if (back) {
    const panel = back.closest('.cq-panel');
    panel.classList.remove('cq-reading');
    panel.querySelectorAll('.cq-doc').forEach((doc) => doc.classList.remove('cq-shown'));
    if (lastLink && panel.contains(lastLink)) {
      lastLink.scrollIntoView({block: 'center'});
      lastLink.focus();
    }
  }
});
"""
