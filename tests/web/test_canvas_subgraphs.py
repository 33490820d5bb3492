"""End to end: a ComfyUI workflow with a subgraph loads on the canvas as a subgraph node
(not a missing node) showing its promoted widget, runs, and the prompt the canvas sends
is exactly what POST /api/workflows/convert makes of the same document; saving and
reloading keep the subgraph definitions."""
from __future__ import annotations

import json
from typing import Any

from .conftest import Canvas

SUB = "0b6f3a52-8d1e-4c2a-9f4b-7e5d3c2a1b09"


def _node(id_: int, type_: str, inputs: list[tuple[Any, ...]] = (), outputs: list[tuple[Any, ...]] = (),  # type: ignore[assignment]
          widgets: list[Any] | None = None) -> dict[str, Any]:
    return {"id": id_, "type": type_, "pos": [100 + 350 * (id_ % 10), 200], "size": [300, 120], "flags": {}, "order": id_,
            "mode": 0, "properties": {"Node name for S&R": type_},
            "inputs": [{"name": i[0], "type": i[1], "link": i[2], **({"widget": {"name": i[3]}} if len(i) > 3 else {})}
                       for i in inputs],
            "outputs": [{"name": o[0], "type": o[1], "links": o[2]} for o in outputs],
            **({"widgets_values": widgets} if widgets is not None else {})}


def subgraph_doc() -> dict[str, Any]:
    """"Backdrop" subgraph: width (promoted) -> ImageGradient -> ImageInvert -> IMAGE; its instance feeds Save Image."""
    def link(id_: int, o: int, os_: int, t: int, ts: int, type_: str) -> dict[str, Any]:
        return {"id": id_, "origin_id": o, "origin_slot": os_, "target_id": t, "target_slot": ts, "type": type_}
    definition = {
        "id": SUB, "version": 1, "revision": 0, "name": "Backdrop",
        "state": {"lastGroupId": 0, "lastNodeId": 2, "lastLinkId": 3, "lastRerouteId": 0},
        "config": {}, "extra": {}, "groups": [], "widgets": [],
        "inputNode": {"id": -10, "bounding": [0, 300, 120, 60]}, "outputNode": {"id": -20, "bounding": [900, 300, 120, 60]},
        "inputs": [{"id": "i0", "name": "width", "type": "INT", "linkIds": [1], "pos": [100, 320]}],
        "outputs": [{"id": "o0", "name": "IMAGE", "type": "IMAGE", "linkIds": [3], "pos": [920, 320]}],
        "nodes": [
            _node(1, "ImageGradient", inputs=[("width", "INT", 1, "width")], outputs=[("IMAGE", "IMAGE", [2])],
                  widgets=[64, 40, "#102030", "#f0e0d0", "horizontal"]),
            _node(2, "ImageInvert", inputs=[("image", "IMAGE", 2)], outputs=[("IMAGE", "IMAGE", [3])]),
        ],
        "links": [link(1, -10, 0, 1, 0, "INT"), link(2, 1, 0, 2, 0, "IMAGE"), link(3, 2, 0, -20, 0, "IMAGE")],
    }
    nodes = [
        _node(10, SUB, inputs=[("width", "INT", None, "width")], outputs=[("IMAGE", "IMAGE", [1])], widgets=[80]),
        _node(11, "SaveImage", inputs=[("images", "IMAGE", 1)], widgets=["e2e/subgraph"]),
    ]
    return {"last_node_id": 11, "last_link_id": 1, "nodes": nodes, "links": [[1, 10, 0, 11, 0, "IMAGE"]],
            "groups": [], "config": {}, "extra": {}, "version": 0.4, "definitions": {"subgraphs": [definition]}}


def test_subgraph_loads_shows_promoted_widget_and_runs_as_the_converter_says(canvas: Canvas) -> None:
    doc = subgraph_doc()
    expected = canvas.server.post("/api/workflows/convert", doc)["prompt"]
    canvas.load(doc, "with a subgraph")
    instance = canvas.node("10")
    assert instance.locator(".kg-badge.subgraph").count() == 1 and instance.locator(".kg-badge.missing").count() == 0
    assert instance.locator(".kg-title").inner_text() == "Backdrop"
    assert instance.locator(".kg-promoted-row dt").inner_text() == "width"
    assert instance.get_by_role("spinbutton", name="width (promoted from the subgraph)").input_value() == "80"
    assert canvas.page.locator(".kg-toast", has_text="Missing node types").count() == 0

    with canvas.page.expect_request(lambda r: r.url.endswith("/prompt") and r.method == "POST") as req:
        canvas.run()
    sent = json.loads(req.value.post_data)["prompt"]
    assert sent == expected and "10:1" in sent and sent["10:1"]["inputs"]["width"] == 80
    canvas.wait_idle()
    assert canvas.js("() => window.__app.runtime.getState().lastDone.status") == "success"
    canvas.node("11").locator(".kg-media img").wait_for()

    # A promoted widget is edited on the instance (one undo step) and runs with its new value.
    instance.get_by_role("spinbutton", name="width (promoted from the subgraph)").fill("96")
    with canvas.page.expect_request(lambda r: r.url.endswith("/prompt") and r.method == "POST") as req:
        canvas.run()
    assert json.loads(req.value.post_data)["prompt"]["10:1"]["inputs"]["width"] == 96
    canvas.wait_idle()
    canvas.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    canvas.page.keyboard.press("Control+z")
    assert canvas.js("() => window.__app.workflow().nodes.find(n => n.id === 10).widgets_values") == [80]

    # Saved documents and reloads keep the definitions.
    assert canvas.js("() => window.__app.workflow().definitions.subgraphs[0].name") == "Backdrop"
    assert canvas.server.post("/api/workflows/convert", canvas.js("() => window.__app.workflow()"))["prompt"] == expected
    canvas.page.reload()
    canvas.page.wait_for_selector(".kg-app[data-ready=true]")
    assert canvas.node("10").locator(".kg-badge.subgraph").count() == 1
