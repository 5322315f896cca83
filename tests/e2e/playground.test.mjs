// End-to-end test of the web playground (www/) in Debian's Chromium (headless): a HAR built from
// the fixture cases, a pasted `curl -si` response, errors for files that are not HAR and text
// that is not HTTP, a ~30 MB HAR read in slices with progress, and no network traffic beyond the
// page's own files.
//
// Needs the wasm in www/pkg (see the build script, or: cargo build --release --target
// wasm32-unknown-unknown --lib && wasm-bindgen --target web --out-dir www/pkg --out-name why402
// target/wasm32-unknown-unknown/release/why402.wasm). Run: node --test tests/e2e/playground.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const WWW = path.join(ROOT, 'www');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures');
const SCREENSHOT = path.join(ROOT, 'docs', 'screenshots', 'playground.png');

/** Fixture cases (see tests/fixture_table.rs) as { entry, cause, provider }. */
function fixtureCases() {
  const out = [];
  for (const name of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort()) {
    for (const c of JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'))) {
      // Cases diagnosed at a fixed time may read differently today.
      if (c.now) continue;
      out.push({
        file: name,
        id: c.id,
        entry: c.entry,
        cause: c.expect ? c.expect.cause : null,
        provider: c.expect ? (c.expect.provider ?? '') : null,
      });
    }
  }
  return out;
}

const CASES = fixtureCases();
/** The first diagnosed case of several files, and three that must show nothing. */
const WITH = ['behind_other_codes.json', 'heuristics.json', 'pay_per_crawl.json',
  'providers.json', 'stripe.json', 'x402.json', 'bad_input.json']
  .map((f) => CASES.find((c) => c.file === f && c.cause));
const WITHOUT = CASES.filter((c) => c.cause === null).slice(0, 3);

function har(entries) {
  return JSON.stringify({
    log: { version: '1.2', creator: { name: 'why402-test', version: '1' }, entries },
  }, null, 1);
}

/** A fixture entry as `curl -si` prints the response. */
function curlText(entry) {
  const r = entry.response;
  const lines = [`HTTP/1.1 ${r.status} ${r.statusText || ''}`.trimEnd()];
  for (const h of r.headers || []) lines.push(`${h.name}: ${h.value}`);
  return `${lines.join('\r\n')}\r\n\r\n${r.content?.text ?? ''}`;
}

/** `[cause, provider]` of each record shown, sorted. */
async function shown(page) {
  const items = await page.locator('[data-testid=record]').evaluateAll((els) =>
    els.map((e) => [e.dataset.cause, e.dataset.provider]));
  return items.map((x) => x.join('|')).sort();
}

describe('playground', { timeout: 240_000 }, () => {
  let server;
  let origin;
  let browser;
  let page;
  const requests = [];
  const cspErrors = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'why402-playground-'));

  before(async () => {
    assert.ok(fs.existsSync(path.join(WWW, 'pkg', 'why402_bg.wasm')),
      'www/pkg is missing: build the wasm first (see the comment at the top)');
    // The same server as the extension tests and `make demo`: it serves www/ at /.
    server = await startServer();
    origin = server.origin;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      timeout: 30_000,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
    page.setDefaultTimeout(15_000);
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(`${origin}/`);
    await page.waitForSelector('body[data-ready=true]');
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (server) await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a dropped HAR shows the fixture diagnoses and nothing for the near misses', async () => {
    assert.equal(WITH.filter(Boolean).length, 7, 'fixture cases found');
    assert.equal(WITHOUT.length, 3);
    // Interleaved, as a real capture would be.
    const entries = [];
    for (let i = 0; i < WITH.length; i += 1) {
      entries.push(WITH[i].entry);
      if (WITHOUT[i]) entries.push(WITHOUT[i].entry);
    }
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'capture.har', { type: 'application/json' }));
      document.getElementById('drop').dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    }, har(entries));
    const status = page.getByTestId('status');
    await page.waitForFunction(() => /found in/.test(document.getElementById('status').textContent));
    assert.equal(await status.textContent(), `7 payment problems found in ${entries.length} entries.`);
    assert.equal(await page.getByTestId('error').textContent(), '');
    const want = WITH.map((c) => `${c.cause}|${c.provider}`).sort();
    assert.deepEqual(await shown(page), want);
    assert.equal(await page.locator('#progress').evaluate((p) => p.value), 100);
    // Every record names its HAR entry: ids are im-<time>-<index>.
    const ids = await page.locator('[data-testid=record]').evaluateAll((els) =>
      els.map((e) => Number(e.dataset.id.split('-').pop())).sort((a, b) => a - b));
    const wantIds = entries.map((e, i) => (WITH.some((c) => c.entry === e) ? i : -1))
      .filter((i) => i >= 0);
    assert.deepEqual(ids, wantIds);
    // The panel's detail opens from the keyboard.
    const first = page.locator('[data-testid=record]').first();
    await first.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=detail] [data-testid=summary]').waitFor();
    assert.ok((await page.locator('[data-testid=steps] li').count()) > 0);
  });

  test('a HAR without payment problems says so', async () => {
    const file = path.join(tmp, 'clean.har');
    fs.writeFileSync(file, har(WITHOUT.map((c) => c.entry)));
    await page.getByLabel('Choose a HAR file').setInputFiles(file);
    await page.waitForFunction(() => /No payment problems/.test(document.getElementById('status').textContent));
    assert.equal(await page.getByTestId('status').textContent(),
      'No payment problems found in 3 entries.');
    assert.equal(await page.locator('[data-testid=record]').count(), 0);
  });

  test('a file that is not HAR gives an error with its line and column', async () => {
    const file = path.join(tmp, 'notes.txt');
    fs.writeFileSync(file, 'these are not\nthe droids');
    await page.getByLabel('Choose a HAR file').setInputFiles(file);
    const alert = page.getByRole('alert');
    await page.waitForFunction(() => document.getElementById('error').textContent !== '');
    assert.match(await alert.textContent(), /^notes\.txt: not a HAR file: 1:1: expected a JSON object/);
    assert.equal(await page.locator('[data-testid=record]').count(), 0);

    const json = path.join(tmp, 'other.json');
    fs.writeFileSync(json, '{"data": [1, 2,\n  3]}');
    await page.getByLabel('Choose a HAR file').setInputFiles(json);
    await page.waitForFunction(() => /other\.json/.test(document.getElementById('error').textContent));
    assert.match(await alert.textContent(), /^other\.json: not a HAR file: 2:6: no log\.entries/);
  });

  test('a pasted curl -si response is explained; other text is an error', async () => {
    const c = CASES.find((x) => x.file === 'providers.json' && x.cause && x.provider);
    await page.getByLabel(/Paste a response/).fill(curlText(c.entry));
    await page.getByLabel(/Requested URL/).fill(c.entry.request.url);
    await page.getByRole('button', { name: 'Explain' }).press('Enter');
    await page.waitForFunction(() => /in this response/.test(document.getElementById('status').textContent));
    assert.deepEqual(await shown(page), [`${c.cause}|${c.provider}`]);
    assert.equal(await page.getByTestId('error').textContent(), '');

    await page.getByLabel(/Paste a response/).fill('{"error": "insufficient credits"}');
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.waitForFunction(() => document.getElementById('error').textContent !== '');
    assert.match(await page.getByRole('alert').textContent(),
      /^not an HTTP response: line 1: expected a status line.*run curl with -i/);
    assert.equal(await page.locator('[data-testid=record]').count(), 0);

    await page.getByLabel(/Paste a response/).fill('HTTP/1.1 200 OK\nContent-Type: text/plain\n\nhello');
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.waitForFunction(() => /No payment problems/.test(document.getElementById('status').textContent));
    assert.equal(await page.getByTestId('status').textContent(),
      'No payment problems found in this response (HTTP 200).');
  });

  test('a ~30 MB HAR is read in slices with progress to 100%', { timeout: 120_000 }, async () => {
    const file = path.join(tmp, 'big.har');
    const total = 9000;
    const failing = new Set([10, 2500, 5000, 8999]);
    const body = 'x'.repeat(3200);
    const out = fs.openSync(file, 'w');
    fs.writeSync(out, '{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [\n');
    for (let i = 0; i < total; i += 1) {
      const entry = failing.has(i) ? WITH[4].entry : {
        request: { method: 'GET', url: `https://cdn.example.com/asset/${i}.js`, headers: [] },
        response: {
          status: 200, statusText: 'OK',
          headers: [{ name: 'Content-Type', value: 'application/javascript' }],
          content: { mimeType: 'application/javascript', text: `/* ${i} */ ${body}` },
        },
      };
      fs.writeSync(out, (i ? ',\n' : '') + JSON.stringify(entry));
    }
    fs.writeSync(out, '\n]}}\n');
    fs.closeSync(out);
    assert.ok(fs.statSync(file).size > 28 * 1024 * 1024, 'about 30 MB');

    // Progress is seen part-way: the page yields between slices.
    await page.evaluate(() => {
      window.progressSeen = [];
      new MutationObserver(() => window.progressSeen.push(document.getElementById('progress').value))
        .observe(document.getElementById('progress-text'), { childList: true, characterData: true, subtree: true });
    });
    const started = Date.now();
    await page.getByLabel('Choose a HAR file').setInputFiles(file);
    await page.waitForFunction(() => /found in/.test(document.getElementById('status').textContent),
      null, { timeout: 90_000 });
    assert.equal(await page.getByTestId('status').textContent(),
      `4 payment problems found in ${total} entries.`);
    assert.equal(await page.locator('#progress').evaluate((p) => p.value), 100);
    assert.equal(await page.locator('#progress').evaluate((p) => p.dataset.entries), String(total));
    assert.match(await page.getByTestId('progress-text').textContent(), new RegExp(`100% · ${total} entries read`));
    const seen = await page.evaluate(() => window.progressSeen);
    assert.ok(seen.some((v) => v > 0 && v < 100), `intermediate progress: ${seen.slice(0, 10)}`);
    assert.equal(await page.locator('[data-testid=record]').count(), 4);
    console.log(`# 30 MB HAR read in ${Date.now() - started} ms`);
  });

  test('light and dark, screenshot, and no network beyond the page itself', async () => {
    // Show a realistic result for the screenshot.
    const entries = [...WITH.map((c) => c.entry), ...WITHOUT.map((c) => c.entry)];
    const file = path.join(tmp, 'capture.har');
    fs.writeFileSync(file, har(entries));
    await page.getByLabel('Choose a HAR file').setInputFiles(file);
    await page.waitForFunction(() => /7 payment problems/.test(document.getElementById('status').textContent));
    // The x402 challenge shows decoded payment terms in the detail pane.
    await page.locator('[data-testid=record][data-cause=payment_challenge]').first().click();
    await page.locator('[data-testid=detail] [data-testid=payment]').waitFor();
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(light, dark);
    await page.emulateMedia({ colorScheme: 'light' });

    const allowed = new Set(['/', '/ui.css', '/playground.css', '/playground.js',
      '/pkg/why402.js', '/pkg/why402_bg.wasm']);
    const network = requests.filter((u) => !u.startsWith('data:'));
    const foreign = network.filter((u) => !u.startsWith(`${origin}/`) || !allowed.has(new URL(u).pathname));
    assert.deepEqual(foreign, [], 'requests beyond the page files');
    assert.ok(network.some((u) => u.endsWith('/pkg/why402_bg.wasm')));
    assert.deepEqual(cspErrors, []);
  });
});
