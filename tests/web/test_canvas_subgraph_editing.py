"""End to end in Chromium: subgraph editing. ComfyUI's own subgraph template (from the
pip-downloaded comfyui-workflow-templates-json wheel) loads with its instance as a node,
opens to show the nodes inside with a breadcrumb, is edited inside (the edit is written
back into definitions.subgraphs and undone with one Ctrl+Z), and runs against the Gemini
fake with the prompt POST /api/workflows/convert makes of the same document. A selection
becomes a subgraph (crossing links become its inputs and outputs) and an instance becomes
nodes again, each one undo step, and the result runs."""
from __future__ import annotations

import io
import json
import urllib.error
from pathlib import Path
from typing import Any, Iterator

import pytest
from PIL import Image

from tests.comfy_templates.templates import load_template
from tests.fakes.gemini import GOOD_KEY, GeminiFake
from tests.live_server import live_server

from .conftest import FIXTURE_PACKS, ROOT, Canvas, Server, configure_provider, running_server, threaded_fake

TEMPLATE = "templates-subject_holding_product.app.json"
INSTANCE = "18"


@pytest.fixture(scope="module")
def gemini_fake() -> Iterator[GeminiFake]:
    with threaded_fake(GeminiFake()) as fake:
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, gemini_fake: GeminiFake) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("subgraph-user"), [ROOT / "custom_nodes", FIXTURE_PACKS]) as started:
        configure_provider(started, "gemini", {"base_url": gemini_fake.base_url}, {"api_key": GOOD_KEY})
        for name, colour in (("subject-elderly-lady-portrait.png", (200, 150, 120)), ("product-toothbrush.png", (40, 90, 200))):
            out = io.BytesIO()
            Image.new("RGB", (96, 64), colour).save(out, "PNG")
            (started.user_dir / "input").mkdir(parents=True, exist_ok=True)
            (started.user_dir / "input" / name).write_bytes(out.getvalue())
        yield started


def sent_prompt(canvas: Canvas, run: Any) -> dict[str, Any]:
    with canvas.page.expect_request(lambda r: r.url.endswith("/prompt") and r.method == "POST") as req:
        run()
    return json.loads(req.value.post_data)["prompt"]


def levels(canvas: Canvas) -> list[str]:
    return canvas.page.locator(".kg-subgraph-bar li").all_inner_texts()


def test_comfyui_subgraph_template_opens_edits_inside_and_runs(canvas: Canvas, gemini_fake: GeminiFake) -> None:
    doc = load_template(TEMPLATE)
    canvas.load(doc, "holding product")
    instance = canvas.node(INSTANCE)
    assert instance.locator(".kg-badge.subgraph").count() == 1 and instance.locator(".kg-badge.missing").count() == 0
    assert instance.locator(".kg-title").inner_text() == "Batch Images"

    # Open it: the nodes inside, its input and output nodes, a breadcrumb back.
    instance.get_by_role("button", name="Open subgraph Batch Images").click()
    canvas.page.wait_for_selector(".kg-subgraph-bar")
    assert levels(canvas) == ["Workflow", "Batch Images"]
    inside = {n["id"]: n for n in canvas.graph()["nodes"]}
    assert sorted(inside) == ["-10", "-20", "12", "13", "19"]
    assert canvas.page.locator(".kg-badge.missing").count() == 0
    assert [s["name"] for s in inside["-10"]["data"]["slots"]] == ["image", "image_1"]
    assert len(canvas.graph()["edges"]) == 7
    canvas.screenshot("subgraph.png")

    # Edit inside: the padding colour of ResizeAndPadImage, then go back.
    canvas.js("() => window.__app.actions.setWidget('13', 'padding_color', 'black', false)")
    canvas.page.get_by_role("button", name="← Back").click()
    canvas.page.wait_for_selector(".kg-subgraph-bar", state="detached")
    assert sorted(canvas.node_ids()) == ["10", "11", "15", "17", INSTANCE]
    inner = canvas.js("() => window.__app.workflow().definitions.subgraphs[0].nodes.find(n => n.id === 13).widgets_values")
    assert inner[2] == "black"
    converted = canvas.server.post("/api/workflows/convert", canvas.js("() => window.__app.workflow()"))["prompt"]
    assert converted[f"{INSTANCE}:13"]["inputs"]["padding_color"] == "black"
    # The edit is one undo step of the parent graph, and redo brings it back.
    canvas.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    canvas.page.keyboard.press("Control+z")
    assert canvas.js("() => window.__app.workflow().definitions.subgraphs[0].nodes.find(n => n.id === 13).widgets_values[2]") == "white"
    canvas.page.keyboard.press("Control+y")
    assert canvas.js("() => window.__app.workflow().definitions.subgraphs[0].nodes.find(n => n.id === 13).widgets_values[2]") == "black"

    # Run from inside the subgraph: the whole workflow runs, as the converter says.
    instance.get_by_role("button", name="Open subgraph Batch Images").click()
    canvas.page.wait_for_selector(".kg-subgraph-bar")
    expected = canvas.server.post("/api/workflows/convert", canvas.js("() => window.__app.workflow()"))["prompt"]
    sent = sent_prompt(canvas, canvas.run)
    assert sent == expected and f"{INSTANCE}:19" in sent
    canvas.wait_idle(60000)
    assert canvas.js("() => window.__app.runtime.getState().lastDone.status") == "success", canvas.js("() => window.__app.runtime.getState().lastError")
    assert len(gemini_fake.bodies) == 1
    # The nodes inside show their run (ComfyUI's ids "18:19" map onto the open subgraph's nodes).
    canvas.page.wait_for_selector('.react-flow__node[data-id="19"] .kg-node.state-finished')
    canvas.page.locator(".kg-subgraph-bar").get_by_role("button", name="Workflow", exact=True).click()
    canvas.node("15").locator(".kg-media img").wait_for()
    # Back at the workflow, the instance shows how the nodes inside it ran.
    assert "state-finished" in instance.locator(".kg-node").get_attribute("class")


def chain_doc() -> dict[str, Any]:
    """Gradient(1) -> Invert(2) -> Blur(3) -> Save(4)."""
    return {
        "1": {"class_type": "ImageGradient", "inputs": {"width": 48, "height": 32, "color_start": "#000000", "color_end": "#ffffff", "direction": "horizontal"}},
        "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
        "3": {"class_type": "ImageBlur", "inputs": {"image": ["2", 0], "blur_radius": 2, "sigma": 1.0}},
        "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "e2e/made_subgraph"}},
    }


def edges(canvas: Canvas) -> list[str]:
    return sorted(f"{e['source']}>{e['target']}:{e['targetHandle']}" for e in canvas.graph()["edges"])


def test_selection_becomes_a_subgraph_and_back_each_one_undo_step(canvas: Canvas) -> None:
    canvas.load(chain_doc(), "chain")
    canvas.node("2").locator(".kg-title").click()
    canvas.node("3").locator(".kg-title").click(modifiers=["Control"])
    canvas.page.keyboard.press("Control+Shift+E")
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes.length === 3")
    (made,) = set(canvas.node_ids()) - {"1", "4"}
    assert edges(canvas) == [f"1>{made}:in-image", f"{made}>4:in-images"]
    node = canvas.node(made)
    assert node.locator(".kg-badge.subgraph").count() == 1 and node.locator(".kg-title").inner_text() == "New subgraph"
    definition = canvas.js("() => window.__app.workflow().definitions.subgraphs[0]")
    assert [i["name"] for i in definition["inputs"]] == ["image"] and [o["type"] for o in definition["outputs"]] == ["IMAGE"]
    assert sorted(n["type"] for n in definition["nodes"]) == ["ImageBlur", "ImageInvert"]

    # It runs: the sent prompt is the converter's, with the inner nodes under the instance's id.
    expected = canvas.server.post("/api/workflows/convert", canvas.js("() => window.__app.workflow()"))["prompt"]
    sent = sent_prompt(canvas, canvas.run)
    assert sent == expected and sorted(sent) == sorted(["1", f"{made}:2", f"{made}:3", "4"])
    canvas.wait_idle()
    assert canvas.js("() => window.__app.runtime.getState().lastDone.status") == "success"
    canvas.node("4").locator(".kg-media img").wait_for()

    # Undo brings the four nodes back, redo the subgraph.
    canvas.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    canvas.page.keyboard.press("Control+z")
    assert sorted(canvas.node_ids()) == ["1", "2", "3", "4"]
    assert edges(canvas) == ["1>2:in-image", "2>3:in-image", "3>4:in-images"]
    canvas.page.keyboard.press("Control+y")
    assert sorted(canvas.node_ids()) == sorted(["1", "4", made])

    # Convert back to nodes from the node menu: the same chain, with fresh ids.
    canvas.node(made).get_by_role("button", name=f"Node {made} actions").click()
    canvas.page.get_by_role("menuitem", name="Convert to nodes").click()
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes.length === 4")
    ids = canvas.graph()["nodes"]
    by_type = {n["data"]["classType"]: n["id"] for n in ids}
    assert edges(canvas) == sorted([f"1>{by_type['ImageInvert']}:in-image", f"{by_type['ImageInvert']}>{by_type['ImageBlur']}:in-image",
                                    f"{by_type['ImageBlur']}>4:in-images"])
    assert by_type["ImageBlur"] != "3" and canvas.js("() => window.__app.workflow().definitions") is None
    canvas.page.keyboard.press("Control+z")
    assert sorted(canvas.node_ids()) == sorted(["1", "4", made])


def test_a_subgraph_made_here_loads_in_comfyuis_own_frontend(canvas: Canvas, tmp_path: Path) -> None:
    """The document this canvas saves after making a subgraph is read by ComfyUI's
    frontend (comfyui-frontend-package, test extra) as a subgraph instance, and its own
    conversion to an API prompt equals our server's."""
    pytest.importorskip("comfyui_frontend_package", reason="the test extra installs comfyui-frontend-package")
    canvas.load(chain_doc(), "for ComfyUI")
    canvas.node("2").locator(".kg-title").click()
    canvas.node("3").locator(".kg-title").click(modifiers=["Control"])
    canvas.page.keyboard.press("Control+Shift+E")
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes.length === 3")
    doc = canvas.js("() => window.__app.workflow()")
    ours = canvas.server.post("/api/workflows/convert", doc)["prompt"]
    (made,) = {str(n["id"]) for n in doc["nodes"]} - {"1", "4"}

    with live_server(tmp_path / "comfy-user", "--front-end", "comfy") as comfy:
        page = canvas.page.context.browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.goto(comfy.url + "/")
            page.wait_for_function("() => window.app && window.app.graph && window.LiteGraph", timeout=60_000)
            page.evaluate("(wf) => window.app.loadGraphData(wf)", doc)
            node = page.evaluate("""(id) => { const n = window.app.graph.getNodeById(Number(id));
                return { subgraph: !!(n && n.isSubgraphNode && n.isSubgraphNode()), title: n && n.title,
                         inside: n && n.subgraph ? n.subgraph.nodes.map(x => x.type).sort() : [] }; }""", made)
            assert node == {"subgraph": True, "title": "New subgraph", "inside": ["ImageBlur", "ImageInvert"]}
            theirs = page.evaluate("async () => (await window.app.graphToPrompt()).output")
        finally:
            page.close()
    strip = lambda p: {k: (v["class_type"], v["inputs"]) for k, v in p.items()}  # noqa: E731
    assert strip(theirs) == strip(ours)


def test_an_edit_inside_an_open_subgraph_survives_a_tab_switch_and_a_reload(canvas: Canvas) -> None:
    canvas.load(chain_doc(), "kept")
    made = canvas.js("() => { const s = window.__app.graph.getState(); "
                     "s.nodes.forEach(n => { if (n.id === '2' || n.id === '3') window.__app.actions.onNodesChange([{ type: 'select', id: n.id, selected: true }]); }); "
                     "return window.__app.subgraphs.convertSelectionToSubgraph(window.__app.catalogue.getState().defs); }")
    canvas.node(made).get_by_role("button", name="Open subgraph New subgraph").click()
    canvas.js("() => window.__app.actions.setWidget('3', 'blur_radius', 7, false)")
    blur = "() => window.__app.workflow().definitions.subgraphs[0].nodes.find(n => n.id === 3).widgets_values[0]"
    assert canvas.js(blur) == 7  # saving from inside writes the open level back
    canvas.page.get_by_role("button", name="New tab").click()  # a new tab leaves the subgraph first
    canvas.page.get_by_role("tab", name="kept").click()
    assert canvas.page.locator(".kg-subgraph-bar").count() == 0 and canvas.js(blur) == 7
    canvas.node(made).get_by_role("button", name="Open subgraph New subgraph").click()
    canvas.js("() => window.__app.actions.setWidget('3', 'blur_radius', 9, false)")
    canvas.js("() => window.__app.save()")
    canvas.page.reload()
    canvas.page.wait_for_selector(".kg-app[data-ready=true]")
    canvas.page.get_by_role("tab", name="kept").click()
    assert canvas.js(blur) == 9


#: ComfyUI's subgraph templates (of the 214 in the wheel) whose every node this server has.
KNOWN_SUBGRAPH_TEMPLATES = [
    "api_google_nano_banana2_image_edit_continuation.json", "api_openai_gpt6_astra.json",
    "template_contact_sheet-step_3.app.json", "template_sirolim_image_script_video.json",
    "templates-subject_holding_product.app.json", "templates-subject_product_swap.app.json",
    "templates_graphic_design_recomposer.json",
]


def convert(server: Server, doc: Any) -> tuple[str, Any]:
    try:
        return "converted", server.post("/api/workflows/convert", doc)["prompt"]
    except urllib.error.HTTPError as exc:
        return "refused", json.loads(exc.read())["error"]["message"]


def differences(got: tuple[str, Any], expected: tuple[str, Any]) -> Any:
    if got[0] != "converted" or expected[0] != "converted":
        return got[0], expected[0], got[1] if got[0] == "refused" else expected[1]
    keys = set(got[1]) | set(expected[1])
    out = {}
    for k in sorted(keys):
        a, b = got[1].get(k) or {}, expected[1].get(k) or {}
        if a != b:
            ins = set(a.get("inputs", {})) | set(b.get("inputs", {}))
            out[k] = {i: (a.get("inputs", {}).get(i), b.get("inputs", {}).get(i)) for i in sorted(ins)
                      if a.get("inputs", {}).get(i) != b.get("inputs", {}).get(i)}
    return out


#: Where the canvas's own root conversion differs from ComfyUI's, and why. Here a
#: PrimitiveNode (5) reaches a widget (3) through a Reroute: ComfyUI sends the widget's 3 (a
#: primitive copies its value only into widgets it is linked to directly); the canvas
#: loads PrimitiveNodes as Primitive nodes, whose value travels any link, so it sends 5.
ROOT_DIFFERS = {"template_contact_sheet-step_3.app.json": {"309:310", "312", "345:343", "353:351", "361:359", "369:367",
                                                           "377:375", "385:383"}}


@pytest.mark.parametrize("name", KNOWN_SUBGRAPH_TEMPLATES)
def test_comfyui_subgraph_templates_open_and_write_back_unchanged(canvas: Canvas, name: str) -> None:
    """Each instance shows as a subgraph node and opens with nothing missing inside; the
    document written back from inside every open subgraph converts exactly as the one
    saved at the top does, which converts as the template does (or is refused the same
    way, for templates saved by newer nodes)."""
    doc = load_template(name)
    expected = convert(canvas.server, doc)
    canvas.load(doc, name)
    saved = convert(canvas.server, canvas.js("() => window.__app.workflow()"))
    if name in ROOT_DIFFERS:
        assert set(differences(saved, expected)) == ROOT_DIFFERS[name]
    else:
        assert saved == expected, differences(saved, expected)
    ids = {s["id"] for s in doc["definitions"]["subgraphs"]}
    instances = [str(n["id"]) for n in doc["nodes"] if n["type"] in ids]
    assert instances and canvas.page.locator(".kg-badge.missing").count() == 0
    for inst in instances:
        node = canvas.node(inst)
        assert node.locator(".kg-badge.subgraph").count() == 1
        node.locator(".kg-open-subgraph").evaluate("b => b.click()")  # may be off screen
        canvas.page.wait_for_selector(".kg-subgraph-bar")
        assert canvas.page.locator(".kg-badge.missing").count() == 0
        got = convert(canvas.server, canvas.js("() => window.__app.workflow()"))
        assert got == saved, differences(got, saved)
        canvas.page.get_by_role("button", name="← Back").click()
        canvas.page.wait_for_selector(".kg-subgraph-bar", state="detached")


def test_a_link_to_a_free_slot_inside_adds_a_subgraph_output_that_runs(canvas: Canvas) -> None:
    canvas.load(chain_doc(), "grow")
    made = canvas.js("() => { window.__app.actions.onNodesChange(['2', '3'].map(id => ({ type: 'select', id, selected: true }))); "
                     "return window.__app.subgraphs.convertSelectionToSubgraph(window.__app.catalogue.getState().defs); }")
    canvas.node(made).get_by_role("button", name="Open subgraph New subgraph").click()
    canvas.page.wait_for_selector(".kg-subgraph-bar")
    # Drag the inverted image (inside) onto the output node's free slot.
    canvas.drag_to(canvas.handle("2", "out-0"), canvas.handle("-20", "in-+"))
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes.find(n => n.id === '-20').data.slots.length === 2")
    canvas.page.get_by_role("button", name="← Back").click()
    canvas.page.wait_for_selector(".kg-subgraph-bar", state="detached")
    assert [o["name"] for o in canvas.js(f"() => window.__app.graph.getState().nodes.find(n => n.id === '{made}').data.missing.outputs")] == ["IMAGE", "IMAGE_1"]
    # Wire the new output to a second Save Image and run: the converter's prompt, both saved.
    save = canvas.js("() => window.__app.actions.addNode(window.__app.catalogue.getState().defs.SaveImage, { x: 900, y: 500 })")
    canvas.js(f"() => window.__app.actions.setWidget('{save}', 'filename_prefix', 'e2e/inverted', false)")
    canvas.drag_to(canvas.handle(made, "out-1"), canvas.handle(save, "in-images"))
    canvas.page.wait_for_function(f"() => window.__app.graph.getState().edges.some(e => e.source === '{made}' && e.sourceHandle === 'out-1' && e.target === '{save}')")
    expected = canvas.server.post("/api/workflows/convert", canvas.js("() => window.__app.workflow()"))["prompt"]
    sent = sent_prompt(canvas, canvas.run)
    assert sent == expected and sent[save]["inputs"]["images"] == [f"{made}:2", 0]
    canvas.wait_idle()
    assert canvas.js("() => window.__app.runtime.getState().lastDone.status") == "success"
    canvas.node(save).locator(".kg-media img").wait_for()
