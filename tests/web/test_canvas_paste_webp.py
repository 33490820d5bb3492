"""End to end: pasting an image from the clipboard into a selected LoadImage node uploads
it and shows its thumbnail; dropping a WebP that carries a workflow in its EXIF (the way
ComfyUI writes it: IFD0 Make = "workflow:{…}", Model = "prompt:{…}") opens that workflow."""
from __future__ import annotations

import io
import json

from PIL import Image

from .conftest import Canvas
from .test_canvas_files import drop_file

# A paste goes to the document's `paste` listener (Canvas.tsx); with a node that has an
# upload input selected, the clipboard's image is uploaded into it. The target must not
# be a text field, so the event is dispatched on <body>.
PASTE_PNG = """async () => {
    const c = document.createElement('canvas');
    c.width = 6; c.height = 5;
    const g = c.getContext('2d');
    g.fillStyle = '#e0457b'; g.fillRect(0, 0, 6, 5);
    g.fillStyle = '#2a9d8f'; g.fillRect(0, 0, 3, 5);
    const blob = await new Promise(r => c.toBlob(r, 'image/png'));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'x.png', { type: 'image/png' }));
    const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    document.body.dispatchEvent(ev);
    return { png: Array.from(bytes.slice(1, 4)).map(b => String.fromCharCode(b)).join(''), prevented: ev.defaultPrevented };
}"""


def test_paste_an_image_into_a_load_image_node(canvas: Canvas) -> None:
    node = canvas.search_add("Load Image")
    canvas.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    canvas.node(node).locator(".kg-node-header").click()
    canvas.page.wait_for_function("id => window.__app.graph.getState().nodes.find(n => n.id === id)?.selected", arg=node)
    res = canvas.js(PASTE_PNG)
    assert res == {"png": "PNG", "prevented": True}
    canvas.page.wait_for_function(
        "id => window.__app.graph.getState().nodes.find(n => n.id === id).data.widgets.image === 'x.png'", arg=node)
    saved = canvas.server.user_dir / "input" / "x.png"
    assert saved.exists()
    with Image.open(saved) as im:
        assert im.format == "PNG" and im.size == (6, 5)
    thumb = canvas.node(node).locator("img.kg-thumb")
    thumb.wait_for()
    assert thumb.get_attribute("alt") == "image: x.png"
    canvas.page.wait_for_function("el => el.complete && el.naturalWidth === 6 && el.naturalHeight === 5", arg=thumb.element_handle())
    # Uploaded into the node, not opened as a workflow, and still the only node.
    g = canvas.graph()
    assert len(g["tabs"]) == 1 and [n["id"] for n in g["nodes"]] == [node]


WORKFLOW = {
    "last_node_id": 3, "last_link_id": 2, "version": 0.4, "groups": [], "config": {}, "extra": {},
    "nodes": [
        {"id": 1, "type": "ImageGradient", "pos": [0, 0], "size": [260, 200], "flags": {}, "order": 0, "mode": 0,
         "inputs": [], "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}], "properties": {},
         "widgets_values": [96, 80, "#112233", "#ddeeff", "horizontal"], "title": "Dawn ☀"},
        {"id": 2, "type": "ImageInvert", "pos": [320, 0], "size": [260, 120], "flags": {}, "order": 1, "mode": 0,
         "inputs": [{"name": "image", "type": "IMAGE", "link": 1}],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [2]}], "properties": {}, "widgets_values": []},
        {"id": 3, "type": "SaveImage", "pos": [640, 0], "size": [260, 200], "flags": {}, "order": 2, "mode": 0,
         "inputs": [{"name": "images", "type": "IMAGE", "link": 2}], "outputs": [], "properties": {},
         "widgets_values": ["webp/dropped"]},
    ],
    "links": [[1, 1, 0, 2, 0, "IMAGE"], [2, 2, 0, 3, 0, "IMAGE"]],
}
# A different graph in `prompt`: the `workflow` text must win.
PROMPT = {"9": {"class_type": "SolidMask", "inputs": {"value": 1.0, "width": 8, "height": 8}}}


def webp_with_workflow(workflow: dict, prompt: dict) -> bytes:
    """A real (lossy) WebP with an EXIF chunk as ComfyUI's SaveAnimatedWEBP writes it."""
    exif = Image.Exif()
    exif[0x010F] = "workflow:" + json.dumps(workflow)  # Make
    exif[0x0110] = "prompt:" + json.dumps(prompt)  # Model
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 80, 40)).save(out, "WEBP", exif=exif.tobytes(), quality=80)
    return out.getvalue()


def test_drop_a_webp_with_a_workflow(canvas: Canvas) -> None:
    webp = webp_with_workflow(WORKFLOW, PROMPT)
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP" and b"EXIF" in webp and b"VP8 " in webp
    with Image.open(io.BytesIO(webp)) as im:  # the image itself stays valid
        assert im.size == (24, 16)
    # The app's own reader sees what we wrote (same bytes the drop will hand it).
    canvas.page.get_by_role("button", name="New tab").click()
    drop_file(canvas, webp, "poster.webp", "image/webp")
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes.length === 3")
    g = canvas.graph()
    assert [t["title"] for t in g["tabs"]][-1] == "poster"
    assert {n["data"]["classType"] for n in g["nodes"]} == {"ImageGradient", "ImageInvert", "SaveImage"}
    first = next(n for n in g["nodes"] if n["id"] == "1")
    assert first["data"]["title"] == "Dawn ☀" and first["data"]["widgets"]["width"] == 96
    assert sorted((e["source"], e["target"]) for e in g["edges"]) == [("1", "2"), ("2", "3")]
    canvas.node("1").locator(".kg-title", has_text="Dawn ☀").wait_for()
    # A WebP without a workflow is refused with a message and changes nothing.
    plain = io.BytesIO()
    Image.new("RGB", (4, 4)).save(plain, "WEBP")
    drop_file(canvas, plain.getvalue(), "plain.webp", "image/webp")
    canvas.page.locator(".kg-toast", has_text="carries no workflow").wait_for()
    assert len(canvas.graph()["nodes"]) == 3


HANDLES = """() => { const z = new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a;
    const out = { zoom: z, far: document.querySelectorAll('.kg-node.far').length, handles: {} };
    for (const h of document.querySelectorAll('.react-flow__node[data-id="3"] .react-flow__handle')) {
        const n = h.closest('.react-flow__node').getBoundingClientRect(), b = h.getBoundingClientRect();
        const cx = b.left + b.width / 2, cy = b.top + b.height / 2;
        out.handles[h.dataset.handleid] = [Math.round((cx - n.left) / z), Math.round((cy - n.top) / z),
            // the 24px hit area: 9 flow px from the centre still finds the handle
            document.elementFromPoint(cx - 9 * z, cy) === h];
    }
    return out; }"""


def test_far_zoom_keeps_linked_handles_in_place(canvas: Canvas) -> None:
    """Below the LOD zoom a node is one plain box laid out without positioned children;
    the handles that carry links stay exactly where they are in the full node."""
    canvas.load({"1": {"class_type": "ImageGradient", "inputs": {"width": 64, "height": 48}},
                 "2": {"class_type": "IntMath", "inputs": {}},
                 "3": {"class_type": "ImageBlur", "inputs": {"image": ["1", 0], "blur_radius": ["2", 0]}},
                 "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0]}}}, "lod")
    near = canvas.js(HANDLES)
    assert near["zoom"] >= 0.4 and near["far"] == 0
    x, y = canvas.pane_point(0.5, 0.5)
    canvas.page.mouse.move(x, y)
    for _ in range(40):
        if canvas.js(HANDLES)["zoom"] < 0.3:
            break
        canvas.page.mouse.wheel(0, 200)
        canvas.page.wait_for_timeout(40)
    canvas.page.wait_for_timeout(300)
    far = canvas.js(HANDLES)
    assert far["zoom"] < 0.4 and far["far"] == 4
    assert set(far["handles"]) == {"in-image", "in-blur_radius", "out-0"}  # unlinked widget handles go
    for hid, (fx, fy, _) in far["handles"].items():
        nx, ny, _ = near["handles"][hid]
        assert abs(fx - nx) <= 1 and abs(fy - ny) <= 1, (hid, near["handles"][hid], far["handles"][hid])
    assert far["handles"]["in-image"][2] and far["handles"]["in-blur_radius"][2]
    assert canvas.page.locator(".react-flow__edge").count() == 3
    # Nothing inside a far node is positioned or transformed (each would be a paint layer).
    assert canvas.js("""() => [...document.querySelectorAll('.react-flow__node .kg-node.far, .react-flow__node .kg-node.far *')]
        .filter(e => { const s = getComputedStyle(e); return s.position !== 'static' || s.transform !== 'none'; }).length""") == 0
