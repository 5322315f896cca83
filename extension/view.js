// Glue shared by the popup and the DevTools panel: which tab, and the tab's stored records,
// shown now and again on every change. No diagnosis logic here: the wasm UI renders.

/** The tab named by `?tab=N` (tests, a detached window), else `fallback()`. */
export async function tabId(fallback) {
  const param = new URLSearchParams(location.search).get('tab');
  if (param !== null && /^\d+$/.test(param)) return Number(param);
  const id = await fallback();
  return typeof id === 'number' ? id : -1;
}

/**
 * Calls `show(records)` with the tab's stored list now and after every change to it (the
 * background writes it; a navigation removes it).
 */
export async function watchRecords(tab, show) {
  const key = `tab:${tab}`;
  const list = (value) => (Array.isArray(value) ? value : []);
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'session' && key in changes) show(list(changes[key].newValue));
  });
  const stored = await chrome.storage.session.get(key);
  show(list(stored[key]));
}

/** Runs `main`, logging (not throwing) a failure under `what`. */
export function run(what, main) {
  main().catch((e) => console.warn(`why402 ${what}:`, e));
}
