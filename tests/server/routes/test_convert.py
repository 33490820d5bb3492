"""POST ``/api/workflows/convert`` over real HTTP: UI workflows become the API graph
the server would run, API graphs and POST /prompt bodies pass through, and anything
else is a 400 that names the problem."""
from __future__ import annotations

import json

from aiohttp.test_utils import TestClient

from keroro_graph.settings import REPO_ROOT
from tests.conftest import chain

UI = json.loads((REPO_ROOT / "user" / "examples" / "contact_sheet.workflow.json").read_text())


async def test_a_ui_workflow_becomes_its_api_graph(client: TestClient) -> None:
    resp = await client.post("/api/workflows/convert", json=UI)
    assert resp.status == 200
    body = await resp.json()
    assert body["source_format"] == "ui"
    graph = body["prompt"]
    assert graph["1"] == {"class_type": "ImageGradient", "_meta": {"title": "Sunset"},
                          "inputs": {"width": 512, "height": 512, "color_start": "#f97316",
                                     "color_end": "#7c3aed", "direction": "radial"}}
    assert graph["5"]["inputs"]["images"] == ["4", 0]


async def test_api_graphs_and_prompt_bodies_pass_through(client: TestClient) -> None:
    for doc in (chain(2), {"prompt": chain(2), "client_id": "x"}):
        resp = await client.post("/api/workflows/convert", json=doc)
        assert resp.status == 200
        assert await resp.json() == {"prompt": chain(2), "source_format": "api"}


async def test_what_does_not_convert_is_a_400_naming_the_problem(client: TestClient) -> None:
    unknown = {**UI, "nodes": [{**UI["nodes"][0], "type": "NoSuchNode"}], "links": []}
    resp = await client.post("/api/workflows/convert", json=unknown)
    assert resp.status == 400
    assert "NoSuchNode" in (await resp.json())["error"]["message"]
    resp = await client.post("/api/workflows/convert", json=[1, 2])
    assert resp.status == 400 and "cannot be converted" in (await resp.json())["error"]["message"]
    resp = await client.post("/api/workflows/convert", data=b"{nope")
    assert resp.status == 400 and "not valid JSON" in (await resp.json())["error"]["message"]


async def test_a_workflow_named_convert_is_still_readable(client: TestClient) -> None:
    assert (await client.put("/api/workflows/convert", json=chain(1))).status == 201
    assert await (await client.get("/api/workflows/convert")).json() == chain(1)
