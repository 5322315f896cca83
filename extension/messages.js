// The messages the extension's parts exchange, in one place: their `type` (or `kind`, or event
// name) strings and, as JSDoc typedefs, their shapes. Modules import it (worker, DevTools page,
// options page, console-line sender). The content scripts are classic scripts and cannot: each
// declares the strings it uses as constants with the same names, and
// tests/e2e/messages.test.mjs checks those match these and that no other copy of a string is
// written anywhere in extension/.

// ---- MAIN-world page hook -> ISOLATED relay (DOM events, then a private MessagePort) ----

/** Dispatched by the page hook with the port for the relay (`event.ports[0]`). */
export const HELLO_EVENT = 'why402-hello';
/** Dispatched by the relay when it is listening, for a hook that ran first. */
export const RELAY_READY_EVENT = 'why402-relay-ready';
/** `PortMessage.kind` of a response the page read. */
export const PORT_ENTRY = 'entry';
/** `PortMessage.kind` of a request that never got a response to the page. */
export const PORT_FAILURE = 'failure';

/**
 * A response as the page saw it: a HAR entry with only what the hook can know.
 * @typedef {object} CapturedEntry
 * @property {{ method: string, url: string, headers: [] }} request
 * @property {{ status: number, statusText: string, headers: { name: string, value: string }[],
 *   content: { mimeType: string, text: string } }} response
 */

/**
 * A fetch or XMLHttpRequest that failed in the page (CORS, network).
 * @typedef {object} PageFailure
 * @property {string} method
 * @property {string} url
 * @property {string} error
 */

/**
 * On the port; the relay checks every field (the page can forge anything on it).
 * @typedef {{ kind: 'entry', entry: CapturedEntry } | ({ kind: 'failure' } & PageFailure)} PortMessage
 */

// ---- chrome.runtime messages to the worker (answered with `WorkerReply`) ----

/** From the relay: a batch of the page's captures. */
export const PAGE_CAPTURES = 'page-captures';
/** From the DevTools page: one HAR entry of the inspected tab. */
export const DEVTOOLS_ENTRY = 'devtools-entry';
/** From the options page: forget every tab's records. */
export const CLEAR_ALL = 'clear-all';

/**
 * @typedef {object} PageCapturesMessage
 * @property {'page-captures'} type
 * @property {CapturedEntry[]} entries
 * @property {number[]} replayed per entry of a retried batch: when Resource Timing saw that
 *   response (ms since the epoch), or 0
 * @property {PageFailure[]} failures
 */

/**
 * @typedef {object} DevtoolsEntryMessage
 * @property {'devtools-entry'} type
 * @property {number} tab_id the inspected tab
 * @property {object} entry a HAR entry from `chrome.devtools.network`
 */

/** @typedef {{ type: 'clear-all' }} ClearAllMessage */

/** @typedef {{ ok: boolean }} WorkerReply true once the worker has stored what it was sent */

// ---- chrome.tabs message from the worker to the page's console script ----

/** To the top frame's console script: one Console line for a new or updated record. */
export const CONSOLE_LINE = 'why402-console';

/**
 * @typedef {object} ConsoleLineMessage
 * @property {'why402-console'} type
 * @property {string} line the summary, then `key\tvalue` detail lines (see console-line.js)
 */

// ---- chrome.storage.session: the worker writes, popup and panel read ----

/**
 * Key prefix of a tab's records (`tab:<id>`): the array of records as `src/capture` stores
 * them, written as one JSON string (see `encodeTabList`).
 */
export const TAB_KEY_PREFIX = 'tab:';

/** @param {number} tabId */
export const tabKey = (tabId) => `${TAB_KEY_PREFIX}${tabId}`;

// Chromium converts a stored object value by value on every set and get: 100 records (177 KB)
// took 18 ms to write and 14 ms to read, against 3 ms each as one string plus under 1 ms for
// JSON.stringify/parse (#8: the popup reads the list before it can show anything). The wasm
// still gets and gives structured values; the string exists only in storage.

/** A tab's records (an array) as stored. */
export const encodeTabList = (records) => JSON.stringify(records);

/** The records of a stored list; [] when there is none (or it is not one). */
export function decodeTabList(stored) {
  if (typeof stored !== 'string') return [];
  try {
    const list = JSON.parse(stored);
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}
