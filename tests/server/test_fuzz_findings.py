"""What the seeded fuzz campaign (bench/fuzz_bench.py, issue 17) found, each through
the HTTP interface of a real server on loopback: every request gets a well-formed
answer naming what is wrong, never a 500 and never a dropped connection."""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from pathlib import Path

import aiohttp
import pytest

from keroro_graph.registry import load_registry
from keroro_graph.server.app import create_app
from keroro_graph.settings import Settings
from tests.conftest import chain

HUGE = "99999999999999999999"  # beyond SQLite's 64-bit integers


async def test_page_numbers_beyond_64_bits_mean_all_of_them(client):
    done = await client.post("/prompt", json={"prompt": chain(1), "prompt_id": "p1"})
    assert done.status == 200
    for _ in range(300):
        if await (await client.get("/history/p1")).json():
            break
        await asyncio.sleep(0.02)
    everything = await client.get("/history", params={"max_items": HUGE})
    assert everything.status == 200 and list(await everything.json()) == ["p1"]
    beyond = await client.get("/history", params={"offset": HUGE})
    assert beyond.status == 200 and await beyond.json() == {}
    runs = await client.get("/api/runs", params={"offset": HUGE})
    assert runs.status == 200 and (await runs.json())["jobs"] == []
    for path, name in (("/history", "max_items"), ("/api/runs", "offset")):
        refused = await client.get(path, params={name: "9" * 5000})  # more digits than int() takes
        assert refused.status == 400
        assert name in (await refused.json())["error"]["message"]
    too_many = await client.get("/api/runs", params={"limit": HUGE})
    assert too_many.status == 400 and "limit" in (await too_many.json())["error"]["message"]


async def test_a_file_name_longer_than_the_system_allows_is_a_400(settings: Settings, tmp_path: Path,
                                                                 aiohttp_client) -> None:
    pack = tmp_path / "packs" / "poster_pack"
    (pack / "example_workflows").mkdir(parents=True)
    (pack / "__init__.py").write_text("NODE_CLASS_MAPPINGS = {}\n")
    (pack / "example_workflows" / "poster.json").write_text(json.dumps({"nodes": [], "links": []}))
    client = await aiohttp_client(create_app(settings, registry=load_registry(custom_dirs=[tmp_path / "packs"])))
    for name in ("a" * 300, "a" * 300 + ".jpg", "a\x01.json"):
        response = await client.get(f"/api/workflow_templates/poster_pack/{name}")
        assert response.status == 400, name
        assert "file name" in (await response.json())["error"]["message"]
    assert (await client.get("/api/workflow_templates/poster_pack/poster.json")).status == 200


async def test_listing_user_files_while_they_are_removed_never_fails(client, settings: Settings):
    folder = settings.frontend_settings_dir / "workflows"
    folder.mkdir(parents=True)
    for round_ in range(8):
        names = [folder / f"w{round_}-{i}.json" for i in range(150)]
        for path in names:
            path.write_text("{}")

        def remove(paths: list[Path] = names) -> None:
            for path in paths:
                path.unlink()
        remover = threading.Thread(target=remove)
        remover.start()
        answers = [await client.get("/v2/userdata"),
                   await client.get("/userdata", params={"dir": "workflows", "full_info": "true"})]
        remover.join()
        for answer in answers:
            assert answer.status == 200, await answer.text()


async def _raw(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    return answer


async def test_a_malformed_request_is_a_400_and_its_bytes_stay_out_of_the_log(settings: Settings, registry,
                                                                              aiohttp_client, caplog):
    """aiohttp quoted the first 100 bytes of a line it could not parse in an ERROR
    traceback: the access token of a long ``?token=`` URL, or of an oversized
    Authorization header, reached the log."""
    token = "tok-census-0123456789abcdef"
    settings = settings.model_copy(update={"token": token})
    client = await aiohttp_client(create_app(settings, registry=registry))
    port = client.server.port
    caplog.set_level(logging.DEBUG)
    pad = "a" * 9000
    for request in (f"GET /queue?token={token}&pad={pad} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    f"GET /queue HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}{pad}\r\n\r\n",
                    f"G\x01T /queue?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"):
        answer = await _raw(port, request.encode())
        assert answer.split(b" ", 2)[1] == b"400", answer[:100]
    assert token not in caplog.text
    refused = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert refused and all(r.levelno == logging.INFO and not r.exc_info for r in refused)
    assert "malformed HTTP request (LineTooLong)" in caplog.text
    ok = await client.get("/queue", headers={"Authorization": f"Bearer {token}"})
    assert ok.status == 200


def _strict_json(text: str) -> object:
    """JSON as a browser's JSON.parse reads it: no NaN, Infinity or -Infinity."""
    def refuse(literal: str) -> object:
        raise ValueError(f"{literal} is not JSON")
    return json.loads(text, parse_constant=refuse)


async def test_nan_and_infinity_are_refused_so_every_answer_stays_json(client):
    """Python's json reads NaN, Infinity and 1e999 (ComfyUI takes them too); a prompt
    holding one made /history, and a setting holding one made /settings, answers no
    browser can parse, for good."""
    graph = '{"1": {"class_type": "TestConst", "inputs": {"value": %s}}, "out": {"class_type": "TestOutput", ' \
            '"inputs": {"source": ["1", 0]}}}'
    for literal in ("NaN", "Infinity", "-Infinity", "1e999", "-2E+400"):
        for path, body in (("/prompt", '{"prompt": %s}' % (graph % literal)), ("/settings", '{"a": %s}' % literal),
                           ("/api/workflows/validate", '{"prompt": %s}' % (graph % literal))):
            response = await client.post(path, data=body, headers={"Content-Type": "application/json"})
            assert response.status == 400, (literal, path, await response.text())
            message = (await response.json())["error"]["message"]
            assert "NaN or Infinity" in message and ("$.prompt.1.inputs.value" in message or "$.a" in message)
    fine = await client.post("/prompt", json={"prompt": json.loads(graph % "1"), "prompt_id": "finite"})
    assert fine.status == 200
    assert (await client.post("/settings", data='{"large": 1e300, "small": -2.5E-310}')).status == 200
    text_only = await client.post("/settings", json={"note": "NaN and Infinity as text, 1e999 too"})
    assert text_only.status == 200
    for path in ("/history", "/settings", "/queue", "/api/runs", "/api/jobs"):
        _strict_json(await (await client.get(path)).text())


async def test_duplicate_keys_keep_the_last_as_comfyui_and_huge_integers_are_a_400(client):
    assert (await client.post("/settings", data='{"k": 1, "k": 2}')).status == 200
    assert (await (await client.get("/settings")).json())["k"] == 2
    response = await client.post("/settings", data='{"k": %s}' % ("9" * 5000))
    assert response.status == 400 and "not valid JSON" in (await response.json())["error"]["message"]


def test_warnings_a_client_words_are_neither_printed_nor_remembered(tmp_path: Path):
    """A multipart header aiohttp cannot read, or an image claiming a size PIL warns
    about, printed a warning to stderr per distinct text, and Python keeps every
    distinct text it has shown for the life of the process: made-up file names grew a
    real server by one entry per request. Each is a 400 naming the problem."""
    import http.client

    from tests.live_server import live_server
    from tests.server.hostile_media import png_claiming

    with live_server(tmp_path / "user") as server:
        for i in range(20):
            bodies = [f'--b\r\nContent-Disposition: form-data; name="image"; filename="a{i}.png\r\nX: y"\r\n'
                      f'Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n'.encode(),
                      b'--b\r\nContent-Disposition: form-data; name="image"; filename="b.png"\r\n'
                      b'Content-Type: image/png\r\n\r\n' + png_claiming(9500 + i, 9500) + b'\r\n--b--\r\n']
            for body in bodies:
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                connection.request("POST", "/upload/image", body=body,
                                   headers={"Content-Type": "multipart/form-data; boundary=b"})
                answer = connection.getresponse()
                assert answer.status == 400
                assert json.loads(answer.read())["error"]["message"]
                connection.close()
        assert server.get("/queue") is not None
        log = server.log()
    assert "BadContentDisposition" not in log and "DecompressionBomb" not in log, log[-2000:]


async def test_a_body_not_in_its_content_encoding_is_a_400_and_the_next_request_is_answered(client):
    """``Content-Encoding: deflate`` on a body that is not deflated: reading it raised
    aiohttp's ContentEncodingError, answered 500, and aiohttp then closed the keep-alive
    connection while the client sent its next request on it, which got no answer."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
        base = str(client.make_url("/")).rstrip("/")
        for encoding, path in (("deflate", "/prompt"), ("gzip", "/settings"), ("deflate", "/interrupt"),
                               ("gzip", "/upload/image"), ("br", "/prompt")):
            async with session.post(base + path, data=b'{"prompt": {}}' * 50,
                                    headers={"Content-Encoding": encoding, "Content-Type": "application/json"}) as r:
                assert r.status == 400, (encoding, path, await r.text())
                if encoding != "br":  # without a brotli decoder aiohttp refuses it before any handler
                    message = (await r.json())["error"]["message"]
                    # the upload route refuses a JSON content type before reading the body
                    assert ("cannot be read" in message and encoding in message) or "form" in message
            async with session.post(base + "/prompt", json={"prompt": chain(1)}) as after:
                assert after.status == 200


async def test_an_answer_that_breaks_off_is_never_followed_by_a_second_one(settings: Settings, registry,
                                                                        aiohttp_client):
    """A handler failing after its streamed answer had begun: the 500 the error
    middleware made was written inside the chunked body (and the connection kept),
    so the client read garbage and the connection stayed unreadable. Now the connection
    closes: the client sees the answer end early, and its next request is answered."""
    from aiohttp import web

    async def breaks_off(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b'{"jobs": [1, 2, ')
        raise ValueError("the store went away")

    app = create_app(settings, registry=registry)
    app.router.add_get("/test/breaks-off", breaks_off)
    client = await aiohttp_client(app)
    with pytest.raises(aiohttp.ClientPayloadError):
        await (await client.get("/test/breaks-off")).read()
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(b"GET /test/breaks-off HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    raw = await asyncio.wait_for(reader.read(), timeout=10)  # the server closes: read() ends
    writer.close()
    assert raw.count(b"HTTP/1.1 ") == 1 and b"500" not in raw.split(b"\r\n", 1)[0], raw
    assert (await client.get("/queue")).status == 200
