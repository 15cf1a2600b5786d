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
  mark.cq-quote mark.cq-quote { background: #fbbf24; text-decoration: underline; text-underline-offset: 2px; }
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
  .cq-marker[role="button"] { cursor: pointer; text-decoration: underline dotted; text-underline-offset: 2px; }
  .cq-marker[role="button"]:focus-visible { outline: 2px solid var(--color-accent); outline-offset: 1px; }
  .cq-cites > li.cq-picked { border-color: #d97706; box-shadow: 0 0 0 2px #fcd34d; }
  .cq-cites > li:focus { outline: none; }
  .cq-notice { margin: 0; color: #b91c1c; font-weight: 600; }
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
/* The chat's label sits in its own row: floating, it covered the first lines whenever the chat scrolled. */
#cq-chat label[data-testid="block-label"].float { position: static; margin-bottom: 0; }
#cq-chat .bubble-wrap { border-top: 1px solid var(--border-color-primary); }
/* The notice line takes no room until there is something to say. */
#cq-notice:not(:has(.cq-notice)) { display: none; }
/* Only one footer link is shown (settings), so the "·" separators have nothing to separate. */
footer[aria-label="Gradio footer navigation"] .divider { display: none; }
.dark .gradio-container {
  .cq-meta, .cq-score, .cq-wait, .cq-retrieved summary { color: #a1a1aa; }
}
"""

# Runs once when the sources panel mounts; delegation on the panel keeps working as its HTML is replaced.
# Links are handled here rather than followed: the page has a <base href>, so a bare "#id" link
# would navigate whenever the page address carries a query string.
# Every panel the server sends is kept by its turn, so a badge in an earlier answer puts that answer's
# panel back without asking the server again; a new conversation (the catalog, no turn) forgets them.
SOURCES_JS = """
let lastLink = null;
const panels = new Map();
const turnOf = (html) => (/^<div class="cq-panel[^"]*" data-turn="(\\d+)"/.exec(html || '') || [])[1];
const remember = () => {
  const turn = turnOf(props.value);
  if (turn === undefined) panels.clear();
  else panels.set(turn, props.value);
};
const pick = (marker) => {
  const panel = element.querySelector('.cq-panel');
  const card = panel && panel.querySelector(`li.cq-cite[data-markers~="${marker}"]`);
  if (!card) return false;
  panel.classList.remove('cq-reading');
  panel.querySelectorAll('.cq-doc').forEach((doc) => doc.classList.remove('cq-shown'));
  panel.querySelectorAll('li.cq-picked').forEach((li) => li.classList.remove('cq-picked'));
  card.classList.add('cq-picked');
  card.scrollIntoView({block: 'nearest'});
  card.focus({preventScroll: true});
  return true;
};
const showSource = (turn, marker) => {
  const shown = element.querySelector('.cq-panel');
  if (shown && shown.dataset.turn === turn) return pick(marker);
  if (!panels.has(turn)) return false;
  props.value = panels.get(turn);
  // The template re-renders asynchronously: pick the card once the panel of that turn is in place.
  let frames = 0;
  const wait = () => {
    const now = element.querySelector('.cq-panel');
    if (now && now.dataset.turn === turn) pick(marker);
    else if (frames++ < 120) requestAnimationFrame(wait);
  };
  requestAnimationFrame(wait);
  return true;
};
remember();
watch('value', remember);
// A badge in the chat reads "cq-src cq-t<turn> cq-n<marker>" (ui/chat_render.py, answer_html).
const showBadge = (event) => {
  const badge = event.target.closest && event.target.closest('.cq-marker.cq-src');
  if (!badge || element.contains(badge)) return false;
  const [, turn, marker] = /\\bcq-t(\\d+) cq-n(\\d+)\\b/.exec(badge.className) || [];
  return turn !== undefined && showSource(turn, marker);
};
document.addEventListener('click', showBadge);
document.addEventListener('keydown', (event) => {
  if ((event.key === 'Enter' || event.key === ' ') && showBadge(event)) event.preventDefault();
});
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
