// DevTools panel glue: the inspected tab's records rendered by the wasm UI (see view.js), plus
// what only the panel has: the DevTools theme followed live, Clear, and Preserve log.
//
// Preserve log: the background empties a tab's list when it navigates (a checkout redirect
// would wipe the evidence), so with the setting on the panel keeps every record it has shown
// and shows them with the new ones. The setting persists in storage.local.
import init, { render_panel } from './pkg/why402.js';
import { run, tabId, watchRecords } from './view.js';

const root = document.getElementById('root');
const PRESERVE_KEY = 'panel.preserveLog';

const panels = globalThis.chrome?.devtools?.panels;
function applyTheme(name) {
  const html = document.documentElement;
  html.classList.toggle('theme-dark', name === 'dark');
  html.classList.toggle('theme-light', name === 'default' || name === 'light');
}
applyTheme(panels?.themeName);
// Chrome calls the handler when the user switches DevTools' theme; Firefox has an event.
if (typeof panels?.setThemeChangeHandler === 'function') panels.setThemeChangeHandler(applyTheme);
panels?.onThemeChanged?.addListener?.(applyTheme);

let preserve = false;
/** Records shown so far, by id (kept across navigations when preserving). */
const kept = new Map();
/** Ids cleared by the user: hidden even while the background still stores them. */
const cleared = new Set();
let current = [];

function show() {
  for (const r of current) kept.set(r.id, r);
  const ids = new Set(current.map((r) => r.id));
  const old = preserve ? [...kept.values()].filter((r) => !ids.has(r.id)) : [];
  const list = [...old, ...current]
    .filter((r) => !cleared.has(r.id))
    .sort((a, b) => (a.time_ms || 0) - (b.time_ms || 0));
  render_panel(root, list);
}

root.addEventListener('click', (e) => {
  if (!e.target.closest?.('[data-action=clear]')) return;
  for (const r of current) cleared.add(r.id);
  kept.clear();
  show();
});
root.addEventListener('change', (e) => {
  if (e.target.dataset?.action !== 'preserve') return;
  preserve = e.target.checked;
  chrome.storage.local.set({ [PRESERVE_KEY]: preserve }).catch(() => {});
  if (!preserve) kept.clear();
  show();
});

run('panel', async () => {
  preserve = (await chrome.storage.local.get(PRESERVE_KEY))[PRESERVE_KEY] === true;
  root.dataset.devtools = '';
  if (preserve) root.dataset.preserve = 'on';
  const wasm = init();
  const tab = await tabId(() => chrome.devtools?.inspectedWindow?.tabId);
  await watchRecords(tab, wasm, (records) => {
    current = records;
    show();
  });
});
