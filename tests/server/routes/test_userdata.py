"""/users, /settings and /userdata over real HTTP, in ComfyUI's single-user shapes:
settings round trips, writing, listing (every query variant, v1 and v2), reading,
moving, overwrite conflicts, deleting, and path escapes refused with a JSON 4xx."""
from __future__ import annotations

import json
import os

import pytest
from yarl import URL


async def raw(client, method: str, path_and_query: str, **kw):
    """A request with the URL sent exactly as written (no re-quoting by the client)."""
    url = URL(str(client.make_url("/")).rstrip("/") + path_and_query, encoded=True)
    return await client.session.request(method, url, **kw)


async def write(client, path: str, body: bytes | str, query: str = "", expect: int = 200):
    resp = await raw(client, "POST", f"/userdata/{path}{query}", data=body)
    assert resp.status == expect, await resp.text()
    return await resp.json()


async def listing(client, query: str):
    resp = await raw(client, "GET", f"/userdata?{query}")
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_users_is_single_user_server_storage(client):
    for path in ("/users", "/api/users"):
        assert await (await client.get(path)).json() == {"storage": "server", "migrated": True}


async def test_settings_round_trip_and_merge(client, settings):
    assert await (await client.get("/settings")).json() == {}
    assert (await client.post("/settings", json={"Comfy.A": 1, "Comfy.B": "x"})).status == 200
    assert (await client.post("/api/settings/Comfy.C", json={"nested": [1, 2]})).status == 200
    assert (await client.post("/settings", json={"Comfy.B": "y"})).status == 200
    stored = await (await client.get("/api/settings")).json()
    assert stored == {"Comfy.A": 1, "Comfy.B": "y", "Comfy.C": {"nested": [1, 2]}}
    assert await (await client.get("/settings/Comfy.C")).json() == {"nested": [1, 2]}
    assert await (await client.get("/settings/Comfy.Missing")).json() is None
    on_disk = settings.frontend_settings_dir / "comfy.settings.json"
    assert json.loads(on_disk.read_text()) == stored
    for bad in (b"[1]", b"not json", b""):
        resp = await client.post("/settings", data=bad)
        assert resp.status == 400 and (await resp.json())["error"]["message"]


async def test_corrupt_settings_are_moved_aside(client, settings):
    folder = settings.frontend_settings_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "comfy.settings.json").write_text("{broken")
    assert await (await client.get("/settings")).json() == {}
    assert (folder / "comfy.settings.json.corrupt").read_text() == "{broken"
    await client.post("/settings/a", json=1)
    assert await (await client.get("/settings")).json() == {"a": 1}


async def test_write_read_and_list_every_variant(client, settings):
    assert await write(client, "workflows%2Fa.json", '{"a": 1}') == "workflows/a.json"
    info = await write(client, "workflows%2Fsub%2Fb.json", "bb", "?full_info=true")
    assert info["path"] == "workflows/sub/b.json" and info["size"] == 2
    assert isinstance(info["modified"], int) and isinstance(info["created"], int)
    await write(client, "workflows%2F.hidden.json", "h")
    read = await raw(client, "GET", "/userdata/workflows%2Fa.json")
    assert read.status == 200 and await read.read() == b'{"a": 1}'
    assert read.headers["Content-Type"] == "application/json"
    assert await listing(client, "dir=workflows") == ["a.json"]
    assert await listing(client, "dir=workflows&recurse=true") == ["a.json", "sub/b.json"]
    assert await listing(client, "dir=workflows&recurse=true&split=true") == \
        [["a.json", "a.json"], ["sub/b.json", "sub", "b.json"]]
    full = await listing(client, "dir=workflows&recurse=true&full_info=true&split=true")
    assert [(f["path"], f["size"]) for f in full] == [("a.json", 8), ("sub/b.json", 2)]
    assert set(full[0]) == {"path", "size", "modified", "created"}
    assert await listing(client, "dir=workflows%2Fsub") == ["b.json"]
    assert (await client.get("/api/userdata", params={"dir": "workflows"})).status == 200


async def test_listing_errors(client):
    await write(client, "workflows%2Fa.json", "{}")
    for query, status in (("", 400), ("dir=", 400), ("dir=nope", 404), ("dir=..", 403),
                          ("dir=..%2F..", 403), ("dir=%2Fetc", 403), ("dir=a%00b", 400),
                          ("dir=workflows%252F..%252F..", 400)):
        resp = await raw(client, "GET", f"/userdata?{query}")
        assert resp.status == status, (query, resp.status)
        assert (await resp.json())["error"]["message"]


async def test_v2_listing_puts_directories_first_sorted(client):
    for name in ("workflows%2Fz.json", "workflows%2FB%2Fx.json", "workflows%2Fa%2Fy.json", "top.json",
                 "Zeta%2Fq.json"):
        await write(client, name, "{}")
    top = await (await client.get("/v2/userdata")).json()
    names = [(e["name"], e["type"]) for e in top]
    assert names[:4] == [("a", "directory"), ("B", "directory"), ("workflows", "directory"),
                         ("Zeta", "directory")]  # the v2 listing walks the whole tree, as ComfyUI's
    assert ("top.json", "file") in names and names.index(("top.json", "file")) > 3
    inner = await (await client.get("/api/v2/userdata", params={"path": "workflows"})).json()
    assert [e["path"] for e in inner] == ["workflows/a", "workflows/B", "workflows/B/x.json",
                                          "workflows/a/y.json", "workflows/z.json"]
    file_entry = inner[-1]
    assert file_entry["type"] == "file" and file_entry["size"] == 2 and "modified" in file_entry
    assert (await client.get("/v2/userdata", params={"path": "nope"})).status == 404
    assert (await client.get("/v2/userdata", params={"path": "top.json"})).status == 400
    assert (await client.get("/v2/userdata", params={"path": "../.."})).status == 403


async def test_overwrite_conflict_move_and_delete(client, settings):
    await write(client, "workflows%2Fa.json", "one")
    conflict = await raw(client, "POST", "/userdata/workflows%2Fa.json?overwrite=false", data="two")
    assert conflict.status == 409 and (await conflict.json())["error"]["message"] == "File already exists"
    await write(client, "workflows%2Fa.json", "three", "?overwrite=true")
    root = settings.frontend_settings_dir
    assert (root / "workflows" / "a.json").read_text() == "three"
    moved = await raw(client, "POST", "/userdata/workflows%2Fa.json/move/workflows%2Farchive%2Fb.json")
    assert await moved.json() == "workflows/archive/b.json"
    assert not (root / "workflows" / "a.json").exists()
    await write(client, "workflows%2Fc.json", "c")
    move = "/userdata/workflows%2Fc.json/move/workflows%2Farchive%2Fb.json"
    clash = await raw(client, "POST", move + "?overwrite=false")
    assert clash.status == 409 and (root / "workflows" / "c.json").read_text() == "c"
    info = await raw(client, "POST", "/api" + move + "?full_info=true")
    assert (await info.json())["path"] == "workflows/archive/b.json"
    assert (root / "workflows" / "archive" / "b.json").read_text() == "c"
    missing = await raw(client, "POST", "/userdata/workflows%2Fnope.json/move/x.json")
    assert missing.status == 404
    assert (await raw(client, "DELETE", "/userdata/workflows%2Farchive%2Fb.json")).status == 204
    assert (await raw(client, "DELETE", "/userdata/workflows%2Farchive%2Fb.json")).status == 404
    assert (await raw(client, "GET", "/userdata/workflows%2Farchive%2Fb.json")).status == 404
    assert (await raw(client, "POST", "/userdata/workflows", data="x")).status == 409
    assert not [p for p in (root / "workflows").rglob(".*")]


async def test_served_userdata_never_renders_active_content(client):
    await write(client, "page.html", "<script>alert(1)</script>")
    page = await raw(client, "GET", "/userdata/page.html")
    assert page.headers["Content-Type"] == "application/octet-stream"
    assert page.headers["Content-Disposition"].startswith("attachment")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    await write(client, "user.css", "body{}")
    css = await raw(client, "GET", "/api/userdata/user.css")
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.headers["Content-Disposition"].startswith("inline")


ESCAPES = [
    ("GET", "/userdata/..%2F..%2Fetc%2Fpasswd", 403),
    ("GET", "/userdata/%2Fetc%2Fpasswd", 403),
    ("GET", "/userdata/%2e%2e%2fsecret.txt", 403),
    ("GET", "/userdata/..%252Fsecret.txt", 400),
    ("GET", "/userdata/a%00b", 400),
    ("GET", "/userdata/..%5Csecret.txt", 400),
    ("POST", "/userdata/..%2Fevil.txt", 403),
    ("POST", "/userdata/workflows%2F..%2F..%2Fevil.txt", 403),
    ("POST", "/userdata/evil%0A.txt", 400),
    ("DELETE", "/userdata/..%2Fsecret.txt", 403),
    ("POST", "/userdata/workflows%2Fa.json/move/..%2F..%2Fevil.txt", 403),
    ("POST", "/userdata/..%2Fsecret.txt/move/stolen.txt", 403),
    ("GET", "/api/userdata/..%2F..%2Fsecret.txt", 403),
]


@pytest.mark.parametrize("method,url,status", ESCAPES)
async def test_userdata_refuses_every_escape(client, settings, method, url, status):
    (settings.user_dir / "secret.txt").parent.mkdir(parents=True, exist_ok=True)
    (settings.user_dir / "secret.txt").write_text("secret")
    await write(client, "workflows%2Fa.json", "{}")
    resp = await raw(client, method, url, data=b"evil")
    assert resp.status == status, (resp.status, await resp.text())
    assert (await resp.json())["error"]["message"]
    assert (settings.user_dir / "secret.txt").read_text() == "secret"
    assert not (settings.user_dir / "evil.txt").exists()
    assert not (settings.user_dir.parent / "evil.txt").exists()
    assert await listing(client, "dir=workflows") == ["a.json"]


async def test_symlinks_leading_outside_the_user_folder_are_refused(client, settings, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text("{}")
    root = settings.frontend_settings_dir
    root.mkdir(parents=True, exist_ok=True)
    os.symlink(outside, root / "linked")
    os.symlink(outside / "secret.json", root / "leak.json")
    for method, url in (("GET", "/userdata/linked%2Fsecret.json"), ("GET", "/userdata/leak.json"),
                        ("POST", "/userdata/linked%2Fnew.json"), ("GET", "/userdata?dir=linked"),
                        ("DELETE", "/userdata/leak.json")):
        resp = await raw(client, method, url, data=b"{}")
        assert resp.status == 403, (method, url, resp.status)
    assert sorted(p.name for p in outside.iterdir()) == ["secret.json"]
    top = await (await client.get("/v2/userdata")).json()
    assert top == []
    assert (await client.get("/users")).status == 200


async def test_a_key_written_to_userdata_or_settings_is_scrubbed(client, settings):
    key = "sk-userdata-key-0123456789"
    await client.put("/api/providers/dashscope/secrets", json={"api_key": key})
    doc = json.dumps({"nodes": [{"widgets_values": [key, f"Bearer {key}"]}]})
    assert (await client.post("/userdata/workflows%2Fleaky.json", data=doc)).status == 200
    served = await (await client.get("/userdata/workflows%2Fleaky.json")).text()
    assert key not in served and json.loads(served)["nodes"][0]["widgets_values"][0] == "***"
    assert (await client.post("/settings", json={"Comfy.Note": key})).status == 200
    assert (await client.post("/settings/Comfy.Other", json=f"x {key}")).status == 200
    on_disk = b"".join(p.read_bytes() for p in settings.frontend_settings_dir.rglob("*") if p.is_file())
    assert key.encode() not in on_disk
    binary = bytes(range(256)) * 4
    assert (await client.post("/userdata/blob.bin", data=binary)).status == 200
    assert await (await client.get("/userdata/blob.bin")).read() == binary
