// The user's settings (options page, popup pause switch), held in memory for the service worker.
// Loaded from chrome.storage.local once per worker start and kept fresh by storage.onChanged, so
// every question below is a synchronous lookup: nothing per request beyond that.
//
// Stored keys (chrome.storage.local, survives browser restarts):
//   consoleLines  boolean   print a line in the tab's DevTools Console (default true)
//   bodyCapture   boolean   keep response bodies from the page and DevTools (default true)
//   statuses      number[]  statuses checked besides 402 (default: the crate's candidates)
//   pausedSites   string[]  host names where nothing is recorded
//   pausedAll     boolean   nothing is recorded anywhere

import { CANDIDATE_STATUS } from './limits.js';

export const KEYS = ['consoleLines', 'bodyCapture', 'statuses', 'pausedSites', 'pausedAll'];

const state = {
  consoleLines: true,
  bodyCapture: true,
  statuses: null, // null: the crate's default set
  pausedSites: new Set(),
  pausedAll: false,
};

const listeners = [];

function apply(values) {
  if ('consoleLines' in values) state.consoleLines = values.consoleLines !== false;
  if ('bodyCapture' in values) state.bodyCapture = values.bodyCapture !== false;
  if ('statuses' in values) {
    const list = values.statuses;
    state.statuses = Array.isArray(list) ? new Set(list.filter(Number.isInteger)) : null;
  }
  if ('pausedSites' in values) {
    const list = Array.isArray(values.pausedSites) ? values.pausedSites : [];
    state.pausedSites = new Set(list.filter((s) => typeof s === 'string').map((s) => s.toLowerCase()));
  }
  if ('pausedAll' in values) state.pausedAll = values.pausedAll === true;
}

/** Resolves once the stored settings are in memory (defaults until then). */
export const loaded = chrome.storage.local.get(KEYS).then(apply, () => {});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !KEYS.some((k) => k in changes)) return;
  const values = {};
  for (const key of KEYS) {
    if (key in changes) values[key] = changes[key].newValue;
  }
  apply(values);
  for (const fn of listeners) fn(values);
});

/** Calls `fn(changedValues)` after each change of the settings. */
export function onChange(fn) {
  listeners.push(fn);
}

/** The host name a site is paused by: lowercase, no port; '' for non-http(s) URLs. */
export function siteOf(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname.toLowerCase() : '';
  } catch {
    return '';
  }
}

/** True when `pageUrl` (the tab's page, not the request) is paused, or everything is. */
export function isPaused(pageUrl) {
  if (state.pausedAll) return true;
  if (state.pausedSites.size === 0 || !pageUrl) return false;
  return state.pausedSites.has(siteOf(pageUrl));
}

export function isPausedAll() {
  return state.pausedAll;
}

export function consoleLinesOn() {
  return state.consoleLines;
}

export function bodyCaptureOn() {
  return state.bodyCapture;
}

// The crate's candidate statuses besides 402 (the generated block above).
const crateDefault = Object.keys(CANDIDATE_STATUS).map(Number).filter((s) => s !== 402);
/** The crate's candidate statuses besides 402. */
export function defaultStatuses() {
  return crateDefault;
}

/** Statuses checked besides 402: the user's list, else the crate's. */
export function extraCandidateStatuses() {
  return state.statuses ? [...state.statuses] : defaultStatuses();
}

/**
 * True when a response with `status` must be ignored because the user unticked it: one of the
 * crate's candidates left out of the user's list. 402 is always checked, and other statuses are
 * diagnosed from their headers as before (a billing signal behind a 500 still counts).
 */
export function skipsStatus(status) {
  if (status === 402 || state.statuses === null) return false;
  return !state.statuses.has(status) && defaultStatuses().includes(status);
}

/**
 * The URL of the page a webRequest event belongs to: the document itself for a navigation,
 * else the requesting document (Firefox `documentUrl`, Chromium `initiator`, an origin).
 */
export function pageUrlOf(details) {
  if (details.type === 'main_frame') return details.url;
  return details.documentUrl || details.initiator || '';
}

/**
 * The URL of tab `tabId`'s page, for callers that only know the tab (DevTools entries): looked
 * up only while some site is paused, else '' at once (isPaused('') is then pausedAll).
 */
export async function pageUrlOfTab(tabId) {
  await loaded;
  if (state.pausedSites.size === 0) return '';
  try {
    return (await chrome.tabs.get(tabId)).url || '';
  } catch {
    return '';
  }
}
