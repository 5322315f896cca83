// The popup, the panel and the playground as a developer reads them: for every demo scenario the
// first screen answers (what happened, who acts, the first action), nothing is cut off at 320,
// 380 and 800 px, axe-core finds no violation in light and dark, the panel's toolbar and
// keyboard work, and links say whose they are. Screenshots go to tests/e2e/out (and to
// docs/screenshots with UPDATE_SCREENSHOTS=1).
// Run: node --test tests/e2e/ui.test.mjs (after scripts/build.sh).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, scenarios } from './server.mjs';
import {
  launch, waitFor, tabIdOf, records, screenshotPath, publishScreenshot, inWorker,
} from './browser.mjs';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOWN = scenarios.filter((s) => s.expect);
const WIDTHS = [320, 380, 800];
/** A made-up tab holding every scenario's records, for the list with many rows. */
const ALL_TAB = 777777;
const SCHEMES = ['light', 'dark'];

/** axe-core's violations on the page as it is now, as `rule: target` lines. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return found;
}

/**
 * Elements that stick out past the right edge of the window, or whose content is cut by their
 * own hidden overflow. Content inside a box that scrolls (overflow auto/scroll) is reachable,
 * and a one-line ellipsis is a deliberate cut (the full text is in its title or the detail).
 */
function overflowing(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const bad = [];
    const scrollsOrCuts = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (['auto', 'scroll'].includes(s.overflowX) || s.textOverflow === 'ellipsis'
          || s.webkitLineClamp !== 'none') return true;
      }
      return false;
    };
    const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
    if (document.documentElement.scrollWidth > width + 1) {
      bad.push(`page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
    }
    for (const el of document.body.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      if (s.display === 'none' || s.visibility === 'hidden' || s.position === 'absolute') continue;
      if (scrollsOrCuts(el)) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0) continue;
      if (rect.right > width + 1) bad.push(`${name(el)} ends at ${Math.round(rect.right)} > ${width}`);
      const clips = s.overflowX === 'hidden' || s.overflowX === 'clip';
      if (clips && s.textOverflow !== 'ellipsis' && el.scrollWidth > el.clientWidth + 1) {
        bad.push(`${name(el)} cuts its content (${el.scrollWidth} > ${el.clientWidth})`);
      }
    }
    return bad.slice(0, 10);
  });
}

describe('popup, panel and playground UI', { timeout: 600_000 }, () => {
  const ctx = {};
  /** scenario name → tab id holding its records */
  const tabs = new Map();
  const stored = new Map();

  before(async () => {
    ctx.server = await startServer({ mappedHosts: true });
    Object.assign(ctx, await launch({ tlsPort: ctx.server.tlsPort }));
    for (const s of SHOWN) {
      const page = await ctx.context.newPage();
      await page.goto(`${ctx.server.pageUrl(s.name)}?ui`, { timeout: 15_000 });
      if (s.trigger === 'navigate') {
        await page.waitForURL((u) => u.pathname === s.path, { timeout: 15_000 });
      } else {
        await page.waitForFunction(() => window.done === true, null, { timeout: 15_000 });
      }
      const tab = await tabIdOf(ctx.context, page);
      const wantBody = s.trigger !== 'fetch-no-cors' && s.response.body.length > 0;
      const list = await waitFor(`${s.name} recorded`, async () => {
        const l = await records(ctx.context, tab);
        return l.length > 0 && (!wantBody || l.every((r) => r.has_body)) && l;
      });
      tabs.set(s.name, tab);
      stored.set(s.name, list);
    }
    const all = [...stored.values()].flat().map((r) => ({ ...r, tab_id: ALL_TAB }));
    await inWorker(ctx.context, (v) => chrome.storage.session.set({ [v.key]: JSON.stringify(v.all) }),
      { key: `tab:${ALL_TAB}`, all });
    tabs.set('all', ALL_TAB);
    stored.set('all', all);
  });

  after(async () => {
    await ctx.close?.();
    await ctx.server?.close();
  });

  async function open(file, tab, { width = 380, height = 600, scheme = 'light' } = {}) {
    const page = await ctx.context.newPage();
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`chrome-extension://${ctx.extensionId}/${file}?tab=${tab}`, { timeout: 15_000 });
    await page.waitForSelector('[data-testid=record], [data-testid=empty]', { timeout: 15_000 });
    return page;
  }

  test('popup: the first screen says what happened, who acts and the first action', async () => {
    for (const s of SHOWN) {
      const popup = await open('popup.html', tabs.get(s.name));
      const d = stored.get(s.name).at(-1).diagnosis;
      const row = popup.locator('[data-testid=record]').first();
      const headline = (await row.locator('[data-testid=headline]').innerText()).trim();
      assert.equal(headline, d.summary.replaceAll('`', ''), `${s.name}: headline is the summary`);
      const first = row.locator('[data-testid=first-step]');
      const box = await first.boundingBox();
      assert.ok(box && box.y + box.height <= 600, `${s.name}: first action on the first screen`);
      const clamp = await first.evaluate((el) => {
        const st = getComputedStyle(el);
        const lines = el.getBoundingClientRect().height / parseFloat(st.lineHeight);
        return { clamp: st.webkitLineClamp, atMostTwoLines: lines < 2.5 };
      });
      assert.deepEqual(clamp, { clamp: '2', atMostTwoLines: true }, `${s.name}: first action clamped`);
      const text = await first.innerText();
      assert.ok(!text.includes('`'), `${s.name}: inline code rendered, not backticks (${text})`);
      if (s.expect.cors_warning) {
        assert.match(text, /^The server's owner: .*Access-Control-Allow-Origin/,
          `${s.name}: the CORS fix comes first (${text})`);
        assert.ok(await row.getByText('hidden by CORS').isVisible(), `${s.name}: CORS badge`);
      }
      if (s.expect.payment) {
        const amount = d.payment.amount ?? d.payment.amount_atomic;
        assert.ok((await row.innerText()).includes(amount), `${s.name}: price in the list (${amount})`);
      }
      assert.match(await row.locator('.w-time').innerText(), /ago|just now/, `${s.name}: time`);

      // The detail: the first step above the fold, then the terms.
      await row.click();
      await popup.waitForSelector('[data-testid=detail]');
      const step = await popup.locator('[data-testid=steps] li').first().boundingBox();
      assert.ok(step && step.y < 600, `${s.name}: first step visible in the detail (${step?.y})`);
      if (s.expect.payment) {
        const terms = await popup.locator('[data-testid=payment]').boundingBox();
        const evidence = await popup.locator('[data-testid=evidence]').boundingBox();
        assert.ok(terms.y < evidence.y, `${s.name}: terms before the evidence`);
      }
      if (s.expect.retry) {
        assert.match(await popup.locator('[data-testid=retry]').innerText(),
          /Retry (in \d|now).*your time/, `${s.name}: countdown and local time`);
      }
      const raw = await popup.locator('[data-testid=detail] :is(h2, li, p, dd)').evaluateAll((els) =>
        els.filter((e) => !e.closest('.w-evidence, .w-snippet') && /`[^`\s]+`/.test(e.innerText))
          .map((e) => e.innerText));
      assert.deepEqual(raw, [], `${s.name}: no raw backticks`);
      const headings = await popup.locator('h1, h2, h3').allInnerTexts();
      assert.equal(new Set(headings).size, headings.length, `${s.name}: no repeated heading (${headings})`);
      const links = await popup.locator('[data-testid=detail] a').allInnerTexts();
      assert.ok(links.every((l) => l.trim() !== 'Open'), `${s.name}: links are named (${links})`);
      await popup.close();
    }
  });

  test('popup: nothing overflows at 320, 380 and 800 px', async () => {
    for (const width of WIDTHS) {
      const popup = await open('popup.html', ALL_TAB, { width });
      assert.deepEqual(await overflowing(popup), [], `list of every scenario at ${width} px`);
      if (width === 380) {
        await popup.screenshot({ path: screenshotPath('popup-list.png') });
        publishScreenshot('popup-list.png');
      }
      await popup.close();
    }
    for (const s of SHOWN) {
      for (const width of WIDTHS) {
        const popup = await open('popup.html', tabs.get(s.name), { width });
        assert.deepEqual(await overflowing(popup), [], `${s.name} list at ${width} px`);
        await popup.locator('[data-testid=record]').first().click();
        await popup.waitForSelector('[data-testid=detail]');
        assert.deepEqual(await overflowing(popup), [], `${s.name} detail at ${width} px`);
        if (width === 320 && s.name === 'x402-v2') {
          await popup.screenshot({ path: screenshotPath('popup-320.png'), fullPage: true });
          publishScreenshot('popup-320.png');
        }
        if (width === 380 && s.name === 'x402-v2-cors') {
          await popup.screenshot({ path: screenshotPath('popup-cors.png') });
          publishScreenshot('popup-cors.png');
        }
        await popup.close();
      }
    }
  });

  test('panel: nothing overflows at 320, 380 and 800 px', async () => {
    for (const s of SHOWN) {
      for (const width of WIDTHS) {
        const panel = await open('panel.html', tabs.get(s.name), { width, height: 500 });
        await panel.waitForSelector('[data-testid=detail]');
        assert.deepEqual(await overflowing(panel), [], `${s.name} panel at ${width} px`);
        await panel.close();
      }
    }
  });

  test('axe-core: no violations in the popup and the panel, light and dark', async () => {
    for (const s of SHOWN) {
      for (const scheme of SCHEMES) {
        const popup = await open('popup.html', tabs.get(s.name), { scheme });
        assert.deepEqual(await axeViolations(popup), [], `${s.name} popup list, ${scheme}`);
        await popup.locator('[data-testid=record]').first().click();
        await popup.waitForSelector('[data-testid=detail]');
        assert.deepEqual(await axeViolations(popup), [], `${s.name} popup detail, ${scheme}`);
        await popup.close();

        const panel = await open('panel.html', tabs.get(s.name), { width: 900, height: 600, scheme });
        await panel.waitForSelector('[data-testid=detail]');
        assert.deepEqual(await axeViolations(panel), [], `${s.name} panel, ${scheme}`);
        if (s.name === 'stripe-decline' && scheme === 'dark') {
          await panel.screenshot({ path: screenshotPath('panel-dark.png') });
          publishScreenshot('panel-dark.png');
        }
        await panel.close();
      }
    }
    for (const scheme of SCHEMES) {
      const popup = await open('popup.html', ALL_TAB, { scheme });
      assert.deepEqual(await axeViolations(popup), [], `popup list of every scenario, ${scheme}`);
      await popup.close();
    }
    const empty = await open('popup.html', 999999);
    assert.deepEqual(await axeViolations(empty), [], 'empty popup');
    await empty.close();
  });

  test('panel: toolbar filter, clear, preserve log, keyboard', async () => {
    const tab = tabs.get('all');
    const count = stored.get('all').length;
    assert.ok(count >= 2, 'two records to move between');
    const panel = await open('panel.html', tab, { width: 900, height: 600 });
    const rows = panel.locator('[data-testid=record]');
    assert.equal(await rows.count(), count);

    // DevTools density: ~20 px rows, 11-12 px text.
    const row = await rows.first().evaluate((el) => ({
      height: el.getBoundingClientRect().height, font: getComputedStyle(el).fontSize }));
    assert.ok(row.height <= 22, `row height ${row.height}`);
    assert.equal(row.font, '12px');

    // Roving tabindex: one Tab stop, ↓/↑/Home/End move and select.
    assert.equal(await panel.locator('[data-testid=record][tabindex="0"]').count(), 1);
    await rows.first().focus();
    await panel.keyboard.press('ArrowDown');
    const focusedId = await panel.evaluate(() => document.activeElement.dataset.id);
    assert.equal(focusedId, await rows.nth(1).getAttribute('data-id'), '↓ moves the focus');
    assert.equal(await rows.nth(1).getAttribute('aria-current'), 'true', 'selection follows');
    await panel.keyboard.press('Home');
    assert.equal(await panel.evaluate(() => document.activeElement.dataset.id),
      await rows.first().getAttribute('data-id'));
    await panel.keyboard.press('End');
    assert.equal(await panel.evaluate(() => document.activeElement.dataset.id),
      await rows.last().getAttribute('data-id'));
    // The detail is a Tab stop of its own, so it scrolls with the keyboard.
    assert.equal(await panel.locator('.w-pane-detail').getAttribute('tabindex'), '0');

    // Filter by text: the caret stays in the box while the list narrows.
    const filter = panel.getByTestId('filter');
    await filter.fill('no-such-thing');
    await waitFor('filtered out', async () => (await rows.count()) === 0);
    assert.ok(await panel.getByText('No failure matches the filter.').isVisible());
    assert.equal(await panel.evaluate(() => document.activeElement.dataset.testid), 'filter');
    await filter.fill('stripe');
    await waitFor('filtered to Stripe', async () => (await rows.count()) === 1);
    assert.equal(await rows.first().getAttribute('data-provider'), 'stripe');
    await filter.fill('');
    await waitFor('filter off', async () => (await rows.count()) === count);
    await panel.screenshot({ path: screenshotPath('panel-list.png') });
    publishScreenshot('panel-list.png');

    // Clear hides what is there; Preserve log persists.
    await panel.getByTestId('clear').click();
    await waitFor('cleared', async () => (await rows.count()) === 0);
    await panel.getByTestId('preserve').check();
    await waitFor('setting stored', () => panel.evaluate(async () =>
      (await chrome.storage.local.get('panel.preserveLog'))['panel.preserveLog'] === true));
    await panel.reload();
    await panel.waitForSelector('[data-testid=preserve]');
    assert.ok(await panel.getByTestId('preserve').isChecked(), 'the setting survives a reload');
    await panel.close();
  });

  test('panel: Preserve log keeps records across a navigation', async () => {
    const s = SHOWN.find((x) => x.name === 'stripe-decline');
    const page = await ctx.context.newPage();
    await page.goto(`${ctx.server.pageUrl(s.name)}?preserve`, { timeout: 15_000 });
    await page.waitForFunction(() => window.done === true, null, { timeout: 15_000 });
    const tab = await tabIdOf(ctx.context, page);
    await waitFor('recorded', async () => (await records(ctx.context, tab)).length === 1);
    const panel = await open('panel.html', tab, { width: 900, height: 600 });
    if (!(await panel.getByTestId('preserve').isChecked())) await panel.getByTestId('preserve').check();
    await page.goto(`${ctx.server.origin}/scenarios/`, { timeout: 15_000 });
    await waitFor('tab cleared by the background', async () =>
      (await records(ctx.context, tab)).length === 0);
    await panel.waitForTimeout(300);
    assert.equal(await panel.locator('[data-testid=record]').count(), 1, 'still shown');
    await panel.getByTestId('preserve').uncheck();
    await waitFor('gone without preserve', async () =>
      (await panel.locator('[data-testid=record]').count()) === 0);
    await panel.close();
    await page.close();
  });

  test('popup: one Tab stop in the list, arrows move, Enter opens, Escape goes back', async () => {
    const popup = await open('popup.html', ALL_TAB);
    const rows = popup.locator('[data-testid=record]');
    assert.equal(await popup.locator('[data-testid=record][tabindex="0"]').count(), 1);
    await rows.first().focus();
    await popup.keyboard.press('ArrowDown');
    await popup.keyboard.press('ArrowDown');
    const id = await popup.evaluate(() => document.activeElement.dataset.id);
    assert.equal(id, await rows.nth(2).getAttribute('data-id'));
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('[data-testid=detail]');
    await popup.keyboard.press('Escape');
    await popup.waitForSelector('[data-testid=record]');
    assert.equal(await popup.evaluate(() => document.activeElement.dataset.id), id,
      'focus back on the row it came from');
    const retry = popup.locator('[data-testid=record][data-cause=rate_limited] .w-countdown');
    if (await retry.count()) assert.match(await retry.first().innerText(), /^(in \d|now)/);
    await popup.close();
  });

  test('panel: follows the DevTools theme, and its changes', async () => {
    const page = await ctx.context.newPage();
    // What DevTools gives a panel page: the theme name and a change handler.
    await page.addInitScript(() => {
      chrome.devtools = { panels: { themeName: 'dark',
        setThemeChangeHandler(fn) { window.themeChanged = fn; } } };
    });
    await page.goto(`chrome-extension://${ctx.extensionId}/panel.html?tab=${tabs.get('x402-v1')}`);
    await page.waitForSelector('[data-testid=detail]');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('theme-dark')));
    assert.equal(await bg(), 'rgb(40, 40, 40)', 'DevTools dark surface');
    await page.evaluate(() => window.themeChanged('default'));
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('theme-light')));
    assert.equal(await bg(), 'rgb(255, 255, 255)');
    assert.deepEqual(await axeViolations(page), [], 'after the switch');
    await page.close();
  });

  test('copy buttons say Copied, announce it and revert', async () => {
    const popup = await open('popup.html', tabs.get('x402-v1'));
    // The clipboard itself is Chrome's; what is tested is the button and the announcement.
    await popup.evaluate(() => {
      navigator.clipboard.writeText = async (text) => { window.copiedText = text; };
    });
    const button = popup.getByTestId('copy-report');
    await button.click();
    await waitFor('Copied', async () => (await button.innerText()) === 'Copied');
    assert.match(await popup.evaluate(() => window.copiedText), /x402/);
    assert.equal(await popup.locator('#why402-live').innerText(), 'Copied to the clipboard');
    assert.equal(await popup.locator('#why402-live').getAttribute('aria-live'), 'polite');
    await waitFor('label back', async () => (await button.innerText()) === 'Copy report',
      { timeout: 5_000 });
    await popup.close();
  });

  test('playground: every scenario pasted, axe-core clean in light and dark', async () => {
    const page = await ctx.context.newPage();
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.goto(`${ctx.server.origin}/`, { timeout: 15_000 });
    await page.waitForSelector('body[data-ready=true]');
    for (const s of SHOWN) {
      const r = s.response;
      const head = [`HTTP/1.1 ${r.status}`, ...r.headers.map(([n, v]) => `${n}: ${v}`)];
      await page.getByTestId('paste').fill(`${head.join('\r\n')}\r\n\r\n${r.body}`);
      await page.getByTestId('paste-url').fill(`https://${s.host}${s.path}`);
      await page.getByTestId('explain').click();
      await page.waitForSelector('[data-testid=results] [data-testid=detail]');
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        assert.deepEqual(await axeViolations(page), [], `playground ${s.name}, ${scheme}`);
      }
    }
    await page.setViewportSize({ width: 380, height: 800 });
    assert.deepEqual(await overflowing(page), [], 'playground at 380 px');
    await page.close();
  });
});
