// Helpers for the browser tests: launching Debian's Chromium with the unpacked extension,
// bounded waits, talking to the extension's service worker, and raw CDP over WebSocket (for
// the DevTools front-end, whose nested targets Playwright's CDPSession cannot reach).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { waitFor, within } from './wait.mjs';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const EXT = path.resolve(process.env.WHY402_EXT || path.join(ROOT, 'extension'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';


export { waitFor, within };

/**
 * Launches Chromium with the extension in a fresh profile. Every host name resolves to
 * 127.0.0.1 and port 443 goes to the scenario server's TLS port, so scenario URLs like
 * https://api.stripe.com/v1/charges reach the local server and nothing can leave the machine.
 */
export async function launch({ devtools = false, tlsPort, profile: reuse } = {}) {
  // A given profile (a browser restart) is kept on close; a fresh one is removed.
  const profile = reuse || fs.mkdtempSync(path.join(os.tmpdir(), 'why402-profile-'));
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--host-resolver-rules=MAP *:443 127.0.0.1:${tlsPort}, MAP * 127.0.0.1`,
    '--ignore-certificate-errors',
    `--disable-extensions-except=${EXT}`,
    `--load-extension=${EXT}`,
  ];
  if (devtools) args.push('--auto-open-devtools-for-tabs', '--remote-debugging-port=0');
  const context = await within(30_000, 'launching chromium', chromium.launchPersistentContext(
    profile,
    {
      executablePath: CHROMIUM,
      headless: true,
      args,
      ignoreHTTPSErrors: true, // the scenario server's certificate is self-signed
      viewport: { width: 1100, height: 800 },
    },
  ));
  const worker = context.serviceWorkers()[0]
    || (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(worker.url()).host;
  const close = async () => {
    await within(15_000, 'closing chromium', context.close()).catch(() => {});
    if (!reuse) fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, extensionId, profile, close };
}

/** The extension's live service worker, waking it with a no-op page event if it stopped. */
export async function serviceWorker(context) {
  const live = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  if (live) return live;
  return context.waitForEvent('serviceworker', { timeout: 15_000 });
}

export async function inWorker(context, fn, arg) {
  const worker = await serviceWorker(context);
  return within(10_000, 'service worker evaluate', worker.evaluate(fn, arg));
}

/** The tab id Chrome gave `page` (matched by URL; every test page URL is unique enough). */
export async function tabIdOf(context, page) {
  const url = page.url();
  return waitFor(`tab id of ${url}`, () =>
    inWorker(context, async (u) => {
      const tabs = await chrome.tabs.query({});
      const tab = tabs.find((t) => t.url === u);
      return tab ? tab.id : null;
    }, url),
  );
}

export function records(context, tabId) {
  return inWorker(context, async (id) => {
    const key = `tab:${id}`; // one JSON string (extension/messages.js, encodeTabList)
    return JSON.parse((await chrome.storage.session.get(key))[key] || '[]');
  }, tabId);
}

export function badge(context, tabId) {
  return inWorker(context, (id) => chrome.action.getBadgeText({ tabId: id }), tabId);
}

export { screenshotPath, publishScreenshot } from './screenshots.mjs';

// ---- raw CDP over WebSocket -------------------------------------------------------------

const WS = globalThis.WebSocket || createRequire(import.meta.url)('playwright-core/lib/utilsBundle').ws;

/** Connects to the browser endpoint written by --remote-debugging-port=0. */
export async function connectCdp(profile) {
  const file = path.join(profile, 'DevToolsActivePort');
  const text = await waitFor('DevToolsActivePort', () =>
    fs.existsSync(file) && fs.readFileSync(file, 'utf8'));
  const [port, wsPath] = text.trim().split('\n');
  const ws = new WS(`ws://127.0.0.1:${port}${wsPath}`);
  await within(10_000, 'cdp connect', new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = (e) => reject(new Error(`cdp websocket: ${e.message || e.type}`));
  }));
  let nextId = 1;
  const pending = new Map();
  ws.onmessage = (event) => {
    const msg = JSON.parse(typeof event.data === 'string' ? event.data : event.data.toString());
    const waiter = msg.id && pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.error) waiter.reject(new Error(`${waiter.method}: ${msg.error.message}`));
    else waiter.resolve(msg.result);
  };
  const send = (method, params = {}, sessionId) => {
    const id = nextId++;
    ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return within(15_000, method, new Promise((resolve, reject) =>
      pending.set(id, { resolve, reject, method })));
  };
  const attached = new Map();
  return {
    send,
    async targets() {
      return (await send('Target.getTargets')).targetInfos;
    },
    async attach(targetId) {
      if (!attached.has(targetId)) {
        const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
        attached.set(targetId, sessionId);
      }
      return attached.get(targetId);
    },
    /** Evaluates an expression in a target; returns its (JSON) value. */
    async evaluate(targetId, expression) {
      const sessionId = await this.attach(targetId);
      const { result, exceptionDetails } = await send('Runtime.evaluate',
        { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (exceptionDetails) {
        throw new Error(exceptionDetails.exception?.description || exceptionDetails.text);
      }
      return result.value;
    },
    close: () => ws.close(),
  };
}
