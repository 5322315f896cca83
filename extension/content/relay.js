// ISOLATED-world content script (document_start). Two jobs:
// 1. Take the private MessagePort the MAIN-world page hook offers (see page-hook.js), check
//    what arrives on it, and forward it to the background as {type: 'page-capture', entry}.
// 2. When the top-level document itself came back with a payment status (a disabled deployment,
//    a paywall), send the document's HTML as the body of an entry for this URL: webRequest saw
//    the status and headers but never bodies.
(() => {
  'use strict';

  // Mirrors `is_payment_candidate` in the Rust library (src/capture/mod.rs).
  let CANDIDATES = new Set([400, 401, 402, 403, 412, 429]);
  const MAX_BODY = 64 * 1024;
  const MAX_MESSAGE = 96 * 1024; // the body cap plus room for headers and URL
  const MAX_HEADERS = 100;
  const MAX_PER_PAGE = 200; // a page looping on failing requests must not flood the worker

  // controls (#13): the user's settings (chrome.storage.local, see settings.js): body capture
  // off sends nothing (webRequest still records status and headers), and the statuses list
  // replaces the default candidates. Passed on to the page hook over the private port.
  let bodies = true;
  let hookPort = null;
  function applySettings(values) {
    if ('bodyCapture' in values) bodies = values.bodyCapture !== false;
    if ('statuses' in values) {
      const list = Array.isArray(values.statuses) ? values.statuses.filter(Number.isInteger) : null;
      CANDIDATES = new Set(list ? [402, ...list] : [400, 401, 402, 403, 412, 429]);
    }
    if (hookPort) {
      hookPort.postMessage({ source: 'why402-settings', bodies, statuses: [...CANDIDATES] });
    }
  }
  try {
    chrome.storage.local.get(['bodyCapture', 'statuses']).then(applySettings, () => {});
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local') return;
      const values = {};
      for (const key of ['bodyCapture', 'statuses']) {
        if (key in changes) values[key] = changes[key].newValue;
      }
      applySettings(values);
    });
  } catch {}

  let sent = 0;
  function send(entry) {
    if (sent >= MAX_PER_PAGE || !bodies) return;
    sent += 1;
    try {
      chrome.runtime.sendMessage({ type: 'page-capture', entry }).catch(() => {});
    } catch {
      // The extension was reloaded under this page: its old content scripts are orphaned.
    }
  }

  const isString = (v, max) => typeof v === 'string' && v.length <= max;
  const isHeader = (h) =>
    h && typeof h === 'object' && isString(h.name, 256) && isString(h.value, 8192);

  /** Rebuilds the entry from checked fields only; null when anything is off. */
  function validEntry(raw) {
    if (!isString(raw, MAX_MESSAGE)) return null;
    let e;
    try {
      e = JSON.parse(raw);
    } catch {
      return null;
    }
    const req = e && e.request;
    const res = e && e.response;
    if (!req || !res || typeof req !== 'object' || typeof res !== 'object') return null;
    if (!isString(req.method, 32) || !isString(req.url, 8192)) return null;
    if (!/^https?:/i.test(req.url)) return null;
    if (!Number.isInteger(res.status) || !CANDIDATES.has(res.status)) return null;
    const headers = Array.isArray(res.headers) ? res.headers : [];
    if (headers.length > MAX_HEADERS || !headers.every(isHeader)) return null;
    const content = res.content && typeof res.content === 'object' ? res.content : {};
    const out = {
      startedDateTime: isString(e.startedDateTime, 64) ? e.startedDateTime : undefined,
      request: { method: req.method, url: req.url, headers: [] },
      response: {
        status: res.status,
        statusText: isString(res.statusText, 256) ? res.statusText : '',
        headers: headers.map((h) => ({ name: h.name, value: h.value })),
        content: { mimeType: isString(content.mimeType, 256) ? content.mimeType : '' },
      },
    };
    if (isString(content.text, MAX_BODY)) out.response.content.text = content.text;
    return out;
  }

  // The handshake happens synchronously at document_start, before any page script exists.
  let connected = false;
  const onHello = (event) => {
    if (connected || !event.ports || !event.ports[0]) return;
    connected = true;
    event.preventDefault(); // tells the hook the port was taken
    document.removeEventListener('why402-hello', onHello);
    const port = event.ports[0];
    hookPort = port;
    applySettings({});
    port.onmessage = (msg) => {
      const data = msg.data;
      if (!data || data.source !== 'why402-page') return;
      const entry = validEntry(data.entry);
      if (entry) send(entry);
    };
  };
  document.addEventListener('why402-hello', onHello);
  document.dispatchEvent(new Event('why402-relay-ready'));

  function captureDocument() {
    try {
      const nav = performance.getEntriesByType('navigation')[0];
      const status = nav && nav.responseStatus;
      if (!CANDIDATES.has(status)) return;
      let html = document.documentElement ? document.documentElement.outerHTML : '';
      if (html.length > MAX_BODY) html = html.slice(0, MAX_BODY);
      send({
        startedDateTime: new Date(performance.timeOrigin).toISOString(),
        // webRequest reports URLs without the fragment; match it so the two merge.
        request: { method: 'GET', url: location.href.split('#')[0], headers: [] },
        response: {
          status,
          statusText: '',
          headers: [{ name: 'content-type', value: document.contentType || 'text/html' }],
          content: { mimeType: document.contentType || 'text/html', text: html },
        },
      });
    } catch {}
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', captureDocument, { once: true });
  } else {
    captureDocument();
  }
})();
