// Popup glue: finds the tab, loads its records from session storage and lets the wasm UI render
// them. No diagnosis logic here.
import init, { render_popup } from './pkg/why402.js';
import { mountPauseSwitch } from './pause-switch.js'; // controls (#13)

const root = document.getElementById('root');

async function tabId() {
  const param = new URLSearchParams(location.search).get('tab');
  if (param !== null && /^\d+$/.test(param)) return Number(param);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab && typeof tab.id === 'number' ? tab.id : -1;
}

async function main() {
  // The wasm compiles while the tab and its records are looked up.
  const wasm = init();
  const tab = await tabId();
  mountPauseSwitch(document.getElementById('pause'), tab); // controls (#13)
  const key = `tab:${tab}`;
  const show = (records) => render_popup(root, Array.isArray(records) ? records : [], tab);
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

main().catch((e) => console.warn('why402 popup:', e));
