// Service worker (ES module). Moves data between chrome.* events, the wasm diagnosis and
// chrome.storage.session; holds no diagnosis logic of its own.
//
// MV3 rules this file follows: static imports only, no top-level await (it kills the worker),
// every listener registered synchronously on each start, and no state kept in globals that
// matters after the worker is stopped (~30 s idle): records live in storage.session.
import init, {
  record_from_web_request,
  record_from_entry,
  merge_record,
  mark_page_error,
} from './pkg/why402.js';
// controls (#13): settings, Console lines, paused badge.
import * as settings from './settings.js';
import * as consoleLine from './console-line.js';
import * as pauseBadge from './pause-badge.js';

// controls: handlers also wait for the stored settings (pause, statuses) to be in memory.
const ready = Promise.all([init(), settings.loaded]);

const tabKey = (tabId) => `tab:${tabId}`;

// Every read-modify-write of a tab's list goes through this one queue: webRequest events,
// page captures and devtools entries for the same tab arrive interleaved, and two concurrent
// get→set pairs would drop a record.
// Resolves to true when the task succeeded; a failed task is logged and does not stop the queue.
let queue = Promise.resolve(true);
function enqueue(task) {
  queue = queue.then(task).then(
    () => true,
    (err) => {
      console.error('why402:', err);
      return false;
    },
  );
  return queue;
}

async function readTab(tabId) {
  const key = tabKey(tabId);
  const got = await chrome.storage.session.get(key);
  return Array.isArray(got[key]) ? got[key] : [];
}

// storage.session holds about 10 MB for all tabs together (each tab keeps at most 1 MiB of
// bodies, MAX_BODY_BYTES_PER_TAB in src/capture/merge.rs). When a write still does not fit, the
// list of another tab goes, the one whose newest record is oldest, rather than the record that
// just arrived in the tab being looked at.
const MAX_EVICTIONS = 20;

async function writeTab(tabId, records) {
  const key = tabKey(tabId);
  // Bounded: each retry first removes one other tab's list.
  for (let evicted = 0; ; evicted += 1) {
    try {
      await chrome.storage.session.set({ [key]: records });
      break;
    } catch (err) {
      if (!/quota/i.test(String(err)) || evicted >= MAX_EVICTIONS || !(await evictOtherTab(key))) {
        throw err;
      }
    }
  }
  await updateBadge(tabId, records.length);
}

async function evictOtherTab(keep) {
  const all = await chrome.storage.session.get(null);
  let victim = null;
  let victimNewest = Infinity;
  for (const [key, list] of Object.entries(all)) {
    if (!key.startsWith('tab:') || key === keep) continue;
    const newest = Array.isArray(list) && list.length > 0 ? Number(list[list.length - 1].time_ms) || 0 : 0;
    if (newest < victimNewest) {
      victim = key;
      victimNewest = newest;
    }
  }
  if (victim === null) return false;
  console.warn('why402: session storage is full; dropping the records of', victim);
  await chrome.storage.session.remove(victim);
  const tabId = Number(victim.slice('tab:'.length));
  if (Number.isInteger(tabId)) await updateBadge(tabId, 0);
  return true;
}

async function updateBadge(tabId, count) {
  try {
    await chrome.action.setBadgeText({ tabId, text: count > 0 ? String(count) : '' });
    if (count > 0) {
      await chrome.action.setBadgeBackgroundColor({ tabId, color: '#b45309' });
    }
  } catch {
    // The tab closed meanwhile: nothing to badge.
  }
}

/**
 * Runs `fn` once the wasm is ready. Every event goes through here, so the order in which the
 * events arrived is the order in which their tasks enter the queue, even on a cold start.
 */
function whenReady(fn) {
  return ready.then(fn);
}

/** Applies `change(records) -> records` to the tab's list, inside the queue. */
function updateTab(tabId, change) {
  return enqueue(async () => {
    const before = await readTab(tabId);
    const after = change(before);
    if (after !== before) {
      await writeTab(tabId, after);
      consoleLine.announce(tabId, after); // controls: Console line for new/changed records
    }
  });
}

function clearTab(tabId) {
  consoleLine.forgetTab(tabId); // controls
  return whenReady(() =>
    enqueue(async () => {
      await chrome.storage.session.remove(tabKey(tabId));
      await updateBadge(tabId, 0);
    }),
  );
}

const allUrls = { urls: ['<all_urls>'] };

// A new top-level document starts: forget the previous page's records before its own response
// is recorded (onBeforeRequest comes first, and the queue keeps that order).
chrome.webRequest.onBeforeRequest.addListener(
  (details) => {
    if (details.tabId >= 0) clearTab(details.tabId);
  },
  { urls: ['<all_urls>'], types: ['main_frame'] },
);

// Chromium hides some headers (Set-Cookie and friends, CORS ones on some paths) unless asked
// for "extraHeaders"; Firefox has no such option and rejects unknown ones.
const headerSpec = ['responseHeaders'];
if (chrome.webRequest.OnHeadersReceivedOptions?.EXTRA_HEADERS) headerSpec.push('extraHeaders');

chrome.webRequest.onHeadersReceived.addListener(
  (details) => {
    if (details.tabId < 0) return; // the extension's own or the browser's requests
    const now = Date.now();
    // Diagnose before touching storage: most responses are not payment failures and must cost
    // no storage round trip.
    whenReady(() => {
      // controls: nothing for a paused site or a status the user unticked.
      if (settings.isPaused(settings.pageUrlOf(details)) || settings.skipsStatus(details.statusCode)) return;
      const record = record_from_web_request(details, now);
      if (record) updateTab(details.tabId, (records) => merge_record(records, record));
    });
  },
  allUrls,
  headerSpec,
);

// A cross-origin 402 without CORS headers reaches the page as "Failed to fetch": note it on the
// record so the UI can say the page never saw the response.
chrome.webRequest.onErrorOccurred.addListener((details) => {
  if (details.tabId < 0) return;
  const id = `wr-${details.requestId}`;
  whenReady(() =>
    updateTab(details.tabId, (records) =>
      records.some((r) => r.id === id) ? mark_page_error(records, id, details.error) : records,
    ),
  );
}, allUrls);

function addEntry(tabId, entry, source, pageUrl) {
  const now = Date.now();
  return whenReady(() => {
    // controls: bodies only when body capture is on; nothing for a paused site or unticked status.
    if (!settings.bodyCaptureOn() || settings.skipsStatus(entry?.response?.status)) return true;
    if (settings.isPaused(pageUrl)) return true;
    const record = record_from_entry(entry, source, tabId, now);
    return record ? updateTab(tabId, (records) => merge_record(records, record)) : true;
  });
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!message || typeof message !== 'object' || sender.id !== chrome.runtime.id) return false;
  let done;
  if (message.type === 'page-capture' && sender.tab && typeof sender.tab.id === 'number') {
    // The tab comes from the sender, never from the (page-influenced) message.
    done = addEntry(sender.tab.id, message.entry, 'page', sender.tab.url || sender.url);
  } else if (message.type === 'clear-all' && sender.url === chrome.runtime.getURL('options.html')) {
    done = clearAll(); // controls: the options page's "Clear all records"
  } else if (message.type === 'devtools-entry' && Number.isInteger(message.tab_id)) {
    const tabId = message.tab_id;
    // controls: the tab's page, to check its pause (looked up only while a site is paused).
    done = settings.pageUrlOfTab(tabId).then((url) => addEntry(tabId, message.entry, 'devtools', url));
  } else {
    return false;
  }
  done.then((ok) => sendResponse({ ok }));
  return true; // answers asynchronously
});

// controls: every tab's records and badge, for the options page.
function clearAll() {
  return whenReady(() =>
    enqueue(async () => {
      const keys = Object.keys(await chrome.storage.session.get(null)).filter((k) => k.startsWith('tab:'));
      await chrome.storage.session.remove(keys);
      for (const key of keys) {
        const tabId = Number(key.slice('tab:'.length));
        consoleLine.forgetTab(tabId);
        await updateBadge(tabId, 0);
      }
    }),
  );
}

// controls: paused tabs' badges read "off"; their count comes back when the pause is lifted.
pauseBadge.start((tabId) => readTab(tabId).then((list) => list.length));

chrome.tabs.onRemoved.addListener((tabId) => {
  consoleLine.forgetTab(tabId); // controls
  whenReady(() => enqueue(() => chrome.storage.session.remove(tabKey(tabId))));
});
