"""Browser fixtures: a real `keroro-graph serve` on a free loopback port (temporary user
folder, the fixture node packs, one job at a time so jobs queue), Debian's Chromium
driven by Playwright (never downloaded), and a page object for the canvas."""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import threading
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.live_server import LiveServer, live_server

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PACKS = ROOT / "tests" / "fixtures" / "custom_nodes"
CHROMIUM = os.environ.get("KERORO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (scripts/test installs Debian's)", allow_module_level=True)
if not (ROOT / "web" / "dist" / "index.html").exists():
    pytest.skip("web/dist is not built (cd web && npm run build)", allow_module_level=True)


#: A server as a user starts it (its own process, a free loopback port): the one helper
#: every test that drives `keroro-graph serve` from outside uses.
Server = LiveServer


@contextlib.contextmanager
def running_server(user_dir: Path, pack_dirs: list[Path]) -> Iterator[Server]:
    """``keroro-graph serve`` with one job slot (so queue tests can see a queue) until
    the block ends."""
    with live_server(user_dir, "--max-jobs", "1", packs=tuple(pack_dirs)) as started:
        yield started


@contextlib.contextmanager
def threaded_fake(fake: Any) -> Iterator[Any]:
    """A provider fake (tests/fakes) served from its own event loop in a background thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def configure_provider(server: Server, provider: str, settings: dict[str, Any], secrets: dict[str, str]) -> None:
    """Point a provider at a fake and give it keys, as the settings panel does."""
    for path, body in ((f"/api/providers/{provider}/settings", settings), (f"/api/providers/{provider}/secrets", secrets)):
        req = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("canvas-user"), [FIXTURE_PACKS]) as started:
        yield started


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """One Playwright per test process (its sync API allows only one at a time)."""
    with sync_api.sync_playwright() as p:
        yield p


def launch(playwright: Any, *extra_args: str) -> Any:
    """Debian's Chromium, headless, with the standard flags plus ``extra_args``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args], headless=True)


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    b = launch(playwright)
    yield b
    b.close()


class Canvas:
    """Page object: the canvas, its search box, panels and the app's stores."""

    def __init__(self, page: Any, server: Server) -> None:
        self.page = page
        self.server = server
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self) -> "Canvas":
        self.page.goto(self.server.url + "/")
        self.page.wait_for_selector(".kg-app[data-ready=true]")
        return self

    def js(self, expr: str, arg: Any = None) -> Any:
        return self.page.evaluate(expr, arg)

    def graph(self) -> dict[str, Any]:
        return self.js("""() => { const s = window.__app.graph.getState();
            return { nodes: s.nodes.map(n => ({ id: n.id, type: n.type, data: n.data, position: n.position })),
                     edges: s.edges.map(e => ({ source: e.source, sourceHandle: e.sourceHandle, target: e.target, targetHandle: e.targetHandle })),
                     tabs: s.tabs, activeTab: s.activeTab }; }""")

    def node_ids(self) -> list[str]:
        return [n["id"] for n in self.graph()["nodes"]]

    def load(self, doc: Any, title: str = "Loaded") -> None:
        self.js("([d, t]) => window.__app.load(d, t)", [doc, title])
        self.page.wait_for_timeout(300)

    def pane_point(self, fx: float, fy: float) -> tuple[float, float]:
        box = self.page.locator(".react-flow__pane").bounding_box()
        return box["x"] + box["width"] * fx, box["y"] + box["height"] * fy

    def node(self, node_id: str) -> Any:
        return self.page.locator(f'.react-flow__node[data-id="{node_id}"]')

    def handle(self, node_id: str, handle_id: str) -> Any:
        return self.node(node_id).locator(f'.react-flow__handle[data-handleid="{handle_id}"]')

    def search_add(self, query: str, at: tuple[float, float] = (0.3, 0.3), *, pick: str | None = None) -> str:
        """Double-click empty canvas, search, insert; returns the new node's id."""
        before = set(self.node_ids())
        x, y = self.pane_point(*at)
        self.page.mouse.dblclick(x, y)
        box = self.page.get_by_role("combobox", name="Search nodes")
        box.fill(query)
        if pick:
            self.page.locator("#kg-search-results li", has_text=pick).first.click()
        else:
            box.press("Enter")
        self.page.wait_for_function("n => window.__app.graph.getState().nodes.length > n", arg=len(before))
        (new,) = set(self.node_ids()) - before
        return new

    def drag(self, source: Any, to: tuple[float, float]) -> None:
        box = source.bounding_box()
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.mouse.down()
        self.page.mouse.move(to[0], to[1], steps=12)
        self.page.mouse.up()

    def drag_to(self, source: Any, target: Any) -> None:
        box = target.bounding_box()
        self.drag(source, (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))

    def run(self) -> None:
        self.page.get_by_role("button", name="▶ Run", exact=True).click()

    def wait_idle(self, timeout_ms: int = 20000) -> None:
        self.page.wait_for_function("() => { const s = window.__app.runtime.getState(); return s.lastDone && s.running === null; }", timeout=timeout_ms)

    def screenshot(self, name: str) -> None:
        """Refresh docs/screenshots/<name> when KERORO_SCREENSHOTS=1 (so a normal test run
        never rewrites committed files); the page is captured either way, so a broken
        screen still fails the test."""
        image = self.page.screenshot()
        if os.environ.get("KERORO_SCREENSHOTS") == "1":
            out = ROOT / "docs" / "screenshots"
            out.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(image)


def returning_user(context: Any, server: Server) -> None:
    """A browser that has used the canvas before (no first-visit workflow) and a server
    with no autosave left by earlier tests (a fresh browser would restore it)."""
    shutil.rmtree(server.user_dir / "default" / "keroro" / "autosave", ignore_errors=True)
    context.add_init_script("try { localStorage.setItem('kg.visited', '1'); } catch (e) {}")


@pytest.fixture
def canvas(browser: Any, server: Server) -> Iterator[Canvas]:
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    returning_user(context, server)
    page = context.new_page()
    page.set_default_timeout(15000)
    c = Canvas(page, server).open()
    yield c
    errors = c.errors
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
