// Writes the capture limits (payment-candidate statuses, body caps) from the Rust crate into the
// extension's scripts, between the "@generated" markers: the page hook, the relay, the DevTools
// page and the worker must decide before (or without) any wasm call, and must agree with the
// crate. Runs after the wasm build (scripts/build.sh); `cargo test` checks the blocks are current.
import fs from 'node:fs';
import path from 'node:path';
import { initSync, capture_limits_js } from '../extension/pkg/why402.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
initSync({ module: fs.readFileSync(path.join(root, 'extension/pkg/why402_bg.wasm')) });
const block = capture_limits_js().split('\n');
const [begin, end] = [block[0], block[block.length - 1]];

for (const file of ['background.js', 'devtools.js', 'content/page-hook.js', 'content/relay.js', 'settings.js']) {
  const full = path.join(root, 'extension', file);
  const lines = fs.readFileSync(full, 'utf8').split('\n');
  const from = lines.findIndex((l) => l.trim() === begin);
  const to = lines.findIndex((l, i) => i > from && l.trim() === end);
  if (from < 0 || to < 0) throw new Error(`${file}: no generated limits block`);
  const indent = /^\s*/.exec(lines[from])[0];
  lines.splice(from, to - from + 1, ...block.map((l) => indent + l));
  fs.writeFileSync(full, lines.join('\n'));
}
console.log('limits: written into background.js, devtools.js, content/page-hook.js, content/relay.js, settings.js');
