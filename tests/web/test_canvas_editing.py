"""End to end: editing essentials (box select, groups, copy/paste, duplicate, bypass,
mute, collapse, delete, auto-arrange, snap, minimap, fit view), image upload by button
and by drop, templates, settings with masked keys and wallpaper, themes, and the
keyboard-only path (search, node menu, connect from a menu)."""
from __future__ import annotations

from typing import Iterator

import pytest

from .conftest import FIXTURE_PACKS, ROOT, Canvas, Server, running_server
from .test_canvas_files import CHAIN, drop_file

PNG = ROOT / "web" / "src" / "graph" / "fixtures" / "comfy.png"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """With the shipped provider packs: Settings lists the providers packs declare."""
    with running_server(tmp_path_factory.mktemp("editing-user"), [ROOT / "custom_nodes", FIXTURE_PACKS]) as started:
        yield started


def test_editing_essentials(canvas: Canvas) -> None:
    canvas.load(CHAIN, "edit")
    canvas.page.keyboard.press(".")
    canvas.page.wait_for_timeout(300)
    # Box select everything with Shift+drag, group it.
    canvas.page.keyboard.down("Shift")
    canvas.page.mouse.move(*canvas.pane_point(0.01, 0.01))
    canvas.page.mouse.down()
    canvas.page.mouse.move(*canvas.pane_point(0.99, 0.99), steps=10)
    canvas.page.mouse.up()
    canvas.page.keyboard.up("Shift")
    assert canvas.js("() => window.__app.graph.getState().nodes.filter(n => n.selected).length") == 3
    canvas.page.keyboard.press("Control+g")
    groups = [n for n in canvas.graph()["nodes"] if n["type"] == "group"]
    assert len(groups) == 1 and groups[0]["data"]["title"] == "Group"
    # Copy/paste without and with input links.
    canvas.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    canvas.node("2").click()
    canvas.page.keyboard.press("Control+c")
    canvas.page.keyboard.press("Control+v")
    g = canvas.graph()
    assert len([n for n in g["nodes"] if n["type"] == "graph"]) == 4 and len(g["edges"]) == 2
    canvas.page.keyboard.press("Control+Shift+v")
    g = canvas.graph()
    assert len([n for n in g["nodes"] if n["type"] == "graph"]) == 5 and len(g["edges"]) == 3
    canvas.page.keyboard.press("Control+d")
    assert len([n for n in canvas.graph()["nodes"] if n["type"] == "graph"]) == 6
    canvas.page.keyboard.press("Delete")
    assert len([n for n in canvas.graph()["nodes"] if n["type"] == "graph"]) == 5
    # Bypass, mute, collapse.
    canvas.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    canvas.node("2").click()
    canvas.page.keyboard.press("Control+b")
    assert "bypassed" in canvas.node("2").locator(".kg-node").get_attribute("class")
    assert canvas.js("() => Object.keys(window.__app.prompt())").count("2") == 0
    assert canvas.js("() => window.__app.prompt()['3'].inputs.images") == ["1", 0]
    canvas.page.keyboard.press("Control+m")
    assert canvas.js("() => window.__app.graph.getState().nodes.find(n => n.id === '2').data.mode") == 2
    canvas.page.keyboard.press("Alt+c")
    assert canvas.node("2").locator(".kg-node.collapsed").count() == 1
    assert canvas.node("2").locator(".react-flow__handle").count() >= 2  # handles stay mounted
    # Undo walks back through all of it, without touching run state.
    for _ in range(3):
        canvas.page.keyboard.press("Control+z")
    assert canvas.js("() => window.__app.graph.getState().nodes.find(n => n.id === '2').data.mode") == 0
    # Auto-arrange, snap to grid, minimap, fit view.
    canvas.page.get_by_role("button", name="Arrange").click()
    pos = {n["id"]: n["position"] for n in canvas.graph()["nodes"]}
    assert pos["1"]["x"] < pos["2"]["x"] < pos["3"]["x"]
    assert canvas.page.locator(".react-flow__minimap").count() == 1
    canvas.page.get_by_role("button", name="Settings").click()
    canvas.page.get_by_label("Snap to grid").check()
    canvas.page.get_by_role("button", name="Close", exact=True).click()
    box = canvas.node("1").bounding_box()
    canvas.page.mouse.move(box["x"] + 60, box["y"] + 12)
    canvas.page.mouse.down()
    canvas.page.mouse.move(box["x"] + 137, box["y"] + 53, steps=6)
    canvas.page.mouse.up()
    p = canvas.js("() => window.__app.graph.getState().nodes.find(n => n.id === '1').position")
    assert p["x"] % 20 == 0 and p["y"] % 20 == 0
    canvas.screenshot("editing.png")


def test_upload_by_button_and_by_drop(canvas: Canvas) -> None:
    node = canvas.search_add("Load Image")
    canvas.page.get_by_test_id(f"upload-{node}").set_input_files(str(PNG))
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes[0].data.widgets.image === 'comfy.png'")
    thumb = canvas.node(node).locator("img.kg-thumb")
    thumb.wait_for()
    canvas.page.wait_for_function("el => el.complete && el.naturalWidth === 4", arg=thumb.element_handle())
    assert (canvas.server.user_dir / "input" / "comfy.png").exists()
    other = PNG.read_bytes()[:-12] + PNG.read_bytes()[-12:]
    drop_file(canvas, other, "dropped.png", "image/png", selector=f'.react-flow__node[data-id="{node}"] .kg-node')
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes[0].data.widgets.image === 'dropped.png'")
    assert len(canvas.graph()["tabs"]) == 1  # uploaded into the node, not opened as a workflow


def test_templates_settings_and_themes(canvas: Canvas) -> None:
    canvas.page.get_by_role("button", name="Templates").click()
    canvas.page.get_by_role("button", name="contact sheet workflow").click()
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes.length >= 5")
    canvas.page.get_by_role("button", name="Settings").click()
    dialog = canvas.page.get_by_role("dialog", name="Settings")
    gemini = dialog.locator("fieldset[data-provider=gemini]")
    secret = "AIzaSyTEST-secret-value-1234"
    gemini.get_by_label("API key").fill(secret)
    gemini.get_by_role("button", name="Save Gemini").click() if gemini.get_by_role("button", name="Save Gemini").count() else gemini.locator("button").click()
    canvas.page.wait_for_function("() => document.querySelector('fieldset[data-provider=gemini] .kg-ok')")
    assert "1234" in gemini.get_by_label("API key").get_attribute("placeholder")
    assert secret not in canvas.page.content()
    dialog.get_by_label("Background").select_option("wallpaper")
    dialog.get_by_test_id("wallpaper-file").set_input_files(str(PNG))
    canvas.page.wait_for_function("() => getComputedStyle(document.querySelector('.kg-canvas')).backgroundImage.includes('/view')")
    canvas.screenshot("settings.png")
    dialog.get_by_label("Background").select_option("grid")
    canvas.page.get_by_role("button", name="Close", exact=True).click()
    canvas.page.get_by_role("button", name="Switch to light theme").click()
    assert canvas.js("() => document.documentElement.dataset.theme") == "light"
    canvas.page.keyboard.press(".")
    canvas.page.wait_for_timeout(300)
    canvas.screenshot("light.png")
    canvas.page.keyboard.press("?")
    help_ = canvas.page.get_by_role("dialog", name="Keyboard shortcuts")
    assert "Ctrl+Enter" in help_.inner_text() and "Ctrl+Shift+V" in help_.inner_text()
    canvas.page.keyboard.press("Escape")
    canvas.page.get_by_role("button", name="Switch to dark theme").click()


def test_keyboard_only(canvas: Canvas) -> None:
    page = canvas.page
    page.locator(".react-flow__pane").focus()
    page.keyboard.press("/")
    page.keyboard.type("gradient")
    page.keyboard.press("Enter")
    page.keyboard.press("/")
    page.keyboard.type("preview image")
    page.keyboard.press("Enter")
    g = canvas.graph()
    assert [n["data"]["classType"] for n in g["nodes"]] == ["ImageGradient", "PreviewImage"]
    # Focus the first node (nodes are focusable), select it, open its menu, connect from the menu.
    first = canvas.node("1")
    first.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+F10")
    menu = page.get_by_role("menu")
    menu.wait_for()
    item = menu.get_by_role("menuitem", name="IMAGE → Preview Image #2 · images")
    item.focus()
    page.keyboard.press("Enter")
    assert canvas.graph()["edges"] == [{"source": "1", "sourceHandle": "out-0", "target": "2", "targetHandle": "in-images"}]
    # Visible focus on the focused node.
    first.focus()
    outline = canvas.js("() => getComputedStyle(document.activeElement.querySelector('.kg-node')).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Control+Enter")
    canvas.wait_idle()
    assert canvas.node("2").locator(".kg-media img").count() == 1
