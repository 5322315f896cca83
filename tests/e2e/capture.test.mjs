// Browser tests of the capture pipeline (Debian's Chromium, headless): bursts of failures, a
// worker stopped mid-burst, both arrival orders of webRequest and the page's capture, and a
// hostile page that tries to feed, alter or detect the hook. Counts and contents only: timings
// are `make bench`'s business (scripts/bench-extension.mjs).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launch, waitFor, within, tabIdOf, records, badge, inWorker } from './browser.mjs';

const MAX_RECORDS_PER_TAB = 100; // src/capture/merge.rs
const BODY = (n) => JSON.stringify({
  error: { message: `Insufficient credits (request ${n}). Add more at https://example.com/billing`, code: 402 },
});

/** A local server: /page/<name> pages, /pay/<n> a 402 with a JSON body (?delay=ms holds the body). */
function startServer() {
  const pages = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname.startsWith('/page/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><meta charset="utf-8"><title>t</title><body>
        <script>${pages.get(url.pathname.slice(6)) || ''}</script>`);
      return;
    }
    const pay = /^\/pay\/(\d+)$/.exec(url.pathname);
    if (pay) {
      res.writeHead(402, { 'content-type': 'application/json' });
      const delay = Number(url.searchParams.get('delay')) || 0;
      // Headers go out at once (webRequest sees them); the body, which the page hook needs,
      // comes after the delay.
      res.flushHeaders();
      setTimeout(() => res.end(BODY(pay[1])), delay);
      return;
    }
    if (url.pathname === '/ok') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('fine');
      return;
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    resolve({
      origin,
      page(name, script) {
        pages.set(name, script);
        return `${origin}/page/${name}`;
      },
      close: () => new Promise((r) => server.close(r)),
    });
  }));
}

async function open(ctx, name, script) {
  const page = await ctx.context.newPage();
  await page.goto(ctx.server.page(name, script), { timeout: 15_000 });
  const tabId = await tabIdOf(ctx.context, page);
  return { page, tabId };
}

/** Waits until the tab's stored list stops changing; returns it. */
async function settled(ctx, tabId, { want, timeout = 30_000 } = {}) {
  let last = '';
  let stableSince = Date.now();
  return waitFor('records settled', async () => {
    const list = await records(ctx.context, tabId);
    const sig = JSON.stringify(list.map((r) => [r.id, r.has_body]));
    if (sig !== last) {
      last = sig;
      stableSince = Date.now();
      return false;
    }
    return Date.now() - stableSince > 700 && (!want || want(list)) && list;
  }, { timeout, interval: 150 });
}

async function stopWorker(ctx, helperPage) {
  const cdp = await ctx.context.newCDPSession(helperPage);
  try {
    await cdp.send('ServiceWorker.enable');
    await new Promise((r) => setTimeout(r, 50));
    await cdp.send('ServiceWorker.stopAllWorkers');
  } finally {
    await cdp.detach().catch(() => {});
  }
}

describe('capture pipeline in Chromium', () => {
  const ctx = {};

  before(async () => {
    ctx.server = await startServer();
    Object.assign(ctx, await launch({ tlsPort: 9 }));
  });

  after(async () => {
    await ctx.close?.();
    await ctx.server?.close();
  });

  test('a burst of 1,000 fetch + 100 XHR failures keeps the newest 100, each with its body', async () => {
    const testStart = Date.now();
    const { page, tabId } = await open(ctx, 'burst', `
      window.done = false;
      (async () => {
        await Promise.all(Array.from({ length: 1000 }, (_, i) =>
          fetch('/pay/' + i).then((r) => r.text()).catch(() => {})));
        for (let i = 1000; i < 1100; i += 1) {
          await new Promise((resolve) => {
            const x = new XMLHttpRequest();
            x.onloadend = resolve;
            x.open('GET', '/pay/' + i);
            x.send();
          });
        }
        window.done = true;
      })();`);
    await page.waitForFunction(() => window.done === true, null, { timeout: 120_000 });
    // The page is done before the worker has seen its last responses: wait for the final list
    // (the XHRs, fired last), not the first full one.
    const payId = (r) => Number(/\/pay\/(\d+)$/.exec(r.url)[1]);
    const list = await settled(ctx, tabId, {
      want: (l) => l.length === MAX_RECORDS_PER_TAB && l.every((r) => r.has_body && payId(r) >= 1000),
      timeout: 30_000,
    }).catch(async (err) => {
      const l = await records(ctx.context, tabId);
      const ids = l.map(payId);
      throw new Error(`${err.message}: ${l.length} records, ${l.filter((r) => r.has_body).length} with body, `
        + `ids ${Math.min(...ids)}–${Math.max(...ids)}, ${ids.filter((i) => i < 1000).length} below 1000: `
        + l.filter((r) => payId(r) < 1000).slice(0, 5).map((r) => `${r.id}/${r.source}/${r.request_id}/${r.time_ms}`).join(' ')
        + ` (first XHR at ${l.find((r) => payId(r) >= 1000)?.time_ms}; worker started at `
        + `${await inWorker(ctx.context, () => performance.timeOrigin).catch(() => '?')}, test at ${testStart})`);
    });
    assert.equal(list.length, MAX_RECORDS_PER_TAB);
    const ids = list.map(payId).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: 100 }, (_, i) => 1000 + i), 'the newest 100: the XHRs');
    for (const r of list) {
      assert.ok(r.has_body, `${r.url} has its body`);
      assert.match(r.entry.response.content.text, /Insufficient credits \(request \d+\)/);
      assert.equal(r.diagnosis.cause, 'insufficient_balance');
      assert.equal(r.schema, 2);
    }
    assert.equal(await badge(ctx.context, tabId), String(list.length), 'badge = records kept');
    await page.close();
  });

  test('a worker stopped during a burst loses nothing', async () => {
    const N = 90;
    const { page, tabId } = await open(ctx, 'stops', `
      window.done = false;
      window.fire = async () => {
        for (let i = 0; i < ${N}; i += 1) {
          fetch('/pay/' + i).then((r) => r.text()).catch(() => {});
          await new Promise((r) => setTimeout(r, 40));
        }
        window.done = true;
      };`);
    const helper = await ctx.context.newPage();
    await helper.goto(`chrome-extension://${ctx.extensionId}/popup.html?tab=${tabId}`);
    const firing = page.evaluate(() => window.fire());
    let stops = 0;
    // Stop the worker repeatedly while the page fires (bounded: at most 8 stops).
    for (; stops < 8; stops += 1) {
      await new Promise((r) => setTimeout(r, 400));
      if (await page.evaluate(() => window.done)) break;
      await stopWorker(ctx, helper);
    }
    await within(30_000, 'page fired', firing);
    assert.ok(stops >= 3, `the worker was stopped ${stops} times during the burst`);
    const list = await settled(ctx, tabId, { want: (l) => l.length === N && l.every((r) => r.has_body) })
      .catch(async (err) => {
        const l = await records(ctx.context, tabId);
        throw new Error(`${err.message}: ${l.length} of ${N} recorded, ${l.filter((r) => r.has_body).length} with body`);
      });
    assert.equal(list.length, N, 'every failure recorded');
    assert.ok(list.every((r) => r.has_body), 'each with its body');
    assert.equal(await badge(ctx.context, tabId), String(N));
    await helper.close();
    await page.close();
  });

  for (const order of ['webRequest first', 'page capture first']) {
    test(`one record with the body whatever arrives first: ${order}`, async () => {
      // Page capture first: the worker holds webRequest's event back (as Firefox delivers it
      // late). webRequest first: the server holds the body back, which the page hook waits for.
      const holdWebRequest = order === 'page capture first' ? 600 : 0;
      const delay = order === 'webRequest first' ? 600 : 0;
      const { page, tabId } = await open(ctx, `order-${delay}`, `
        window.fire = () => fetch('/pay/7?delay=${delay}').then((r) => r.text());`);
      await inWorker(ctx.context, (ms) => { globalThis.why402TestHoldWebRequestMs = ms; }, holdWebRequest);
      try {
        await page.evaluate(() => window.fire());
        const list = await settled(ctx, tabId, { want: (l) => l.length === 1 && l[0].has_body });
        assert.equal(list.length, 1);
        assert.ok(list[0].has_body);
        assert.equal(list[0].source, 'page');
        assert.ok(list[0].request_id, 'webRequest saw it');
        assert.equal(list[0].diagnosis.cause, 'insufficient_balance');
      } finally {
        await inWorker(ctx.context, () => { delete globalThis.why402TestHoldWebRequestMs; });
      }
      await page.close();
    });
  }

  test('a new page keeps its records that arrived before the navigation event', async () => {
    // The old page's record, then a new document whose request fails right away.
    const { page, tabId } = await open(ctx, 'nav-old', `fetch('/pay/1').then((r) => r.text());`);
    await settled(ctx, tabId, { want: (l) => l.length === 1 });
    await page.goto(ctx.server.page('nav-new', `fetch('/pay/2').then((r) => r.text());`));
    const list = await settled(ctx, tabId, { want: (l) => l.length === 1 && /\/pay\/2$/.test(l[0].url) });
    assert.equal(list.length, 1);
    assert.ok(list[0].has_body);
    await page.close();
  });

  test('a hostile page can neither feed, alter nor detect the hook', async () => {
    const { page, tabId } = await open(ctx, 'hostile', `
      const calls = [];
      const frame = document.createElement('iframe');
      document.body.append(frame);
      const pristine = frame.contentWindow;
      const spy = (proto, name, replacement) => {
        const orig = proto[name];
        proto[name] = function (...args) {
          calls[calls.length] = name + ' ' + (new Error().stack || '');
          return replacement ? replacement.call(this, orig, args) : orig.apply(this, args);
        };
      };
      const ports = [];
      spy(MessagePort.prototype, 'postMessage', function (orig, args) {
        ports[ports.length] = this;
        return orig.apply(this, args);
      });
      spy(Promise.prototype, 'then');
      spy(Promise.prototype, 'catch');
      spy(Response.prototype, 'clone', function () {
        // A forged copy: if the hook used it, the record would carry this body.
        return new Response('{"error":{"message":"forged","doc_url":"https://evil.test/"}}',
          { status: 402 });
      });
      spy(Set.prototype, 'has');
      spy(Array.prototype, 'push');
      spy(String.prototype, 'toUpperCase');
      spy(String.prototype, 'split');
      spy(Headers.prototype, 'forEach');
      spy(ReadableStream.prototype, 'getReader');
      spy(TextDecoder.prototype, 'decode');
      spy(EventTarget.prototype, 'dispatchEvent');
      const origStringify = JSON.stringify;
      JSON.stringify = function (...a) { calls[calls.length] = 'stringify ' + new Error().stack; return origStringify.apply(this, a); };
      Object.defineProperty(Object.prototype, 'get', { get() { calls[calls.length] = 'Object.prototype.get ' + new Error().stack; }, configurable: true });

      // Forgeries: a hello of the page's own, and posting on any port it got hold of.
      const channel = new MessageChannel();
      document.dispatchEvent(new MessageEvent('why402-hello', { ports: [channel.port2], cancelable: true }));
      document.dispatchEvent(new Event('why402-relay-ready'));

      window.result = (async () => {
        const r = await fetch('/pay/5');
        const text = await r.text();
        await fetch('/ok').then(() => {}, () => {});
        await new Promise((resolve) => {
          const x = new XMLHttpRequest();
          x.onloadend = resolve;
          x.open('POST', '/pay/6');
          x.send();
        });
        const fake = { request: { method: 'POST', url: 'https://api.stripe.com/v1/charges', headers: [] },
          response: { status: 402, statusText: '', headers: [],
            content: { mimeType: 'application/json', text: '{"error":{"type":"card_error","decline_code":"insufficient_funds","doc_url":"https://evil.test/"}}' } } };
        for (const p of ports) {
          p.postMessage({ kind: 'entry', entry: fake });
          p.postMessage({ source: 'why402-page', entry: JSON.stringify(fake) });
        }
        const ts = (f) => pristine.Function.prototype.toString.call(f);
        const own = (f) => Function.prototype.toString.call(f);
        const stackOf = (fn) => { try { fn(); } catch (e) { return String(e.stack); } return ''; };
        const problems = [];
        const same = (a, b, what) => { if (a !== b) problems.push(what + ': ' + a + ' vs ' + b); };
        same(own(fetch), ts(pristine.fetch), 'fetch toString');
        same(own(XMLHttpRequest.prototype.open), ts(pristine.XMLHttpRequest.prototype.open), 'open toString');
        same(own(Function.prototype.toString), ts(pristine.Function.prototype.toString), 'toString toString');
        same(fetch.name, pristine.fetch.name, 'fetch name');
        same(fetch.length, pristine.fetch.length, 'fetch length');
        same(XMLHttpRequest.prototype.open.name, 'open', 'open name');
        same(XMLHttpRequest.prototype.open.length, pristine.XMLHttpRequest.prototype.open.length, 'open length');
        same(Function.prototype.toString.name, 'toString', 'toString name');
        same(Object.getOwnPropertyNames(fetch).join(), Object.getOwnPropertyNames(pristine.fetch).join(), 'fetch own properties');
        same('prototype' in fetch, 'prototype' in pristine.fetch, 'fetch prototype');
        const stacks = [
          stackOf(() => fetch()),
          stackOf(() => XMLHttpRequest.prototype.open.call(1)),
          stackOf(() => new XMLHttpRequest().open('GET', 'http://[bad')),
          stackOf(() => Function.prototype.toString.call(1)),
          stackOf(() => new fetch()),
        ];
        for (const s of stacks) if (/extension:\\/\\//.test(s)) problems.push('stack shows the extension: ' + s);
        return { text, problems, calls: calls.filter((c) => /extension:\\/\\//.test(c)), ports: ports.length };
      })();`);
    const result = await page.evaluate(() => window.result);
    assert.deepEqual(result.problems, [], 'indistinguishable from a pristine frame');
    assert.deepEqual(result.calls, [], 'no page-overridable method called from the extension');
    assert.equal(result.ports, 0, 'the page never got hold of the port');
    assert.match(result.text, /request 5/);
    const list = await settled(ctx, tabId, { want: (l) => l.length === 2 && l.every((r) => r.has_body) });
    assert.deepEqual(list.map((r) => new URL(r.url).pathname).sort(), ['/pay/5', '/pay/6']);
    for (const r of list) {
      assert.doesNotMatch(r.entry.response.content.text, /forged|evil/);
      assert.equal(r.diagnosis.provider ?? null, null);
    }
    await page.close();
  });
});
