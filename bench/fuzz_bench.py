"""Issue 17: a seeded fuzz campaign against a real ``keroro-graph -v serve`` process.

    .venv/bin/python -m bench.fuzz_bench --seconds 300 --seed 1 [--workers 4]
    .venv/bin/python -m bench.fuzz_bench --replay 1:4711      # one request again, alone

Request ``i`` of seed ``s`` is built from ``random.Random(f"{s}:{i}")`` alone, so any
request can be rebuilt and sent again. Each worker sends its requests one after another
on one keep-alive connection (the previous request on that connection is what a drop
is reported with). Every route the server has is a target (path parameters filled with
traversal, percent-encoded slashes, NUL, control characters, braces, long and
non-ASCII text), with hostile JSON (deep nesting, lone surrogates, huge numbers,
NaN), random bytes, mutated graphs, multipart uploads with hostile names, subfolders
and images, long headers and URLs, foreign Host/Origin, and WebSocket frames.

Printed: requests, duration, answers by status class, 5xx, dropped (no answer: the
connection closed or broke before a whole response came) and, for each 5xx or drop,
the request, its predecessor on the connection and the server log lines about it."""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tests.live_server import FIXTURE_PACKS, ROOT, free_port, live_server

# --- what a request is made of -------------------------------------------------------

_HOSTILE_PARTS = ["..", "../..", "%2e%2e", "%2F", "..%2F..%2Fetc%2Fpasswd", "%00", "a%00b", "%0d%0a", "%0A",
                  "{", "}", "%7B%7D", "%ED%A0%80", "%FF", "%C0%AF", "~", ".", "", " ", "\u4f5c\u6218",
                  "a" * 300, "a" * 5000, "CON", "x.json", "sub/dir", "..\\..\\win", "%5C", "/", "//", "%25"]
_NAMES = ["x", "fuzz.json", "clip.mp4", "a.gif", "workflows/a.json", "a.png", "../a.png", "image.png", "comfy.settings.json", "default",
          "dashscope", "kling", "gemini", "nope", "TestAdd", "PrimitiveInt", "LoadImage"]
_QUERY_KEYS = ["filename", "type", "subfolder", "max_items", "offset", "dir", "path", "status", "preview",
               "channel", "limit", "recurse", "full_info", "split", "overwrite", "full", "sort_by", "sort_order",
               "kind", "clientId", "token", "workflow_id", "prompt_id", "node", "id"]
_QUERY_VALUES = ["", "0", "-1", "1e9", "99999999999999999999", "NaN", "true", "input", "output", "temp",
                 "webp;90", "jpeg;-5", "png", "rgb", "a", "zz", "..", "../../etc", "%00", "\x00", "\r\n", "\ud800",
                 "a" * 2000]
_CONTENT_TYPES = ["application/json", "text/plain", "application/octet-stream", "multipart/form-data",
                  "multipart/form-data; boundary=", "application/x-www-form-urlencoded", "image/png", "",
                  "application/json; charset=latin-1"]


def _deep(depth: int, kind: int) -> str:
    opening, closing = [("[", "]"), ('{"a":', "}"), ('{"prompt":', "}")][kind]
    return opening * depth + "1" + closing * depth


_HOSTILE_JSON = [
    '{"prompt": {}, "client_id": "\\ud800"}', '{"\\ud800": 1}', '"\\udfff"', '{"api_key": "\\udbff\\u0041"}',
    '{"a": 1e999999}', '{"a": ' + "9" * 5000 + '}', '{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}',
    '{"a": "\\u0000"}', '{"a": 1, "a": 2}', "[]", "null", "true", '"x"', "1", "{", '{"a":}', "\ufeff{}",
    '{"prompt": {"1": {"class_type": "TestConst", "inputs": {"value": ' + _deep(985, 0) + '}}}}',
    '{"prompt": ' + _deep(600, 0) + '}', '{"base_url": "http://a\\ud800.b"}',
]


def _text(rng: random.Random, size: int = 8) -> str:
    alphabet = "ab/.%\\\x00\n\t{}\"' \u4f5c\ud800\U0001f600"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, size)))


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randint(0, 9 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 1, 2**31, 2**63, -2**64, 10**30, 3, 512])
    if kind == 3:
        return rng.choice([0.5, -1e308, 1e-320, 1e300])
    if kind == 4:
        return _text(rng)
    if kind == 5:
        return [rng.choice(["0", "1", "2", "out", "zz", ""]), rng.randint(-1, 3)]
    if kind in (6, 7):
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {_text(rng, 5): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _graph(rng: random.Random) -> dict[str, Any]:
    n = rng.randint(1, 4)
    graph: dict[str, Any] = {"0": {"class_type": "TestConst", "inputs": {"value": 1}}}
    for i in range(1, n + 1):
        graph[str(i)] = {"class_type": "TestAdd", "inputs": {"a": [str(i - 1), 0], "b": 1}}
    graph["out"] = {"class_type": rng.choice(["TestOutput", "PreviewAny", "SaveImage"]),
                    "inputs": {"source": [str(n), 0], "images": [str(n), 0]}}
    for _ in range(rng.randint(0, 5)):
        node_id = rng.choice(sorted(graph) or ["x"])
        action = rng.randint(0, 5)
        node = graph.get(node_id)
        if not isinstance(node, dict) or not isinstance(node.get("inputs"), dict):
            node = graph[node_id] = {"class_type": "TestAdd", "inputs": {}}
        if action == 0:
            node["class_type"] = rng.choice(["TestAdd", "SaveImage", "Nope", "LoadImage", "PrimitiveInt",
                                             "KlingTextToVideoNode", "PreviewAny", "LoadVideo", ""])
        elif action == 1:
            node["inputs"][rng.choice(["a", "b", "value", "image", "zz", "seed", "prompt"])] = _value(rng)
        elif action == 2:
            graph[node_id] = _value(rng)
        elif action == 3:
            graph[_text(rng, 4)] = _value(rng)
        elif action == 4:
            node["_meta"] = {"title": _value(rng)}
        else:
            graph.pop(node_id, None)
    return graph


def _png(rng: random.Random) -> bytes:
    from PIL import Image
    width, height = rng.choice([(1, 1), (4, 3), (64, 64)])
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (rng.randint(0, 255), 0, 0, 255)).save(out, "PNG")
    data = out.getvalue()
    choice = rng.randint(0, 5)
    if choice == 0:  # truncated
        return data[: rng.randint(8, len(data))]
    if choice == 1:  # IHDR claims a huge size (the CRC is then wrong, or right: both are tried)
        import struct
        import zlib
        ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 6, 0, 0, 0)
        chunk = b"IHDR" + ihdr
        return data[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]
    if choice == 2:  # a GIF header claiming 65535x65535
        return b"GIF89a\xff\xff\xff\xff\x00\x00\x00" + bytes(rng.randint(0, 255) for _ in range(40))
    if choice == 3:
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 200)))
    return data


def _multipart(rng: random.Random) -> tuple[bytes, str]:
    """A multipart/form-data body written by hand (so file names may hold NUL, CR/LF,
    quotes, traversal), and its Content-Type."""
    boundary = "fuzz" + str(rng.randint(0, 10**9))
    name = rng.choice(["a.png", "../../x.png", "x/../../y.png", "\x00.png", "%2e%2e%2fa.png", "", ".", "a" * 300 + ".png",
                       "clip.mp4", "a.gif", "b.webp", "c.tif", "sub/a.png", "\u4f5c.png", "a.png\r\nX: y", 'a".png',
                       "..", "a\\..\\b.png"])
    parts = [(rng.choice(["image", "image", "file", "x"]), name, _png(rng))]
    for key in rng.sample(["subfolder", "overwrite", "type", "original_ref"], rng.randint(0, 4)):
        if key == "original_ref":
            value = rng.choice([json.dumps(_value(rng)), "{", json.dumps({"filename": "a.png", "type": "input",
                                                                           "subfolder": rng.choice(_HOSTILE_PARTS)})])
        elif key == "subfolder":
            value = rng.choice(_HOSTILE_PARTS)
        else:
            value = rng.choice(["true", "1", "input", "output", "temp", "..", "\x00", ""])
        parts.append((key, None, value.encode("utf-8", "surrogatepass")))
    out = io.BytesIO()
    for field_name, filename, data in parts:
        out.write(f"--{boundary}\r\n".encode())
        disposition = f'form-data; name="{field_name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out.write(f"Content-Disposition: {disposition}\r\n".encode("utf-8", "surrogatepass"))
        if filename is not None:
            out.write(f"Content-Type: {rng.choice(['image/png', 'video/mp4', 'x'])}\r\n".encode())
        out.write(b"\r\n" + data + b"\r\n")
    if rng.random() < 0.9:
        out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Request:
    index: int
    kind: str
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    frames: list[tuple[str, Any]] = field(default_factory=list)
    route: str = ""

    def describe(self) -> str:
        size = len(self.body) if self.body is not None else 0
        headers = {k: (v[:60] + f"...({len(v)})" if len(v) > 60 else v) for k, v in self.headers.items()}
        return (f"#{self.index} {self.kind} {self.method} {self.path[:160]!r} query={str(self.query)[:160]} "
                f"headers={headers} body={size}" + (f" {self.body[:120]!r}" if self.body else "")
                + (f" frames={[(k, str(v)[:40]) for k, v in self.frames]}" if self.frames else ""))


def _fill(template: str, rng: random.Random) -> str:
    def one(_match: re.Match[str]) -> str:
        return rng.choice([rng.choice(_HOSTILE_PARTS), rng.choice(_NAMES), _quote(_text(rng, 10))])
    return re.sub(r"\{[^}]+\}", one, template)


def _quote(text: str) -> str:
    from urllib.parse import quote
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def make_request(seed: int, index: int, routes: list[tuple[str, str]]) -> Request:
    rng = random.Random(f"{seed}:{index}")
    method, template = rng.choice(routes)
    if rng.random() < 0.08:
        method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
    path = _fill(template, rng)
    if rng.random() < 0.1:
        path += rng.choice(["/", "//", "/..", "%2F..", "/" + _quote(_text(rng)), "?" + "a=" * 3000])
    req = Request(index, "http", method, path, route=template)
    if rng.random() < 0.4:
        req.query = {rng.choice(_QUERY_KEYS): rng.choice(_QUERY_VALUES) for _ in range(rng.randint(1, 4))}
    roll = rng.random()
    if roll < 0.03:
        req.headers["X-Long"] = "a" * rng.choice([4000, 8100, 8200, 20000])
    elif roll < 0.06:
        req.headers["Host"] = rng.choice(["evil.example:8188", "", "127.0.0.1:1", "[::1]", "localhost:x",
                                          "a" * 300, "127.0.0.1.nip.io"])
    elif roll < 0.09:
        req.headers["Origin"] = rng.choice(["http://evil.example", "null", "http://127.0.0.1:1", "x", "file://"])
    elif roll < 0.11:
        req.headers["Cookie"] = "a=" + "b" * rng.choice([100, 9000])
    elif roll < 0.16:
        name = rng.choice(["Range", "If-Modified-Since", "If-Unmodified-Since", "If-Range", "Accept-Encoding",
                           "If-None-Match", "Content-Encoding"])
        req.headers[name] = rng.choice(["bytes=-0", "bytes=0-0,1-1,2-2", "bytes=999999999999-", "bytes=5-1",
                                        "bytes=" + ",".join(f"{i}-{i}" for i in range(500)), "x", "",
                                        "Thu, 01 Jan 1970 00:00:00 GMT", "Mon, 99 Foo 99999 99:99:99 GMT",
                                        "gzip, br, zstd, *;q=0", "deflate", "br"])
    if template in ("/ws", "/api/ws") and rng.random() < 0.7:
        req.kind, req.method = "ws", "GET"
        req.query = {"clientId": rng.choice(["fuzz", "", _text(rng), "a" * 500])}
        for _ in range(rng.randint(0, 6)):
            choice = rng.randint(0, 4)
            if choice == 0:
                req.frames.append(("text", json.dumps(_value(rng))))
            elif choice == 1:
                req.frames.append(("text", rng.choice(_HOSTILE_JSON)))
            elif choice == 2:
                req.frames.append(("bytes", bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 100)))))
            elif choice == 3:
                req.frames.append(("text", "x" * rng.choice([70_000, 1_100_000, 5_000_000])))
            else:
                req.frames.append(("text", json.dumps({"type": rng.choice(["feature_flags", "ping", "x"]),
                                                       "data": _value(rng)})))
        return req
    if "upload" in template and rng.random() < 0.8:
        req.body, req.headers["Content-Type"] = _multipart(rng)
        return req
    if method in ("POST", "PUT", "PATCH", "DELETE") or rng.random() < 0.05:
        choice = rng.randint(0, 9)
        if choice == 0:
            req.body = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 64)))
        elif choice == 1:
            req.body = _deep(rng.choice([50, 500, 990, 3000]), rng.randint(0, 2)).encode()
        elif choice == 2:
            req.body = rng.choice(_HOSTILE_JSON).encode("utf-8", "surrogatepass")
        elif choice in (3, 4, 5):
            doc: dict[str, Any] = {"prompt": _graph(rng)}
            for key in rng.sample(["client_id", "number", "front", "extra_data", "prompt_id",
                                   "partial_execution_targets", "delete", "clear"], rng.randint(0, 3)):
                doc[key] = _value(rng) if rng.random() < 0.6 else rng.choice(["x{y}", "a/b", "fuzz", "\u4f5c"])
            req.body = json.dumps(doc).encode("utf-8", "surrogatepass")
        elif choice == 6:
            req.body = b'{"a": "' + b"x" * rng.choice([100_000, 2_000_000]) + b'"}'
        elif choice == 7:
            req.body = json.dumps(_value(rng)).encode("utf-8", "surrogatepass")
        elif choice == 8:
            req.body = b""
        else:
            req.body = json.dumps({_text(rng, 6): _value(rng) for _ in range(rng.randint(0, 6))}).encode(
                "utf-8", "surrogatepass")
        req.headers["Content-Type"] = rng.choice(_CONTENT_TYPES)
    return req


# --- running it -----------------------------------------------------------------------

@dataclass
class Outcome:
    request: Request
    status: int | None
    error: str | None
    previous: Request | None
    seconds: float
    body: str = ""


async def send(session: aiohttp.ClientSession, base: str, req: Request, timeout_s: float) -> tuple[int, str]:
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    if req.kind == "ws":
        try:
            ws = await session.ws_connect(base + req.path, params=req.query, headers=req.headers,
                                          timeout=aiohttp.ClientWSTimeout(ws_receive=timeout_s, ws_close=timeout_s),
                                          max_msg_size=0)
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status, str(exc)
        async with ws:
            for kind, payload in req.frames:
                if ws.closed:
                    break
                try:
                    if kind == "text":
                        await ws.send_str(payload)
                    else:
                        await ws.send_bytes(payload)
                except ConnectionError:  # the server closed it: its close frame says why
                    break
            while not ws.closed:
                try:
                    msg = await ws.receive(timeout=0.05)
                except asyncio.TimeoutError:
                    break
                if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                    break
                if msg.type == aiohttp.WSMsgType.ERROR:
                    raise ConnectionError(f"WebSocket error: {msg.data}")
            code = ws.close_code
        return 101, f"closed with {code}"
    data: Any = req.body
    async with session.request(req.method, base + req.path, params=req.query or None, headers=req.headers,
                               data=data, timeout=timeout, allow_redirects=False) as response:
        text = await response.text(errors="replace")
        return response.status, text


def server_routes(app: Any = None) -> list[tuple[str, str]]:
    """The routes to aim at, read from the app the server builds (same settings)."""
    from keroro_graph.server.app import create_app
    from keroro_graph.settings import Settings
    if app is None:
        app = create_app(Settings(user_dir=Path(tempfile.mkdtemp()),
                                  custom_nodes_dirs=[ROOT / "custom_nodes", FIXTURE_PACKS]))
    out = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix")
        if path and route.method != "HEAD":
            out.add((route.method if route.method != "*" else "GET", path))
    return sorted(out)


async def worker(base: str, seed: int, indexes: Any, routes: list[tuple[str, str]], deadline: float,
                 outcomes: list[Outcome], timeout_s: float) -> None:
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as session:
        previous: Request | None = None
        for index in indexes:
            if time.monotonic() > deadline:
                return
            req = make_request(seed, index, routes)
            started = time.monotonic()
            status, error, body = None, None, ""
            try:
                status, body = await send(session, base, req, timeout_s)
            except aiohttp.ClientResponseError as exc:
                # an answer came, but the client refused it: aiohttp's own 400 for a request
                # line or header over 8190 bytes carries a body even after a HEAD
                status, error = exc.status, f"answer refused by the client: {exc.message[:80]}"
            except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError) as exc:
                error = f"{type(exc).__name__}: {exc}"
            except ValueError as exc:  # the client itself refused to send it (a header it will not write)
                outcomes.append(Outcome(req, 0, f"not sent: {exc}", previous, 0.0))
                continue
            outcomes.append(Outcome(req, status, error, previous, time.monotonic() - started, body[:300]))
            previous = req


async def campaign(base: str, seed: int, seconds: float, workers: int, routes: list[tuple[str, str]],
                   timeout_s: float) -> list[Outcome]:
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(worker(base, seed, range(w, 10**9, workers), routes, deadline, outcomes, timeout_s)
                           for w in range(workers)))
    return outcomes


def report(outcomes: list[Outcome], seconds: float, log_text: str) -> dict[str, Any]:
    classes: dict[str, int] = {}
    for o in outcomes:
        key = "dropped" if o.status is None else "not sent" if o.status == 0 else f"{o.status // 100}xx"
        classes[key] = classes.get(key, 0) + 1
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.status is None or o.status >= 500 or (o.status and o.error):
            what = (f"{o.status} refused by the client" if o.error else str(o.status)) if o.status \
                else (o.error or "").split(":")[0]
            groups.setdefault(f"{what} {o.request.kind} {o.request.method} {o.request.route}", []).append(o)
    for signature, group in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        o = group[0]
        print(f"---- {len(group)} x {signature}")
        print("  e.g.:    ", o.request.describe(), f"{o.seconds:.2f}s")
        print("  error:   ", (o.error or "")[:300])
        print("  previous:", o.previous.describe() if o.previous else None)
        if o.body:
            print("  answer:  ", o.body)
    problems = [line for line in log_text.splitlines()
                if re.search(r"Error handling request|Unhandled exception|Traceback|unhandled error", line)]
    print(f"server log: {len(problems)} error line(s)")
    for line in problems[:20]:
        print("  ", line[:300])
    return {"requests": sum(1 for o in outcomes if o.status != 0), "seconds": round(seconds, 1), "by_class": classes,
            "5xx": sum(1 for o in outcomes if o.status and o.status >= 500),
            "dropped": sum(1 for o in outcomes if o.status is None),
            "answers_refused_by_the_client": sum(1 for o in outcomes if o.status and o.error),
            "log_errors": len(problems)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=60, help="per request, seconds")
    parser.add_argument("--replay", metavar="SEED:INDEX[,INDEX...]", help="send these requests again, in order")
    parser.add_argument("--keep-log", type=Path, help="copy the server log here")
    parser.add_argument("--in-process", action="store_true",
                        help="run the server in this process and event loop (as the tests' server fixture does)")
    args = parser.parse_args()
    if args.in_process:
        return in_process(args)
    with tempfile.TemporaryDirectory() as tmp, \
            live_server(Path(tmp) / "user", packs=(ROOT / "custom_nodes", FIXTURE_PACKS), verbose=True) as server:
        routes = server_routes()
        started = time.monotonic()
        if args.replay:
            seed, _, indexes = args.replay.partition(":")
            outcomes: list[Outcome] = []
            asyncio.run(_replay(server.url, int(seed), [int(i) for i in indexes.split(",")], routes, outcomes,
                                args.timeout))
            for o in outcomes:
                print(o.request.describe(), "->", o.status or o.error, o.body[:200])
            return
        outcomes = asyncio.run(campaign(server.url, args.seed, args.seconds, args.workers, routes, args.timeout))
        elapsed = time.monotonic() - started
        alive = server.proc.poll() is None
        log_text = server.log()
        if args.keep_log:
            args.keep_log.write_text(log_text)
    figures = report(outcomes, elapsed, log_text)
    figures.update(seed=args.seed, workers=args.workers, server_alive_at_end=alive)
    print(json.dumps(figures))


def in_process(args: Any) -> None:
    """The campaign against an app served from this process's own event loop."""
    import logging

    from aiohttp import web

    from keroro_graph.server.app import create_app
    from keroro_graph.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        log_path = args.keep_log or Path(tmp) / "server.log"
        logging.basicConfig(filename=log_path, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

        async def run() -> tuple[list[Outcome], float]:
            settings = Settings(user_dir=Path(tmp) / "user", custom_nodes_dirs=[ROOT / "custom_nodes", FIXTURE_PACKS])
            app = create_app(settings)
            routes = server_routes(app)
            runner = web.AppRunner(app, handler_cancellation=True)
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            started = time.monotonic()
            try:
                outcomes = await campaign(f"http://127.0.0.1:{port}", args.seed, args.seconds, args.workers,
                                          routes, args.timeout)
            finally:
                await runner.cleanup()
            return outcomes, time.monotonic() - started

        outcomes, elapsed = asyncio.run(run())
        figures = report(outcomes, elapsed, log_path.read_text(errors="replace"))
        figures.update(seed=args.seed, workers=args.workers, in_process=True)
        print(json.dumps(figures))


async def _replay(base: str, seed: int, indexes: list[int], routes: list[tuple[str, str]],
                  outcomes: list[Outcome], timeout_s: float) -> None:
    await worker(base, seed, indexes, routes, time.monotonic() + 3600, outcomes, timeout_s)


if __name__ == "__main__":
    main()
