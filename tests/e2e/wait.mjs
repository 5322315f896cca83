// Bounded waits shared by the Chromium and Firefox browser tests (no dependencies, so the
// Marionette client can use them too).

/** Polls `probe` until it returns a truthy value; throws `what` after `timeout` ms. */
export async function waitFor(what, probe, { timeout = 10_000, interval = 100 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Rejects after `ms` so a hung browser call cannot stall the suite. */
export function within(ms, what, promise) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
