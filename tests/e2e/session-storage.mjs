// Functions the Chromium and Firefox tests run inside the extension (they are sent as source,
// so each must be self-contained): filling storage.session with stale tab lists, and reading
// back which of them are left. `browser` in Firefox, `chrome` in Chromium.

/** Fills storage.session with lists of made-up stale tabs until nothing more fits; gives the keys. */
export async function fillSessionStorage() {
  const session = (globalThis.browser || chrome).storage.session;
  const keys = [];
  let size = 1024 * 1024;
  for (let i = 0; i < 64 && size >= 64; i += 1) {
    const key = `tab:${990000 + i}`;
    try {
      await session.set({ [key]: JSON.stringify([{ time_ms: 1000 + i, pad: 'x'.repeat(size) }]) });
      keys.push(key);
    } catch {
      size = Math.floor(size / 2);
    }
  }
  return keys;
}

/** Which of `keys` storage.session still holds. */
export async function keysLeft(keys) {
  const all = await (globalThis.browser || chrome).storage.session.get(keys);
  return keys.filter((k) => k in all);
}
