// The user's controls (issue #13) in Firefox ESR, as tests/e2e/controls.test.mjs checks them in
// Chromium: the Console line per payment failure (from the extension's content script, not the
// page; format directives in a response print literally; off in the options means off), pausing
// a site or everything from the popup, clearing records from the options page, and the popup's
// keyboard shortcut; the options are in effect at once and survive a restart. The Console is read from Firefox's console API storage (see
// consoleEvents), which names the script of each call.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, scenarios } from '../server.mjs';
import {
  launchFirefox, extensionHome, consoleEvents, waitFor, sleep, EXT_ORIGIN, openTab, closeTabFor,
} from './firefox.mjs';

// No test may hang the suite: every browser call and wait below has its own limit too.
const BOUNDED = { timeout: 90_000 };

const ctx = {};
let runs = 0;

const newTab = () => openTab(ctx.mn);
const closeTab = (handle) => closeTabFor(ctx.mn, handle, ctx.home.handle);

/** Runs `fn` in the page of tab `handle` (Marionette's content context). */
async function inTab(handle, fn, ...args) {
  await ctx.mn.send('WebDriver:SwitchToWindow', { handle });
  return ctx.mn.run(fn, ...args);
}

/** Runs `source` as a script of the page itself (not Marionette's sandbox). */
function pageScript(handle, source) {
  return inTab(handle, (text) => {
    const script = document.createElement('script');
    script.textContent = text;
    document.documentElement.append(script);
    script.remove();
  }, source);
}

/** Fires the scenario of the page in tab `handle` once more and waits until it is done. */
async function fire(handle) {
  await pageScript(handle, 'window.done = false;');
  await inTab(handle, () => window.fireNow());
  await waitFor('page done', () => inTab(handle, () => window.done === true), { timeout: 15_000 });
}

/**
 * Opens scenario `name` in a new tab (on host `host`, another "site" reached through the proxy,
 * when given), runs `init` in the page first when given, then fires it. Returns
 * { handle, url, tabId }.
 */
async function open(name, { host, init } = {}) {
  const handle = await newTab();
  runs += 1;
  let url = `${ctx.server.pageUrl(name, { wait: true })}&run=${runs}`;
  if (host) url = url.replace('127.0.0.1', host);
  await ctx.mn.send('WebDriver:Navigate', { url });
  assert.equal((await ctx.mn.send('WebDriver:GetCurrentURL')).value, url);
  if (init) await pageScript(handle, init);
  await fire(handle);
  const tabId = await ctx.home.tabIdOf(url);
  return { handle, url, tabId };
}

/** Waits until the tab has `n` records, then a moment for a wrong extra one. */
async function settled(tabId, n) {
  if (n > 0) {
    await waitFor(`${n} record(s)`, async () => (await ctx.home.records(tabId)).length >= n);
  }
  // The background holds a bodiless record 400 ms for its body; Firefox delivers webRequest
  // events up to ~150 ms after the page hook's message.
  await sleep(1_000);
  return ctx.home.records(tabId);
}

/** The extension's Console lines in the page at `url`. */
async function extensionLines(url) {
  return (await consoleEvents(ctx.mn, url)).filter((e) => e.filename.startsWith(`${EXT_ORIGIN}/`));
}

/** Waits for `n` extension lines in the page at `url`, then a moment for a wrong extra one. */
async function linesSettled(url, n) {
  if (n > 0) await waitFor(`${n} console line(s)`, async () => (await extensionLines(url)).length >= n);
  await sleep(500);
  return extensionLines(url);
}

/** Opens `page` (an extension page) in a new tab and waits until `ready` holds there. */
async function openExtensionPage(page, ready) {
  const handle = await newTab();
  await ctx.mn.send('WebDriver:Navigate', { url: `${EXT_ORIGIN}/${page}` });
  await waitFor(`${page} ready`, () => ctx.mn.run(ready), { timeout: 15_000 });
  return handle;
}

const openOptions = () =>
  openExtensionPage('options.html', () => document.getElementById('statuses').value !== '');

const storedSetting = (key) =>
  ctx.home.inExtension(async (k) => (await browser.storage.local.get(k))[k], key);

/** Clicks the checkbox `selector` in tab `handle` when it is not already `checked`. */
async function setCheckbox(handle, selector, checked) {
  await inTab(handle, (sel, want) => {
    const box = document.querySelector(sel);
    if (box.checked !== want) box.click();
  }, selector, checked);
}

describe('controls in Firefox ESR', () => {
  before(async () => {
    ctx.server = await startServer({ mappedHosts: true });
    Object.assign(ctx, await launchFirefox(ctx.server));
    ctx.home = await extensionHome(ctx.mn);
  }, { timeout: 90_000 });

  after(async () => {
    await ctx.close?.();
    await ctx.server?.close();
  }, { timeout: 30_000 });

  test('a 402 prints one Console line from the extension, which the page cannot silence', BOUNDED, async () => {
    // The page's own console.warn is replaced before the request: the extension's line comes
    // from its content script's console, which the page cannot reach.
    const { handle, url, tabId } = await open('retry-after', { init: 'console.warn = () => {};' });
    assert.equal((await settled(tabId, 1)).length, 1);
    const lines = await linesSettled(url, 1);
    assert.equal(lines.length, 1, `one line: ${JSON.stringify(lines)}`);
    const [line] = lines;
    assert.equal(line.level, 'warn');
    assert.equal(line.filename, `${EXT_ORIGIN}/content/console.js`, 'the source is the extension');
    // Firefox stores the arguments with the constant '%s' format applied: summary, details.
    const [summary, details] = line.arguments;
    assert.ok(summary.startsWith('Why 402 · POST openrouter.ai/api/v1/chat/completions → '), summary);
    assert.match(summary, /\(OpenRouter\)\. .+https:\/\/openrouter\.ai\//, summary);
    assert.match(details.cause, /rate_limited/);
    assert.ok(details.steps.length > 0 && details.evidence.length > 0, JSON.stringify(details));
    assert.match(details.retry, /30 seconds/);
    assert.deepEqual(line.styles, []);

    // The page's own console is untouched: its message arrives as the page sent it, from it.
    await pageScript(handle, "console.log('page says %s', 'hi');");
    const own = await waitFor('the page\'s own line', async () =>
      (await consoleEvents(ctx.mn, url)).find((e) => e.level === 'log'));
    assert.deepEqual(own.arguments, ['page says hi']);
    assert.ok(own.filename.startsWith(ctx.server.origin), own.filename);
    assert.equal((await extensionLines(url)).length, 1, 'still one extension line');
    await closeTab(handle);
  });

  test('format directives and markup from a response print literally', BOUNDED, async () => {
    const { handle, url, tabId } = await open('console-hostile');
    await settled(tabId, 1);
    const lines = await linesSettled(url, 1);
    assert.equal(lines.length, 1);
    const [summary, details] = lines[0].arguments;
    // The URL's %c%s is an argument after the format, never part of the format itself: it is
    // neither substituted nor turned into a style.
    assert.ok(summary.includes('pay.example/v1/%c%s/charge'), summary);
    assert.deepEqual(lines[0].styles, []);
    const all = JSON.stringify(details);
    assert.ok(all.includes('%c background:red %s <img src=x onerror=alert(1)>'), all);
    assert.ok(all.includes('Payment required %c font-size:80px;color:red %s %o <b>bold</b>'), all);
    await closeTab(handle);
  });

  test('turning Console lines off in the options stops them, at once', BOUNDED, async () => {
    const options = await openOptions();
    await setCheckbox(options, '#consoleLines', false);
    await waitFor('setting saved', async () => (await storedSetting('consoleLines')) === false);
    const { handle, url, tabId } = await open('x402-v1');
    assert.equal((await settled(tabId, 1)).length, 1, 'still recorded');
    assert.deepEqual(await linesSettled(url, 0), [], 'no Console line');

    // Back on: the next failure in the same page prints its line.
    await setCheckbox(options, '#consoleLines', true);
    await waitFor('setting saved', async () => (await storedSetting('consoleLines')) === true);
    await fire(handle);
    assert.equal((await settled(tabId, 2)).length, 2);
    assert.equal((await linesSettled(url, 1)).length, 1, 'one line for the new record');
    await closeTab(options);
    await closeTab(handle);
  });

  test('pausing a site stops its records, badge and Console lines, not another site\'s', BOUNDED, async () => {
    const paused = 'paused-site.test';
    const first = await open('x402-v1', { host: paused });
    assert.equal((await settled(first.tabId, 1)).length, 1);
    assert.equal(await ctx.home.badge(first.tabId), '1');

    // The popup's switch for this tab's site.
    const popup = await openExtensionPage(`popup.html?tab=${first.tabId}`,
      () => !!document.querySelector('[data-testid=pause-site]'));
    const label = await inTab(popup, () => document.querySelector('label[for=pause-site]').textContent);
    assert.equal(label, `Pause on ${paused}`);
    await setCheckbox(popup, '[data-testid=pause-site]', true);
    await waitFor('badge off', async () => (await ctx.home.badge(first.tabId)) === 'off');
    assert.deepEqual(await storedSetting('pausedSites'), [paused]);

    // A new page on the paused site: nothing recorded, no line, the badge still says off.
    await closeTab(first.handle);
    const again = await open('x402-v1', { host: paused });
    assert.equal((await settled(again.tabId, 0)).length, 0, 'nothing recorded while paused');
    assert.deepEqual(await linesSettled(again.url, 0), [], 'no Console line while paused');
    // DevTools' view of a response in that tab is not recorded either.
    const x402 = scenarios.find((s) => s.name === 'x402-v1');
    await inTab(popup, (tab_id, body) => browser.runtime.sendMessage({
      type: 'devtools-entry',
      tab_id,
      entry: {
        request: { method: 'GET', url: 'https://api.example.com/premium-data', headers: [] },
        response: { status: 402, headers: [], content: { mimeType: 'application/json', text: body } },
      },
    }), again.tabId, x402.response.body);
    assert.equal((await settled(again.tabId, 0)).length, 0, 'no DevTools record while paused');
    await waitFor('badge off after navigation', async () => (await ctx.home.badge(again.tabId)) === 'off');

    const other = await open('x402-v1', { host: 'other-site.test' });
    assert.equal((await settled(other.tabId, 1)).length, 1, 'another site is recorded');
    assert.equal(await ctx.home.badge(other.tabId), '1');
    assert.equal((await linesSettled(other.url, 1)).length, 1, 'another site gets its line');

    // Switched back: the badge leaves "off" and the site is recorded again.
    await setCheckbox(popup, '[data-testid=pause-site]', false);
    await waitFor('badge back', async () => (await ctx.home.badge(again.tabId)) === '');
    await fire(again.handle);
    assert.equal((await settled(again.tabId, 1)).length, 1, 'recorded after resuming');
    assert.equal(await ctx.home.badge(again.tabId), '1');
    assert.equal((await linesSettled(again.url, 1)).length, 1, 'a line after resuming');

    // Pause everywhere, from the same popup.
    await setCheckbox(popup, '[data-testid=pause-all]', true);
    await waitFor('every badge off', async () =>
      (await ctx.home.badge(other.tabId)) === 'off' && (await ctx.home.badge(again.tabId)) === 'off');
    await fire(other.handle);
    assert.equal((await settled(other.tabId, 1)).length, 1, 'nothing new while paused everywhere');
    assert.equal((await extensionLines(other.url)).length, 1, 'no new line while paused everywhere');
    await setCheckbox(popup, '[data-testid=pause-all]', false);
    await waitFor('badge restored', async () => (await ctx.home.badge(other.tabId)) === '1');
    await closeTab(popup);
    await closeTab(again.handle);
    await closeTab(other.handle);
  });

  test('clear all records, from the options page', BOUNDED, async () => {
    const { handle, tabId } = await open('x402-v2');
    assert.equal((await settled(tabId, 1)).length, 1);
    const options = await openOptions();
    await inTab(options, () => document.getElementById('clear').click());
    await waitFor('cleared', () => inTab(options, () =>
      document.getElementById('status').textContent === 'All records cleared.'), { timeout: 5_000 });
    assert.deepEqual(await ctx.home.records(tabId), []);
    assert.equal(await ctx.home.badge(tabId), '');
    await closeTab(options);
    await closeTab(handle);
  });

  test('the popup has a keyboard shortcut', BOUNDED, async () => {
    const commands = await ctx.home.inExtension(() => browser.commands.getAll());
    const action = commands.find((c) => c.name === '_execute_action');
    assert.equal(action?.shortcut, 'Alt+Shift+Y', JSON.stringify(commands));
  });
});

describe('options persist across a Firefox restart', () => {
  let profile;

  before(async () => {
    ctx.server = await startServer({ mappedHosts: true });
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'why402-firefox-restart-'));
  }, { timeout: 30_000 });

  after(async () => {
    await ctx.close?.();
    await ctx.server?.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }, { timeout: 30_000 });

  const start = async () => {
    Object.assign(ctx, await launchFirefox(ctx.server, { profile }));
    ctx.home = await extensionHome(ctx.mn);
  };

  test('options take effect at once and survive a restart', { timeout: 180_000 }, async () => {
    await start();
    const options = await openOptions();
    assert.equal(await inTab(options, () => document.getElementById('statuses').value),
      '400, 401, 403, 412, 422, 429, 500, 503', 'the default statuses come from the crate');
    await inTab(options, () => {
      const input = document.getElementById('statuses');
      input.value = '401, 403, 429';
      input.dispatchEvent(new Event('change'));
      document.getElementById('site').value = 'https://Paused.Example:8443/x';
      document.querySelector('#add-site button[type=submit]').click();
    });
    await setCheckbox(options, '#bodyCapture', false);
    await waitFor('all saved', async () => (await storedSetting('bodyCapture')) === false
      && JSON.stringify(await storedSetting('statuses')) === '[401,403,429]'
      && JSON.stringify(await storedSetting('pausedSites')) === '["paused.example"]');

    // In effect without reloading anything: a 400 is no longer checked, bodies are not kept.
    const credits = await open('llm-credits-fetch');
    assert.equal((await settled(credits.tabId, 0)).length, 0, '400 unticked: ignored');
    const x402 = await open('x402-v1');
    const list = await settled(x402.tabId, 1);
    assert.equal(list.length, 1);
    assert.equal(list[0].has_body, false, 'headers only');
    await ctx.close();

    // The same profile again: Firefox starts anew, the add-on is installed again.
    await start();
    const again = await openOptions();
    const shown = await inTab(again, () => ({
      statuses: document.getElementById('statuses').value,
      bodyCapture: document.getElementById('bodyCapture').checked,
      consoleLines: document.getElementById('consoleLines').checked,
      sites: [...document.querySelectorAll('#sites li span')].map((el) => el.textContent),
    }));
    assert.deepEqual(shown,
      { statuses: '401, 403, 429', bodyCapture: false, consoleLines: true, sites: ['paused.example'] });
    const afterRestart = await open('llm-credits-fetch');
    assert.equal((await settled(afterRestart.tabId, 0)).length, 0, 'still ignored after restart');
  });
});
