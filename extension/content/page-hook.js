// MAIN-world content script (document_start): copies the bodies of payment-related responses
// that the page's own fetch()/XMLHttpRequest calls receive, because webRequest never sees bodies.
//
// The page must not be able to tell the difference: fetch returns the very same promise and
// Response, XHR behaves as before, nothing is thrown into the page, and for any status that is
// not a payment candidate nothing is done beyond reading `status`.
(() => {
  'use strict';

  // Mirrors `is_payment_candidate` in the Rust library (src/capture/mod.rs): the statuses whose
  // bodies are worth copying. Kept here because the check runs where the wasm is not loaded.
  let CANDIDATES = new Set([400, 401, 402, 403, 412, 429]);
  const MAX_BODY = 64 * 1024;

  // Captured now, before any page script can replace them.
  const W = window;
  const origFetch = W.fetch;
  const XHR = W.XMLHttpRequest;
  const xhrOpen = XHR && XHR.prototype.open;
  const addListener = EventTarget.prototype.addEventListener;
  const Channel = W.MessageChannel;
  const MsgEvent = W.MessageEvent;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const removeListener = EventTarget.prototype.removeEventListener;
  const Decoder = W.TextDecoder;
  const stringify = JSON.stringify;
  const apply = Reflect.apply;

  // controls (#13): the relay passes the user's settings over the private port: body capture
  // off copies nothing, and the statuses list replaces the default set.
  let copyBodies = true;
  const SetCtor = W.Set;
  const isArray = Array.isArray;
  function onSettings(msg) {
    const data = msg.data;
    if (!data || data.source !== 'why402-settings') return;
    copyBodies = data.bodies !== false;
    if (isArray(data.statuses)) CANDIDATES = new SetCtor(data.statuses);
  }

  // A private channel to the ISOLATED relay, set up synchronously before any page script runs
  // (both scripts run at document_start, in either order): the page never sees the port, so it
  // cannot read captures or feed fake ones through it. The relay takes the port by cancelling
  // the hello event; if it is not there yet, it announces itself and gets a new offer.
  let port = null;
  const offer = () => {
    const channel = new Channel();
    const hello = new MsgEvent('why402-hello', { ports: [channel.port2], cancelable: true });
    if (!apply(dispatch, document, [hello])) {
      port = channel.port1;
      port.onmessage = onSettings; // controls (#13)
    }
    return port !== null;
  };
  const onRelayReady = () => {
    if (offer()) apply(removeListener, document, ['why402-relay-ready', onRelayReady]);
  };
  if (!offer()) apply(addListener, document, ['why402-relay-ready', onRelayReady]);

  // Only a body adds to what webRequest already recorded (status and all headers): an empty
  // or unreadable one is not sent, so it cannot show up as a second record.
  function post(entry) {
    try {
      if (port && entry.response.content.text) {
        port.postMessage({ source: 'why402-page', entry: stringify(entry) });
      }
    } catch {
      // Never let a capture problem reach the page.
    }
  }

  function headerList(headers) {
    const out = [];
    try {
      headers.forEach((value, name) => out.push({ name, value }));
    } catch {}
    return out;
  }

  function parseRawHeaders(raw) {
    const out = [];
    for (const line of String(raw || '').split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) out.push({ name: line.slice(0, i).trim(), value: line.slice(i + 1).trim() });
    }
    return out;
  }

  function entry(method, url, status, statusText, headers, text) {
    const mime = headers.find((h) => h.name.toLowerCase() === 'content-type');
    const content = { mimeType: mime ? mime.value : '' };
    if (typeof text === 'string') content.text = text;
    return {
      startedDateTime: new Date().toISOString(),
      request: { method: String(method || 'GET').toUpperCase(), url: String(url), headers: [] },
      response: { status, statusText: String(statusText || ''), headers, content },
    };
  }

  // Reads at most MAX_BODY bytes of a cloned body, then lets the rest go.
  async function readCapped(body) {
    if (!body) return '';
    const reader = body.getReader();
    const decoder = new Decoder();
    let text = '';
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = MAX_BODY - bytes;
      const chunk = value.byteLength > room ? value.subarray(0, room) : value;
      bytes += chunk.byteLength;
      text += decoder.decode(chunk, { stream: true });
      if (bytes >= MAX_BODY) {
        reader.cancel().catch(() => {});
        break;
      }
    }
    return text + decoder.decode();
  }

  function requestInfo(input, init) {
    let method = 'GET';
    let url = '';
    try {
      if (init && typeof init.method === 'string') method = init.method;
      else if (input instanceof Request) method = input.method;
      if (input instanceof Request) url = input.url;
      else if (typeof input === 'string' || input instanceof URL) url = String(input);
    } catch {}
    return { method, url };
  }

  function onFetched(response, info) {
    try {
      const status = response.status;
      if (!copyBodies || !CANDIDATES.has(status)) return;
      const clone = response.clone();
      const url = response.url || new URL(info.url, location.href).href;
      const headers = headerList(clone.headers);
      readCapped(clone.body).then(
        (text) => post(entry(info.method, url, status, response.statusText, headers, text)),
        () => post(entry(info.method, url, status, response.statusText, headers, undefined)),
      );
    } catch {}
  }

  if (typeof origFetch === 'function') {
    // A Proxy keeps name, length, prototype and `this` checks of the native function.
    W.fetch = new Proxy(origFetch, {
      apply(target, thisArg, args) {
        const promise = apply(target, thisArg, args);
        try {
          const info = requestInfo(args[0], args[1]);
          // Registered before the page's own handlers, so the clone is taken before the page
          // can consume the body; the page still gets the same promise and Response.
          promise.then((response) => onFetched(response, info), () => {});
        } catch {}
        return promise;
      },
    });
  }

  function onLoadEnd(xhr, info) {
    try {
      const status = xhr.status;
      if (!copyBodies || !CANDIDATES.has(status)) return;
      let text;
      const type = xhr.responseType;
      if (type === '' || type === 'text') text = xhr.responseText;
      else if (type === 'json') text = xhr.response == null ? '' : stringify(xhr.response);
      if (typeof text === 'string' && text.length > MAX_BODY) text = text.slice(0, MAX_BODY);
      const url = xhr.responseURL || info.url;
      const headers = parseRawHeaders(xhr.getAllResponseHeaders());
      post(entry(info.method, url, status, xhr.statusText, headers, text));
    } catch {}
  }

  if (typeof xhrOpen === 'function') {
    // The latest open() of each XHR object; the loadend listener is added once per object.
    const infos = new WeakMap();
    XHR.prototype.open = new Proxy(xhrOpen, {
      apply(target, thisArg, args) {
        const result = apply(target, thisArg, args); // throws exactly as before on bad input
        try {
          let url = String(args[1]);
          try {
            url = new URL(url, location.href).href;
          } catch {}
          const known = infos.has(thisArg);
          infos.set(thisArg, { method: String(args[0]), url });
          if (!known) {
            apply(addListener, thisArg, ['loadend', () => onLoadEnd(thisArg, infos.get(thisArg))]);
          }
        } catch {}
        return result;
      },
    });
  }
})();
