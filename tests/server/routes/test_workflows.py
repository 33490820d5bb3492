"""``/api/workflows`` over real HTTP: save, list, read, rename, delete; name rules;
overwrite protection; secrets scrubbed before anything reaches disk."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph.server.keys import SETTINGS
from keroro_graph.server.routes.workflows import WorkflowNameError, check_name
from keroro_graph.settings import REPO_ROOT
from tests.conftest import chain

UI = json.loads((REPO_ROOT / "user" / "examples" / "contact_sheet.workflow.json").read_text())
SECRET = "sk-pasted-into-a-widget-123456"


def folder(client: TestClient) -> Path:
    return client.app[SETTINGS].workflows


async def put(client: TestClient, name: str, doc: Any, **params: str) -> Any:
    return await client.put(f"/api/workflows/{name}", json=doc, params=params)


async def test_save_list_read_and_delete(client: TestClient) -> None:
    resp = await put(client, "contact sheet (v2)", UI)
    assert resp.status == 201
    saved = await resp.json()
    assert saved["name"] == "contact sheet (v2)" and saved["format"] == "ui" and saved["size"] > 0
    assert (folder(client) / "contact sheet (v2).json").is_file()
    resp = await put(client, "海报-api", chain(2))
    assert resp.status == 201 and (await resp.json())["format"] == "api"
    listing = (await (await client.get("/api/workflows")).json())["workflows"]
    assert [w["name"] for w in listing] == ["contact sheet (v2)", "海报-api"]
    assert all(isinstance(w["modified"], float) and w["size"] > 0 for w in listing)
    resp = await client.get("/api/workflows/contact sheet (v2)")
    assert resp.status == 200 and await resp.json() == UI
    resp = await client.delete("/api/workflows/海报-api")
    assert resp.status == 200 and await resp.json() == {"deleted": "海报-api"}
    assert (await client.delete("/api/workflows/海报-api")).status == 404
    assert (await client.get("/api/workflows/海报-api")).status == 404


async def test_overwrite_false_refuses_an_existing_name(client: TestClient) -> None:
    assert (await put(client, "mine", UI)).status == 201
    resp = await put(client, "mine", chain(1), overwrite="false")
    assert resp.status == 409
    assert (await resp.json())["error"]["type"] == "conflict"
    assert await (await client.get("/api/workflows/mine")).json() == UI
    assert (await put(client, "mine", chain(1))).status == 200
    assert await (await client.get("/api/workflows/mine")).json() == chain(1)


@pytest.mark.parametrize("path", ["..%2F..%2Fsecrets", "a%2Fb", "a%5Cb", "..", ".hidden", "x" * 121,
                                  "semi;colon", "star*"])
async def test_bad_names_are_refused(client: TestClient, path: str) -> None:
    resp = await client.put(f"/api/workflows/{path}", json=UI)
    assert resp.status in (400, 404, 405), await resp.text()
    if resp.status != 400:  # the client normalised ".." away before it was sent
        assert path == ".."
    assert not any(client.app[SETTINGS].user_dir.rglob("secrets.json"))
    assert list(folder(client).iterdir()) == []


@pytest.mark.parametrize("to", ["../escaped", "a/b", "a\\b", "..", ""])
async def test_rename_refuses_traversal(client: TestClient, to: str) -> None:
    await put(client, "source", UI)
    resp = await client.post("/api/workflows/source/rename", json={"to": to})
    assert resp.status == 400
    assert [p.name for p in folder(client).iterdir()] == ["source.json"]


def test_name_rules() -> None:
    assert check_name(" 作战室 plan_1.v2 (final) ") == "作战室 plan_1.v2 (final)"
    assert check_name("saved.json") == "saved"
    for bad in ("../x", "a/b", "a\\b", "..", "a..b", ".x", "", "x" * 121, "tab\there", "a:b"):
        with pytest.raises(WorkflowNameError):
            check_name(bad)


async def test_rename(client: TestClient) -> None:
    await put(client, "old", UI)
    await put(client, "taken", chain(1))
    resp = await client.post("/api/workflows/old/rename", json={"to": "taken"})
    assert resp.status == 409
    resp = await client.post("/api/workflows/old/rename", json={"to": "new name"})
    assert resp.status == 200 and (await resp.json())["name"] == "new name"
    assert await (await client.get("/api/workflows/new name")).json() == UI
    assert (await client.get("/api/workflows/old")).status == 404
    assert (await client.post("/api/workflows/ghost/rename", json={"to": "x"})).status == 404
    assert (await client.post("/api/workflows/new name/rename", json={})).status == 400


async def test_only_workflow_documents_are_saved(client: TestClient) -> None:
    for bad in ({"hello": "world"}, {"nodes": "not a list"}, {}):
        resp = await put(client, "bad", bad)
        assert resp.status == 400, bad
    resp = await client.put("/api/workflows/bad", data=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert resp.status == 400
    assert list(folder(client).iterdir()) == []


async def test_a_secret_in_a_widget_is_redacted_before_saving(client: TestClient) -> None:
    resp = await client.put("/api/providers/gemini/secrets", json={"api_key": SECRET})
    assert resp.status == 200
    doc = json.loads(json.dumps(UI))
    doc["nodes"][0]["widgets_values"].append(SECRET)
    doc["nodes"][0]["title"] = f"key={SECRET}"
    resp = await put(client, "leaky", doc)
    assert resp.status == 201 and (await resp.json())["redacted"] is True
    on_disk = (folder(client) / "leaky.json").read_text()
    assert SECRET not in on_disk
    saved = json.loads(on_disk)
    assert saved["nodes"][0]["widgets_values"][-1] == "***" and saved["nodes"][0]["title"] == "key=***"
    assert SECRET not in await (await client.get("/api/workflows/leaky")).text()
    assert (await (await put(client, "clean", UI)).json())["redacted"] is False
