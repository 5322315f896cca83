// Popup glue: the active tab's records, rendered by the wasm UI (see view.js).
import init, { render_popup } from './pkg/why402.js';
import { run, tabId, watchRecords } from './view.js';
import { mountPauseSwitch } from './pause-switch.js';

const root = document.getElementById('root');

run('popup', async () => {
  const wasm = init();
  const tab = await tabId(async () => {
    const [active] = await chrome.tabs.query({ active: true, currentWindow: true });
    return active && active.id;
  });
  mountPauseSwitch(document.getElementById('pause'), tab);
  await watchRecords(tab, wasm, (records) => render_popup(root, records, tab));
});
