// ISOLATED-world content script: prints the extension's Console line for a payment failure in
// this tab (the text comes from the service worker, see console-line.js). The isolated world
// has its own `console` object, so the page can neither see nor replace it, and the page's own
// console calls are untouched. Every string from a response is passed as an argument after a
// constant format string: `%c`, `%s` or markup in it print literally.
(() => {
  'use strict';

  const warn = console.warn;
  const MAX_TEXT = 4096;
  const MAX_ITEMS = 50;
  const text = (v) => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : '');

  /** The details as a plain object of strings and string lists; no prototype to expand. */
  function details(raw) {
    const out = Object.create(null);
    if (!raw || typeof raw !== 'object') return out;
    for (const [key, value] of Object.entries(raw).slice(0, 10)) {
      if (typeof value === 'string') out[key] = text(value);
      else if (Array.isArray(value)) out[key] = value.slice(0, MAX_ITEMS).map(text);
    }
    return out;
  }

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !message || message.type !== 'why402-console') {
      return false;
    }
    const line = message.line || {};
    const summary = text(line.summary);
    if (summary) warn('%s', summary, details(line.details));
    sendResponse(true);
    return false;
  });
})();
