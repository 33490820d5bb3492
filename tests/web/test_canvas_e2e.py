"""End to end in a real browser against a real server: building a graph with the mouse,
running it with live progress and previews, refusals that explain themselves, widgets,
errors on the failing node, and the keyboard-only path."""
from __future__ import annotations

import re

from .conftest import Canvas


def test_library_lists_every_node_by_category(canvas: Canvas) -> None:
    info = canvas.server.get("/object_info")
    listed = canvas.js("() => [...document.querySelectorAll('[data-node-type]')].map(e => e.dataset.nodeType)")
    assert sorted(listed) == sorted(info)
    categories = canvas.js("() => [...document.querySelectorAll('.kg-lib-cat > summary')].map(e => e.textContent)")
    assert {"image", "mask", "test", "io"} <= set(categories)
    canvas.page.get_by_label("Filter nodes").fill("blur")
    assert canvas.page.locator(".kg-lib-flat [data-node-type]").first.get_attribute("data-node-type") == "ImageBlur"


def test_search_box_is_fuzzy_over_name_category_and_type(canvas: Canvas) -> None:
    x, y = canvas.pane_point(0.5, 0.5)
    canvas.page.mouse.dblclick(x, y)
    box = canvas.page.get_by_role("combobox", name="Search nodes")
    assert box.evaluate("e => e === document.activeElement")
    for query, expected in [("svim", "Save Image"), ("ImageBlur", "Image Blur"), ("mask", "Mask")]:
        box.fill(query)
        assert expected in canvas.page.locator("#kg-search-results li").first.inner_text()
    box.press("Escape")
    assert canvas.page.locator(".kg-search").count() == 0
    assert canvas.node_ids() == []


def test_build_a_graph_with_the_mouse_and_run_it(canvas: Canvas) -> None:
    gradient = canvas.search_add("Image Gradient", at=(0.2, 0.3))
    # Drag from the IMAGE output into empty space: only IMAGE-accepting nodes are offered.
    canvas.drag(canvas.handle(gradient, "out-0"), canvas.pane_point(0.65, 0.35))
    box = canvas.page.get_by_role("combobox", name="Search nodes")
    offered = canvas.page.locator("#kg-search-results li .kg-search-name").all_inner_texts()
    assert "Save Image" in offered and "Invert Mask" not in offered and "Int Math" not in offered
    box.fill("save image")
    canvas.page.locator("#kg-search-results li").filter(has=canvas.page.get_by_text("Save Image", exact=True)).click()
    g = canvas.graph()
    save = next(n for n in g["nodes"] if n["data"]["classType"] == "SaveImage")
    assert g["edges"] == [{"source": gradient, "sourceHandle": "out-0", "target": save["id"], "targetHandle": "in-images"}]
    # Creating the node and its link was one undo step.
    canvas.page.keyboard.press("Control+z")
    assert canvas.node_ids() == [gradient] and canvas.graph()["edges"] == []
    canvas.page.keyboard.press("Control+y")
    assert len(canvas.graph()["edges"]) == 1

    canvas.run()
    canvas.page.wait_for_selector(f'.react-flow__node[data-id="{save["id"]}"] .kg-media img')
    canvas.wait_idle()
    state = canvas.js("() => window.__app.runNodes()")
    assert state[gradient]["state"] == "finished" and state[save["id"]]["state"] == "finished"
    assert state[save["id"]]["output"]["images"][0]["filename"].endswith(".png")
    caption = canvas.node(save["id"]).locator("figcaption")
    caption.filter(has_text="×").wait_for()
    assert re.match(r"\d+×\d+", caption.inner_text())
    # Run again: nothing changed, so both nodes come from the cache.
    canvas.js("() => window.__app.runtime.setState({ lastDone: null })")
    canvas.page.keyboard.press("Control+Enter")
    canvas.wait_idle()
    assert canvas.js(f"() => window.__app.runNodes()['{gradient}'].state") == "cached"
    assert canvas.node(gradient).locator(".kg-badge.cached").count() == 1
    canvas.screenshot("run.png")


def test_refused_connection_says_why(canvas: Canvas) -> None:
    canvas.load({"1": {"class_type": "ImageGradient", "inputs": {}}, "2": {"class_type": "InvertMask", "inputs": {}}})
    canvas.page.keyboard.press(".")
    canvas.page.wait_for_timeout(400)
    # While dragging an IMAGE, the MASK input is dimmed.
    src = canvas.handle("1", "out-0").bounding_box()
    canvas.page.mouse.move(src["x"] + 6, src["y"] + 6)
    canvas.page.mouse.down()
    canvas.page.mouse.move(src["x"] + 60, src["y"] + 60, steps=5)
    assert "dim" in canvas.handle("2", "in-mask").get_attribute("class")
    target = canvas.handle("2", "in-mask").bounding_box()
    canvas.page.mouse.move(target["x"] + 6, target["y"] + 6, steps=8)
    canvas.page.mouse.up()
    toast = canvas.page.locator(".kg-toast-at")
    toast.wait_for()
    assert toast.inner_text() == "Input mask requires MASK but would be connected with IMAGE"
    assert canvas.graph()["edges"] == []


def test_widgets_edit_the_graph_and_undo(canvas: Canvas) -> None:
    node = canvas.search_add("Image Noise")
    n = canvas.node(node)
    width = n.get_by_label("width", exact=True)
    width.fill("99999")
    width.press("Enter")
    assert canvas.graph()["nodes"][0]["data"]["widgets"]["width"] == 16384  # clamped to max
    n.get_by_label("Increase height").click()
    assert canvas.graph()["nodes"][0]["data"]["widgets"]["height"] == 513
    n.get_by_role("switch", name="monochrome").click()
    assert canvas.graph()["nodes"][0]["data"]["widgets"]["monochrome"] is True
    n.get_by_label("seed control after generate").select_option("increment")
    canvas.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    canvas.page.keyboard.press("Control+z")
    assert canvas.graph()["nodes"][0]["data"]["controls"]["seed"] == "randomize"
    canvas.page.keyboard.press("Control+z")
    assert canvas.graph()["nodes"][0]["data"]["widgets"]["monochrome"] is False

    combo_node = canvas.search_add("Image Flip", at=(0.6, 0.3))
    c = canvas.node(combo_node)
    c.get_by_role("button", name=re.compile("^flip_method")).click()
    c.get_by_label("Filter flip_method").fill("horiz")
    assert c.get_by_role("option").all_inner_texts() == ["y-axis: horizontally"]
    c.get_by_label("Filter flip_method").press("Enter")
    assert canvas.graph()["nodes"][-1]["data"]["widgets"]["flip_method"] == "y-axis: horizontally"

    text_node = canvas.search_add("String Template", at=(0.3, 0.7))
    area = canvas.node(text_node).get_by_role("textbox", name="template")
    area.fill("A {thing}")
    area.press("Control+z")  # undoes text in the field, not the graph
    assert text_node in canvas.node_ids()


def test_seed_controls_apply_after_each_run(canvas: Canvas) -> None:
    canvas.load({"1": {"class_type": "ImageNoise", "inputs": {"width": 8, "height": 8, "seed": 5}},
                 "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}})
    canvas.node("1").get_by_label("seed control after generate").select_option("increment")
    canvas.run()
    canvas.wait_idle()
    assert canvas.graph()["nodes"][0]["data"]["widgets"]["seed"] == 6
    job = canvas.server.get("/api/runs?limit=1&include=prompt")["jobs"][0]
    assert job["prompt"]["1"]["inputs"]["seed"] == 5
    assert "control_after_generate" not in str(job["prompt"])


def test_error_is_pinned_to_the_failing_node(canvas: Canvas) -> None:
    canvas.load({"1": {"class_type": "TestConst", "inputs": {"value": 1}},
                 "2": {"class_type": "TestFail", "inputs": {"value": ["1", 0], "message": "kaboom"}},
                 "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}})
    canvas.run()
    err = canvas.node("2").locator(".kg-node-error")
    err.wait_for()
    assert "kaboom" in err.inner_text()
    assert "state-error" in canvas.node("2").locator(".kg-node").get_attribute("class")
    canvas.screenshot("error.png")


def test_validation_errors_land_on_inputs(canvas: Canvas) -> None:
    canvas.load({"1": {"class_type": "ImageBlur", "inputs": {}}, "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}})
    canvas.run()
    err = canvas.node("1").locator(".kg-node-error")
    err.wait_for()
    assert "image" in err.inner_text() and "missing" in err.inner_text().lower()


def test_progress_bar_and_text_while_running(canvas: Canvas) -> None:
    canvas.load({"1": {"class_type": "TestConst", "inputs": {"value": 1}},
                 "2": {"class_type": "TestTicker", "inputs": {"value": ["1", 0], "ticks": 30, "interval_s": 0.05}},
                 "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}})
    canvas.run()
    canvas.page.wait_for_function("() => { const r = window.__app.runNodes()['2']; return r && r.state === 'running' && r.value > 3; }")
    assert "state-running" in canvas.node("2").locator(".kg-node").get_attribute("class")
    bar = canvas.node("2").locator(".kg-progress > div").get_attribute("style")
    assert "scaleX(" in bar and "scaleX(0)" not in bar
    assert canvas.node("2").locator(".kg-status-text").inner_text().startswith("t=")
    canvas.wait_idle()
    assert canvas.node("3").locator(".kg-text-output").inner_text() == "1"


def test_live_preview_frames_show_on_their_node(canvas: Canvas) -> None:
    canvas.load({"1": {"class_type": "ImageGradient", "inputs": {"width": 32, "height": 32}},
                 "2": {"class_type": "TestPreviewSteps", "inputs": {"image": ["1", 0], "steps": 3}},
                 "3": {"class_type": "PreviewImage", "inputs": {"images": ["2", 0]}}})
    canvas.run()
    canvas.wait_idle()
    live = canvas.node("2").locator("img[alt='live preview']")
    live.wait_for()
    assert live.get_attribute("src").startswith("blob:")
    assert canvas.node("3").locator(".kg-media img").count() == 1
