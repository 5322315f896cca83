// Popup glue: the active tab's records, rendered by the wasm UI (see view.js).
import init, { render_popup } from './pkg/why402.js';
import { run, tabId, watchRecords } from './view.js';

const root = document.getElementById('root');

run('popup', async () => {
  await init();
  const tab = await tabId(async () => {
    const [active] = await chrome.tabs.query({ active: true, currentWindow: true });
    return active && active.id;
  });
  await watchRecords(tab, (records) => render_popup(root, records, tab));
});
