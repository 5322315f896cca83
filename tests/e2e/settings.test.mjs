// extension/settings.js in Node, against a stand-in for chrome.storage: what the service worker
// asks per event (paused? status unticked?) follows the stored values and their changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EXT } from './browser.mjs';

const stored = { pausedSites: ['Paused.Example'] };
const changeListeners = [];
globalThis.chrome = {
  storage: {
    local: { get: async () => ({ ...stored }) },
    onChanged: { addListener: (fn) => changeListeners.push(fn) },
  },
};
const change = (values) => {
  const changes = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { newValue: v }]));
  for (const fn of changeListeners) fn(changes, 'local');
};

const { default: init } = await import(path.join(EXT, 'pkg', 'why402.js'));
await init({ module_or_path: fs.readFileSync(path.join(EXT, 'pkg', 'why402_bg.wasm')) });
const settings = await import(path.join(EXT, 'settings.js'));
await settings.loaded;

test('a paused site is matched by host name, whatever the case, port or path', () => {
  assert.equal(settings.isPaused('https://paused.example:8443/a?b'), true);
  assert.equal(settings.isPaused('https://other.example/'), false);
  assert.equal(settings.isPaused('https://sub.paused.example/'), false, 'the exact host only');
  assert.equal(settings.isPaused(''), false);
  assert.equal(settings.isPaused('chrome://extensions/'), false);
});

test('the page of a webRequest event', () => {
  const url = 'https://paused.example/page';
  assert.equal(settings.pageUrlOf({ type: 'main_frame', url }), url);
  assert.equal(settings.pageUrlOf({ type: 'xmlhttprequest', url: 'https://api.x/', initiator: 'https://paused.example' }),
    'https://paused.example');
  assert.equal(settings.pageUrlOf({ type: 'xmlhttprequest', url: 'https://api.x/', documentUrl: url }), url);
});

test('changes apply at once: pause everywhere, Console lines, body capture', () => {
  assert.equal(settings.consoleLinesOn(), true);
  assert.equal(settings.bodyCaptureOn(), true);
  change({ pausedAll: true, consoleLines: false, bodyCapture: false });
  assert.equal(settings.isPaused('https://anything.example/'), true);
  assert.equal(settings.consoleLinesOn(), false);
  assert.equal(settings.bodyCaptureOn(), false);
  change({ pausedAll: false, consoleLines: true, bodyCapture: undefined }); // removed: default
  assert.equal(settings.isPaused('https://anything.example/'), false);
  assert.equal(settings.bodyCaptureOn(), true);
});

test('statuses: the crate default, and only unticked defaults are skipped', () => {
  assert.deepEqual(settings.extraCandidateStatuses(), [400, 401, 403, 412, 422, 429, 500, 503]);
  assert.equal(settings.skipsStatus(429), false);
  change({ statuses: [401, 409] });
  assert.deepEqual(settings.extraCandidateStatuses(), [401, 409]);
  assert.equal(settings.skipsStatus(429), true, 'unticked');
  assert.equal(settings.skipsStatus(402), false, '402 always counts');
  assert.equal(settings.skipsStatus(409), false);
  assert.equal(settings.skipsStatus(500), true, 'unticked');
  assert.equal(settings.skipsStatus(404), false, 'not a candidate: never skipped here');
  change({ statuses: undefined });
  assert.equal(settings.skipsStatus(429), false);
});
