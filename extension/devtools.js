// The DevTools page: adds the "Why 402" panel and, while DevTools is open, forwards the HAR
// entries of payment-related responses with their bodies (webRequest never sees bodies).
// Holds no diagnosis logic: the background builds and stores the records.

// Mirrors `is_payment_candidate` in the Rust library (src/capture/mod.rs).
const CANDIDATES = new Set([400, 401, 402, 403, 412, 429]);
// As much as the diagnosis reads (MAX_BODY_BYTES in src/core/exchange.rs): DevTools has the whole
// body, and a paywall's terms can sit past the first 64 KiB. The background stores 64 KiB of it
// unless the finding needs more (src/capture/mod.rs, stored_entry).
const MAX_BODY = 256 * 1024;
const tabId = chrome.devtools.inspectedWindow.tabId;

chrome.devtools.panels.create('Why 402', 'icons/icon32.png', 'panel.html');

function forward(harEntry, body, encoding) {
  // Without a body, webRequest already recorded all there is (status and every header).
  if (typeof body !== 'string' || body === '') return;
  // A plain JSON copy: drops getContent() and anything else that cannot be sent.
  const entry = JSON.parse(JSON.stringify(harEntry));
  delete entry._initiator; // large, and not part of the diagnosis
  const content = { ...(entry.response.content || {}) };
  content.text = body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body;
  if (encoding) content.encoding = encoding;
  else delete content.encoding;
  entry.response.content = content;
  chrome.runtime.sendMessage({ type: 'devtools-entry', tab_id: tabId, entry }).catch(() => {});
}

function onEntry(request) {
  const status = request.response && request.response.status;
  if (!CANDIDATES.has(status)) return;
  // `request` is a HAR entry with getContent() added.
  request.getContent((body, encoding) => forward(request, body, encoding));
}

chrome.devtools.network.onRequestFinished.addListener(onEntry);

// What happened before DevTools opened (only what DevTools itself recorded), then ready.
chrome.devtools.network.getHAR((har) => {
  for (const entry of (har && har.entries) || []) {
    if (typeof entry.getContent === 'function') onEntry(entry);
    else if (CANDIDATES.has(entry.response && entry.response.status)) {
      const content = entry.response.content || {};
      forward(entry, content.text, content.encoding);
    }
  }
  // Tests wait for this before firing requests: earlier ones would be missed.
  globalThis.why402DevtoolsReady = true;
});
