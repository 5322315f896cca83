// Worker side of "pause": the badge of a paused tab reads "off" on grey, and goes back to its
// record count when the pause is lifted. Which tabs are paused is settings.isPaused(tab URL);
// tab URLs come with the host permission, no `tabs` permission needed.
import { isPaused, isPausedAll, onChange, loaded } from './settings.js';

const OFF = 'off';
const GREY = '#6b7280';

let countOf = async () => 0;

/** Paints tab `tabId`, whose page is paused, "off". */
export function paintOff(tabId) {
  return Promise.all([
    chrome.action.setBadgeText({ tabId, text: OFF }),
    chrome.action.setBadgeBackgroundColor({ tabId, color: GREY }),
  ]).catch(() => {}); // the tab closed meanwhile
}

/** Paints a paused tab "off"; with `restore`, gives an unpaused tab shown "off" its count back. */
async function paint(tabId, url, restore) {
  try {
    if (isPaused(url)) {
      await paintOff(tabId);
    } else if (restore && (await chrome.action.getBadgeText({ tabId })) === OFF) {
      const n = await countOf(tabId);
      await chrome.action.setBadgeText({ tabId, text: n > 0 ? String(n) : '' });
      await chrome.action.setBadgeBackgroundColor({ tabId, color: '#b45309' });
    }
  } catch {
    // The tab closed meanwhile.
  }
}

async function paintAll() {
  // The global badge covers tabs that get no tab-specific text of their own.
  await chrome.action.setBadgeText({ text: isPausedAll() ? OFF : '' });
  if (isPausedAll()) await chrome.action.setBadgeBackgroundColor({ color: GREY });
  const tabs = await chrome.tabs.query({});
  await Promise.all(tabs.map((t) => paint(t.id, t.url, true)));
}

/**
 * Starts keeping paused tabs' badges. `count(tabId)` resolves to the tab's number of records,
 * shown again when its pause is lifted.
 */
export function start(count) {
  countOf = count;
  onChange((values) => {
    if ('pausedSites' in values || 'pausedAll' in values) paintAll().catch(() => {});
  });
  // A navigation resets the tab's badge: paint it again once the new page commits (and once
  // loaded, after the worker cleared the previous page's count). Unpaused tabs cost nothing.
  chrome.tabs.onUpdated.addListener((tabId, change, tab) => {
    if (change.status === 'loading' || change.status === 'complete') {
      loaded.then(() => paint(tabId, tab.url, false));
    }
  });
  loaded.then(() => (isPausedAll() ? paintAll() : undefined)).catch(() => {});
}
