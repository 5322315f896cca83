// extension/messages.js is the one list of the message names the extension's parts exchange.
// Modules import it; the content scripts are classic scripts that cannot, so they declare the
// names they use as constants of the same name. This checks, without a browser, that those
// copies match, that no other copy of a name is written anywhere in extension/, and that every
// name is used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as messages from '../../extension/messages.js';

const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../extension');
const CLASSIC = ['content/page-hook.js', 'content/relay.js', 'content/console.js'];

/** Every .js file of the extension but the generated wasm glue, relative to extension/. */
function scripts() {
  const out = [];
  const walk = (rel) => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory() && d.name !== 'pkg') walk(p);
      else if (d.isFile() && d.name.endsWith('.js')) out.push(p);
    }
  };
  walk('');
  return out;
}

const names = Object.entries(messages).filter(([, v]) => typeof v === 'string');

test('the message names are listed', () => {
  assert.ok(names.length >= 8, `only ${names.length} names`);
  assert.equal(new Set(names.map(([, v]) => v)).size, names.length, 'two names share a string');
});

test('classic content scripts declare the names as messages.js has them', () => {
  for (const file of CLASSIC) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    let declared = 0;
    for (const [name, value] of names) {
      const m = new RegExp(`const ${name} = (['"])(.*?)\\1;`).exec(text);
      if (!m) continue;
      declared += 1;
      assert.equal(m[2], value, `${file}: ${name}`);
    }
    assert.ok(declared > 0, `${file} declares none of the names`);
  }
});

test('no other copy of a name is written in extension/', () => {
  const all = scripts();
  assert.ok(all.length >= 10 && all.includes('messages.js'), all.join(', '));
  for (const file of all) {
    if (file === 'messages.js') continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const [name, value] of names) {
      const literal = new RegExp(`(['"\`])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`, 'g');
      const declaration = new RegExp(`const ${name} = (['"])`);
      for (const m of text.matchAll(literal)) {
        const line = text.slice(text.lastIndexOf('\n', m.index) + 1, text.indexOf('\n', m.index));
        assert.ok(
          CLASSIC.includes(file) && declaration.test(line),
          `${file}: ${m[0]} written out; import ${name} from messages.js`,
        );
      }
    }
  }
});

test('every name is used by a sender or a receiver', () => {
  const texts = scripts()
    .filter((f) => f !== 'messages.js')
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  for (const [name] of names) {
    const uses = texts.filter((t) => new RegExp(`\\b${name}\\b`).test(t)).length;
    assert.ok(uses > 0, `${name} is used nowhere`);
  }
});
