// `make bench-extension`: what the extension costs, in one run of headless Chromium (Debian's),
// against a local server. Browsers run side by side: no extension; the floors (an empty MV3
// extension; one that holds the webRequest permission and registers nothing, which already puts
// every request through Chromium's webRequest proxy; one whose only code is a one-line
// webRequest.onHeadersReceived listener, without and with "extraHeaders"); and Why 402. Each round measures every browser in turn (alternating the order). The table gives
// medians, and ratios to "no extension" taken round by round (paired: a slow moment of the
// machine slows both sides of a ratio alike) with their median and range. Page loads are timed
// inside the page (navigation start → all subresources done), without the driver's round trips.
// Timings only: nothing here is asserted.
//
//   node scripts/bench-extension.mjs [rounds]     (default 7; BENCH_ROUNDS also works)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import crypto from 'node:crypto';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const EXT = path.join(ROOT, 'extension');
const ROUNDS = Number(process.argv[2] || process.env.BENCH_ROUNDS || 7);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'why402-bench-'));

// ---- the floors ----------------------------------------------------------------------------
function floorExtension(name, background) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const manifest = { manifest_version: 3, name, version: '1.0', host_permissions: ['<all_urls>'],
    permissions: background !== null ? ['webRequest'] : [] };
  if (background) {
    manifest.background = { service_worker: 'bg.js' };
    fs.writeFileSync(path.join(dir, 'bg.js'), background);
  }
  // The empty extension page for the popup comparison: same stylesheet, nothing else.
  fs.copyFileSync(path.join(EXT, 'ui.css'), path.join(dir, 'ui.css'));
  fs.writeFileSync(path.join(dir, 'empty.html'),
    '<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="ui.css"><main id="root">empty</main>');
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}
const listener = (spec) => `chrome.webRequest.onHeadersReceived.addListener(() => {}, { urls: ['<all_urls>'] }, ${spec});`;
const FLOORS = [
  ['empty MV3', floorExtension('empty', null)],
  ['webRequest permission', floorExtension('permission', '// registers nothing')],
  ['listener', floorExtension('listener', listener("['responseHeaders']"))],
  ['listener + extraHeaders', floorExtension('extra', listener("['responseHeaders', 'extraHeaders']"))],
];

// ---- the server ----------------------------------------------------------------------------
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const BODY = JSON.stringify({ error: { message: 'Insufficient credits. Add more at https://example.com/billing', code: 402 } });
const page = (script, extra = '') => `<!doctype html><meta charset="utf-8"><title>b</title><body>${extra}<script>${script}</script>`;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  if (p === '/load') {
    const imgs = Array.from({ length: 300 }, (_, i) => `<img src="/img/${i}.png" width=1 height=1>`).join('');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(`window.done = false; const imgs = [...document.images].map((im) => im.complete ? 0 : new Promise((r) => { im.onload = im.onerror = r; }));
      Promise.all([...imgs, ...Array.from({ length: 300 }, (_, i) => fetch('/ok?' + i).then((r) => r.text()))]).then(() => { window.doneAt = performance.now(); window.done = true; });`, imgs));
  } else if (p === '/blank') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(''));
  } else if (p.startsWith('/img/')) {
    res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
    res.end(PNG);
  } else if (p === '/ok') {
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    res.end('fine');
  } else if (p.startsWith('/pay/')) {
    res.writeHead(402, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(BODY);
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;

// ---- browsers ------------------------------------------------------------------------------
async function launch(name, ext) {
  const profile = fs.mkdtempSync(path.join(tmp, 'profile-'));
  const args = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];
  if (ext) args.push(`--disable-extensions-except=${ext}`, `--load-extension=${ext}`);
  const context = await chromium.launchPersistentContext(profile,
    { executablePath: CHROMIUM, headless: true, args });
  // An unpacked extension's id: SHA-256 of its path, first 32 hex digits written with a-p.
  const id = ext && [...crypto.createHash('sha256').update(ext).digest('hex').slice(0, 32)]
    .map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
  if (ext && fs.existsSync(path.join(ext, 'manifest.json'))
    && JSON.parse(fs.readFileSync(path.join(ext, 'manifest.json'), 'utf8')).background) {
    context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  }
  return { name, context, id };
}

// Why 402 runs from a copy with one extra page: the popup's stylesheet and nothing else, the
// baseline for "popup open → first record" in the same extension.
const OURS = path.join(tmp, 'why402');
fs.cpSync(EXT, OURS, { recursive: true });
fs.writeFileSync(path.join(OURS, 'bench-empty.html'),
  '<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="ui.css"><main id="root">empty</main>');

const browsers = [await launch('none', null)];
for (const [name, dir] of FLOORS) browsers.push(await launch(name, dir));
const ours = await launch('Why 402', OURS);
browsers.push(ours);
// Experiments: BENCH_VARIANTS="label=/path/to/extension;…" adds browsers to the page-load and
// fetch rows (e.g. a copy of extension/ with one lever changed).
for (const spec of (process.env.BENCH_VARIANTS || '').split(';').filter(Boolean)) {
  const [label, dir] = spec.split('=');
  browsers.push(await launch(label, path.resolve(dir)));
}

async function timed(b, url, ready) {
  const pg = await b.context.newPage();
  const t0 = performance.now();
  await pg.goto(url);
  await pg.waitForFunction(ready, null, { timeout: 60_000 });
  const ms = performance.now() - t0;
  return { pg, ms };
}

async function worker() {
  return ours.context.serviceWorkers()[0] || ours.context.waitForEvent('serviceworker', { timeout: 15_000 });
}
async function tabOf(pg) {
  const url = pg.url();
  const w = await worker();
  return w.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id, url);
}
async function tabState(tabId) {
  const w = await worker();
  return w.evaluate(async (id) => ({
    badge: await chrome.action.getBadgeText({ tabId: id }),
    n: JSON.parse((await chrome.storage.session.get(`tab:${id}`))[`tab:${id}`] || '[]').length,
  }), tabId);
}
async function stopWorker(helper) {
  const cdp = await ours.context.newCDPSession(helper);
  await cdp.send('ServiceWorker.enable');
  await new Promise((r) => setTimeout(r, 100));
  await cdp.send('ServiceWorker.stopAllWorkers');
  await new Promise((r) => setTimeout(r, 300));
  await cdp.detach();
}

// ---- measurements --------------------------------------------------------------------------
const results = {}; // name -> browser -> round -> [ms]
let round = 0;
const add = (what, b, ms) => {
  results[what] ??= {};
  ((results[what][b] ??= [])[round] ??= []).push(ms);
};

const PER_CALL = `(() => {
  const N = 2000;
  let t = performance.now();
  for (let i = 0; i < N; i += 1) fetch('/ok?c' + i).catch(() => {});
  const fetchUs = (performance.now() - t) * 1000 / N;
  t = performance.now();
  for (let i = 0; i < N * 5; i += 1) new XMLHttpRequest().open('GET', '/ok');
  const openUs = (performance.now() - t) * 1000 / (N * 5);
  return { fetchUs, openUs };
})()`;

// Samples per round of the short measurements, so that one hiccup does not make a round.
const REPEAT = 3;
for (round = 0; round < ROUNDS; round += 1) {
  const order = round % 2 === 0 ? browsers : [...browsers].reverse();
  for (const b of order) {
    const load = await timed(b, `${ORIGIN}/load?r=${round}`, () => window.done === true);
    add('page load: 300 images + 300 fetch() 200s (ms)', b.name, await load.pg.evaluate(() => window.doneAt));
    await load.pg.close();
    const pg = await b.context.newPage();
    await pg.goto(`${ORIGIN}/blank?r=${round}`);
    for (let k = 0; k < REPEAT; k += 1) {
      for (const [what, url] of [['300 fetch() 200s (ms)', '/ok?'], ['300 fetch() 402s (ms)', '/pay/']]) {
        const ms = await pg.evaluate(async (u) => {
          const t = performance.now();
          await Promise.all(Array.from({ length: 300 }, (_, i) => fetch(u + i).then((r) => r.text())));
          return performance.now() - t;
        }, `${url}${round}-${k}-`);
        add(what, b.name, ms);
      }
    }
    const calls = await pg.evaluate(PER_CALL);
    add('fetch() call, synchronous part (µs)', b.name, calls.fetchUs);
    add('XHR.open() call (µs)', b.name, calls.openUs);
    await pg.close();
  }

  // Why 402 alone: the burst, the popup, the badge latency.
  const burst = await ours.context.newPage();
  await burst.goto(`${ORIGIN}/blank?burst=${round}`);
  const tabId = await tabOf(burst);
  const last = await burst.evaluate(async () => {
    let lastAt = 0;
    const mark = () => { lastAt = Date.now(); };
    await Promise.all(Array.from({ length: 1000 }, (_, i) => fetch('/pay/' + i).then((r) => r.text()).then(mark)));
    for (let i = 1000; i < 1100; i += 1) {
      await new Promise((resolve) => { const x = new XMLHttpRequest(); x.onloadend = () => { mark(); resolve(); }; x.open('GET', '/pay/' + i); x.send(); });
    }
    return lastAt;
  });
  let state = await tabState(tabId);
  let changedAt = Date.now();
  for (let i = 0; i < 200; i += 1) { // bounded: at most ~20 s of polling
    await new Promise((r) => setTimeout(r, 50));
    const now = await tabState(tabId);
    if (now.badge !== state.badge || now.n !== state.n) { state = now; changedAt = Date.now(); }
    if (Date.now() - changedAt > 2500) break;
  }
  add('1,100-failure burst: last response → badge and list final (ms)', 'Why 402', Math.max(0, changedAt - last));
  add('1,100-failure burst: records kept (of 1,100 fired; cap 100)', 'Why 402', state.n);

  // A tab with 10 records, as the issue measured the popup; the burst tab holds the cap, 100.
  const ten = await ours.context.newPage();
  await ten.goto(`${ORIGIN}/blank?ten=${round}`);
  const tenId = await tabOf(ten);
  await ten.evaluate(() => Promise.all(Array.from({ length: 10 }, (_, i) => fetch('/pay/t' + i).then((r) => r.text()))));
  for (let i = 0; i < 100 && (await tabState(tenId)).n < 10; i += 1) { // bounded: ~5 s
    await new Promise((r) => setTimeout(r, 50));
  }

  // The popup against the empty page, rotating which goes first.
  let popup;
  const POPUPS = [[10, tenId], [100, tabId]];
  const what = (n) => `popup open → first record, ${n} records (ms)`;
  const kinds = ['empty', ...POPUPS];
  for (let k = 0; k < REPEAT; k += 1) {
    for (let j = 0; j < kinds.length; j += 1) {
      const which = kinds[(round + k + j) % kinds.length];
      const pg = await ours.context.newPage();
      const t = performance.now();
      if (which !== 'empty') {
        await pg.goto(`chrome-extension://${ours.id}/popup.html?tab=${which[1]}`);
        await pg.waitForSelector('[data-testid=record]');
        add(what(which[0]), 'Why 402', performance.now() - t);
        await popup?.close();
        popup = pg;
      } else {
        await pg.goto(`chrome-extension://${ours.id}/bench-empty.html`);
        await pg.waitForSelector('#root');
        const ms = performance.now() - t;
        for (const [n] of POPUPS) add(what(n), 'empty page, same stylesheet', ms);
        await pg.close();
      }
    }
  }
  await ten.close();

  for (const stopped of [false, true]) {
    if (stopped) await stopWorker(popup);
    const one = await ours.context.newPage();
    await one.goto(`${ORIGIN}/blank?one=${round}-${stopped}`);
    const id = await tabOf(one);
    if (stopped) await stopWorker(popup);
    const at = await one.evaluate(async () => { await (await fetch('/pay/x')).text(); return Date.now(); });
    let seen = at;
    for (let i = 0; i < 400; i += 1) { // bounded: ~10 s
      if ((await ours.context.serviceWorkers()[0]?.evaluate(
        (tid) => chrome.action.getBadgeText({ tabId: tid }), id).catch(() => '')) === '1') { seen = Date.now(); break; }
      await new Promise((r) => setTimeout(r, 25));
    }
    add(`402 → badge, ${stopped ? 'stopped' : 'warm'} worker (ms)`, 'Why 402', seen - at);
    await one.close();
  }
  await popup.close();
  await burst.close();
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}

// ---- the table -----------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const roundsOf = (by, b) => (by[b] || []).map((xs) => (xs ? median(xs) : undefined));
// The ratio b / base, round by round: "median (min–max)".
const paired = (by, b, base) => {
  const num = roundsOf(by, b);
  const den = roundsOf(by, base);
  const r = num.map((x, i) => (x !== undefined && den[i] ? x / den[i] : undefined)).filter((x) => x !== undefined);
  if (!r.length) return '';
  return `${median(r).toFixed(2)}× (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`;
};
const cell = (by, b) => {
  const xs = roundsOf(by, b).filter((x) => x !== undefined);
  return xs.length ? fmt(median(xs)) : '';
};
console.log(`\nWhy 402 extension benchmark: ${ROUNDS} rounds, headless ${CHROMIUM}; medians, and ratios taken round by round: median (min–max)`);
const floors = FLOORS.map(([name]) => name);
const variants = browsers.slice(floors.length + 2).map((b) => b.name);
const extra = [...floors, ...variants];
console.log(`| measurement | none | Why 402 | Why 402 / none |${extra.map((v) => ` ${v} |`).join('')}`);
console.log(`| --- | --- | --- | --- |${extra.map(() => ' --- |').join('')}`);
const EMPTY_PAGE = 'empty page, same stylesheet';
for (const [what, by] of Object.entries(results)) {
  if (what.startsWith('popup')) {
    console.log(`| ${what} | ${cell(by, EMPTY_PAGE)} (empty page) | ${cell(by, 'Why 402')} | ${paired(by, 'Why 402', EMPTY_PAGE)} the empty page |${extra.map(() => ' |').join('')}`);
    continue;
  }
  const floor = (b) => (by[b] ? `${cell(by, b)} (${paired(by, b, 'none')})` : '');
  console.log(`| ${what} | ${cell(by, 'none')} | ${cell(by, 'Why 402')} | ${paired(by, 'Why 402', 'none')} |${extra.map((v) => ` ${floor(v)} |`).join('')}`);
}

for (const b of browsers) await b.context.close().catch(() => {});
server.close();
fs.rmSync(tmp, { recursive: true, force: true });
