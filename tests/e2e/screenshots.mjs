// Screenshots taken by the Chromium and Firefox browser tests: written to tests/e2e/out/, and
// copied into docs/screenshots/ when UPDATE_SCREENSHOTS=1.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const OUT = path.join(ROOT, 'tests', 'e2e', 'out');

export function screenshotPath(name) {
  fs.mkdirSync(OUT, { recursive: true });
  return path.join(OUT, name);
}

/** Copies a screenshot into docs/screenshots/ when UPDATE_SCREENSHOTS=1. */
export function publishScreenshot(name) {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const dir = path.join(ROOT, 'docs', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(OUT, name), path.join(dir, name));
}
