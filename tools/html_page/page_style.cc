#include "tools/html_page/page_style.h"

namespace html_page {

std::string_view PageCss() {
  return R"css(
/* The palette as variables: the dark variant and the tones only swap them. */
:root {
  color-scheme: light dark;
  --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --good: #1a7f37; --good-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5;
  --bad: #cf222e; --bad-bg: #ffebe9; --neutral: #59636e; --neutral-bg: #eff2f5;
  --info: #0969da; --info-bg: #ddf4ff;
}
/* screen only: a printed page stays dark on white. */
@media screen and (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --good: #3fb950; --good-bg: #12261e; --warn: #d29922; --warn-bg: #272115;
    --bad: #f85149; --bad-bg: #2d1619; --neutral: #9198a1; --neutral-bg: #212830;
    --info: #4493f8; --info-bg: #121d2f;
  }
}
.tone-good { --tone: var(--good); --tone-bg: var(--good-bg); }
.tone-warn { --tone: var(--warn); --tone-bg: var(--warn-bg); }
.tone-bad { --tone: var(--bad); --tone-bg: var(--bad-bg); }
.tone-neutral { --tone: var(--neutral); --tone-bg: var(--neutral-bg); }
.tone-info { --tone: var(--info); --tone-bg: var(--info-bg); }
/* The filters hide with the hidden attribute; no display rule may undo it. */
[hidden] { display: none !important; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 76rem; padding: 1rem 1.5rem;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--fg); background: var(--bg);
}
code, pre, .id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre, .id { font-size: 0.88em; }
h1 { margin: 0.1rem 0 0.4rem; font-size: 1.6rem; overflow-wrap: anywhere; }
h2 { margin: 1.4rem 0 0.4rem; font-size: 1.15rem; }
.kind { margin: 0; color: var(--muted); font-size: 0.8rem; text-transform: uppercase; }
.verdict {
  margin: 0.4rem 0; padding: 0.2rem 0.6rem; font-weight: 600; font-size: 1.1rem;
  color: var(--tone); background: var(--tone-bg); border-left: 4px solid var(--tone);
}
.facts {
  display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0.8rem 0;
}
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.8rem 1.5rem 0.8rem 0; display: inline-table; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
th, td { border: 1px solid var(--line); padding: 0.15rem 0.6rem; text-align: left; }
th { background: var(--panel); }
/* The filters stay in reach while scrolling through a long report. */
.filters {
  position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center;
  gap: 0.4rem; padding: 0.5rem 0; background: var(--bg); border-bottom: 1px solid var(--line);
}
button { font: inherit; cursor: pointer; }
.grade-filter {
  padding: 0.05rem 0.7rem; border: 1px solid var(--tone); border-radius: 1rem;
  color: var(--tone); background: var(--bg);
}
.grade-filter[aria-pressed="true"] { color: var(--bg); background: var(--tone); }
.grade-filter .count { font-weight: 700; }
#filter-text {
  flex: 1 1 14rem; padding: 0.2rem 0.5rem; font: inherit;
  color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px;
}
.shown { margin: 0; color: var(--muted); }
/* scroll-margin: an item scrolled to (#item-...) is not under the filters. */
.item {
  margin: 0.3rem 0; border: 1px solid var(--line); border-left: 4px solid var(--tone);
  border-radius: 4px; scroll-margin-top: 5rem;
}
/* A flex summary loses the browser's marker: draw one that turns when open. */
.item > summary {
  display: flex; align-items: baseline; gap: 0.6rem; padding: 0.3rem 0.6rem;
  cursor: pointer; list-style: none;
}
.item > summary::-webkit-details-marker { display: none; }
.item > summary::before { content: "\25B8"; color: var(--muted); }
.item[open] > summary::before { content: "\25BE"; }
.badge {
  padding: 0 0.4rem; border-radius: 3px; font-size: 0.8rem; font-weight: 700;
  white-space: nowrap; color: var(--tone); background: var(--tone-bg);
}
.item .title { flex: 1; overflow-wrap: anywhere; }
.item .id { overflow-wrap: anywhere; }
.note { color: var(--muted); white-space: nowrap; }
.blocks { padding: 0 0.8rem 0.6rem; border-top: 1px solid var(--line); }
.label {
  margin: 0.6rem 0 0.2rem; font-size: 0.8rem; color: var(--muted); text-transform: uppercase;
}
p.body { margin: 0.3rem 0; white-space: pre-line; }
ul.body { margin: 0.3rem 0; padding-left: 1.4rem; }
/* pre-wrap: an answer's long lines wrap rather than widen the page. */
pre {
  margin: 0.3rem 0; padding: 0.5rem; white-space: pre-wrap; overflow-wrap: anywhere;
  background: var(--panel); border: 1px solid var(--line); border-radius: 4px;
}
.command { position: relative; }
.command pre { padding-right: 5rem; }
.copy {
  position: absolute; top: 0.3rem; right: 0.3rem; padding: 0 0.5rem; font-size: 0.8rem;
  color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 3px;
}
.permalink { margin: 0.5rem 0 0; font-size: 0.8rem; }
a { color: var(--info); }
@media print {
  .filters, .copy, .permalink { display: none; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  .item { break-inside: avoid; }
}
)css";
}

std::string_view PageJs() {
  return R"js(
// Filters the items by grade and by text. The state lives in location.hash
// (#grades=FAILED,NON-STRICT&q=text) so that a link reopens the same view;
// #item-ID alone opens that item. Everything is read from the DOM.
(() => {
  'use strict';
  const items = [...document.querySelectorAll('details.item')];
  const sections = [...document.querySelectorAll('section.section')];
  const buttons = [...document.querySelectorAll('button.grade-filter')];
  const input = document.getElementById('filter-text');
  const shown = document.getElementById('shown-count');
  // What the text filter searches: id, title, note and the blocks' content,
  // not the labels every item shares nor the buttons' words.
  const texts = items.map((item) => [...item.querySelectorAll('.id, .title, .note, .body')]
    .map((e) => e.textContent).join('\n').toLowerCase());

  const decode = (s) => {
    try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch (e) { return s; }
  };

  function readHash() {
    const state = { grades: new Set(), q: '' };
    for (const part of location.hash.slice(1).split('&')) {
      const eq = part.indexOf('=');
      if (eq < 1) continue;
      const key = part.slice(0, eq);
      const value = part.slice(eq + 1);
      if (key === 'grades') {
        for (const g of value.split(',')) if (g) state.grades.add(decode(g));
      }
      if (key === 'q') state.q = decode(value);
    }
    return state;
  }

  // replaceState rather than setting location.hash: typing must not add a
  // history entry per key, nor fire a hashchange that re-applies the state.
  function writeHash(state) {
    const parts = [];
    const grades = [...state.grades].map(encodeURIComponent);
    if (grades.length) parts.push('grades=' + grades.join(','));
    if (state.q) parts.push('q=' + encodeURIComponent(state.q));
    const hash = '#' + parts.join('&');
    try { history.replaceState(null, '', hash); } catch (e) { location.hash = hash; }
  }

  function apply(state) {
    for (const b of buttons) {
      b.setAttribute('aria-pressed', String(state.grades.has(b.dataset.grade)));
    }
    if (input.value !== state.q) input.value = state.q;
    const q = state.q.toLowerCase();
    let count = 0;
    items.forEach((item, i) => {
      const graded = !state.grades.size || state.grades.has(item.dataset.grade);
      const show = graded && texts[i].includes(q);
      item.hidden = !show;
      count += show ? 1 : 0;
    });
    for (const s of sections) s.hidden = !s.querySelector('details.item:not([hidden])');
    shown.textContent = String(count);
  }

  function onHash() {
    const target = location.hash.startsWith('#item-') &&
      document.getElementById(decode(location.hash.slice(1)));
    if (!target) return apply(readHash());
    apply({ grades: new Set(), q: '' });  // the item must not be filtered out
    target.open = true;
    target.scrollIntoView();
  }

  function update() {
    const pressed = buttons.filter((b) => b.getAttribute('aria-pressed') === 'true');
    const state = { grades: new Set(pressed.map((b) => b.dataset.grade)), q: input.value };
    apply(state);
    writeHash(state);
  }

  for (const b of buttons) {
    b.addEventListener('click', () => {
      b.setAttribute('aria-pressed', String(b.getAttribute('aria-pressed') !== 'true'));
      update();
    });
  }
  input.addEventListener('input', update);
  addEventListener('hashchange', onHash);

  // navigator.clipboard exists only in secure contexts, which file:// is
  // not in every browser: then select the text and copy the selection.
  function copyBySelection(pre) {
    const range = document.createRange();
    range.selectNodeContents(pre);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    selection.removeAllRanges();
    return ok;
  }
  function copied(button) {
    button.textContent = 'copied';
    setTimeout(() => { button.textContent = 'copy'; }, 1500);
  }
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button.copy');
    if (!button) return;
    const pre = button.previousElementSibling;
    const fallback = () => { if (copyBySelection(pre)) copied(button); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(pre.textContent).then(() => copied(button), fallback);
    } else {
      fallback();
    }
  });

  // A printout shows the shown items opened, and nothing that is hidden.
  let opened = [];
  addEventListener('beforeprint', () => {
    opened = items.filter((item) => !item.hidden && !item.open);
    for (const item of opened) item.open = true;
  });
  addEventListener('afterprint', () => {
    for (const item of opened) item.open = false;
    opened = [];
  });

  onHash();
})();
)js";
}

}  // namespace html_page
