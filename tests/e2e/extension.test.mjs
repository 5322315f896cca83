// End-to-end tests: the unpacked extension in Debian's Chromium (headless) against the local
// scenario server. What a user would see: the badge count, the popup's cause/provider/steps,
// the DevTools panel; plus what must never happen: network requests by the extension, markup
// from a response body coming alive, pages noticing the fetch/XHR hook.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, scenarios } from './server.mjs';
import {
  launch, waitFor, within, tabIdOf, records, badge, screenshotPath,
  publishScreenshot, connectCdp, inWorker,
} from './browser.mjs';
import { fillSessionStorage, keysLeft } from './session-storage.mjs';

const byName = new Map(scenarios.map((s) => [s.name, s]));
const expectOf = (name) => byName.get(name).expect;

let runs = 0;

/** Opens a scenario page, lets it fire, returns { page, tabId, list } once recorded. */
async function runScenario(ctx, name) {
  const { context, server } = ctx;
  const s = byName.get(name);
  const page = await context.newPage();
  // A unique URL per run: tabs are found by URL, and a page left open by a failed test must
  // not be mistaken for this one.
  runs += 1;
  await page.goto(`${server.pageUrl(name)}?run=${runs}`, { timeout: 15_000 });
  if (s.trigger === 'navigate') {
    await page.waitForURL((u) => u.pathname === s.path && u.hostname === s.host,
      { timeout: 15_000 });
  } else {
    await page.waitForFunction(() => window.done === true, null, { timeout: 15_000 });
  }
  const tabId = await tabIdOf(context, page);
  const e = s.expect;
  let list = [];
  if (e) {
    // A body seen by the page is captured by the page hook (or the relay for documents) and
    // merged into the webRequest record; wait for that unless the page could not read it.
    const wantBody = s.trigger !== 'fetch-no-cors' && s.response.body.length > 0;
    list = await waitFor(`${name} recorded${wantBody ? ' with body' : ''}`, async () => {
      const l = await records(context, tabId);
      return l.length > 0 && (!wantBody || l.every((r) => r.has_body)) && l;
    });
    if (!wantBody) {
      // Nothing to wait for: leave time for a (wrong) second record from the page hook.
      await new Promise((r) => setTimeout(r, 500));
      list = await records(context, tabId);
    }
  } else {
    // Nothing must appear: give the worker a moment to (wrongly) record something.
    await new Promise((r) => setTimeout(r, 800));
    list = await records(context, tabId);
  }
  return { page, tabId, list };
}

async function openPopup(ctx, tabId, { width = 420, height = 600 } = {}) {
  const popup = await ctx.context.newPage();
  await popup.setViewportSize({ width, height });
  const dialogs = [];
  popup.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await popup.goto(`chrome-extension://${ctx.extensionId}/popup.html?tab=${tabId}`,
    { timeout: 15_000 });
  await popup.waitForSelector('.why402-popup [data-testid=record], .why402-popup [data-testid=empty]',
    { timeout: 15_000 });
  return { popup, dialogs };
}

/** Makes sure the detail view of the newest record is showing. */
async function showDetail(popup) {
  if (!(await popup.locator('[data-testid=detail]').isVisible())) {
    await popup.locator('[data-testid=record]').first().click({ timeout: 5_000 });
  }
  await popup.waitForSelector('[data-testid=detail]', { timeout: 5_000 });
}

/** Checks the popup against the scenario's expectations and the stored diagnosis. */
async function checkPopup(popup, name, record) {
  const e = expectOf(name);
  const first = popup.locator('[data-testid=record]').first();
  if (e.cause) assert.equal(await first.getAttribute('data-cause'), e.cause, `${name}: cause`);
  if (e.provider) {
    assert.equal(await first.getAttribute('data-provider'), e.provider, `${name}: provider`);
    // Named in the headline or next to it.
    assert.ok(record.diagnosis.provider_name
      && (await first.innerText()).includes(record.diagnosis.provider_name), `${name}: provider shown`);
  }
  if (e.protocol) assert.equal(record.diagnosis.protocol, e.protocol, `${name}: protocol`);
  assert.ok((await first.locator('[data-testid=headline]').innerText()).trim(), `${name}: headline`);
  const firstStep = (await first.locator('[data-testid=first-step]').innerText()).trim();
  assert.ok(firstStep.length > 0, `${name}: first step shown`);
  assert.ok(record.diagnosis.steps.length > 0, `${name}: diagnosis has steps`);
  // The first action: the CORS fix when the page cannot read the answer, else the first step
  // (inline code is shown without its backticks).
  const cors = record.diagnosis.findings.find((f) => f.code.startsWith('cors_') && f.fix);
  const want = (cors ? cors.fix : record.diagnosis.steps[0].text).replaceAll('`', '');
  assert.ok(firstStep.includes(want.slice(0, 40)),
    `${name}: first step is the diagnosis' first action (${firstStep})`);

  await showDetail(popup);
  const detail = popup.locator('[data-testid=detail]');
  assert.ok((await detail.locator('[data-testid=summary]').innerText()).trim(), `${name}: summary`);
  assert.ok((await detail.locator('[data-testid=steps] li').count()) > 0, `${name}: steps list`);
  if (e.body_detail) {
    assert.match(await detail.innerText(), new RegExp(e.body_detail, 'i'), `${name}: body detail`);
  }
  if (e.payment) assert.ok(await detail.locator('[data-testid=payment]').isVisible(), `${name}: payment`);
  if (e.retry) assert.ok(await detail.locator('[data-testid=retry]').isVisible(), `${name}: retry`);
  if (e.cors_warning) {
    assert.ok(await detail.locator('[data-testid=cors-warning]').isVisible(), `${name}: cors warning`);
  }
}

describe('extension in Chromium', () => {
  const ctx = {};
  const extensionRequests = [];
  let wasmSeen = false;

  before(async () => {
    ctx.server = await startServer({ mappedHosts: true });
    Object.assign(ctx, await launch({ tlsPort: ctx.server.tlsPort }));
    // Everything the extension itself loads: its pages and its service worker.
    ctx.context.on('request', (req) => {
      const fromWorker = req.serviceWorker()?.url().startsWith('chrome-extension://');
      let fromPage = false;
      try {
        fromPage = req.frame().page().url().startsWith('chrome-extension://');
      } catch {
        // service worker requests have no frame
      }
      if (!fromWorker && !fromPage) return;
      if (req.url().endsWith('/pkg/why402_bg.wasm')) wasmSeen = true;
      if (!/^(chrome-extension|data|blob):/.test(req.url())) extensionRequests.push(req.url());
    });
  });

  after(async () => {
    await ctx.close?.();
    await ctx.server?.close();
  });

  const simple = ['x402-v1', 'x402-v2', 'l402', 'stripe-decline', 'llm-credits-fetch',
    'llm-credits-xhr', 'vercel-disabled', 'pay-per-crawl', 'retry-after', 'x402-v2-cors'];
  for (const name of simple) {
    test(`${name}: badge and popup`, async () => {
      const { page, tabId, list } = await runScenario(ctx, name);
      assert.equal(list.length, 1, `${name}: one record (${list.map((r) => r.url)})`);
      const [record] = list;
      assert.equal(await badge(ctx.context, tabId), '1', `${name}: badge`);
      if (expectOf(name).cors_warning) {
        assert.ok(record.page_error, `${name}: page error noted (${record.page_error})`);
        assert.equal(record.has_body, false);
      }
      const { popup, dialogs } = await openPopup(ctx, tabId);
      await checkPopup(popup, name, record);
      assert.deepEqual(dialogs, []);
      if (name === 'x402-v1') {
        await popup.screenshot({ path: screenshotPath('popup.png') });
        publishScreenshot('popup.png');
      }
      await popup.close();
      await page.close();
    });
  }

  test('plain 429 shows nothing', async () => {
    const { page, tabId, list } = await runScenario(ctx, 'plain-429');
    assert.deepEqual(list, []);
    assert.equal(await badge(ctx.context, tabId), '');
    const { popup } = await openPopup(ctx, tabId);
    assert.ok(await popup.locator('[data-testid=empty]').isVisible());
    await popup.close();
    await page.close();
  });

  test('a hostile body renders inert', async () => {
    const { page, tabId, list } = await runScenario(ctx, 'hostile-body');
    assert.equal(list.length, 1);
    const { popup, dialogs } = await openPopup(ctx, tabId);
    await showDetail(popup);
    await popup.waitForTimeout(300); // time for an injected onerror to fire, if one existed
    assert.deepEqual(dialogs, [], 'no dialog');
    const dangerous = await popup.evaluate(() => ({
      imgs: [...document.querySelectorAll('img')].filter((i) => /\/x$/.test(i.src)).length,
      scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
      jsLinks: document.querySelectorAll('a[href^="javascript" i]').length,
      handlers: [...document.querySelectorAll('*')]
        .filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).length,
    }));
    assert.deepEqual(dangerous, { imgs: 0, scripts: 0, jsLinks: 0, handlers: 0 });
    // The hostile strings are shown, as text: the checks above looked at rendered body content.
    assert.match(await popup.locator('[data-testid=detail]').innerText(), /<img src=x onerror=/);
    await popup.close();
    await page.close();
  });

  test('the page cannot tell the hook is there', async () => {
    const { page, tabId } = await runScenario(ctx, 'page-compat');
    const compat = await page.evaluate(() => window.compat);
    assert.deepEqual(compat, { ok: true, problems: [] });
    // The fetch and the XHR each produced a record with the body the page read.
    // The badge is set when the list is written: wait until both say the same.
    const list = await waitFor('badge and stored list agree', async () => {
      const got = await records(ctx.context, tabId);
      return got.length >= 1 && (await badge(ctx.context, tabId)) === String(got.length) && got;
    });
    assert.ok(list.every((r) => r.has_body), JSON.stringify(list.map((r) => r.id)));
    await page.close();
  });

  test('records survive a stopped service worker', async () => {
    const { page, tabId } = await runScenario(ctx, 'stripe-decline');
    const before = await records(ctx.context, tabId);
    assert.equal(before.length, 1);
    // Stop it through an extension page: the ServiceWorker domain sees its own origin's workers.
    const { popup: stopper } = await openPopup(ctx, tabId);
    const cdp = await ctx.context.newCDPSession(stopper);
    const status = (want) => new Promise((resolve) => cdp.on('ServiceWorker.workerVersionUpdated',
      (e) => e.versions.some((v) => v.runningStatus === want) && resolve()));
    const running = status('running');
    const stopped = status('stopped');
    await cdp.send('ServiceWorker.enable');
    await within(10_000, 'service worker listed', running); // stopAllWorkers needs it known
    await cdp.send('ServiceWorker.stopAllWorkers');
    await within(10_000, 'service worker stop', stopped);
    await cdp.detach();
    await stopper.close();

    // The popup reads storage directly: the records are still there.
    const { popup } = await openPopup(ctx, tabId);
    assert.equal(await popup.locator('[data-testid=record]').count(), 1);
    await checkPopup(popup, 'stripe-decline', before[0]);
    await popup.close();

    // A new payment failure wakes the worker, which records it next to the old tab's records.
    const next = await runScenario(ctx, 'llm-credits-fetch');
    assert.equal(next.list.length, 1);
    assert.equal(await badge(ctx.context, next.tabId), '1');
    assert.deepEqual((await records(ctx.context, tabId)).map((r) => r.id), before.map((r) => r.id));
    await next.page.close();
    await page.close();
  });

  test('a full session storage gives way to the newest record', async () => {
    // Lists of other (stale) tabs fill storage.session until nothing more fits.
    const filler = await inWorker(ctx.context, fillSessionStorage);
    assert.ok(filler.length >= 9, `storage filled (${filler.length} lists)`);
    try {
      const { page, tabId, list } = await runScenario(ctx, 'x402-v1');
      assert.equal(list.length, 1, 'the new record was stored');
      assert.equal(await badge(ctx.context, tabId), '1');
      const left = await inWorker(ctx.context, keysLeft, filler);
      assert.ok(!left.includes(filler[0]), 'the stalest list went first');
      assert.ok(left.includes(filler[filler.length - 1]), 'only as many lists as needed went');
      await page.close();
    } finally {
      await inWorker(ctx.context, (keys) => chrome.storage.session.remove(keys), filler);
    }
  });

  test('a new top-level navigation clears the tab', async () => {
    const { page, tabId } = await runScenario(ctx, 'x402-v1');
    assert.equal((await records(ctx.context, tabId)).length, 1);
    await page.goto(`${ctx.server.origin}/scenarios/`, { timeout: 15_000 });
    await waitFor('tab cleared', async () => (await records(ctx.context, tabId)).length === 0);
    assert.equal(await badge(ctx.context, tabId), '');
    await page.close();
  });

  test('panel.html renders stored records as a plain page', async () => {
    const { page, tabId } = await runScenario(ctx, 'x402-v2');
    const panel = await ctx.context.newPage();
    await panel.setViewportSize({ width: 1000, height: 640 });
    await panel.goto(`chrome-extension://${ctx.extensionId}/panel.html?tab=${tabId}`,
      { timeout: 15_000 });
    await panel.waitForSelector('.why402-panel [data-testid=record]', { timeout: 15_000 });
    const first = panel.locator('[data-testid=record]').first();
    assert.equal(await first.getAttribute('data-cause'), 'payment_challenge');
    if (!(await panel.locator('[data-testid=detail]').isVisible())) await first.click();
    assert.ok(await panel.locator('[data-testid=payment]').isVisible());
    await panel.screenshot({ path: screenshotPath('panel.png') });
    publishScreenshot('panel.png');
    await panel.close();
    await page.close();
  });

  // Last, so it covers everything above.
  test('the extension made no network request of its own', () => {
    assert.ok(wasmSeen, 'request tracking works (the worker loading its wasm was seen)');
    assert.deepEqual(extensionRequests, []);
  });
});

describe('DevTools panel (auto-opened DevTools)', () => {
  const ctx = {};
  let cdp;

  before(async () => {
    ctx.server = await startServer({ mappedHosts: true });
    Object.assign(ctx, await launch({ devtools: true, tlsPort: ctx.server.tlsPort }));
    cdp = await connectCdp(ctx.profile);
  });

  after(async () => {
    cdp?.close();
    await ctx.close?.();
    await ctx.server?.close();
  });

  test('devtools page forwards bodies and the panel shows the diagnosis', async () => {
    const name = 'llm-credits-fetch';
    // The initial tab, so that there is exactly one DevTools window (the front-end to drive).
    const page = ctx.context.pages()[0] || (await ctx.context.newPage());
    await page.goto(ctx.server.pageUrl(name, { wait: true }), { timeout: 15_000 });
    const tabId = await tabIdOf(ctx.context, page);
    const extUrl = `chrome-extension://${ctx.extensionId}/`;

    // The devtools page of this tab must be listening before the request goes out.
    const devtoolsPage = await waitFor('devtools page of the tab', async () => {
      for (const t of await cdp.targets()) {
        if (t.url !== `${extUrl}devtools.html`) continue;
        const inspected = await cdp.evaluate(t.targetId, 'chrome.devtools.inspectedWindow.tabId');
        if (inspected === tabId) return t;
      }
      return null;
    }, { timeout: 20_000 });
    await waitFor('devtools page ready', () =>
      cdp.evaluate(devtoolsPage.targetId, 'globalThis.why402DevtoolsReady === true'),
    { timeout: 15_000 });

    await page.evaluate(() => window.fireNow());
    await page.waitForFunction(() => window.done === true, null, { timeout: 15_000 });
    await waitFor('devtools entry recorded', async () =>
      (await records(ctx.context, tabId)).some((r) => r.source === 'devtools'));
    await new Promise((r) => setTimeout(r, 500)); // let the page hook's copy arrive too
    const list = await records(ctx.context, tabId);
    assert.equal(list.length, 1, 'network, page and devtools views merged into one record');
    assert.ok(list[0].has_body);
    assert.equal(list[0].diagnosis.cause, expectOf(name).cause);

    // Show the panel inside the DevTools front-end (DevTools internals: one smoke test only).
    const frontEnd = await waitFor('devtools front-end target', async () =>
      (await cdp.targets()).find((t) => t.url.startsWith('devtools://devtools/')));
    // The panel's id is the extension origin followed by its title without spaces.
    const shownPanel = await cdp.evaluate(frontEnd.targetId, `(async () => {
      const legacy = await import('./ui/legacy/legacy.js');
      const view = legacy.InspectorView.InspectorView.instance();
      const id = view.tabbedPane.tabIds().find((t) => t.startsWith(${JSON.stringify(extUrl.slice(0, -1))}));
      if (id) await view.showPanel(id);
      return id;
    })()`);
    assert.ok(shownPanel, 'the Why 402 panel is registered in DevTools');
    const panel = await waitFor('panel target', async () =>
      (await cdp.targets()).find((t) => t.url.startsWith(`${extUrl}panel.html`)), { timeout: 15_000 });
    const shown = await waitFor('panel renders the record', () => cdp.evaluate(panel.targetId, `(() => {
      const r = document.querySelector('.why402-panel [data-testid=record]');
      return r && { cause: r.dataset.cause, provider: r.dataset.provider };
    })()`), { timeout: 15_000 });
    assert.deepEqual(shown, { cause: expectOf(name).cause, provider: expectOf(name).provider });

    const sessionId = await cdp.attach(frontEnd.targetId);
    const shot = await cdp.send('Page.captureScreenshot', { format: 'png' }, sessionId);
    fs.writeFileSync(screenshotPath('devtools-panel.png'), Buffer.from(shot.data, 'base64'));
    publishScreenshot('devtools-panel.png');
    await page.close();
  });
});
