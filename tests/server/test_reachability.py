"""Hostile names: symlinks planted in user/workflows and user/templates that lead
outside are refused like the input/output folders refuse theirs, and a client-chosen
``prompt_id`` is either addressable by every route or refused at submit."""
from __future__ import annotations

import json
import os
from urllib.parse import quote

import pytest

from keroro_graph.server.keys import RUNTIME, SETTINGS
from tests.conftest import chain

DOC = {"1": {"class_type": "TestConst", "inputs": {"value": 1}}}


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "private.json").write_text(json.dumps({"secret": "do-not-serve-me", **DOC}))
    return folder


async def test_workflow_symlinks_leading_outside_are_refused(client, outside):
    root = client.app[SETTINGS].workflows
    root.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / "private.json", root / "leak.json")
    os.symlink(root / "loop.json", root / "loop.json")
    listed = await (await client.get("/api/workflows")).json()
    assert [w["name"] for w in listed["workflows"]] == []
    for name in ("leak", "loop"):
        response = await client.get(f"/api/workflows/{name}")
        assert response.status == 403, name
        assert "do-not-serve-me" not in await response.text()
    response = await client.put("/api/workflows/leak", json=DOC)
    assert response.status == 403
    assert json.loads((outside / "private.json").read_text())["secret"] == "do-not-serve-me"
    assert (await client.delete("/api/workflows/leak")).status == 403
    assert (await client.post("/api/workflows/leak/rename", json={"to": "mine"})).status == 403
    # a link inside the folder is fine
    (root / "real.json").write_text(json.dumps(DOC))
    os.symlink(root / "real.json", root / "alias.json")
    assert (await client.get("/api/workflows/alias")).status == 200


async def test_template_symlinks_leading_outside_are_refused(client, outside):
    root = client.app[SETTINGS].user_dir / "templates"
    root.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / "private.json", root / "leak.json")
    listed = await (await client.get("/api/templates", params={"source": "user"})).json()
    assert "leak" not in [t["name"] for t in listed["templates"]]
    response = await client.get("/api/templates/user/leak")
    assert response.status == 403 and "do-not-serve-me" not in await response.text()
    assert (await client.put("/api/templates/user/leak", json=DOC)).status == 403


@pytest.mark.parametrize("prompt_id", ["a{b}", "{x}", "a/b", "a\\b", "tab\there", " padded", "", "x" * 201,
                                       "nul\x00"])
async def test_unaddressable_prompt_ids_are_refused_at_submit(client, prompt_id):
    response = await client.post("/prompt", json={"prompt": chain(1), "prompt_id": prompt_id})
    assert response.status == 400
    assert "prompt_id" in (await response.json())["error"]["message"]


@pytest.mark.parametrize("prompt_id", ["plain-id", "with space", "q?uery#frag", "百分%25", "a.b..c", "+=&;:@!$'()*,"])
async def test_every_accepted_prompt_id_is_reachable_by_every_route(client, prompt_id):
    response = await client.post("/prompt", json={"prompt": chain(1), "prompt_id": prompt_id})
    assert response.status == 200, await response.text()
    assert (await response.json())["prompt_id"] == prompt_id
    await client.app[RUNTIME].jobs.wait(prompt_id, timeout_s=10)
    segment = quote(prompt_id, safe="")
    history = await client.get(f"/history/{segment}")
    assert history.status == 200 and prompt_id in await history.json()
    for path in (f"/api/runs/{segment}", f"/api/jobs/{segment}"):
        response = await client.get(path)
        assert response.status == 200, (path, await response.text())
    cancel = await client.post(f"/api/runs/{segment}/cancel")
    assert cancel.status != 404, await cancel.text()
