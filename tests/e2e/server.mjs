// The scenario server, shared by the browser tests and `make demo`. Listens on 127.0.0.1 only
// (two ports: the second is "another origin" for the CORS scenario) and never reaches out.
//
// Routes:
//   /                      www/ (the playground) when built, else the gallery
//   /scenarios/            gallery: one link per scenario in scenarios.json
//   /scenarios/<name>      a page that fires the scenario's request on load
//                          (with ?wait it only defines window.fireNow() for the test to call)
//   /api/<name>            the scenario's recorded response (any method, CORS-readable)
// With `mappedHosts` (the tests start Chromium with --host-resolver-rules sending every host's
// port 443 to this server's TLS port, and ignoring certificate errors), scenario pages request
// the real URL instead, e.g. https://api.anthropic.com/v1/messages, so the diagnosis sees the
// provider's host. HTTPS because many such hosts are HSTS-preloaded (stripe.com, *.app): the
// browser would upgrade plain http anyway. The certificate is a throwaway self-signed one.
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
export const scenarios = JSON.parse(fs.readFileSync(path.join(here, 'scenarios.json'), 'utf8'))
  .scenarios;
const byName = new Map(scenarios.map((s) => [s.name, s]));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.har': 'application/json',
};

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function listen(server, wanted = 0) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, '127.0.0.1', () => resolve(server.address().port));
  });
}

/**
 * Starts the server. Returns { origin, port, otherOrigin, tlsPort, pageUrl(name, {wait}), close() }.
 */
export async function startServer({ mappedHosts = false, port: wantedPort = 0 } = {}) {
  let port = 0;
  let otherPort = 0;
  let tlsPort = 0;

  // The URL a scenario page requests.
  function targetUrl(s) {
    if (s.trigger === 'fetch-no-cors') {
      // A different origin that sends no CORS headers.
      return `http://127.0.0.1:${otherPort}/api/${s.name}`;
    }
    if (mappedHosts && s.host) return `https://${s.host}${s.path}`;
    return `/api/${s.name}`;
  }

  function findScenario(req, url) {
    const m = /^\/api\/([\w-]+)$/.exec(url.pathname);
    if (m) return byName.get(m[1]);
    const host = (req.headers.host || '').replace(/:\d+$/, '');
    // `every_path`: hosts that answer any path alike (a disabled deployment), favicon included.
    return scenarios.find((s) => s.host === host && (s.path === url.pathname || s.every_path));
  }

  function sendScenarioResponse(req, res, s, cors) {
    const headers = {};
    if (cors) {
      headers['access-control-allow-origin'] = req.headers.origin || '*';
    }
    for (const [name, value] of s.response.headers) {
      if (!cors && /^access-control-/i.test(name)) continue;
      headers[name] = value;
    }
    if (req.method === 'OPTIONS') {
      // Preflight for POST with a JSON body.
      res.writeHead(204, {
        'access-control-allow-origin': req.headers.origin || '*',
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] || '',
        'access-control-max-age': '60',
      });
      res.end();
      return;
    }
    res.writeHead(s.response.status, headers);
    res.end(s.response.body);
  }

  function scenarioPage(s) {
    const target = JSON.stringify(targetUrl(s));
    const method = JSON.stringify(s.method);
    const body = s.method === 'GET' ? 'undefined' : JSON.stringify('{"model":"demo","messages":[]}');
    const trigger = {
      fetch: `const r = await fetch(${target}, { method: ${method}, body: ${body},
          headers: ${body === 'undefined' ? '{}' : "{ 'content-type': 'application/json' }"} });
        show(r.status + ' ' + (await r.text()).slice(0, 300));`,
      'fetch-no-cors': `try { await fetch(${target}); show('unexpectedly readable'); }
        catch (e) { show('page saw: ' + e); }`,
      xhr: `await new Promise((done) => {
          const x = new XMLHttpRequest();
          x.open(${method}, ${target});
          x.setRequestHeader('content-type', 'application/json');
          x.onloadend = () => { show(x.status + ' ' + x.responseText.slice(0, 300)); done(); };
          x.send(${body});
        });`,
      navigate: `location.href = ${target};`,
      compat: compatScript(target),
    }[s.trigger];
    return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(s.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}
pre{white-space:pre-wrap;background:#f4f4f5;padding:.75rem;border-radius:6px}</style></head>
<body><p><a href="/scenarios/">All scenarios</a></p><h1>${escapeHtml(s.title)}</h1>
<p>Request: <code>${escapeHtml(s.method)} ${escapeHtml(targetUrl(s))}</code> via ${escapeHtml(s.trigger)}.
Source of the response shape: ${escapeHtml(s.source)}.</p>
<p><button id="fire">Send again</button></p><pre id="out">…</pre>
<script type="module">
const show = (t) => { document.getElementById('out').textContent = t; };
window.fired = 0;
window.fireNow = async () => { window.fired += 1; ${trigger} window.done = true; };
document.getElementById('fire').onclick = () => window.fireNow();
if (!new URLSearchParams(location.search).has('wait')) window.fireNow();
</script></body></html>`;
  }

  function gallery() {
    const items = scenarios
      .map((s) => `<li><a href="/scenarios/${s.name}">${escapeHtml(s.title)}</a>
        <small>(${escapeHtml(s.trigger)}, HTTP ${s.response.status})</small></li>`)
      .join('\n');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Why 402 scenarios</title>
<style>body{font:15px/1.6 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}</style></head>
<body><h1>Why 402: scenario gallery</h1>
<p>Each page sends one request that gets a real-world-shaped payment failure back. With the
extension loaded, its badge counts them and the popup explains them.</p><ul>${items}</ul></body></html>`;
  }

  function serveStatic(res, dir, rel) {
    const file = path.resolve(dir, '.' + rel);
    if (!file.startsWith(dir + path.sep) && file !== dir) return false;
    let target = file;
    try {
      if (fs.statSync(target).isDirectory()) target = path.join(target, 'index.html');
      const data = fs.readFileSync(target);
      res.writeHead(200, { 'content-type': TYPES[path.extname(target)] || 'application/octet-stream' });
      res.end(data);
      return true;
    } catch {
      return false;
    }
  }

  function handle(req, res, isOther) {
    let url;
    try {
      url = new URL(req.url, 'http://127.0.0.1');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const s = findScenario(req, url);
    if (s) {
      sendScenarioResponse(req, res, s, !isOther && s.trigger !== 'fetch-no-cors');
      return;
    }
    const html = (code, text) => {
      res.writeHead(code, { 'content-type': 'text/html; charset=utf-8' });
      res.end(text);
    };
    if (isOther) return html(404, 'not found');
    if (url.pathname === '/scenarios/' || url.pathname === '/scenarios') return html(200, gallery());
    const page = /^\/scenarios\/([\w-]+)$/.exec(url.pathname);
    if (page && byName.has(page[1])) return html(200, scenarioPage(byName.get(page[1])));
    if (url.pathname === '/' && !fs.existsSync(path.join(root, 'www', 'index.html'))) {
      return html(200, gallery());
    }
    if (serveStatic(res, path.join(root, 'www'), decodeURIComponent(url.pathname))) return;
    if (url.pathname.startsWith('/examples/')) {
      if (serveStatic(res, path.join(root, 'examples'), url.pathname.slice('/examples'.length))) return;
    }
    html(404, 'not found');
  }

  const main = http.createServer((req, res) => handle(req, res, false));
  const other = http.createServer((req, res) => handle(req, res, true));
  const servers = [main, other];
  port = await listen(main, wantedPort);
  otherPort = await listen(other);
  if (mappedHosts) {
    const tls = https.createServer(selfSignedCert(), (req, res) => handle(req, res, false));
    servers.push(tls);
    tlsPort = await listen(tls);
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    otherOrigin: `http://127.0.0.1:${otherPort}`,
    tlsPort,
    pageUrl: (name, { wait = false } = {}) => `${origin}/scenarios/${name}${wait ? '?wait' : ''}`,
    targetUrl: (name) => new URL(targetUrl(byName.get(name)), origin).href,
    close: () => Promise.all(servers.map((srv) => {
      srv.closeAllConnections();
      return new Promise((r) => srv.close(r));
    })),
  };
}

function selfSignedCert() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'why402-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-subj', '/CN=why402-test', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function compatScript(target) {
  // Checks what a page could notice about the hook; writes the verdict to window.compat.
  return `const log = [];
    const problems = [];
    const check = (ok, what) => { if (!ok) problems.push(what); };
    check(fetch.name === 'fetch' && fetch.length === 1, 'fetch name/length');
    check(XMLHttpRequest.prototype.open.name === 'open', 'open name');
    check(/native code/.test(Function.prototype.toString.call(fetch)), 'fetch toString');
    const p = fetch(${target});
    check(p instanceof Promise, 'fetch returns a Promise');
    log.push('called');
    const r = await p;
    log.push('resolved');
    check(r instanceof Response, 'instanceof Response');
    check(r.bodyUsed === false, 'bodyUsed before read');
    const text = await r.text();
    log.push('read');
    check(r.bodyUsed === true, 'bodyUsed after read');
    check(text.includes('credit balance'), 'body intact');
    check(r.status === 400, 'status');
    let threw = false;
    try { await fetch.call({}, ${target}); } catch (e) { threw = e instanceof TypeError; }
    check(threw, 'illegal invocation still a TypeError');
    await new Promise((done) => {
      const x = new XMLHttpRequest();
      const events = [];
      x.onreadystatechange = () => events.push('rs' + x.readyState);
      x.onload = () => events.push('load');
      x.onloadend = () => {
        events.push('loadend');
        check(events.join() === 'rs1,rs2,rs3,rs4,load,loadend', 'xhr event order ' + events.join());
        check(x.responseText.includes('credit balance'), 'xhr body intact');
        done();
      };
      x.open('GET', ${target});
      x.send();
    });
    let openThrew = false;
    try { new XMLHttpRequest().open('BAD METHOD', ${target}); } catch (e) { openThrew = e.name === 'SyntaxError'; }
    check(openThrew, 'open still throws SyntaxError');
    check(log.join() === 'called,resolved,read', 'order ' + log.join());
    window.compat = { ok: problems.length === 0, problems };
    show(JSON.stringify(window.compat));`;
}

// `node tests/e2e/server.mjs --demo` (`make demo`): serve until Ctrl-C, on $PORT if set.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const srv = await startServer({ port: Number(process.env.PORT) || 0 });
  const built = fs.existsSync(path.join(root, 'extension', 'manifest.json'));
  const playground = fs.existsSync(path.join(root, 'www', 'index.html'))
    ? `  playground:        ${srv.origin}/\n` : '';
  console.log(`Why 402 demo (PORT=<n> make demo picks the port)
${playground}  scenario gallery:  ${srv.origin}/scenarios/

Load the extension: open chrome://extensions, switch on "Developer mode", click
"Load unpacked" and pick ${path.join(root, 'extension')}${built ? '' : ' (run `make build` first)'}.
Then open a scenario: the badge counts payment failures, the popup explains them, and
DevTools gets a "Why 402" panel. Firefox: about:debugging → Load Temporary Add-on →
${path.join(root, 'dist', 'firefox', 'manifest.json')}.
Ctrl-C stops the server.`);
}
