"""``/api/templates`` and ComfyUI's ``/workflow_templates`` over real HTTP: the app's
examples, pack example folders, user templates (the only writable source)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph.registry.registry import PackRecord, Registry
from keroro_graph.server.app import create_app
from keroro_graph.settings import REPO_ROOT, Settings
from tests.conftest import chain

UI = json.loads((REPO_ROOT / "user" / "examples" / "contact_sheet.workflow.json").read_text())


@pytest.fixture
async def pack_client(settings: Settings, registry: Registry, tmp_path: Path, aiohttp_client) -> TestClient:
    """A server whose registry holds two packs with example folders (ComfyUI's
    ``example_workflows`` and ``examples``) and one without."""
    demo = tmp_path / "packs" / "demo_pack"
    (demo / "example_workflows").mkdir(parents=True)
    (demo / "example_workflows" / "demo flow.json").write_text(json.dumps(UI))
    (demo / "example_workflows" / "demo flow.jpg").write_bytes(b"\xff\xd8thumb")
    (demo / "example_workflows" / "broken.json").write_text("{nope")
    other = tmp_path / "packs" / "other"
    (other / "examples").mkdir(parents=True)
    (other / "examples" / "api one.json").write_text(json.dumps(chain(1)))
    packs = [PackRecord(name="demo_pack", path=demo, module="demo_pack", loaded=True),
             PackRecord(name="other", path=other, module="other", loaded=True),
             PackRecord(name="plain", path=tmp_path / "packs" / "plain", module="plain")]
    own = Registry()
    own.packs += packs
    own.add(registry["TestConst"], packs[0])  # an empty registry would make the runtime load its own
    return await aiohttp_client(create_app(settings, registry=own))


async def listing(client: TestClient, query: str = "") -> list[dict]:
    resp = await client.get(f"/api/templates{query}")
    assert resp.status == 200
    return (await resp.json())["templates"]


async def test_app_examples_are_listed_with_their_format(client: TestClient) -> None:
    templates = await listing(client)
    app = {t["name"]: t for t in templates if t["source"] == "app"}
    assert app["hello_poster"] == {"name": "hello_poster", "source": "app", "format": "api"}
    assert app["contact_sheet.workflow"]["format"] == "ui"
    resp = await client.get("/api/templates/app/hello_poster")
    assert resp.status == 200
    assert await resp.json() == json.loads((REPO_ROOT / "user" / "examples" / "hello_poster.json").read_text())


async def test_pack_examples_are_listed_and_readable(pack_client: TestClient) -> None:
    templates = await listing(pack_client)
    packs = {(t["source"], t["name"], t["format"]) for t in templates if t["source"].startswith("pack:")}
    assert packs == {("pack:demo_pack", "demo flow", "ui"), ("pack:other", "api one", "api")}
    assert [t["source"] for t in await listing(pack_client, "?source=pack:other")] == ["pack:other"]
    resp = await pack_client.get("/api/templates/pack:demo_pack/demo flow")
    assert resp.status == 200 and await resp.json() == UI
    assert (await pack_client.get("/api/templates/pack:demo_pack/missing")).status == 404
    assert (await pack_client.get("/api/templates/pack:nobody/x")).status == 404


async def test_comfyui_workflow_templates_index_and_files(pack_client: TestClient) -> None:
    for prefix in ("", "/api"):
        resp = await pack_client.get(f"{prefix}/workflow_templates")
        assert resp.status == 200
        assert await resp.json() == {"demo_pack": ["broken", "demo flow"], "other": ["api one"]}
    resp = await pack_client.get("/api/workflow_templates/demo_pack/demo flow.json")
    assert resp.status == 200 and json.loads(await resp.read()) == UI
    resp = await pack_client.get("/api/workflow_templates/demo_pack/demo flow.jpg")
    assert resp.status == 200 and await resp.read() == b"\xff\xd8thumb"
    assert (await pack_client.get("/api/workflow_templates/demo_pack/..%2F..%2Fsecrets.json")).status == 400
    assert (await pack_client.get("/api/workflow_templates/demo_pack/nothing.json")).status == 404


async def test_user_templates_can_be_saved_read_and_deleted(client: TestClient, settings: Settings) -> None:
    resp = await client.put("/api/templates/user/my start", json=UI)
    assert resp.status == 201
    assert (await resp.json())["source"] == "user"
    assert (settings.user_dir / "templates" / "my start.json").is_file()
    assert {"name": "my start", "source": "user", "format": "ui"} in await listing(client)
    assert await (await client.get("/api/templates/user/my start")).json() == UI
    assert (await client.put("/api/templates/user/my start", json=UI, params={"overwrite": "false"})).status == 409
    assert (await client.put("/api/templates/user/a%2Fb", json=UI)).status == 400
    assert (await client.put("/api/templates/user/x", json={"not": "a workflow"})).status == 400
    resp = await client.delete("/api/templates/user/my start")
    assert resp.status == 200
    assert (await client.get("/api/templates/user/my start")).status == 404


async def test_app_and_pack_templates_are_read_only(pack_client: TestClient) -> None:
    for source in ("app", "pack:demo_pack"):
        resp = await pack_client.put(f"/api/templates/{source}/hello_poster", json=UI)
        assert resp.status == 403
        assert (await resp.json())["error"]["type"] == "forbidden"
        assert (await pack_client.delete(f"/api/templates/{source}/hello_poster")).status == 403
    assert (REPO_ROOT / "user" / "examples" / "hello_poster.json").is_file()
    assert (await pack_client.put("/api/templates/elsewhere/x", json=UI)).status == 404
