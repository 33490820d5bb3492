"""End to end: work is never lost. Two windows keep their own unsaved tabs (no shared
key, last writer no longer wins), a window with the same saved workflow open is told
when the other edits it, saving over a file changed elsewhere, saving as an existing
name and closing an unsaved tab all ask first, and a server-side autosave brings the
tabs back in another browser. A first visit opens a default workflow that runs
offline, with a hint on how to add nodes."""
from __future__ import annotations

import json
import shutil
import time
from typing import Any

from .conftest import Canvas, Server, returning_user
from .test_canvas_files import CHAIN, drop_file


class Dialogs:
    """Answers a page's alert/confirm/prompt dialogs in order: ("accept", text|None) or
    ("dismiss", None); records their messages."""

    def __init__(self, page: Any) -> None:
        self.page, self.replies, self.seen = page, [], []
        page.on("dialog", self._on)

    def _on(self, d: Any) -> None:
        self.seen.append(d.message)
        how, text = self.replies.pop(0) if self.replies else ("dismiss", None)
        if how == "accept":
            d.accept(text) if text is not None else d.accept()
        else:
            d.dismiss()

    def expect(self, *replies: tuple[str, Any]) -> None:
        self.replies, self.seen = list(replies), []

    def wait(self, count: int) -> list[str]:
        deadline = time.monotonic() + 10
        while len(self.seen) < count and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
        return self.seen


def drop_file_json(c: Canvas, doc: Any, name: str = "doc.json") -> None:
    drop_file(c, json.dumps(doc).encode(), name, "application/json")


def set_width(c: Canvas, value: str) -> None:
    field = c.node("1").get_by_label("width", exact=True)
    field.fill(value)
    field.press("Enter")


def test_two_windows_never_overwrite_each_other(canvas: Canvas) -> None:
    a = canvas
    a.load(CHAIN, "shared")
    da = Dialogs(a.page)
    da.expect(("accept", "shared wf"))
    a.page.get_by_role("button", name="Save as…").click()
    a.page.locator(".kg-toast", has_text="Saved “shared wf”").wait_for()

    # A second window starts with its own tabs, not the live first window's.
    b = Canvas(a.page.context.new_page(), a.server).open()
    assert [t["title"] for t in b.graph()["tabs"]] == ["Untitled"] and b.node_ids() == []
    db = Dialogs(b.page)
    db.expect(("dismiss", None))
    b.page.keyboard.press("w")
    b.page.get_by_role("button", name="shared wf", exact=True).click()
    b.page.wait_for_function("() => window.__app.graph.getState().nodes.length === 3")
    b.page.keyboard.press("w")

    # A edits it: B is told on its tab.
    set_width(a, "80")
    b.page.locator('[data-testid="open-elsewhere"].editing').wait_for()
    a.page.keyboard.press("Control+s")
    a.page.locator(".kg-toast", has_text="Saved “shared wf”").last.wait_for()
    # B saves its stale copy: asked first (the file changed after B opened it); no means no.
    set_width(b, "33")
    b.page.get_by_role("button", name="Save", exact=True).click()
    assert "changed on the server" in db.wait(1)[0]
    assert a.server.get("/api/workflows/shared%20wf")["nodes"][0]["widgets_values"][0] == 80

    # Each window's unsaved work survives its own reload; the other's is untouched.
    b.page.reload()
    b.page.wait_for_selector(".kg-app[data-ready=true]")
    assert b.graph()["tabs"][-1]["dirty"] and next(n for n in b.graph()["nodes"] if n["id"] == "1")["data"]["widgets"]["width"] == 33
    assert next(n for n in a.graph()["nodes"] if n["id"] == "1")["data"]["widgets"]["width"] == 80
    assert a.js("() => Object.keys(localStorage).filter(k => k.startsWith('kg.session.')).length") == 2

    # Save as over an existing name asks; closing an unsaved tab asks.
    a.page.get_by_role("button", name="New tab").click()
    a.search_add("Solid Mask")
    da.expect(("accept", "shared wf"), ("dismiss", None))
    a.page.get_by_role("button", name="Save as…").click()
    assert "already exists" in da.wait(2)[1]
    assert len(a.server.get("/api/workflows/shared%20wf")["nodes"]) == 3
    da.expect(("dismiss", None), ("accept", None))
    close = a.page.get_by_role("button", name="Close Untitled")
    close.click()
    assert len(a.graph()["tabs"]) == 2 and "unsaved changes" in da.wait(1)[-1]
    close.click()
    assert [t["title"] for t in a.graph()["tabs"]] == ["shared wf"]
    b.page.close()


def test_server_autosave_restores_tabs_in_another_browser(browser: Any, server: Server) -> None:
    first = browser.new_context()
    returning_user(first, server)
    c = Canvas(first.new_page(), server).open()
    c.load(CHAIN, "kept on the server")
    set_width(c, "99")
    folder = server.user_dir / "default" / "keroro" / "autosave"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        files = list(folder.glob("*.json")) if folder.exists() else []
        if files and "kept on the server" in files[0].read_text() and '"width": 99' in files[0].read_text().replace('"width":99', '"width": 99'):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("no server autosave")
    first.close()
    other = browser.new_context()
    other.add_init_script("try { localStorage.setItem('kg.visited', '1'); } catch (e) {}")
    d = Canvas(other.new_page(), server).open()
    assert [t["title"] for t in d.graph()["tabs"]] == ["kept on the server"]
    assert next(n for n in d.graph()["nodes"] if n["id"] == "1")["data"]["widgets"]["width"] == 99
    assert not d.errors
    other.close()


def test_first_visit_opens_a_default_workflow_that_runs(browser: Any, server: Server) -> None:
    shutil.rmtree(server.user_dir / "default" / "keroro" / "autosave", ignore_errors=True)
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    c = Canvas(context.new_page(), server).open()
    g = c.graph()
    assert g["tabs"][0]["title"] == "hello_poster" and not g["tabs"][0]["dirty"] and len(g["nodes"]) >= 3
    hint = c.page.get_by_role("note")
    assert "Double-click" in hint.inner_text()
    c.run()
    c.wait_idle(timeout_ms=60000)
    assert c.js("() => window.__app.runtime.getState().lastDone.status") == "success"
    assert c.page.locator(".kg-media img").count() >= 1
    # A returning visit does not load it again.
    c.page.get_by_role("button", name="Close hello_poster").click()
    c.page.reload()
    c.page.wait_for_selector(".kg-app[data-ready=true]")
    assert json.dumps(c.graph()["tabs"]).count("hello_poster") <= 1
    assert not c.errors
    context.close()
