// Glue shared by the popup and the DevTools panel: which tab, and the tab's stored records,
// shown now and again on every change. No diagnosis logic here: the wasm UI renders.

import { tabKey, decodeTabList } from './messages.js';

/** The tab named by `?tab=N` (tests, a detached window), else `fallback()`. */
export async function tabId(fallback) {
  const param = new URLSearchParams(location.search).get('tab');
  if (param !== null && /^\d+$/.test(param)) return Number(param);
  const id = await fallback();
  return typeof id === 'number' ? id : -1;
}

/**
 * Calls `show(records)` with the tab's stored list now and after every change to it (the
 * background writes it; a navigation removes it), once `ready` (the wasm) has resolved: the wasm
 * compiles while the records are read.
 */
export async function watchRecords(tab, ready, show) {
  const key = tabKey(tab);
  let changed = false; // a change seen before the first read came back is newer than it
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'session' || !(key in changes)) return;
    changed = true;
    const records = decodeTabList(changes[key].newValue);
    ready.then(() => show(records));
  });
  // Read and parsed while the wasm compiles.
  const stored = chrome.storage.session.get(key).then((got) => decodeTabList(got[key]));
  await ready;
  const records = await stored;
  if (!changed) show(records);
}

/** Runs `main`, logging (not throwing) a failure under `what`. */
export function run(what, main) {
  main().catch((e) => console.warn(`why402 ${what}:`, e));
}
