"""End to end: the editing tools people reach for. Deleting a linked node keeps the
link through it and comes back with one undo; arrow keys step number fields;
Ctrl+Enter runs from inside a text field; a colour picker sets colour inputs;
find-in-graph (Ctrl+F) jumps to a node; fit view never over-zooms; reroutes and
Markdown notes are created from the search box; a node dropped onto a link is
inserted into it; batch count and "run selected outputs" queue what they say."""
from __future__ import annotations

from .conftest import Canvas
from .test_canvas_files import CHAIN

PAIR = {"1": {"class_type": "ImageGradient", "inputs": {"width": 64, "height": 48}},
        "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "e2e/pair"}}}


def edges(c: Canvas) -> list[str]:
    return sorted(f'{e["source"]}>{e["target"]}' for e in c.graph()["edges"])


def test_editing_tools(canvas: Canvas) -> None:
    c = canvas
    c.load(CHAIN, "tools")
    # Delete keeps the link through the node; one undo brings node and links back.
    c.node("2").click()
    c.page.keyboard.press("Delete")
    assert "2" not in c.node_ids() and edges(c) == ["1>3"]
    c.page.keyboard.press("Control+z")
    assert "2" in c.node_ids() and edges(c) == ["1>2", "2>3"]
    # Fit view never zooms a small graph past 100%.
    c.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    c.page.keyboard.press(".")
    c.page.wait_for_timeout(400)
    assert c.js("() => window.__app.graph.getState().viewport?.zoom ?? 1") <= 1.0001
    # Arrow keys step a number field, and the field shows it.
    width = c.node("1").get_by_label("width", exact=True)
    width.click()
    width.press("ArrowUp")
    width.press("ArrowUp")
    assert width.input_value() != "64"
    stepped = c.js("() => window.__app.graph.getState().nodes.find(n => n.id === '1').data.widgets.width")
    assert stepped > 64 and width.input_value() == str(stepped)
    width.press("Tab")
    assert c.js("() => window.__app.graph.getState().nodes.find(n => n.id === '1').data.widgets.width") == stepped
    # Colour picker on colour inputs.
    c.node("1").get_by_label("Pick a colour for color_start").fill("#ff0000")
    assert c.js("() => window.__app.graph.getState().nodes.find(n => n.id === '1').data.widgets.color_start") == "#ff0000"
    # Ctrl+Enter from inside a text field runs the graph.
    prefix = c.node("3").get_by_label("filename_prefix", exact=True)
    prefix.fill("e2e/tools")
    prefix.press("Control+Enter")
    c.wait_idle()
    assert c.js("() => Object.keys(window.__app.runtime.getState().ours).length") == 1
    # Find in graph jumps to a node by title.
    c.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    c.page.keyboard.press("Control+f")
    find = c.page.get_by_role("combobox", name="Find in graph")
    find.fill("backdrop")
    find.press("Enter")
    assert c.js("() => window.__app.graph.getState().nodes.filter(n => n.selected).map(n => n.id)") == ["1"]

    # Reroute and Markdown note from the search box.
    c.page.get_by_role("button", name="New tab").click()
    rr = c.search_add("reroute", at=(0.2, 0.7))
    assert c.js(f"() => window.__app.graph.getState().nodes.find(n => n.id === '{rr}').type") == "reroute"
    note = c.search_add("markdown", at=(0.6, 0.7))
    c.node(note).get_by_label("Note text").fill("# Hello\n\n- **one**")
    c.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    c.node(note).locator(".kg-markdown h3", has_text="Hello").wait_for()
    assert c.node(note).locator(".kg-markdown li strong").inner_text() == "one"

    # Drop a node onto a link: it is inserted (one undo takes back move and insertion).
    c.load(PAIR, "pair")
    inv = c.search_add("Image Invert", at=(0.5, 0.85))
    a = c.handle("1", "out-0").bounding_box()
    b = c.handle("2", "in-images").bounding_box()
    mid = ((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2)
    box = c.node(inv).bounding_box()
    grab = (box["x"] + 40, box["y"] + 10)
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    c.page.mouse.move(*grab)
    c.page.mouse.down()
    c.page.mouse.move(mid[0] - (centre[0] - grab[0]), mid[1] - (centre[1] - grab[1]), steps=12)
    c.page.mouse.up()
    assert edges(c) == sorted([f"1>{inv}", f"{inv}>2"])
    c.page.keyboard.press("Control+z")
    assert edges(c) == ["1>2"]

    # Batch count 2 queues twice; "run selected" queues the selected output only.
    c.page.get_by_label("Batch count").fill("2")
    c.run()
    c.page.wait_for_function("() => Object.keys(window.__app.runtime.getState().ours).length === 3")
    c.page.get_by_label("Batch count").fill("1")
    c.node("2").click()
    c.page.get_by_role("button", name="▶ Run selected (1)").click()
    c.page.wait_for_function("() => Object.keys(window.__app.runtime.getState().ours).length === 4")
