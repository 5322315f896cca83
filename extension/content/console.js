// ISOLATED-world content script: prints the extension's Console line for a payment failure in
// this tab (the text comes from the service worker, see console-line.js). The isolated world
// has its own `console` object, so the page can neither see nor replace it, and the page's own
// console calls are untouched. Every string from a response is passed as an argument after a
// constant format string: `%c`, `%s` or markup in it print literally.
(() => {
  'use strict';

  const warn = console.warn;
  const MAX_TEXT = 64 * 1024;
  const MAX_LINES = 200;
  const SINGLE = new Set(['cause', 'retry']);
  // Message names from messages.js (a classic script cannot import it; the shapes are its
  // typedefs). tests/e2e/messages.test.mjs checks these match.
  const CONSOLE_LINE = 'why402-console';

  /**
   * The wasm's text (`ConsoleLine::to_text`): the summary line, then `key<TAB>value` lines.
   * Details become a prototype-less object (nothing else to expand): `cause` and `retry`
   * strings, the other keys lists.
   */
  function parse(text) {
    const [summary, ...rest] = text.slice(0, MAX_TEXT).split('\n', MAX_LINES);
    const details = Object.create(null);
    for (const line of rest) {
      const tab = line.indexOf('\t');
      if (tab <= 0) continue;
      const key = line.slice(0, tab);
      const value = line.slice(tab + 1);
      if (SINGLE.has(key)) details[key] = value;
      else (details[key] ||= []).push(value);
    }
    return { summary, details };
  }

  // `message`: a ConsoleLineMessage (messages.js), checked before use.
  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !message || message.type !== CONSOLE_LINE) {
      return false;
    }
    if (typeof message.line === 'string') {
      const { summary, details } = parse(message.line);
      if (summary) warn('%s', summary, details);
    }
    sendResponse(true);
    return false;
  });
})();
