// End-to-end tests of the Firefox build (dist/firefox) in Debian's Firefox ESR, headless, driven
// over Marionette, against the same scenario server and scenarios as the Chromium tests: what a
// user sees (badge, popup, panel) and what must never happen (a request of the extension's own,
// markup from a body coming alive, pages noticing the hook, the browser's own requests counted).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, scenarios } from '../server.mjs';
import {
  launchFirefox, extensionHome, waitFor, sleep, EXT_ORIGIN, GECKO_ID, screenshotPath,
  publishScreenshot, openTab, closeTabFor,
} from './firefox.mjs';
import { fillSessionStorage, keysLeft } from '../session-storage.mjs';

const byName = new Map(scenarios.map((s) => [s.name, s]));
const expectOf = (name) => byName.get(name).expect;

// No test may hang the suite: every browser call and wait below has its own limit too.
const BOUNDED = { timeout: 60_000 };

const ctx = {};
let runs = 0;

const newTab = () => openTab(ctx.mn);
const closeTab = (handle) => closeTabFor(ctx.mn, handle, ctx.home.handle);

const currentUrl = async () => (await ctx.mn.send('WebDriver:GetCurrentURL')).value;

/** Opens a scenario page in a new tab, lets it fire, returns { handle, tabId, list }. */
async function runScenario(name) {
  const s = byName.get(name);
  const handle = await newTab();
  // A unique URL per run: tabs are found by URL.
  runs += 1;
  await ctx.mn.send('WebDriver:Navigate', { url: `${ctx.server.pageUrl(name)}?run=${runs}` });
  if (s.trigger === 'navigate') {
    await waitFor(`${name} navigated`, async () => {
      const u = new URL(await currentUrl());
      return u.hostname === s.host && u.pathname === s.path;
    }, { timeout: 15_000 });
  } else {
    await waitFor(`${name} fired`, () => ctx.mn.run(() => window.done === true), { timeout: 15_000 });
  }
  const tabId = await ctx.home.tabIdOf(await currentUrl());
  if (s.expect) {
    // A body the page could read is captured by the page hook (or the relay for documents)
    // and merged into the webRequest record; wait for it unless the page could not read it.
    const wantBody = s.trigger !== 'fetch-no-cors' && s.response.body.length > 0;
    let last = [];
    await waitFor(`${name} recorded${wantBody ? ' with body' : ''}`, async () => {
      last = await ctx.home.records(tabId);
      return last.length > 0 && (!wantBody || last.every((r) => r.has_body)) && last;
    }, { timeout: 10_000 }).catch((err) => {
      err.message += ` records: ${JSON.stringify(last.map((r) => [r.id, r.url, r.has_body]))}`;
      throw err;
    });
  }
  // Time for a (wrong) second record: Firefox delivers webRequest events up to ~150 ms after
  // the page hook's message about the same response.
  await sleep(800);
  return { handle, tabId, list: await ctx.home.records(tabId) };
}

/** Shows `page` (popup.html or panel.html) for `tabId` in a new tab once it has rendered. */
async function openExtensionPage(page, tabId) {
  const handle = await newTab();
  await ctx.mn.send('WebDriver:Navigate', { url: `${EXT_ORIGIN}/${page}?tab=${tabId}` });
  await waitFor(`${page} rendered`, () => ctx.mn.run(() =>
    !!document.querySelector('[data-testid=record], [data-testid=empty]')), { timeout: 15_000 });
  return handle;
}

/** What the popup or panel shows of its newest record, opening its detail view. */
async function shownRecord() {
  const list = await ctx.mn.run(() => {
    const first = document.querySelector('[data-testid=record]');
    const text = (sel) => (first.querySelector(sel)?.innerText || '').trim();
    return {
      count: document.querySelectorAll('[data-testid=record]').length,
      cause: first.dataset.cause,
      provider: first.dataset.provider,
      text: first.innerText,
      headline: text('[data-testid=headline]'),
      firstStep: text('[data-testid=first-step]'),
    };
  });
  await ctx.mn.run(() => {
    const detail = document.querySelector('[data-testid=detail]');
    if (!detail || detail.getClientRects().length === 0) {
      document.querySelector('[data-testid=record]').click();
    }
  });
  const detail = await waitFor('detail view', () => ctx.mn.run(() => {
    const d = document.querySelector('[data-testid=detail]');
    const visible = (sel) => !!d.querySelector(sel) && d.querySelector(sel).getClientRects().length > 0;
    return d && d.getClientRects().length > 0 && {
      summary: (d.querySelector('[data-testid=summary]')?.innerText || '').trim(),
      steps: d.querySelectorAll('[data-testid=steps] li').length,
      text: d.innerText,
      payment: visible('[data-testid=payment]'),
      retry: visible('[data-testid=retry]'),
      cors: visible('[data-testid=cors-warning]'),
    };
  }), { timeout: 5_000 });
  return { ...list, detail };
}

/** Checks what the popup shows against the scenario's expectations and the stored record. */
function checkShown(name, shown, record) {
  const e = expectOf(name);
  if (e.cause) assert.equal(shown.cause, e.cause, `${name}: cause`);
  if (e.provider) {
    assert.equal(shown.provider, e.provider, `${name}: provider`);
    // Named in the headline or next to it.
    assert.ok(record.diagnosis.provider_name && shown.text.includes(record.diagnosis.provider_name),
      `${name}: provider shown`);
  }
  if (e.protocol) assert.equal(record.diagnosis.protocol, e.protocol, `${name}: protocol`);
  assert.ok(shown.headline, `${name}: headline`);
  assert.ok(shown.firstStep, `${name}: first step shown`);
  assert.ok(record.diagnosis.steps.length > 0, `${name}: diagnosis has steps`);
  // The first action: the CORS fix when the page cannot read the answer, else the first step
  // (inline code is shown without its backticks).
  const cors = record.diagnosis.findings.find((f) => f.code.startsWith('cors_') && f.fix);
  const want = (cors ? cors.fix : record.diagnosis.steps[0].text).replaceAll('`', '');
  assert.ok(shown.firstStep.includes(want.slice(0, 40)),
    `${name}: first step is the diagnosis' first action (${shown.firstStep})`);
  assert.ok(shown.detail.summary, `${name}: summary`);
  assert.ok(shown.detail.steps > 0, `${name}: steps list`);
  if (e.body_detail) assert.match(shown.detail.text, new RegExp(e.body_detail, 'i'), `${name}: body detail`);
  if (e.payment) assert.ok(shown.detail.payment, `${name}: payment`);
  if (e.retry) assert.ok(shown.detail.retry, `${name}: retry`);
  if (e.cors_warning) assert.ok(shown.detail.cors, `${name}: cors warning`);
}

/** No alert, confirm or prompt is open in the current tab. */
async function noDialog() {
  try {
    const { value } = await ctx.mn.send('WebDriver:GetAlertText');
    return `dialog: ${value}`;
  } catch (err) {
    if (/no such alert/.test(err.message)) return null;
    throw err;
  }
}

/** Resizes the window so that the page viewport is `width` × `height`, for screenshots. */
async function setViewport(width, height) {
  await ctx.mn.send('WebDriver:SetWindowRect', { width, height });
  const inner = await ctx.mn.run(() => [window.innerWidth, window.innerHeight]);
  await ctx.mn.send('WebDriver:SetWindowRect',
    { width: 2 * width - inner[0], height: 2 * height - inner[1] });
}

async function screenshot(name) {
  const { value } = await ctx.mn.send('WebDriver:TakeScreenshot', { full: false, hash: false });
  fs.writeFileSync(screenshotPath(name), Buffer.from(value, 'base64'));
  publishScreenshot(name);
}

/** Runs `fn` in the browser's chrome (privileged) context. */
async function inChrome(fn, ...args) {
  await ctx.mn.setContext('chrome');
  try {
    return await ctx.mn.run(fn, ...args);
  } finally {
    await ctx.mn.setContext('content');
  }
}

describe('extension in Firefox ESR', () => {
  before(async () => {
    ctx.server = await startServer({ mappedHosts: true });
    Object.assign(ctx, await launchFirefox(ctx.server));
    ctx.home = await extensionHome(ctx.mn);
    // Every HTTP(S) request the extension makes, from any of its pages or its background: the
    // loads of its own moz-extension:// files never reach the network stack.
    await inChrome((id) => {
      window.why402ExtensionRequests = [];
      const observer = (subject) => {
        const channel = subject.QueryInterface(Ci.nsIChannel);
        const principal = channel.loadInfo?.triggeringPrincipal;
        if (principal?.addonId === id) window.why402ExtensionRequests.push(channel.URI.spec);
      };
      Services.obs.addObserver(observer, 'http-on-modify-request');
    }, GECKO_ID);
  }, { timeout: 90_000 });

  after(async () => {
    await ctx.close?.();
    await ctx.server?.close();
  }, { timeout: 30_000 });

  // First: Firefox fetches a site's icon once and then keeps it.
  test('the site icon of a host answering every path with 402 is not counted', BOUNDED, async () => {
    const before = ctx.proxy.seen.length;
    const { handle, tabId, list } = await runScenario('vercel-disabled');
    // The browser did ask for the icon (and got a 402), it is just not the page's failure.
    await waitFor('favicon requested', () =>
      ctx.proxy.seen.slice(before).includes('my-app.vercel.app/favicon.ico'));
    await sleep(500);
    assert.deepEqual((await ctx.home.records(tabId)).map((r) => r.url), list.map((r) => r.url));
    assert.deepEqual(list.map((r) => r.url), ['https://my-app.vercel.app/']);
    assert.equal(await ctx.home.badge(tabId), '1');
    await closeTab(handle);
  });

  const simple = ['x402-v1', 'x402-v2', 'l402', 'stripe-decline', 'llm-credits-fetch',
    'llm-credits-xhr', 'vercel-disabled', 'pay-per-crawl', 'retry-after', 'x402-v2-cors'];
  for (const name of simple) {
    test(`${name}: badge and popup`, BOUNDED, async () => {
      const { handle, tabId, list } = await runScenario(name);
      assert.equal(list.length, 1, `${name}: one record (${list.map((r) => `${r.id} ${r.url}`)})`);
      const [record] = list;
      assert.equal(await ctx.home.badge(tabId), '1', `${name}: badge`);
      if (expectOf(name).cors_warning) {
        // Firefox gives no `initiator`: the origin comes from `originUrl`.
        assert.equal(record.diagnosis.cors?.page_can_read_response, false,
          `${name}: cross-origin response the page could not read`);
        // No error event in Firefox: the page hook saw the fetch rejected. Its report comes in
        // its own message, possibly after the record was first written.
        const noted = await waitFor(`${name}: page error noted`, async () =>
          (await ctx.home.records(tabId)).find((r) => r.id === record.id && r.page_error));
        assert.ok(noted.page_error);
        assert.equal(record.has_body, false);
      }
      const popup = await openExtensionPage('popup.html', tabId);
      checkShown(name, await shownRecord(), record);
      assert.equal(await noDialog(), null);
      if (name === 'x402-v1') {
        await setViewport(420, 600);
        await screenshot('firefox-popup.png');
        await ctx.mn.send('WebDriver:SetWindowRect', { width: 1100, height: 800 });
      }
      await closeTab(popup);
      await closeTab(handle);
    });
  }

  test('plain 429 shows nothing', BOUNDED, async () => {
    const { handle, tabId, list } = await runScenario('plain-429');
    assert.deepEqual(list, []);
    assert.equal(await ctx.home.badge(tabId), '');
    const popup = await openExtensionPage('popup.html', tabId);
    assert.ok(await ctx.mn.run(() => !!document.querySelector('[data-testid=empty]')));
    await closeTab(popup);
    await closeTab(handle);
  });

  test('a hostile body renders inert', BOUNDED, async () => {
    const { handle, tabId, list } = await runScenario('hostile-body');
    assert.equal(list.length, 1);
    const popup = await openExtensionPage('popup.html', tabId);
    const shown = await shownRecord();
    await sleep(300); // time for an injected onerror to fire, if one existed
    assert.equal(await noDialog(), null);
    const dangerous = await ctx.mn.run(() => ({
      imgs: [...document.querySelectorAll('img')].filter((i) => /\/x$/.test(i.src)).length,
      scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
      jsLinks: document.querySelectorAll('a[href^="javascript" i]').length,
      handlers: [...document.querySelectorAll('*')]
        .filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).length,
    }));
    assert.deepEqual(dangerous, { imgs: 0, scripts: 0, jsLinks: 0, handlers: 0 });
    // The hostile strings are shown, as text.
    assert.match(shown.detail.text, /<img src=x onerror=/);
    await closeTab(popup);
    await closeTab(handle);
  });

  test('the page cannot tell the hook is there', BOUNDED, async () => {
    const { handle, tabId } = await runScenario('page-compat');
    const compat = await ctx.mn.run(() => window.wrappedJSObject?.compat ?? window.compat);
    assert.deepEqual(compat, { ok: true, problems: [] });
    // The fetch and the XHR each produced one record with the body the page read.
    const list = await ctx.home.records(tabId);
    assert.ok(list.length >= 1 && list.every((r) => r.has_body), JSON.stringify(list.map((r) => r.id)));
    assert.equal(await ctx.home.badge(tabId), String(list.length));
    await closeTab(handle);
  });

  test('records survive the background being stopped when idle, and nothing is lost', BOUNDED, async () => {
    const { handle, tabId } = await runScenario('stripe-decline');
    const before = await ctx.home.records(tabId);
    assert.equal(before.length, 1);
    // The profile stops the event page after 3 s without events.
    const state = () => inChrome((id) => WebExtensionPolicy.getByID(id).extension.backgroundState, GECKO_ID);
    await waitFor('background stopped', async () => (await state()) === 'stopped',
      { timeout: 20_000, interval: 250 });

    // The popup reads storage directly: the records are still there.
    const popup = await openExtensionPage('popup.html', tabId);
    const shown = await shownRecord();
    assert.equal(shown.count, 1);
    checkShown('stripe-decline', shown, before[0]);
    await closeTab(popup);

    // A new payment failure wakes it; it records the failure, body included, once, next to
    // the first tab's records.
    const next = await runScenario('llm-credits-fetch');
    assert.equal(next.list.length, 1, JSON.stringify(next.list.map((r) => r.id)));
    assert.ok(next.list[0].has_body);
    assert.equal(await ctx.home.badge(next.tabId), '1');
    assert.deepEqual((await ctx.home.records(tabId)).map((r) => r.id), before.map((r) => r.id));
    await closeTab(next.handle);
    await closeTab(handle);
  });

  test('a full session storage gives way to the newest record', BOUNDED, async () => {
    // Lists of other (stale) tabs fill storage.session (Firefox enforces its quota) until
    // nothing more fits.
    const filler = await ctx.home.inExtension(fillSessionStorage);
    assert.ok(filler.length >= 9, `storage filled (${filler.length} lists)`);
    try {
      const { handle, tabId, list } = await runScenario('x402-v1');
      assert.equal(list.length, 1, 'the new record was stored');
      assert.equal(await ctx.home.badge(tabId), '1');
      const left = await ctx.home.inExtension(keysLeft, filler);
      assert.ok(!left.includes(filler[0]), 'the stalest list went first');
      assert.ok(left.includes(filler[filler.length - 1]), 'only as many lists as needed went');
      await closeTab(handle);
    } finally {
      await ctx.home.inExtension((keys) => browser.storage.session.remove(keys), filler);
    }
  });

  test('a new top-level navigation clears the tab', BOUNDED, async () => {
    const { handle, tabId } = await runScenario('x402-v1');
    assert.equal((await ctx.home.records(tabId)).length, 1);
    await ctx.mn.send('WebDriver:SwitchToWindow', { handle });
    await ctx.mn.send('WebDriver:Navigate', { url: `${ctx.server.origin}/scenarios/` });
    await waitFor('tab cleared', async () => (await ctx.home.records(tabId)).length === 0);
    assert.equal(await ctx.home.badge(tabId), '');
    await closeTab(handle);
  });

  test('panel.html renders stored records as a plain page', BOUNDED, async () => {
    const { handle, tabId } = await runScenario('x402-v2');
    const panel = await openExtensionPage('panel.html', tabId);
    assert.ok(await ctx.mn.run(() => !!document.querySelector('.why402-panel [data-testid=record]')));
    const shown = await shownRecord();
    assert.equal(shown.cause, 'payment_challenge');
    assert.ok(shown.detail.payment);
    await closeTab(panel);
    await closeTab(handle);
  });

  test('DevTools: entries flow without the Network panel, and the Why 402 panel shows them', BOUNDED, async () => {
    const name = 'llm-credits-fetch';
    const handle = await newTab();
    runs += 1;
    await ctx.mn.send('WebDriver:Navigate', { url: `${ctx.server.pageUrl(name, { wait: true })}&run=${runs}` });
    const tabId = await ctx.home.tabIdOf(await currentUrl());
    await ctx.mn.send('WebDriver:SwitchToWindow', { handle });
    // DevTools opens on the Inspector: the Network panel is never shown before the request.
    const panelId = await inChrome(async () => {
      const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
      const { gDevTools } = require('devtools/client/framework/devtools');
      const toolbox = await gDevTools.showToolboxForTab(gBrowser.selectedTab, { toolId: 'inspector' });
      // The devtools page registers the panel, then its network listener.
      for (let i = 0; i < 100 && toolbox.additionalToolDefinitions.size === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
      }
      return [...toolbox.additionalToolDefinitions.keys()].find((id) => id.startsWith('webext-devtools-panel-'));
    });
    assert.ok(panelId, 'the Why 402 panel is registered in DevTools');
    await sleep(1000); // the listener's registration reaches the parent process

    await ctx.mn.run(() => window.fireNow());
    await waitFor('page done', () => ctx.mn.run(() => window.done === true));
    await waitFor('devtools entry recorded', async () =>
      (await ctx.home.records(tabId)).some((r) => r.source === 'devtools'), { timeout: 10_000 });
    await sleep(500); // let a (wrong) separate record arrive
    const list = await ctx.home.records(tabId);
    assert.equal(list.length, 1, 'network, page and devtools views merged into one record');
    assert.ok(list[0].has_body);
    assert.equal(list[0].diagnosis.cause, expectOf(name).cause);

    // Show the panel and read what it renders (its page runs in the extension's process: a
    // frame script reads it).
    await ctx.mn.send('WebDriver:SwitchToWindow', { handle });
    const shown = await inChrome(async (id) => {
      const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
      const { gDevTools } = require('devtools/client/framework/devtools');
      const toolbox = gDevTools.getToolboxForTab(gBrowser.selectedTab);
      await toolbox.selectTool(id);
      const frame = toolbox.doc.getElementById(`toolbox-panel-iframe-${id}`);
      const read = () => new Promise((resolve) => {
        const browser = frame?.contentDocument?.querySelector('browser');
        if (!browser?.messageManager) return resolve(null);
        const mm = browser.messageManager;
        const done = (m) => {
          mm.removeMessageListener('why402-panel', done);
          resolve(m.data);
        };
        mm.addMessageListener('why402-panel', done);
        mm.loadFrameScript(`data:,const r = content.document.querySelector('.why402-panel [data-testid=record]');
          sendAsyncMessage('why402-panel', r && { url: content.location.href, cause: r.dataset.cause,
            provider: r.dataset.provider });`, false);
        setTimeout(() => resolve(null), 2000);
      });
      for (let i = 0; i < 20; i += 1) {
        const seen = await read();
        if (seen) return seen;
        await new Promise((r) => setTimeout(r, 250));
      }
      return null;
    }, panelId);
    assert.deepEqual(shown, {
      url: `${EXT_ORIGIN}/panel.html`, cause: expectOf(name).cause, provider: expectOf(name).provider,
    });
    await ctx.mn.setContext('chrome');
    try {
      await screenshot('firefox-panel.png');
    } finally {
      await ctx.mn.setContext('content');
    }
    await inChrome(async () => {
      const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
      const { gDevTools } = require('devtools/client/framework/devtools');
      await gDevTools.closeToolboxForTab(gBrowser.selectedTab);
    });
    await closeTab(handle);
  });

  // Last, so it covers everything above.
  test('the extension made no network request of its own', BOUNDED, async () => {
    const seen = () => inChrome(() => window.why402ExtensionRequests);
    assert.deepEqual(await seen(), []);
    // The observer does see the extension's requests: one made on purpose from its page.
    const probe = `${ctx.server.origin}/scenarios/?probe`;
    await ctx.home.inExtension((url) => fetch(url).then((r) => r.status), probe);
    assert.deepEqual(await seen(), [probe]);
  });
});
