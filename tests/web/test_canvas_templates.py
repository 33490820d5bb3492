"""ComfyUI's own API-node templates (comfyui-workflow-templates-json, pip-downloaded at
test time) loaded on the canvas: the API prompt the canvas makes itself (what Run sends
for a graph without subgraphs) equals what the server's converter makes of the template,
and the document the canvas saves back converts the same way."""
from __future__ import annotations

import json
import urllib.error
from typing import Any, Iterator

import pytest

from tests.comfy_templates.templates import in_scope, load_template

from .conftest import FIXTURE_PACKS, ROOT, Canvas, Server, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("templates-user"), [ROOT / "custom_nodes", FIXTURE_PACKS]) as started:
        yield started


def convert(server: Server, doc: Any) -> dict[str, Any] | None:
    try:
        prompt = server.post("/api/workflows/convert", doc)["prompt"]
    except urllib.error.HTTPError as exc:
        exc.read()
        return None
    return {k: (v["class_type"], v["inputs"]) for k, v in prompt.items()}


def test_the_canvas_converts_comfyuis_api_templates_as_the_server_does(canvas: Canvas) -> None:
    checked, differ = 0, {}
    for name in in_scope():
        doc = load_template(name)
        if (doc.get("definitions") or {}).get("subgraphs"):
            continue  # runs go through the server's converter (tests/web/test_canvas_subgraph_editing.py)
        expected = convert(canvas.server, doc)
        if expected is None:
            continue  # refused by the server too (saved by newer node versions)
        canvas.js("([d, t]) => window.__app.load(d, t)", [doc, name])
        ours = {k: (v["class_type"], v["inputs"]) for k, v in canvas.js("() => window.__app.prompt()").items()}
        saved = convert(canvas.server, canvas.js("() => window.__app.workflow()"))
        checked += 1
        for label, got in (("canvas prompt", ours), ("saved document", saved or {})):
            for key in set(got) | set(expected):
                a, b = got.get(key), expected.get(key)
                if a != b:
                    inputs = set((a or ("", {}))[1]) | set((b or ("", {}))[1])
                    wrong = sorted(i for i in inputs if (a or ("", {}))[1].get(i) != (b or ("", {}))[1].get(i))
                    differ.setdefault(name, {})[f"{label} {key}"] = wrong or "missing node"
        canvas.js("() => window.__app.actions.closeTab(window.__app.graph.getState().activeTab)")
    assert checked >= 50, checked
    assert differ == {}, json.dumps(differ, indent=1)
