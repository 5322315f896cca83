// Writes the per-browser manifests from the one template (extension/manifest.template.json):
// - extension/manifest.json: Chromium (module service worker), loadable unpacked from extension/;
// - dist/firefox/: a copy of extension/ with a Firefox manifest (event page scripts, gecko id).
// The version comes from Cargo.toml so the crate and the extension never disagree.
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const ext = path.join(root, 'extension');
const cargo = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)?.[1];
if (!version) throw new Error('no version in Cargo.toml');

const template = JSON.parse(fs.readFileSync(path.join(ext, 'manifest.template.json'), 'utf8'));
template.version = version;
const write = (file, manifest) =>
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');

write(path.join(ext, 'manifest.json'), template);

// Firefox has no extension service workers: the same module runs as a background script.
// MAIN-world content scripts need Firefox 128; `data_collection_permissions` (which AMO asks
// of new add-ons: this one collects nothing) is read from Firefox 140, and 142 on Android.
const firefox = structuredClone(template);
firefox.background = { scripts: ['background.js'], type: 'module' };
firefox.browser_specific_settings = {
  gecko: {
    id: 'why402@example.org',
    strict_min_version: '140.0',
    data_collection_permissions: { required: ['none'] },
  },
  gecko_android: { strict_min_version: '142.0' },
};
const out = path.join(root, 'dist', 'firefox');
fs.rmSync(out, { recursive: true, force: true });
fs.cpSync(ext, out, {
  recursive: true,
  filter: (src) => !/manifest(\.template)?\.json$/.test(src),
});
write(path.join(out, 'manifest.json'), firefox);
console.log(`manifests: extension/manifest.json (chromium), dist/firefox/manifest.json (v${version})`);
