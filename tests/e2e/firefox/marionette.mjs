// A minimal Marionette client (Firefox's own remote protocol), with no dependency: WebDriver
// BiDi cannot reach moz-extension:// pages (Firefox bug 1755014) and geckodriver is not packaged
// in Debian, but Marionette drives extension pages, the chrome context and screenshots.
//
// Wire format: `<byte length>:<JSON>`. The server first sends a hello object; then every command
// is `[0, id, "Name", params]` and its answer `[1, id, error|null, result|null]`.
import net from 'node:net';
import { within } from '../wait.mjs';

export class Marionette {
  constructor(socket) {
    this.socket = socket;
    this.nextId = 1;
    this.pending = new Map();
    this.buffer = Buffer.alloc(0);
    this.hello = null;
    this.helloWaiters = [];
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (err) => {
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('marionette connection closed')));
  }

  /** Connects to 127.0.0.1:port and waits for the server's hello. */
  static async connect(port, { timeout = 10_000 } = {}) {
    const socket = net.connect(port, '127.0.0.1');
    const client = new Marionette(socket);
    await within(timeout, 'marionette hello', new Promise((resolve, reject) => {
      client.helloWaiters.push(resolve);
      socket.once('error', reject);
    }));
    return client;
  }

  onData(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    // Bounded by the buffer: each round consumes one complete message or stops.
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString('ascii'));
      if (!Number.isInteger(length) || length < 0) {
        this.socket.destroy(new Error('marionette: bad frame length'));
        return;
      }
      if (this.buffer.length < colon + 1 + length) return;
      const body = this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8');
      this.buffer = this.buffer.subarray(colon + 1 + length);
      this.onMessage(JSON.parse(body));
    }
  }

  onMessage(msg) {
    if (!Array.isArray(msg)) {
      this.hello = msg;
      for (const resolve of this.helloWaiters.splice(0)) resolve(msg);
      return;
    }
    const [, id, error, result] = msg;
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    if (error) {
      waiter.reject(new Error(`${waiter.name}: ${error.error}: ${error.message}`));
    } else {
      waiter.resolve(result);
    }
  }

  /** Sends one command; rejects on a Marionette error or after `timeout` ms. */
  send(name, params = {}, { timeout = 20_000 } = {}) {
    const id = this.nextId++;
    const text = JSON.stringify([0, id, name, params]);
    this.socket.write(`${Buffer.byteLength(text)}:${text}`);
    return within(timeout, name, new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, name });
    })).finally(() => this.pending.delete(id));
  }

  async setContext(value) {
    await this.send('Marionette:SetContext', { value });
  }

  /**
   * Runs `fn` (its source) with `args` in the current context and returns its value. The result
   * travels as JSON text: extension objects come through Xray wrappers that Marionette's own
   * serialiser does not always walk.
   */
  async run(fn, ...args) {
    const script = `const fn = ${fn.toString()};
      return Promise.resolve(fn(...arguments)).then((v) => JSON.stringify(v === undefined ? null : v));`;
    const { value } = await this.send('WebDriver:ExecuteScript', { script, args });
    return JSON.parse(value);
  }

  close() {
    this.socket.destroy();
  }
}
