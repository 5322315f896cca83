#!/usr/bin/env python3
"""Writes a large, browser-like HAR file for `make bench` (scripts/bench-cli.sh).

Deterministic (fixed seed): the same arguments always give the same bytes. Entries look like a
Chromium "Save all as HAR" export, pretty-printed with two-space indents and Chromium's key
order: `_initiator` stacks, request headers, then the response with its body. Bodies are what
a long browsing session holds: JSON API responses, HTML pages, JavaScript bundles and CSS as
text, images and fonts base64-encoded. About 2% of the entries are payment failures, taken from
the repo's fixture table (tests/fixtures/*.json, real-world responses with their sources), 402s
and the other statuses that hide billing failures; some 404s, 500s, 204s and 304s are mixed in.

usage: scripts/gen-har.py OUT.har [--size-mb 400] [--seed 402]
"""

import argparse
import base64
import glob
import json
import os
import random
import urllib.parse

HOSTS = ["www.example-shop.com", "cdn.example-static.net", "api.example-shop.com",
         "fonts.example-cdn.org", "analytics.example-metrics.io", "img.example-shop.com"]

WORDS = ("the quick brown fox jumps over lazy dog lorem ipsum dolor sit amet consectetur "
         "adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua "
         "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00fcber stra\u00dfe").split()


def pools(rng):
    """Large text pools that bodies are sliced from (fast, and still varied)."""
    js_lines, html_parts, css_rules = [], [], []
    for i in range(60000):
        a, b = rng.choice(WORDS), rng.choice(WORDS)
        js_lines.append(rng.choice([
            f'  var {a}{i} = "{b} {a}";',
            f"  function {a}_{i}(x) {{ return x && x.{b} !== undefined ? x.{b} : '{a}'; }}",
            f'  if (window["{a}"]) {{ console.log("{b}\\t{i}"); }}',
            f"  e.exports={{{a}:function(t){{return t+{i}}},{b}:\"{a}-{b}\"}};",
        ]))
        html_parts.append(rng.choice([
            f'<div class="{a} {b}-{i}"><a href="/p/{a}/{i}?ref={b}">{a} {b}</a></div>',
            f'<p data-id="{i}">{" ".join(rng.choice(WORDS) for _ in range(12))}</p>',
            f'<img src="https://img.example-shop.com/{a}/{i}.webp" alt="{b}" loading="lazy">',
            f'<script type="application/ld+json">{{"@type": "Product", "name": "{a} {b}"}}</script>',
        ]))
        css_rules.append(f".{a}-{i} {{ margin: {i % 17}px; color: #{i % 4096:03x}; }}")
    js = "\n".join(js_lines)
    html = "\n".join(html_parts)
    css = "\n".join(css_rules)
    binary = base64.b64encode(rng.randbytes(3 * 1024 * 1024)).decode()
    return {"js": js, "html": html, "css": css, "b64": binary}


def json_body(rng, size):
    """A JSON API response of about `size` bytes (as text, so it is escaped inside the HAR)."""
    items, total = [], 0
    while total < size:
        i = rng.randrange(1_000_000)
        item = {"id": i, "sku": f"SKU-{i:07d}", "title": " ".join(rng.choice(WORDS) for _ in range(6)),
                "price": {"amount": rng.randrange(100, 99999), "currency": "EUR"},
                "tags": [rng.choice(WORDS) for _ in range(4)], "in_stock": rng.random() < 0.8,
                "rating": round(rng.random() * 5, 2), "status": 200}
        text = json.dumps(item)
        items.append(item)
        total += len(text)
    return json.dumps({"data": items, "page": {"next": None, "status": "ok"}})


def slice_of(rng, pool, size):
    size = min(size, len(pool))
    start = rng.randrange(0, len(pool) - size + 1)
    return pool[start:start + size]


def headers(rng, pairs):
    return [{"name": n, "value": v} for n, v in pairs]


def request(rng, method, url):
    parts = urllib.parse.urlsplit(url)
    return {
        "method": method,
        "url": url,
        "httpVersion": "http/2.0",
        "headers": headers(rng, [
            (":authority", parts.netloc), (":method", method), (":path", parts.path or "/"),
            (":scheme", "https"), ("accept", "*/*"), ("accept-encoding", "gzip, deflate, br, zstd"),
            ("accept-language", "en-US,en;q=0.9"), ("cookie", f"session={rng.randrange(10**12):x}; theme=dark"),
            ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"),
            ("sec-fetch-mode", "cors"), ("sec-fetch-site", "same-site"),
        ]),
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": 0,
    }


def initiator(rng):
    frames = [{"functionName": rng.choice(WORDS), "scriptId": str(rng.randrange(1000)),
               "url": f"https://cdn.example-static.net/js/app.{rng.randrange(10**6):x}.js",
               "lineNumber": rng.randrange(5000), "columnNumber": rng.randrange(200)}
              for _ in range(rng.randrange(0, 12))]
    return {"type": "script", "stack": {"callFrames": frames}} if frames else {"type": "parser"}


def ordinary(rng, p, i, started):
    """A request that did not fail in a payment way (mostly 200s)."""
    kind = rng.choices(["json", "html", "js", "css", "image", "font", "empty"],
                       weights=[30, 8, 20, 8, 25, 4, 5])[0]
    host = rng.choice(HOSTS)
    status = rng.choices([200, 204, 304, 301, 404, 500], weights=[90, 2, 4, 1, 2, 1])[0]
    mime, text, encoding = "text/plain", "", None
    if kind == "json":
        mime, text = "application/json", json_body(rng, int(rng.lognormvariate(9.5, 1.0)))
    elif kind == "html":
        mime, text = "text/html", slice_of(rng, p["html"], int(rng.lognormvariate(11.0, 0.7)))
    elif kind == "js":
        mime, text = "application/javascript", slice_of(rng, p["js"], int(rng.lognormvariate(11.2, 1.0)))
    elif kind == "css":
        mime, text = "text/css", slice_of(rng, p["css"], int(rng.lognormvariate(10.5, 0.8)))
    elif kind in ("image", "font"):
        mime = "image/webp" if kind == "image" else "font/woff2"
        text, encoding = slice_of(rng, p["b64"], int(rng.lognormvariate(10.2, 1.2))), "base64"
    if status in (204, 304, 301):
        text, encoding = "", None
    elif status >= 400:
        # Error pages are small: a server's own HTML page or a JSON error.
        mime, encoding = rng.choice([("text/html", None), ("application/json", None)])
        text = (slice_of(rng, p["html"], rng.randrange(300, 20000)) if mime == "text/html"
                else json.dumps({"error": {"status": status, "message": "Not Found" if status == 404 else "Internal error"}}))
    content = {"size": len(text), "mimeType": mime}
    if text:
        content["text"] = text
    if encoding:
        content["encoding"] = encoding
    url = f"https://{host}/{kind}/{i}/{rng.choice(WORDS)}?v={rng.randrange(10**6)}"
    return entry(rng, i, started, request(rng, "GET", url), status, mime, content)


def entry(rng, i, started, req, status, mime, content, extra_headers=()):
    response = {
        "status": status,
        "statusText": "",
        "httpVersion": "http/2.0",
        "headers": headers(rng, [("content-type", mime), ("date", "Wed, 25 Nov 2026 10:00:00 GMT"),
                                 ("cache-control", "max-age=3600"), ("server", "example"),
                                 ("x-request-id", f"{rng.randrange(16**16):016x}")] + list(extra_headers)),
        "cookies": [],
        "content": content,
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": content.get("size", 0),
        "_transferSize": content.get("size", 0) // 3 + 300,
        "_error": None,
    }
    return {
        "_initiator": initiator(rng),
        "_priority": rng.choice(["High", "Low", "VeryHigh"]),
        "_resourceType": "fetch",
        "cache": {},
        "connection": str(rng.randrange(1000, 99999)),
        "pageref": "page_1",
        "request": req,
        "response": response,
        "serverIPAddress": "203.0.113.7",
        "startedDateTime": started,
        "time": round(rng.random() * 900, 3),
        "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1,
                    "wait": round(rng.random() * 800, 3), "receive": 2.5, "_blocked_queueing": 0.8},
    }


def failures(root):
    """Payment-failure entries from the fixture table (cases that expect a diagnosis)."""
    out = []
    for path in sorted(glob.glob(os.path.join(root, "tests", "fixtures", "*.json"))):
        try:
            cases = json.load(open(path, encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(cases, list):
            continue
        for case in cases:
            if isinstance(case, dict) and case.get("expect") and isinstance(case.get("entry"), dict):
                if isinstance(case["entry"].get("response"), dict):
                    out.append(case["entry"])
    return out


def failing(rng, i, started, fixtures):
    fx = rng.choice(fixtures)
    req = request(rng, fx.get("request", {}).get("method", "GET"), fx.get("request", {}).get("url", "https://api.example.com/"))
    req["headers"] = fx.get("request", {}).get("headers", []) + req["headers"]
    resp = fx["response"]
    content = dict(resp.get("content") or {})
    e = entry(rng, i, started, req, resp.get("status", 402), content.get("mimeType", "application/json"), content)
    e["response"]["statusText"] = resp.get("statusText", "")
    e["response"]["headers"] = resp.get("headers", []) + e["response"]["headers"]
    return e


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--size-mb", type=int, default=400)
    ap.add_argument("--seed", type=int, default=402)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    fixtures = failures(root)
    if not fixtures:
        raise SystemExit("no failure fixtures found under tests/fixtures")
    p = pools(rng)
    target = args.size_mb * 1_000_000
    written, i, failed = 0, 0, 0
    with open(args.out, "w", encoding="utf-8") as f:
        head = ('{\n  "log": {\n    "version": "1.2",\n    "creator": {\n      "name": "WebInspector",\n'
                '      "version": "537.36"\n    },\n    "pages": [\n      {\n        "startedDateTime": '
                '"2026-11-25T10:00:00.000Z",\n        "id": "page_1",\n        "title": "https://www.example-shop.com/",\n'
                '        "pageTimings": {\n          "onContentLoad": 812.4,\n          "onLoad": 1904.2\n        }\n'
                '      }\n    ],\n    "entries": [')
        f.write(head)
        written += len(head)
        while written < target:
            started = f"2026-11-25T10:{(i // 600) % 60:02d}:{(i // 10) % 60:02d}.{i % 1000:03d}Z"
            if rng.random() < 0.02:
                e = failing(rng, i, started, fixtures)
                failed += 1
            else:
                e = ordinary(rng, p, i, started)
            text = ("\n" if i == 0 else ",\n") + "      " + json.dumps(e, indent=2, ensure_ascii=False).replace("\n", "\n      ")
            f.write(text)
            written += len(text.encode("utf-8")) if not text.isascii() else len(text)
            i += 1
        f.write("\n    ]\n  }\n}\n")
    print(f"{args.out}: {os.path.getsize(args.out) / 1e6:.0f} MB, {i} entries, {failed} payment-failure entries")


if __name__ == "__main__":
    main()
