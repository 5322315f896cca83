// The DevTools page: adds the "Why 402" panel and, while DevTools is open, forwards the HAR
// entries of payment-candidate responses with their bodies (webRequest never sees bodies).
// Holds no diagnosis logic: the background builds and stores the records.

import { DEVTOOLS_ENTRY } from './messages.js';
import { CANDIDATE_STATUS, DEVTOOLS_BODY_BYTES } from './limits.js';

const tabId = chrome.devtools.inspectedWindow.tabId;

chrome.devtools.panels.create('Why 402', 'icons/icon32.png', 'panel.html');

function forward(harEntry, body, encoding) {
  // Without a body, webRequest already recorded all there is (status and every header).
  if (typeof body !== 'string' || body === '') return;
  // A plain JSON copy: drops getContent() and anything else that cannot be sent.
  const entry = JSON.parse(JSON.stringify(harEntry));
  delete entry._initiator; // large, and not part of the diagnosis
  const content = { ...(entry.response.content || {}) };
  // As much as the diagnosis reads: a paywall's terms can sit past the first 64 KiB.
  content.text = body.length > DEVTOOLS_BODY_BYTES ? body.slice(0, DEVTOOLS_BODY_BYTES) : body;
  if (encoding) content.encoding = encoding;
  else delete content.encoding;
  entry.response.content = content;
  chrome.runtime.sendMessage({ type: DEVTOOLS_ENTRY, tab_id: tabId, entry }).catch(() => {});
}

function onEntry(request) {
  const status = request.response && request.response.status;
  if (CANDIDATE_STATUS[status] !== true) return;
  // `request` is a HAR entry with getContent() added.
  request.getContent((body, encoding) => forward(request, body, encoding));
}

chrome.devtools.network.onRequestFinished.addListener(onEntry);

// What happened before DevTools opened (only what DevTools itself recorded), then ready.
chrome.devtools.network.getHAR((har) => {
  for (const entry of (har && har.entries) || []) {
    if (typeof entry.getContent === 'function') onEntry(entry);
    else if (CANDIDATE_STATUS[entry.response && entry.response.status] === true) {
      const content = entry.response.content || {};
      forward(entry, content.text, content.encoding);
    }
  }
  // Tests wait for this before firing requests: earlier ones would be missed.
  globalThis.why402DevtoolsReady = true;
});
