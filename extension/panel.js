// DevTools panel glue: the inspected tab's records from session storage, rendered by the wasm UI
// and re-rendered on every change. No diagnosis logic here.
import init, { render_panel } from './pkg/why402.js';

const root = document.getElementById('root');

// Follow the DevTools theme when there is one; otherwise the CSS follows prefers-color-scheme.
const theme = globalThis.chrome?.devtools?.panels?.themeName;
if (theme === 'dark') document.documentElement.classList.add('theme-dark');
else if (theme) document.documentElement.classList.add('theme-light');

function tabId() {
  const param = new URLSearchParams(location.search).get('tab');
  if (param !== null && /^\d+$/.test(param)) return Number(param);
  const inspected = globalThis.chrome?.devtools?.inspectedWindow?.tabId;
  return typeof inspected === 'number' ? inspected : -1;
}

async function main() {
  // The wasm compiles while the records are read.
  const wasm = init();
  const key = `tab:${tabId()}`;
  const show = (records) => render_panel(root, Array.isArray(records) ? records : []);
  let changed = false; // a change seen before the first read came back is newer than it
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'session' || !(key in changes)) return;
    changed = true;
    wasm.then(() => show(changes[key].newValue));
  });
  const stored = chrome.storage.session.get(key);
  await wasm;
  const got = await stored;
  if (!changed) show(got[key]);
}

main().catch((e) => console.warn('why402 panel:', e));
