"""End to end: never losing work (tabs restored after a reload or a killed page), loading
by drop (workflow JSON, our PNGs, ComfyUI's PNG), server workflows (save, open, rename,
delete), exports, the queue (cancel one, clear, interrupt) and the history panel."""
from __future__ import annotations

import base64
import json
from pathlib import Path

from .conftest import ROOT, Canvas

CHAIN = {"1": {"class_type": "ImageGradient", "inputs": {"width": 64, "height": 48}, "_meta": {"title": "Backdrop"}},
         "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
         "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "e2e/chain"}}}
SLOW = {"1": {"class_type": "TestConst", "inputs": {"value": 7}},
        "2": {"class_type": "TestSleep", "inputs": {"value": ["1", 0], "seconds": 4}},
        "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}}
# A sync sleep holds its job slot (an async one parks it and lets the next job start),
# so with --max-jobs 1 these jobs wait in the queue.
QUEUED = {**SLOW, "2": {"class_type": "TestSleepSync", "inputs": {"value": ["1", 0], "seconds": 4}}}


def drop_file(canvas: Canvas, data: bytes, name: str, mime: str, selector: str = ".kg-canvas") -> None:
    canvas.js("""async ([b64, name, mime, sel]) => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, { type: mime }));
        const el = document.querySelector(sel);
        const r = el.getBoundingClientRect();
        const at = { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true, dataTransfer: dt };
        el.dispatchEvent(new DragEvent('dragover', at));
        el.dispatchEvent(new DragEvent('drop', at));
    }""", [base64.b64encode(data).decode(), name, mime, selector])


def test_every_tab_comes_back_after_a_reload_or_a_killed_page(canvas: Canvas) -> None:
    canvas.load(CHAIN, "first")
    canvas.node("1").get_by_label("width", exact=True).fill("100")
    canvas.node("1").get_by_label("width", exact=True).press("Enter")
    canvas.page.get_by_role("button", name="New tab").click()
    canvas.search_add("Solid Mask")  # an unsaved, never-named tab
    canvas.page.reload()
    canvas.page.wait_for_selector(".kg-app[data-ready=true]")
    g = canvas.graph()
    assert [t["title"] for t in g["tabs"]] == ["first", "Untitled"]
    assert [n["data"]["classType"] for n in g["nodes"]] == ["SolidMask"]
    canvas.page.get_by_role("tab", name="first").click()
    g = canvas.graph()
    assert g["nodes"][0]["data"]["widgets"]["width"] == 100 and len(g["edges"]) == 2
    assert canvas.node("1").locator(".kg-title").inner_text() == "Backdrop"

    # Kill the page mid-edit (no unload handlers), open a new one: the edit is there.
    canvas.node("2").click()
    canvas.page.keyboard.press("Control+b")
    canvas.page.wait_for_timeout(700)
    context = canvas.page.context
    canvas.page.close(run_before_unload=False)
    page = context.new_page()
    again = Canvas(page, canvas.server).open()
    canvas.page = page
    g = again.graph()
    assert [t["title"] for t in g["tabs"]] == ["first", "Untitled"]
    assert next(n for n in g["nodes"] if n["id"] == "2")["data"]["mode"] == 4


def test_drop_a_png_made_by_the_app_to_get_its_workflow(canvas: Canvas) -> None:
    canvas.load(CHAIN, "poster")
    canvas.run()
    canvas.wait_idle()
    image = canvas.js("() => window.__app.runNodes()['3'].output.images[0]")
    png = (canvas.server.user_dir / "output" / image["subfolder"] / image["filename"]).read_bytes()
    canvas.page.get_by_role("button", name="New tab").click()
    drop_file(canvas, png, "chain.png", "image/png")
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes.length === 3")
    g = canvas.graph()
    assert g["tabs"][-1]["title"] == "chain"
    assert {n["data"]["classType"] for n in g["nodes"]} == {"ImageGradient", "ImageInvert", "SaveImage"}
    assert next(n for n in g["nodes"] if n["id"] == "1")["data"]["title"] == "Backdrop"
    assert len(g["edges"]) == 2


def test_drop_comfyui_png_and_workflow_json(canvas: Canvas) -> None:
    comfy = (ROOT / "web" / "src" / "graph" / "fixtures" / "comfy.png").read_bytes()
    drop_file(canvas, comfy, "ComfyUI_00001_.png", "image/png")
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes.length === 1")
    assert canvas.graph()["nodes"][0]["data"]["classType"] == "EmptyImage"
    wf = json.loads((ROOT / "user" / "examples" / "contact_sheet.workflow.json").read_text())
    drop_file(canvas, json.dumps(wf).encode(), "sheet.json", "application/json")
    canvas.page.wait_for_function("() => window.__app.graph.getState().tabs.length === 2")
    g = canvas.graph()
    assert sum(1 for n in g["nodes"] if n["type"] == "graph") == 5
    assert any(n["type"] == "group" for n in g["nodes"])
    # Unknown types are kept and named, never dropped silently.
    drop_file(canvas, json.dumps({"nodes": [{"id": 1, "type": "KSampler", "pos": [0, 0], "inputs": [], "outputs": []}], "links": []}).encode(), "old.json", "application/json")
    canvas.page.locator(".kg-toast", has_text="Missing node types: KSampler").wait_for()
    assert canvas.node("1").locator(".kg-badge.missing").count() == 1


def test_save_open_rename_delete_and_export(canvas: Canvas) -> None:
    canvas.load(CHAIN, "chain")
    canvas.page.once("dialog", lambda d: d.accept("e2e chain"))
    canvas.page.get_by_role("button", name="Save as…").click()
    canvas.page.locator(".kg-toast", has_text="Saved “e2e chain”").wait_for()
    saved = canvas.server.get("/api/workflows/e2e%20chain")
    assert saved["version"] == 0.4 and len(saved["nodes"]) == 3 and len(saved["links"]) == 2
    assert canvas.graph()["tabs"][0] == {**canvas.graph()["tabs"][0], "title": "e2e chain", "savedName": "e2e chain", "dirty": False}

    canvas.page.keyboard.press("w")
    item = canvas.page.locator(".kg-workflow", has_text="e2e chain")
    canvas.page.once("dialog", lambda d: d.accept("e2e renamed"))
    item.get_by_role("button", name="Rename e2e chain").click()
    canvas.page.locator(".kg-workflow", has_text="e2e renamed").wait_for()
    assert canvas.graph()["tabs"][0]["savedName"] == "e2e renamed"
    canvas.page.get_by_role("button", name="New tab").click()
    canvas.page.get_by_role("button", name="e2e renamed", exact=True).click()
    canvas.page.wait_for_function("() => window.__app.graph.getState().nodes.length === 3")

    with canvas.page.expect_download() as dl:
        canvas.page.get_by_role("button", name="Export", exact=True).click()
    doc = json.loads(Path(dl.value.path()).read_text())
    assert doc["version"] == 0.4 and len(doc["nodes"]) == 3
    with canvas.page.expect_download() as dl:
        canvas.page.get_by_role("button", name="Export API").click()
    api = json.loads(Path(dl.value.path()).read_text())
    assert api["3"]["inputs"]["images"] == ["2", 0] and api["1"]["inputs"]["width"] == 64

    canvas.page.once("dialog", lambda d: d.accept())
    canvas.page.locator(".kg-workflow", has_text="e2e renamed").get_by_role("button", name="Delete e2e renamed").click()
    canvas.page.locator(".kg-workflow", has_text="e2e renamed").wait_for(state="detached")
    assert all(w["name"] != "e2e renamed" for w in canvas.server.get("/api/workflows")["workflows"])


def test_cancel_a_queued_job_clear_and_interrupt(canvas: Canvas) -> None:
    canvas.load(QUEUED, "slow")
    canvas.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    canvas.page.keyboard.press("Control+Enter")
    canvas.page.wait_for_function("() => window.__app.runtime.getState().running !== null")
    canvas.node("2").get_by_label("seconds", exact=True).fill("5")
    canvas.node("2").get_by_label("seconds", exact=True).press("Enter")
    canvas.page.keyboard.press("Control+Enter")
    canvas.node("2").get_by_label("seconds", exact=True).fill("6")
    canvas.node("2").get_by_label("seconds", exact=True).press("Enter")
    canvas.page.keyboard.press("Control+Enter")
    canvas.page.keyboard.press("q")
    pending = canvas.page.get_by_test_id("queue-pending").locator(".kg-job")
    pending.nth(1).wait_for()
    assert canvas.page.get_by_test_id("queue-running").locator(".kg-job").count() == 1
    first = pending.first.get_attribute("data-prompt-id")
    pending.first.locator("button").click()
    canvas.page.wait_for_function("id => !document.querySelector(`[data-prompt-id='${id}']`)", arg=first)
    # ComfyUI's semantics: a deleted pending item leaves the queue (and our job store).
    assert first not in [item[1] for item in canvas.server.get("/queue")["queue_pending"]]
    canvas.page.get_by_role("button", name="Clear all").click()
    canvas.page.get_by_test_id("queue-pending").locator(".empty").wait_for()
    canvas.page.get_by_test_id("queue-running").locator("button").click()
    canvas.page.get_by_test_id("queue-running").locator(".empty").wait_for(timeout=10000)
    assert canvas.server.get("/queue") == {"queue_running": [], "queue_pending": []}
    assert canvas.server.get("/api/runs?limit=1")["jobs"][0]["status"] == "interrupted"
    canvas.screenshot("queue.png")


def test_history_shows_jobs_and_loads_one_back(canvas: Canvas) -> None:
    canvas.load(CHAIN, "for history")
    canvas.run()
    canvas.wait_idle()
    canvas.page.keyboard.press("h")
    item = canvas.page.get_by_test_id("history-list").locator(".kg-history-item.status-success").first
    item.locator(".kg-thumbs img").wait_for()
    assert item.locator(".kg-duration").inner_text().endswith(" s")
    canvas.js("() => window.__app.runtime.setState({ tabs: {} })")
    item.click()
    canvas.page.wait_for_function("() => window.__app.graph.getState().tabs.length === 2")
    assert canvas.graph()["tabs"][-1]["title"].startswith("for history #")
    canvas.node("3").locator(".kg-media img").wait_for()
    canvas.screenshot("history.png")
