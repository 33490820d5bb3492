"""End to end: run state belongs to the tab and the page that queued the job (another
tab, and jobs posted by other clients, never paint this canvas; they appear in the
queue and history panels), queue and history items carry the workflow's name and a
1-based number, and Stop leaves an "interrupted" note on the node that was running."""
from __future__ import annotations

from .conftest import Canvas
from .test_canvas_files import CHAIN, SLOW

# Stopped by the test long before it would end: Stop must find it running however slow the machine.
LONG = {**SLOW, "2": {**SLOW["2"], "inputs": {**SLOW["2"]["inputs"], "seconds": 300}}}

FOREIGN = {"1": {"class_type": "TestConst", "inputs": {"value": 1}},
           "2": {"class_type": "TestFail", "inputs": {"value": ["1", 0], "message": "foreign boom"}},
           "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}}


def test_results_stay_on_their_tab_and_client(canvas: Canvas) -> None:
    canvas.load(CHAIN, "mine")
    canvas.run()
    canvas.wait_idle()
    canvas.node("3").locator(".kg-media img").wait_for()
    # The same graph in a tab that never ran shows nothing of that run.
    canvas.page.get_by_role("button", name="New tab").click()
    canvas.load(CHAIN, "never ran")
    assert canvas.graph()["tabs"][-1]["title"] == "never ran"
    assert canvas.js("() => window.__app.runNodes()") == {}
    assert canvas.node("3").locator(".kg-media").count() == 0
    # A job posted by another client (no client_id: broadcast to every socket) fails on
    # node "2": this canvas shows neither its progress nor its error.
    foreign = canvas.server.post("/prompt", {"prompt": FOREIGN})["prompt_id"]
    canvas.page.keyboard.press("h")
    # listed in history once finished: its events came before the queue status that lists it
    canvas.page.locator(f'[data-job-id="{foreign}"]').wait_for()
    assert canvas.js("() => window.__app.runNodes()") == {}
    assert canvas.node("2").locator(".kg-node-error").count() == 0
    assert canvas.page.locator(".kg-toast", has_text="foreign boom").count() == 0
    # Our run is still on its own tab; history names it, numbered from 1.
    canvas.page.get_by_role("tab", name="mine").click()
    canvas.node("3").locator(".kg-media img").wait_for()
    jobs = canvas.server.get("/api/runs?limit=5")["jobs"]
    ours = next(j for j in jobs if j["id"] != foreign)
    item = canvas.page.locator(f'[data-job-id="{ours["id"]}"] .kg-job-title')
    item.filter(has_text="mine").wait_for()
    assert item.inner_text().startswith(f"#{ours['number'] + 1} mine")
    assert ours["number"] + 1 >= 1

    # Queue items carry the name; Stop leaves "interrupted" on the running node.
    canvas.load(LONG, "slow one")
    canvas.run()
    canvas.page.wait_for_function("() => (window.__app.runNodes()['2'] || {}).state === 'running'")
    canvas.page.keyboard.press("q")
    canvas.page.get_by_test_id("queue-running").locator(".kg-job-title", has_text="slow one").wait_for()
    canvas.page.get_by_role("button", name="■ Stop").click()
    canvas.node("2").locator(".kg-badge.interrupted").wait_for()
    assert canvas.js("() => window.__app.runNodes()['2'].state") == "interrupted"
