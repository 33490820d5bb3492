"""Hostile clients against a real server on loopback (issue 17): slow clients that
trickle headers or bodies do not starve anyone else, concurrent uploads and writes to
one name never tear a file or lose one, and WebSocket floods and oversized frames
close that socket only."""
from __future__ import annotations

import asyncio
import hashlib

import aiohttp

from tests.conftest import chain
from tests.server.routes.test_files import png, upload


async def _open(port: int, head: bytes) -> asyncio.StreamWriter:
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head)
    await writer.drain()
    return writer


async def test_slow_headers_and_bodies_do_not_starve_other_clients(client):
    port = client.server.port
    slow = []
    for i in range(40):  # a request line and half a header; headers promising a body that never comes
        slow.append(await _open(port, b"GET /queue HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "))
        slow.append(await _open(port, b"POST /prompt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                                      b"\r\nContent-Length: 1000000\r\n\r\n{\"prompt\": {"))
        slow.append(await _open(port, b"POST /upload/image HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/"
                                      b"form-data; boundary=b\r\nContent-Length: 50000000\r\n\r\n--b\r\n"))
    try:
        for round_ in range(3):
            for writer in slow:  # each trickles one more byte
                writer.write(b"a")
            answer = await client.post("/prompt", json={"prompt": chain(2), "prompt_id": f"meanwhile-{round_}"})
            assert answer.status == 200, await answer.text()
            assert (await client.get("/queue")).status == 200
            assert (await upload(client, png(size=(4, 4)), f"meanwhile-{round_}.png")).status == 200
    finally:
        for writer in slow:
            writer.close()
    assert (await client.get("/object_info/TestAdd")).status == 200


async def test_concurrent_uploads_to_one_name_keep_every_file_whole(client, settings):
    images = [png(color=(i, 2 * i, 3 * i, 255), size=(64, 48)) for i in range(16)]
    answers = await asyncio.gather(*(upload(client, data, "same.png") for data in images))
    names = [(await a.json())["name"] for a in answers]
    assert all(a.status == 200 for a in answers) and len(set(names)) == len(images)
    folder = settings.paths.input
    for name, data in zip(names, images):
        assert (folder / name).read_bytes() == data, name
    replaced = await asyncio.gather(*(upload(client, data, "over.png", overwrite="true") for data in images))
    assert [a.status for a in replaced] == [200] * len(images)
    assert {(await a.json())["name"] for a in replaced} == {"over.png"}
    assert (folder / "over.png").read_bytes() in images, "the last writer's bytes, never a mix"
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")], "no temporary file left behind"


async def test_concurrent_userdata_writes_one_wins_without_overwrite(client, settings):
    bodies = [f"body {i} ".encode() * 5000 for i in range(12)]
    answers = await asyncio.gather(*(client.post("/userdata/notes%2Frace.txt?overwrite=false", data=b)
                                     for b in bodies))
    statuses = sorted(a.status for a in answers)
    assert statuses == [200] + [409] * (len(bodies) - 1), statuses
    stored = (settings.frontend_settings_dir / "notes" / "race.txt").read_bytes()
    assert stored in bodies
    replaced = await asyncio.gather(*(client.post("/userdata/notes%2Frace.txt", data=b) for b in bodies))
    assert all(a.status == 200 for a in replaced)
    final = (settings.frontend_settings_dir / "notes" / "race.txt").read_bytes()
    assert hashlib.sha256(final).hexdigest() in {hashlib.sha256(b).hexdigest() for b in bodies}


async def test_a_websocket_flood_or_an_oversized_frame_closes_only_that_socket(client):
    watcher = await client.ws_connect("/ws?clientId=watcher")
    assert (await watcher.receive_json())["type"] == "status"
    flood = await client.ws_connect("/ws?clientId=flood")
    for _ in range(3000):
        await flood.send_str('{"type": "feature_flags", "data": {"x": 1}}')
    huge = await client.ws_connect("/ws?clientId=huge", max_msg_size=0)
    await huge.send_str("x" * (2 * 1024 * 1024))
    closing = await huge.receive(timeout=10)
    while closing.type is aiohttp.WSMsgType.TEXT:  # its first status, sent before the frame arrived
        closing = await huge.receive(timeout=10)
    assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert huge.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    answer = await (await client.post("/prompt", json={"prompt": chain(1), "client_id": "watcher"})).json()
    while True:  # the watcher still gets its job's messages through to the end
        message = await watcher.receive_json(timeout=10)
        if message["type"] == "executing" and message["data"]["node"] is None:
            assert message["data"]["prompt_id"] == answer["prompt_id"]
            break
    await flood.close()
    await watcher.close()
