// Launching Debian's Firefox ESR with the extension for the browser tests, driven over
// Marionette (see marionette.mjs), plus helpers that read the extension's state through one of
// its own pages (badge, tab ids, storage.session), as the Chromium tests do through the worker.
//
// Firefox has no --host-resolver-rules: the profile sends every http(s) request to a local proxy
// that connects each one to the scenario server on 127.0.0.1 whatever host was asked for, so
// scenarios keep the providers' real URLs (https://api.stripe.com/v1/charges) and nothing leaves
// the machine. Requests to 127.0.0.1 itself bypass the proxy (Firefox never proxies localhost).
// The proxy ends TLS itself with a certificate for the scenario hosts, signed by a throwaway CA
// that the profile trusts (`acceptInsecureCerts` is not enough: Firefox refuses any certificate
// exception for HSTS-preloaded hosts such as *.app).
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { execFileSync, spawn } from 'node:child_process';
import { Marionette } from './marionette.mjs';
import { scenarios } from '../server.mjs';
import { waitFor, within } from '../wait.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
export const ROOT = path.resolve(HERE, '..', '..', '..');
export const EXT = path.resolve(process.env.WHY402_FIREFOX_EXT || path.join(ROOT, 'dist', 'firefox'));
const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';

/** The extension's moz-extension:// origin is fixed through a pref. */
export const UUID = 'c0ffee00-4020-4402-8402-000000000402';
export const EXT_ORIGIN = `moz-extension://${UUID}`;
export const GECKO_ID = JSON.parse(fs.readFileSync(path.join(EXT, 'manifest.json'), 'utf8'))
  .browser_specific_settings.gecko.id;

export { waitFor };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A throwaway certificate authority and one server certificate for every scenario host, signed
 * by it; the CA goes into the profile's certificate store (certutil), so Firefox trusts the
 * scenario hosts as it would the real ones, HSTS-preloaded ones (stripe.com, *.app) included.
 */
function makeCertificates(dir) {
  const hosts = [...new Set(scenarios.filter((s) => s.host).map((s) => s.host))];
  const file = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=why402 test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', file('ca.key'), '-out', file('ca.pem'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=why402-test',
    '-keyout', file('leaf.key'), '-out', file('leaf.csr'));
  fs.writeFileSync(file('leaf.ext'), `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}
basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth
`);
  openssl('x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-days', '2', '-extfile', file('leaf.ext'), '-out', file('leaf.pem'));
  return { ca: file('ca.pem'), key: fs.readFileSync(file('leaf.key')), cert: fs.readFileSync(file('leaf.pem')) };
}

/** Makes the profile's NSS store (or replaces a previous run's CA in it) and trusts the test CA. */
function trustCa(profile, caFile) {
  if (fs.existsSync(path.join(profile, 'cert9.db'))) {
    execFileSync('certutil', ['-D', '-d', `sql:${profile}`, '-n', 'why402 test CA'], { stdio: 'ignore' });
  } else {
    execFileSync('certutil', ['-N', '-d', `sql:${profile}`, '--empty-password'], { stdio: 'ignore' });
  }
  execFileSync('certutil', ['-A', '-d', `sql:${profile}`, '-n', 'why402 test CA', '-t', 'C,,',
    '-i', caFile], { stdio: 'ignore' });
}

/**
 * An HTTP proxy that only ever talks to the scenario server's plain port on 127.0.0.1, keeping
 * the Host header (the server picks the scenario by host and path): plain http requests are
 * forwarded, and CONNECT tunnels (https) are ended here with the scenario hosts' certificate.
 * `seen` lists every host and path asked for.
 */
export async function startProxy(server, { key, cert }) {
  const seen = [];
  const sockets = new Set();
  const track = (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const forward = (req, res) => {
    let target;
    try {
      target = new URL(req.url, `http://${req.headers.host || 'invalid'}`);
    } catch {
      res.writeHead(400).end();
      return;
    }
    seen.push(`${target.host}${target.pathname}`);
    const upstream = http.request({
      host: '127.0.0.1',
      port: server.port,
      method: req.method,
      path: target.pathname + target.search,
      headers: { ...req.headers, host: target.host },
    }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const proxy = http.createServer(forward);
  const tunnelled = http.createServer(forward);
  proxy.on('connect', (req, client, head) => {
    track(client);
    if (head.length) client.unshift(head);
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const secure = new tls.TLSSocket(client, { isServer: true, key, cert, ALPNProtocols: ['http/1.1'] });
    track(secure);
    tunnelled.emit('connection', secure);
  });
  proxy.on('connection', track);
  const port = await new Promise((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, '127.0.0.1', () => resolve(proxy.address().port));
  });
  return {
    port,
    seen,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => proxy.close(r));
    },
  };
}

function prefs(proxyPort) {
  return {
    // Marionette on a free port, written to <profile>/MarionetteActivePort.
    'marionette.port': 0,
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }),
    // Extension console output on stdout, to see errors of a failing run in the test log.
    'devtools.console.stdout.content': true,
    // Host permissions are optional in Firefox MV3; grant <all_urls> as the user would.
    'extensions.originControls.grantByDefault': true,
    // The event page stops after 3 s without events (30 s by default), so the suite runs
    // across many background restarts, and the idle test does not wait long.
    'extensions.background.idle.timeout': 3000,
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': proxyPort,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': proxyPort,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': false,
    // Remote settings would otherwise be fetched (through the proxy, answered 404) at start.
    'services.settings.server': 'data:,#remote-settings-dummy/v1',
    // Quiet: no speculative connections, no first-run pages, no background services.
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.http.speculative-parallel-limit': 0,
    'browser.urlbar.speculativeConnect.enabled': false,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.page': 0,
    'browser.newtabpage.enabled': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'extensions.update.enabled': false,
    'extensions.getAddons.cache.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
    'app.update.disabledForTesting': true,
  };
}

function userJs(values) {
  return Object.entries(values)
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
    .join('\n') + '\n';
}

/**
 * Starts Firefox headless with a fresh profile (or `profile`, a directory kept by the caller, to
 * restart the browser on it), installs the extension as a temporary add-on and returns
 * { mn, proxy, profile, close() }. The Marionette session starts in the content context on a
 * blank tab.
 */
export async function launchFirefox(server, { width = 1100, height = 800, profile: kept } = {}) {
  const profile = kept || fs.mkdtempSync(path.join(os.tmpdir(), 'why402-firefox-'));
  fs.rmSync(path.join(profile, 'MarionetteActivePort'), { force: true }); // a previous run's
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'why402-certs-'));
  let proxy;
  try {
    const certs = makeCertificates(certDir);
    trustCa(profile, certs.ca);
    proxy = await startProxy(server, certs);
  } finally {
    fs.rmSync(certDir, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(profile, 'user.js'), userJs(prefs(proxy.port)));
  const child = spawn(FIREFOX, ['--headless', '--marionette', '--remote-allow-system-access',
    '--no-remote', '--profile', profile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 400) log.splice(0, 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));

  let mn;
  const close = async () => {
    try {
      if (mn) await mn.send('Marionette:Quit', { flags: ['eForceQuit'] }, { timeout: 10_000 });
    } catch {
      // already gone
    }
    mn?.close();
    await within(10_000, 'firefox exit', exited).catch(() => child.kill('SIGKILL'));
    await proxy.close();
    if (!kept) fs.rmSync(profile, { recursive: true, force: true });
  };
  try {
    const portFile = path.join(profile, 'MarionetteActivePort');
    const port = await waitFor('MarionetteActivePort', () =>
      fs.existsSync(portFile) && Number(fs.readFileSync(portFile, 'utf8').trim()), { timeout: 30_000 });
    mn = await Marionette.connect(port);
    await mn.send('WebDriver:NewSession', {});
    await mn.send('WebDriver:SetWindowRect', { width, height });
    await mn.setContext('chrome');
    await mn.send('Addon:Install', { path: EXT, temporary: true });
    await mn.setContext('content');
  } catch (err) {
    await close();
    err.message += `\nfirefox output:\n${log.join('').slice(-4000)}`;
    throw err;
  }
  return { mn, proxy, profile, log, close };
}

/**
 * Extension-side helpers. `home` is a tab showing one of the extension's pages, from which
 * `browser.*` is reachable; every call switches to it and back to the tab it was called from.
 */
export async function extensionHome(mn) {
  const { handle } = await mn.send('WebDriver:NewWindow', { type: 'tab' });
  await mn.send('WebDriver:SwitchToWindow', { handle });
  await mn.send('WebDriver:Navigate', { url: `${EXT_ORIGIN}/popup.html?tab=-1` });
  const inExtension = async (fn, ...args) => {
    const { value: back } = await mn.send('WebDriver:GetWindowHandle');
    await mn.send('WebDriver:SwitchToWindow', { handle });
    try {
      return await mn.run(fn, ...args);
    } finally {
      await mn.send('WebDriver:SwitchToWindow', { handle: back });
    }
  };
  return {
    handle,
    inExtension,
    /** The tab id Firefox gave the tab showing `url` (every test page URL is unique). */
    tabIdOf: (url) => waitFor(`tab id of ${url}`, () => inExtension(async (u) => {
      const tabs = await browser.tabs.query({});
      const tab = tabs.find((t) => t.url === u);
      return tab ? tab.id : null;
    }, url)),
    records: (tabId) => inExtension(async (id) => {
      const key = `tab:${id}`; // one JSON string (extension/messages.js, encodeTabList)
      return JSON.parse((await browser.storage.session.get(key))[key] || '[]');
    }, tabId),
    badge: (tabId) => inExtension((id) => browser.action.getBadgeText({ tabId: id }), tabId),
  };
}

export { screenshotPath, publishScreenshot } from '../screenshots.mjs';

/** Opens a tab in Marionette session `mn` and switches to it; gives its handle. */
export async function openTab(mn) {
  const { handle } = await mn.send('WebDriver:NewWindow', { type: 'tab' });
  await mn.send('WebDriver:SwitchToWindow', { handle });
  return handle;
}

/** Closes tab `handle` and switches back to tab `back`. */
export async function closeTabFor(mn, handle, back) {
  await mn.send('WebDriver:SwitchToWindow', { handle });
  await mn.send('WebDriver:CloseWindow');
  await mn.send('WebDriver:SwitchToWindow', { handle: back });
}

/**
 * The console calls recorded for the page now shown at `pageUrl`, as the Web Console gets them:
 * [{ level, filename, arguments, styles }], oldest first. Firefox's stdout copy of console output
 * (devtools.console.stdout.content) does not say who called, but the content process's console
 * API storage keeps each call's script file: the page's own calls name the page's scripts, the
 * extension's content scripts a moz-extension:// file. Firefox stores the arguments after
 * applying the format string (`'%s', x` is stored as `x`); `styles` lists the CSS that `%c`
 * directives of the format applied. Read by a frame script in the tab's content process.
 */
export async function consoleEvents(mn, pageUrl) {
  await mn.setContext('chrome');
  try {
    return await mn.run(async (url) => {
      const browser = gBrowser.browsers.find((b) => b.currentURI.spec === url);
      if (!browser) throw new Error(`no tab shows ${url}`);
      const mm = browser.messageManager;
      const name = `why402-console-${Math.random().toString(36).slice(2)}`;
      const source = `const storage = Cc['@mozilla.org/consoleAPI-storage;1']
          .getService(Ci.nsIConsoleAPIStorage);
        const events = storage.getEvents(content.windowGlobalChild.innerWindowId);
        sendAsyncMessage(${JSON.stringify(name)}, JSON.stringify(events.map((e) => ({
          level: e.level, filename: e.filename, arguments: e.arguments, styles: e.styles || [] }))));`;
      const text = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('console storage did not answer')), 5000);
        const done = (m) => {
          clearTimeout(timer);
          mm.removeMessageListener(name, done);
          resolve(m.data);
        };
        mm.addMessageListener(name, done);
        mm.loadFrameScript(`data:,${encodeURIComponent(source)}`, false);
      });
      return JSON.parse(text);
    }, pageUrl);
  } finally {
    await mn.setContext('content');
  }
}
