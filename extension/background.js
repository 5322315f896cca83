// Service worker (ES module). Moves data between chrome.* events, the wasm and
// chrome.storage.session; holds no diagnosis logic of its own.
//
// Each tab's records live in the wasm's memory while the worker runs (rebuilt from
// storage.session for a tab the first time an event touches it after a restart). An event costs
// one wasm call that does work independent of how many records the tab holds; the lists are
// written behind, coalesced: at most one write per tab per WRITE_MS, the last one WRITE_MS
// after a burst ends. The badge is set at the same time, from memory.
//
// What a stop of the worker can lose: webRequest events it handled in the last WRITE_MS before a
// forced stop (Chrome replays nothing it already delivered). Page captures are acknowledged only
// after the write that holds them, and the relay sends them again until they are; a capture sent
// again that the browser's Resource Timing confirms stands in for a lost webRequest sighting.
// So what is lost is a failure without a body the page read (a cross-origin response the page
// may not read, a request from before the hook) whose event fell in those last WRITE_MS.
//
// MV3 rules this file follows: static imports only, no top-level await (it kills the worker),
// every listener registered synchronously on each start.
import init, {
  load_tab,
  observe_web_request,
  observe_entry,
  observe_page_error,
  observe_page_failure,
  clear_tab,
  forget_tab,
  tab_records,
  tab_count,
} from './pkg/why402.js';
import * as settings from './settings.js';
import {
  CLEAR_ALL, DEVTOOLS_ENTRY, PAGE_CAPTURES, TAB_KEY_PREFIX, tabKey, encodeTabList, decodeTabList,
} from './messages.js';
import * as consoleLine from './console-line.js';
import * as pauseBadge from './pause-badge.js';
import { CANDIDATE_STATUS, PAGE_BODY_BYTES, MAX_CAPTURED_HEADERS } from './limits.js';

// Handlers also wait for the stored settings (pause, statuses, body capture) to be in memory.
const ready = Promise.all([init(), settings.loaded]);
const WRITE_MS = 100;

// tabId -> promise that its stored list is in the wasm.
const loaded = new Map();

/**
 * Runs `change()` (a wasm call returning whether the tab's list changed) once the tab's list is
 * in memory; events of one tab keep their order because they chain on the same promise.
 * `ack(ok)`, if given, is called once the change is written (or at once when nothing changed).
 */
function withTab(tabId, change, ack) {
  let tabReady = loaded.get(tabId);
  if (!tabReady) {
    tabReady = ready
      .then(() => chrome.storage.session.get(tabKey(tabId)))
      .then((got) => {
        if (load_tab(tabId, decodeTabList(got[tabKey(tabId)]))) scheduleWrite(tabId);
      })
      .catch((err) => console.error('why402: loading tab', tabId, err));
    loaded.set(tabId, tabReady);
  }
  return tabReady.then(() => {
    let changed = false;
    try {
      changed = change();
    } catch (err) {
      console.error('why402:', err);
    }
    if (changed) scheduleWrite(tabId, ack);
    else if (ack) ack(true);
  });
}

// ---- coalesced write-behind -------------------------------------------------------------

// tabId -> { timer, last, acks, writing, again }. One write per tab at a time: a slow write
// (evicting other tabs on a full storage) must not land after a newer one.
const writes = new Map();

function scheduleWrite(tabId, ack) {
  let w = writes.get(tabId);
  if (!w) {
    w = { timer: null, last: 0, acks: [], writing: false, again: false };
    writes.set(tabId, w);
  }
  if (ack) w.acks.push(ack);
  if (w.writing) {
    w.again = true;
    return;
  }
  if (w.timer !== null) return;
  w.timer = setTimeout(() => flush(tabId, w), Math.max(0, w.last + WRITE_MS - Date.now()));
}

async function flush(tabId, w) {
  w.timer = null;
  w.last = Date.now();
  const acks = w.acks.splice(0);
  if (writes.get(tabId) !== w) { // the tab closed meanwhile
    for (const ack of acks) ack(true);
    return;
  }
  w.writing = true;
  let ok = true;
  setBadge(tabId, tab_count(tabId));
  try {
    const records = tab_records(tabId);
    if (Array.isArray(records) && records.length > 0) await writeTab(tabId, encodeTabList(records));
    else await chrome.storage.session.remove(tabKey(tabId));
    consoleLine.announce(tabId, records); // one Console line per new record (or changed cause)
  } catch (err) {
    ok = false;
    console.error('why402: writing tab', tabId, err);
  }
  w.writing = false;
  // The tab closed while this write was under way: take back what it wrote.
  if (writes.get(tabId) !== w) chrome.storage.session.remove(tabKey(tabId)).catch(() => {});
  for (const ack of acks) ack(ok);
  if (w.again) {
    w.again = false;
    scheduleWrite(tabId);
  }
}

// storage.session holds about 10 MB for all tabs together (each tab keeps at most 1 MiB of
// bodies, MAX_BODY_BYTES_PER_TAB in src/capture/merge.rs). When a write still does not fit, the
// list of another tab goes, the one whose newest record is oldest, rather than the records of
// the tab being written.
const MAX_EVICTIONS = 20;

async function writeTab(tabId, stored) {
  const key = tabKey(tabId);
  // Bounded: each retry first removes one other tab's list.
  for (let evicted = 0; ; evicted += 1) {
    try {
      await chrome.storage.session.set({ [key]: stored });
      return;
    } catch (err) {
      if (!/quota/i.test(String(err)) || evicted >= MAX_EVICTIONS || !(await evictOtherTab(key))) {
        throw err;
      }
    }
  }
}

async function evictOtherTab(keep) {
  const all = await chrome.storage.session.get(null);
  let victim = null;
  let victimNewest = Infinity;
  for (const [key, stored] of Object.entries(all)) {
    if (!key.startsWith(TAB_KEY_PREFIX) || key === keep) continue;
    const list = decodeTabList(stored);
    const newest = list.length > 0 ? Number(list[list.length - 1].time_ms) || 0 : 0;
    if (newest < victimNewest) {
      victim = key;
      victimNewest = newest;
    }
  }
  if (victim === null) return false;
  console.warn('why402: session storage is full; dropping the records of', victim);
  await chrome.storage.session.remove(victim);
  const tabId = Number(victim.slice(TAB_KEY_PREFIX.length));
  if (Number.isInteger(tabId)) {
    forget_tab(tabId);
    loaded.delete(tabId);
    setBadge(tabId, 0);
  }
  return true;
}

const badges = new Map(); // tabId -> text shown, to skip calls that change nothing
const pages = new Map(); // tabId -> URL of its top-level page, from the navigation's event

function setBadge(tabId, count) {
  // A paused tab keeps "off": Firefox can deliver a navigation's webRequest event after the
  // tab's "complete", when pause-badge.js has already painted it.
  if (settings.isPaused(pages.get(tabId) || '')) {
    badges.delete(tabId);
    pauseBadge.paintOff(tabId);
    return;
  }
  const text = count > 0 ? String(count) : '';
  if (badges.get(tabId) === text) return;
  badges.set(tabId, text);
  chrome.action.setBadgeText({ tabId, text }).catch(() => {}); // the tab may have closed
  if (count > 0) chrome.action.setBadgeBackgroundColor({ tabId, color: '#b45309' }).catch(() => {});
}

// ---- events -------------------------------------------------------------------------------

const allUrls = { urls: ['<all_urls>'] };

// A new top-level document starts: forget the previous page's records. Records of the new page
// that arrived before this event (Firefox can deliver it late) are kept: only what was seen
// before the navigation's own time goes.
chrome.webRequest.onBeforeRequest.addListener(
  (details) => {
    const tabId = details.tabId;
    if (tabId < 0) return;
    const at = Number(details.timeStamp) || Date.now();
    pages.set(tabId, details.url);
    badges.delete(tabId); // the browser may have reset it with the navigation
    if (loaded.has(tabId)) {
      withTab(tabId, () => clear_tab(tabId, at));
    } else {
      // Not in memory: nothing of the new page reached this worker yet, so all stored records
      // are the previous page's. No read needed.
      loaded.set(tabId, ready.then(() => {
        load_tab(tabId, undefined);
        return chrome.storage.session.remove(tabKey(tabId));
      }).catch(() => {}));
      setBadge(tabId, 0);
    }
  },
  { urls: ['<all_urls>'], types: ['main_frame'] },
);

// Chromium routes a response through an extra browser-process hop for every listener with
// "extraHeaders", which `make bench` measured at about a third more time for 300 fetches. It is
// needed for fetch()/XHR only: without it Chromium checks CORS first and a cross-origin 402 the
// page may not read never reaches onHeadersReceived (the x402-v2-cors scenario). Documents,
// images, scripts and the rest are observed without it: all that hides from them is Set-Cookie,
// which no diagnosis reads, and a <script crossorigin> or <img crossorigin> refused by CORS.
// Firefox has no such option and rejects unknown ones.
const EXTRA_HEADERS = chrome.webRequest.OnHeadersReceivedOptions?.EXTRA_HEADERS;
const FETCH_TYPE = 'xmlhttprequest';
const headerListeners = EXTRA_HEADERS
  ? [
    [{ urls: ['<all_urls>'], types: [FETCH_TYPE] }, ['responseHeaders', EXTRA_HEADERS]],
    [{ urls: ['<all_urls>'], types: Object.values(chrome.webRequest.ResourceType).filter((t) => t !== FETCH_TYPE) },
      ['responseHeaders']],
  ]
  : [[allUrls, ['responseHeaders']]];

// Requests with a candidate status, for onErrorOccurred (bounded; the oldest go first).
const candidateRequests = new Map();
const MAX_CANDIDATE_REQUESTS = 2048;

function onHeaders(details) {
  // Most responses cannot be payment failures: they cost this check and nothing else.
  if (details.tabId < 0 || CANDIDATE_STATUS[details.statusCode] !== true) return;
  // The user's controls: a paused site, a status unticked in the options.
  if (settings.isPaused(settings.pageUrlOf(details)) || settings.skipsStatus(details.statusCode)) return;
  const now = Date.now();
  candidateRequests.set(details.requestId, details.tabId);
  if (candidateRequests.size > MAX_CANDIDATE_REQUESTS) {
    candidateRequests.delete(candidateRequests.keys().next().value);
  }
  const observe = () => withTab(details.tabId, () => observe_web_request(details, now));
  // Test hook: the browser tests hold webRequest's side to reproduce Firefox's order, where
  // the page's capture of a response arrives before webRequest's event for it.
  const hold = globalThis.why402TestHoldWebRequestMs;
  if (typeof hold === 'number' && hold > 0) setTimeout(observe, hold);
  else observe();
}
for (const [filter, spec] of headerListeners) {
  // A function of its own per registration: one function added twice may count as one listener.
  chrome.webRequest.onHeadersReceived.addListener((details) => onHeaders(details), filter, spec);
}

// A cross-origin 402 without CORS headers reaches the page as "Failed to fetch": note it on the
// record so the UI can say the page never saw the response.
chrome.webRequest.onErrorOccurred.addListener((details) => {
  const tabId = details.tabId;
  if (tabId < 0) return;
  const known = candidateRequests.get(details.requestId) === tabId;
  candidateRequests.delete(details.requestId);
  if (!known && !loaded.has(tabId)) return;
  withTab(tabId, () => observe_page_error(tabId, String(details.requestId), String(details.error)));
}, allUrls);

// Page captures: checked here again (the page can forge anything the hook sends), and only
// ever adding a body to a response webRequest or DevTools saw (src/capture/store.rs).
const MAX_BATCH = 128;
const isString = (v, max) => typeof v === 'string' && v.length <= max;

function plausibleEntry(e) {
  const req = e && e.request;
  const res = e && e.response;
  return Boolean(req && res && isString(req.method, 32) && isString(req.url, 8192)
    && CANDIDATE_STATUS[res.status] === true
    && Array.isArray(res.headers) && res.headers.length <= MAX_CAPTURED_HEADERS
    && res.content && isString(res.content.text, PAGE_BODY_BYTES));
}

function onPageCaptures(tabId, message, now, ack, pageUrl) {
  if (settings.isPaused(pageUrl)) {
    ack(true);
    return;
  }
  // With body capture off (options) records keep webRequest's headers only.
  const entries = Array.isArray(message.entries) && settings.bodyCaptureOn()
    ? message.entries.slice(0, MAX_BATCH) : [];
  const replayed = Array.isArray(message.replayed) ? message.replayed : [];
  const failures = Array.isArray(message.failures) ? message.failures.slice(0, MAX_BATCH) : [];
  // A capture still waiting for webRequest's sighting is not acknowledged: the relay sends it
  // again, and if the sighting was lost with a stopped worker, Resource Timing can stand in.
  let held = false;
  withTab(tabId, () => {
    let changed = false;
    entries.forEach((entry, i) => {
      if (!plausibleEntry(entry) || settings.skipsStatus(entry.response.status)) return;
      // When Resource Timing saw the response (ms since the epoch), for a capture sent again.
      const seen = typeof replayed[i] === 'number' && Number.isFinite(replayed[i]) ? replayed[i] : 0;
      const result = observe_entry(tabId, entry, seen > 0 ? 'page-replayed' : 'page', seen, now);
      changed = result === 1 || changed;
      held = result === 2 || held;
    });
    for (const f of failures) {
      if (f && isString(f.method, 32) && isString(f.url, 8192) && isString(f.error, 200)) {
        changed = observe_page_failure(tabId, f.method, f.url, f.error, now) || changed;
      }
    }
    // A top-level document's own capture comes after the browser committed the page, which
    // resets the tab's badge: set it again.
    badges.delete(tabId);
    setBadge(tabId, tab_count(tabId));
    return changed;
  }, (ok) => ack(ok && !held));
}

// Our own pages (the devtools page, popup, options) run only our code; content scripts report
// the page's URL as theirs, so they cannot pass for one.
const fromExtensionPage = (sender) => typeof sender.url === 'string'
  && sender.url.startsWith(chrome.runtime.getURL(''));

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!message || typeof message !== 'object' || sender.id !== chrome.runtime.id) return false;
  const now = Date.now();
  const ack = (ok) => sendResponse({ ok });
  if (message.type === PAGE_CAPTURES && sender.tab && Number.isInteger(sender.tab.id)) {
    // The tab comes from the sender, never from the (page-influenced) message.
    onPageCaptures(sender.tab.id, message, now, ack, sender.tab.url || sender.url);
  } else if (message.type === DEVTOOLS_ENTRY && fromExtensionPage(sender) && Number.isInteger(message.tab_id)) {
    const tabId = message.tab_id;
    const status = message.entry?.response?.status;
    // The tab's page is looked up only while some site is paused.
    settings.pageUrlOfTab(tabId).then((url) => {
      if (!settings.bodyCaptureOn() || settings.skipsStatus(status) || settings.isPaused(url)) ack(true);
      else withTab(tabId, () => observe_entry(tabId, message.entry, 'devtools', 0, now) === 1, ack);
    });
  } else if (message.type === CLEAR_ALL && sender.url === chrome.runtime.getURL('options.html')) {
    clearAll().then(() => ack(true), () => ack(false));
  } else {
    return false;
  }
  return true; // answers asynchronously
});

// The options page's "Clear all records": every tab's list, in memory and stored, and its badge.
async function clearAll() {
  await ready;
  const stored = Object.keys(await chrome.storage.session.get(null)).filter((k) => k.startsWith(TAB_KEY_PREFIX));
  const tabs = new Set([...loaded.keys(), ...stored.map((k) => Number(k.slice(TAB_KEY_PREFIX.length)))]);
  for (const tabId of tabs) {
    if (!Number.isInteger(tabId)) continue;
    // The tab stays "loaded" with an empty list, so a pending load cannot bring records back.
    loaded.set(tabId, Promise.resolve());
    forget_tab(tabId);
    consoleLine.forgetTab(tabId);
    setBadge(tabId, 0);
  }
  await chrome.storage.session.remove(stored);
}

// Paused tabs' badges read "off"; their count comes back when the pause is lifted.
pauseBadge.start((tabId) => withTab(tabId, () => false).then(() => tab_count(tabId)));

chrome.tabs.onRemoved.addListener((tabId) => {
  consoleLine.forgetTab(tabId);
  loaded.delete(tabId);
  badges.delete(tabId);
  pages.delete(tabId);
  const w = writes.get(tabId);
  if (w && w.timer !== null) clearTimeout(w.timer);
  writes.delete(tabId);
  ready.then(() => {
    forget_tab(tabId);
    return chrome.storage.session.remove(tabKey(tabId));
  }).catch(() => {});
});
