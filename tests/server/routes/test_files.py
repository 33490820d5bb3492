"""/view, /upload/image and /upload/mask over real HTTP: byte-identical round trips,
name reuse and ``name (n).ext`` clashes, overwrite, image checks (not an image, a
decompression bomb), previews and channels, mask uploads that keep PNG text chunks,
and every path-escape attempt refused with a JSON 4xx while the server keeps going."""
from __future__ import annotations

import io
import json
import os
import struct
import zlib

import aiohttp
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from yarl import URL


def png(color=(255, 0, 0, 255), size=(8, 6), *, text: dict[str, str] | None = None) -> bytes:
    img = Image.new("RGBA", size, color)
    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    img.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def huge_header_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose IHDR claims ``width`` x ``height`` pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + \
        chunk(b"IEND", b"")


def form(data: bytes, filename: str = "up.png", **fields: str) -> aiohttp.FormData:
    body = aiohttp.FormData()
    body.add_field("image", data, filename=filename, content_type="image/png")
    for key, value in fields.items():
        body.add_field(key, value)
    return body


async def upload(client, data: bytes, filename: str = "up.png", path: str = "/upload/image", **fields):
    return await client.post(path, data=form(data, filename, **fields))


async def get_raw(client, path_and_query: str):
    """GET with the URL sent exactly as written (no re-quoting by the client)."""
    return await client.session.get(URL(str(client.make_url("/")).rstrip("/") + path_and_query, encoded=True))


async def assert_refused(resp, statuses=(400, 403)) -> str:
    assert resp.status in statuses, (resp.status, await resp.text())
    assert resp.content_type == "application/json"
    message = (await resp.json())["error"]["message"]
    assert message
    return message


async def test_upload_then_view_is_byte_identical(client, settings):
    data = png()
    resp = await upload(client, data, subfolder="pics")
    assert resp.status == 200
    assert await resp.json() == {"name": "up.png", "subfolder": "pics", "type": "input"}
    assert (settings.paths.input / "pics" / "up.png").read_bytes() == data
    view = await client.get("/view", params={"filename": "up.png", "subfolder": "pics", "type": "input"})
    assert view.status == 200 and await view.read() == data
    assert view.headers["Content-Type"] == "image/png"
    assert 'filename="up.png"' in view.headers["Content-Disposition"]
    assert view.headers["Cache-Control"] == "public, max-age=86400"
    annotated = await client.get("/view", params={"filename": "up.png [input]", "subfolder": "pics"})
    assert await annotated.read() == data
    assert not [p for p in (settings.paths.input / "pics").iterdir() if p.name.startswith(".")]


async def test_same_content_reuses_name_and_other_content_gets_a_number(client, settings):
    first, second = png((1, 2, 3, 255)), png((4, 5, 6, 255))
    assert (await (await upload(client, first)).json())["name"] == "up.png"
    assert (await (await upload(client, first)).json())["name"] == "up.png"
    assert (await (await upload(client, second)).json())["name"] == "up (1).png"
    assert (await (await upload(client, second)).json())["name"] == "up (1).png"
    assert (await (await upload(client, png((7, 7, 7, 255)))).json())["name"] == "up (2).png"
    assert sorted(p.name for p in settings.paths.input.iterdir()) == ["up (1).png", "up (2).png", "up.png"]


async def test_overwrite_replaces_the_file(client, settings):
    await upload(client, png((1, 1, 1, 255)))
    newer = png((9, 9, 9, 255))
    for flag in ("true", "1"):
        resp = await upload(client, newer, overwrite=flag, type="temp")
        assert await resp.json() == {"name": "up.png", "subfolder": "", "type": "temp"}
    resp = await upload(client, newer, overwrite="true")
    assert (await resp.json())["name"] == "up.png"
    assert (settings.paths.input / "up.png").read_bytes() == newer


async def test_uploads_that_are_not_acceptable_images_are_refused(client, settings):
    resp = await upload(client, b"<html><script>alert(1)</script></html>", filename="x.png")
    assert "not an acceptable image" in await assert_refused(resp, (400,))
    resp = await upload(client, huge_header_png(), filename="bomb.png")
    assert "not an acceptable image" in await assert_refused(resp, (400,))
    settings.upload_max_pixels = 100
    resp = await upload(client, png(size=(20, 20)), filename="big.png")
    assert "above the limit of 100 pixels" in await assert_refused(resp, (400,))
    assert not settings.paths.input.exists() or not any(settings.paths.input.iterdir())


async def test_malformed_upload_forms_are_400(client):
    assert "unknown type" in await assert_refused(await upload(client, png(), type="models"), (400,))
    no_file = await client.post("/upload/image", data={"type": "input"})
    assert "no 'image'" in await assert_refused(no_file, (400,))
    resp = await client.post("/upload/image", data=b"--x\r\ngarbage",
                             headers={"Content-Type": "multipart/form-data"})
    await assert_refused(resp, (400,))
    await assert_refused(await upload(client, png(), filename=""), (400,))
    long_name = "a" * 300 + ".png"
    assert "longer than" in await assert_refused(await upload(client, png(), filename=long_name), (400,))


async def test_view_preview_and_channels(client, settings):
    settings.paths.output.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGBA", (4, 4), (10, 20, 30, 255))
    img.putpixel((0, 0), (10, 20, 30, 0))
    img.save(settings.paths.output / "out.png")
    webp = await client.get("/view", params={"filename": "out.png", "preview": "webp;90"})
    body = await webp.read()
    assert webp.headers["Content-Type"] == "image/webp" and body[:4] == b"RIFF" and body[8:12] == b"WEBP"
    jpeg = await client.get("/view", params={"filename": "out.png", "preview": "jpeg;80"})
    assert jpeg.headers["Content-Type"] == "image/jpeg" and (await jpeg.read())[:2] == b"\xff\xd8"
    alpha = await client.get("/view", params={"filename": "out.png", "channel": "a"})
    assert alpha.headers["Content-Type"] == "image/png"
    decoded = Image.open(io.BytesIO(await alpha.read()))
    assert decoded.mode == "RGBA" and decoded.getchannel("A").getpixel((0, 0)) == 0
    assert decoded.getchannel("A").getpixel((1, 1)) == 255 and decoded.getpixel((1, 1))[:3] == (0, 0, 0)
    rgb = await client.get("/view", params={"filename": "out.png", "channel": "rgb"})
    assert Image.open(io.BytesIO(await rgb.read())).mode == "RGB"
    await assert_refused(await client.get("/view", params={"filename": "out.png", "channel": "zz"}), (400,))


async def test_view_labels_active_content_as_octet_stream_and_404s_in_json(client, settings):
    settings.paths.output.mkdir(parents=True, exist_ok=True)
    (settings.paths.output / "page.html").write_text("<script>alert(1)</script>")
    resp = await client.get("/view", params={"filename": "page.html"})
    assert resp.headers["Content-Type"] == "application/octet-stream"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    missing = await client.get("/view", params={"filename": "nope.png"})
    assert missing.status == 404 and (await missing.json())["error"]["type"] == "not_found"
    assert missing.headers["Cache-Control"] == "max-age=3600"
    assert (await client.get("/view")).status == 404
    not_image = await client.get("/view", params={"filename": "page.html", "preview": "webp;50"})
    await assert_refused(not_image, (400,))


TRAVERSALS = [
    "/view?filename=../secret.png&type=input",
    "/view?filename=..%2Fsecret.png&type=input",
    "/view?filename=%2e%2e%2fsecret.png&type=input",
    "/view?filename=%2Fetc%2Fpasswd",
    "/view?filename=/etc/passwd",
    "/view?filename=secret.png%00.png&type=input",
    "/view?filename=..%5Csecret.png&type=input",
    "/view?filename=%252e%252e%252fsecret.png&type=input",
    "/view?filename=secret.png&type=input&subfolder=..",
    "/view?filename=secret.png&type=input&subfolder=a/../..",
    "/view?filename=secret.png&type=input&subfolder=%2Ftmp",
    "/view?filename=passwd&subfolder=/etc",
    "/view?filename=x.png&type=../input",
    "/view?filename=secret.png%0A&type=input",
    "/api/view?filename=..%2F..%2Fsecret.png",
]


@pytest.mark.parametrize("url", TRAVERSALS)
async def test_view_refuses_every_escape(client, settings, url):
    (settings.user_dir / "secret.png").parent.mkdir(parents=True, exist_ok=True)
    (settings.user_dir / "secret.png").write_bytes(png())
    await assert_refused(await get_raw(client, url))
    settings.paths.input.mkdir(parents=True, exist_ok=True)
    (settings.paths.input / "ok.png").write_bytes(png())
    assert (await client.get("/view", params={"filename": "ok.png", "type": "input"})).status == 200


async def test_symlinks_leading_outside_are_refused(client, settings, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(png())
    settings.paths.input.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / "secret.png", settings.paths.input / "link.png")
    os.symlink(outside, settings.paths.input / "linkdir")
    resp = await client.get("/view", params={"filename": "link.png", "type": "input"})
    assert "symlink" in await assert_refused(resp, (403,))
    resp = await client.get("/view", params={"filename": "secret.png", "subfolder": "linkdir",
                                             "type": "input"})
    await assert_refused(resp, (403,))
    await assert_refused(await upload(client, png(), subfolder="linkdir"), (403,))
    assert sorted(p.name for p in outside.iterdir()) == ["secret.png"]
    os.symlink(settings.paths.input / "loop", settings.paths.input / "loop")
    await assert_refused(await client.get("/view", params={"filename": "loop", "type": "input"}))
    assert (await client.get("/api/health")).status == 200


@pytest.mark.parametrize("filename,fields", [
    ("../evil.png", {}), ("/tmp/evil.png", {}), ("a\\evil.png", {}), ("sub/evil.png", {}),
    ("evil.png", {"subfolder": "../.."}), ("evil.png", {"subfolder": "/tmp"}),
    ("evil.png", {"subfolder": "a%2F..%2F.."}),
])
async def test_upload_refuses_escapes(client, settings, filename, fields):
    await assert_refused(await upload(client, png(), filename=filename, **fields))
    assert not (settings.user_dir / "evil.png").exists()
    assert (await upload(client, png(), filename="fine.png")).status == 200


@pytest.mark.parametrize("control", [b"\x01", b"\t", b"\x7f"])
async def test_upload_refuses_control_characters_in_the_file_name(client, settings, control):
    body = (b'--BOUNDARY\r\nContent-Disposition: form-data; name="image"; '
            b'filename="evil' + control + b'.png"\r\n'
            b"Content-Type: image/png\r\n\r\n" + png() + b"\r\n--BOUNDARY--\r\n")
    resp = await client.post("/upload/image", data=body,
                             headers={"Content-Type": "multipart/form-data; boundary=BOUNDARY"})
    await assert_refused(resp, (400,))
    assert not settings.paths.input.exists() or not any(settings.paths.input.iterdir())


async def test_upload_mask_keeps_text_chunks_and_takes_the_new_alpha(client, settings):
    settings.paths.output.mkdir(parents=True, exist_ok=True)
    workflow = json.dumps({"nodes": [1, 2]})
    original = png((50, 60, 70, 255), text={"workflow": workflow, "prompt": "{}"})
    (settings.paths.output / "orig.png").write_bytes(original)
    mask = Image.new("RGBA", (8, 6), (0, 0, 0, 255))
    mask.putpixel((2, 3), (0, 0, 0, 0))
    buffer = io.BytesIO()
    mask.save(buffer, "PNG")
    ref = json.dumps({"filename": "orig.png", "subfolder": "", "type": "output"})
    resp = await upload(client, buffer.getvalue(), filename="clipspace-mask.png", path="/upload/mask",
                        original_ref=ref, subfolder="clipspace")
    assert await resp.json() == {"name": "clipspace-mask.png", "subfolder": "clipspace", "type": "input"}
    view = await client.get("/view", params={"filename": "clipspace-mask.png", "subfolder": "clipspace",
                                             "type": "input"})
    result = Image.open(io.BytesIO(await view.read()))
    assert result.text == {"workflow": workflow, "prompt": "{}"}
    assert result.getpixel((2, 3)) == (50, 60, 70, 0) and result.getpixel((0, 0)) == (50, 60, 70, 255)


async def test_upload_mask_refuses_bad_references(client, settings):
    mask = png(size=(8, 6))
    for ref in (None, "not json", json.dumps(["x"]), json.dumps({"filename": "../x.png"}),
                json.dumps({"filename": "x.png", "subfolder": "../.."}),
                json.dumps({"filename": "x.png", "type": "models"})):
        fields = {} if ref is None else {"original_ref": ref}
        await assert_refused(await upload(client, mask, path="/upload/mask", **fields))
    missing = await upload(client, mask, path="/upload/mask",
                           original_ref=json.dumps({"filename": "none.png"}))
    assert missing.status == 404
    settings.paths.output.mkdir(parents=True, exist_ok=True)
    (settings.paths.output / "small.png").write_bytes(png(size=(2, 2)))
    resp = await upload(client, mask, path="/upload/mask", original_ref=json.dumps({"filename": "small.png"}))
    assert "8x6" in await assert_refused(resp, (400,))


async def test_file_routes_work_under_api(client):
    data = png((3, 3, 3, 255))
    resp = await upload(client, data, filename="api.png", path="/api/upload/image", type="output")
    assert await resp.json() == {"name": "api.png", "subfolder": "", "type": "output"}
    view = await client.get("/api/view", params={"filename": "api.png"})
    assert await view.read() == data
    ref = json.dumps({"filename": "api.png", "type": "output"})
    masked = await upload(client, data, filename="m.png", path="/api/upload/mask", original_ref=ref)
    assert (await masked.json())["name"] == "m.png"
