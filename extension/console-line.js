// Worker side of the Console line: decides when a record is announced in its tab's DevTools
// Console and sends the text (formatted by the wasm, `console_line`) to the content script
// content/console.js, which prints it. No diagnosis logic here.
//
// Rules: one line per record; a later line ("updated") only when the record's cause changed.
// A record seen by webRequest alone usually gets its body from the page a few milliseconds
// later, which can change the cause: a record without a body waits SETTLE_MS for it, so a normal
// 402 prints one line, already with the body's diagnosis.
import { console_line } from './pkg/why402.js';
import { consoleLinesOn } from './settings.js';
import { CONSOLE_LINE } from './messages.js';

const SETTLE_MS = 400;
// A 402 document: its content scripts may not be listening yet, which on a loaded machine can
// take over a second; 10 tries cover 3 s.
const SEND_TRIES = 10;
const RETRY_MS = 300;

// Records from before this worker started were announced by the previous one (the worker is
// stopped when idle; this memory goes with it).
const startedAt = Date.now();

/** `${tabId} ${recordId}` → the cause last announced, or null while the record settles. */
const announced = new Map();
/** The newest version of each settling record. */
const settling = new Map();

const keyOf = (tabId, id) => `${tabId} ${id}`;
const causeOf = (record) => record.diagnosis?.cause ?? null;

function send(tabId, line, tries) {
  chrome.tabs.sendMessage(tabId, { type: CONSOLE_LINE, line }, { frameId: 0 }).catch(() => {
    if (tries > 1) setTimeout(() => send(tabId, line, tries - 1), RETRY_MS);
  });
}

function print(tabId, record, updated) {
  announced.set(keyOf(tabId, record.id), causeOf(record));
  if (!consoleLinesOn()) return;
  const line = console_line(record, updated); // text: see content/console.js
  if (line) send(tabId, line, SEND_TRIES);
}

/**
 * Call with a tab's whole list after any change to it (new record, merged body, page error).
 * Cheap when nothing is new: one Map lookup per record.
 */
export function announce(tabId, records) {
  if (!Array.isArray(records)) return;
  const live = new Set();
  for (const record of records) {
    if (!record || typeof record.id !== 'string') continue;
    const key = keyOf(tabId, record.id);
    live.add(key);
    if (!(record.time_ms >= startedAt)) continue;
    if (!announced.has(key)) {
      if (record.has_body) {
        print(tabId, record, false);
      } else {
        announced.set(key, null);
        settling.set(key, record);
        setTimeout(() => {
          const latest = settling.get(key);
          settling.delete(key);
          if (latest) print(tabId, latest, false);
        }, SETTLE_MS);
      }
    } else if (settling.has(key)) {
      settling.set(key, record);
      // The body arrived: no need to wait any longer.
      if (record.has_body) {
        settling.delete(key);
        print(tabId, record, false);
      }
    } else if (announced.get(key) !== causeOf(record)) {
      print(tabId, record, true);
    }
  }
  forget(tabId, live);
}

/** Forgets the tab's records not in `keep` (gone: new page, cleared, evicted, tab closed). */
function forget(tabId, keep) {
  const prefix = `${tabId} `;
  for (const key of announced.keys()) {
    if (key.startsWith(prefix) && !keep.has(key)) {
      announced.delete(key);
      settling.delete(key);
    }
  }
}

/** Call when a tab's records are cleared (navigation, tab closed): nothing pending prints. */
export function forgetTab(tabId) {
  forget(tabId, new Set());
}
