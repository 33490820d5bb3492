"""ComfyUI's official frontend (the `comfyui-frontend-package` from PyPI) served by
`keroro-graph serve --front-end comfy` and driven in Debian's Chromium: it loads, its
node library lists our nodes, a graph runs from its Run button, the job shows in its
queue panel and Assets tab, the output image appears on the node — and every call it
makes to our server gets an answer, except the 404s a fresh ComfyUI install gives too.

The newest release comes with the test extra; 1.27.10 (the last before the Jobs API)
is fetched from PyPI with `pip download` at test time and served with --front-end-root."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.live_server import LiveServer, live_server

sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("comfyui_frontend_package", reason="the test extra installs comfyui-frontend-package")
CHROMIUM = os.environ.get("KERORO_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OLD_RELEASE = "1.27.10"
#: What a fresh ComfyUI answers 404 too: no user.css, no saved workflows, subgraphs or
#: template settings yet.
FRESH_INSTALL_404 = ("/user.css", "/api/userdata/user.css", "/api/userdata?dir=workflows",
                     "/api/userdata?dir=subgraphs", "/api/userdata/comfy.templates.json")
WORKFLOW = {
    "last_node_id": 2, "last_link_id": 1, "version": 0.4, "groups": [], "config": {}, "extra": {},
    "links": [[1, 1, 0, 2, 0, "IMAGE"]],
    "nodes": [
        {"id": 1, "type": "EmptyImage", "pos": [50, 100], "size": [300, 130], "flags": {}, "order": 0, "mode": 0,
         "inputs": [], "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}], "properties": {},
         "widgets_values": [64, 48, 1, 16711680]},
        {"id": 2, "type": "SaveImage", "pos": [450, 100], "size": [300, 300], "flags": {}, "order": 1, "mode": 0,
         "inputs": [{"name": "images", "type": "IMAGE", "link": 1}], "outputs": [], "properties": {},
         "widgets_values": ["official_fe"]}]}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def old_release_root(folder: Path) -> Path:
    """The static folder of comfyui-frontend-package OLD_RELEASE, from PyPI."""
    got = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder),
                          f"comfyui-frontend-package=={OLD_RELEASE}"], capture_output=True, text=True, timeout=300)
    wheels = list(folder.glob("*.whl"))
    if got.returncode != 0 or not wheels:
        pytest.skip(f"comfyui-frontend-package {OLD_RELEASE} could not be downloaded: {got.stderr[-300:]}")
    with zipfile.ZipFile(wheels[0]) as whl:
        whl.extractall(folder)
    return folder / "comfyui_frontend_package" / "static"


class Session:
    """One page of the official frontend, recording every call to our server that failed."""

    def __init__(self, page: Any, server: LiveServer) -> None:
        self.page, self.server = page, server
        self.failed: list[str] = []
        self.page_errors: list[str] = []
        page.on("response", self._response)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))

    def _response(self, response: Any) -> None:
        if response.url.startswith(self.server.url) and response.status >= 400:
            self.failed.append(f"{response.status} {response.request.method} {response.url[len(self.server.url):]}")

    def unexpected_failures(self) -> list[str]:
        return [f for f in self.failed if not f.split(" ", 2)[2].startswith(FRESH_INSTALL_404)]

    def open(self) -> None:
        self.page.goto(self.server.url + "/")
        self.page.wait_for_function("() => window.app && window.app.graph && window.LiteGraph", timeout=60_000)
        self.page.wait_for_timeout(1500)  # first-visit dialogs (templates) settle
        self.page.keyboard.press("Escape")

    def js(self, expr: str, arg: Any = None) -> Any:
        return self.page.evaluate(expr, arg)


def run_official_frontend(browser: Any, server: LiveServer, *, jobs_api: bool) -> Session:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    session = Session(page, server)
    session.open()
    registered = session.js("() => Object.keys(window.LiteGraph.registered_node_types)")
    assert {"EmptyImage", "SaveImage", "TestAdd"} <= set(registered)

    library = page.get_by_role("button", name="Node Library (n)")
    library.click()
    page.get_by_placeholder("Search", exact=False).first.fill("Empty Image")
    # our node under our category (image/generate); the match highlight splits the words
    page.wait_for_function("""() => { const t = document.body.textContent.replace(/\\s+/g, "");
        return t.includes("EmptyImage") && t.includes("generate"); }""", timeout=10_000)
    library.click()

    session.js("(wf) => window.app.loadGraphData(wf)", WORKFLOW)
    if jobs_api:
        page.get_by_role("button", name="Run", exact=True).click()
    else:
        session.js("() => window.app.queuePrompt(0, 1)")
    page.wait_for_function("() => (window.app.graph.getNodeById(2).imgs || []).length > 0", timeout=30_000)
    src = session.js("() => window.app.graph.getNodeById(2).imgs[0].src")
    assert "official_fe_00001_.png" in src and "type=output" in src
    assert session.js("() => window.app.graph.getNodeById(2).imgs[0].naturalWidth") == 64
    runs = server.get("/api/runs")["jobs"]
    assert len(runs) == 1 and runs[0]["status"] == "success"

    if jobs_api:
        page.get_by_role("button", name="Expand job queue").click()
        sync_api.expect(page.get_by_text("official_fe_00001_.png").first).to_be_visible(timeout=10_000)
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Assets (a)").click()
    else:  # the queue sidebar of releases before the Jobs API reads /queue and /history
        page.get_by_role("button", name="Queue (q)").click()
    sync_api.expect(page.locator("img[src*='official_fe_00001_.png']").first).to_be_visible(timeout=10_000)
    return session


def test_newest_official_frontend(browser: Any, tmp_path: Path) -> None:
    with live_server(tmp_path / "user", "--front-end", "comfy") as server:
        session = run_official_frontend(browser, server, jobs_api=True)
        assert session.unexpected_failures() == [], session.failed
        assert session.page_errors == []
        print(f"\nnewest frontend: {len(session.failed)} failing call(s), all fresh-install 404s: {session.failed}")


def test_official_frontend_1_27(browser: Any, tmp_path: Path) -> None:
    root = old_release_root(tmp_path / "frontend")
    with live_server(tmp_path / "user", "--front-end", "comfy", "--front-end-root", str(root)) as server:
        session = run_official_frontend(browser, server, jobs_api=False)
        assert session.unexpected_failures() == [], session.failed
        print(f"\n{OLD_RELEASE}: {len(session.failed)} failing call(s), all fresh-install 404s: {session.failed}")
