"""Canvas benchmark: generated workflows of 300, 1,000 and 3,000 nodes loaded into the
built canvas (web/dist) in headless Chromium (Debian's, never downloaded), served by a
real `keroro-graph serve` on loopback. Records the time from loading the workflow to the
first frame that responds to input, and frame times (requestAnimationFrame deltas)
while panning with the mouse at the fitted view and at zoom 1, and while zooming with
the wheel. Prints a markdown table; targets: ≤ 1 s load and ≥ 50 fps panning at 300
nodes, ≤ 2 s and ≥ 20 fps at 1,000, no freeze at 3,000.

    .venv/bin/python bench/canvas_bench.py [--sizes 300,1000,3000] [--json]
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
KINDS = [("ImageBlur", [1, 1.0]), ("ImageAdjust", [1.0, 1.0, 1.0]), ("ImageInvert", []), ("ImageSharpen", [1, 1.0, 1.0])]


def workflow(n: int) -> dict[str, Any]:
    """A grid of chains: rows of 10 nodes, each fed by the one before it (ComfyUI 0.4 format)."""
    nodes: list[dict[str, Any]] = []
    links: list[list[Any]] = []
    per_row = 10
    for i in range(n):
        row, col = divmod(i, per_row)
        node_id = i + 1
        if col == 0:
            node = {"id": node_id, "type": "ImageGradient", "pos": [0, row * 260], "size": [260, 200], "flags": {},
                    "order": i, "mode": 0, "inputs": [], "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": []}],
                    "properties": {}, "widgets_values": [64, 64, "#000000", "#ffffff", "horizontal"]}
        else:
            kind, values = KINDS[(i + row) % len(KINDS)]
            link_id = len(links) + 1
            links.append([link_id, node_id - 1, 0, node_id, 0, "IMAGE"])
            nodes[-1]["outputs"][0]["links"].append(link_id)
            node = {"id": node_id, "type": kind, "pos": [col * 320, row * 260], "size": [260, 200], "flags": {},
                    "order": i, "mode": 0, "inputs": [{"name": "image", "type": "IMAGE", "link": link_id}],
                    "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": []}], "properties": {},
                    "widgets_values": values}
        nodes.append(node)
    return {"last_node_id": n, "last_link_id": len(links), "nodes": nodes, "links": links, "groups": [],
            "config": {}, "extra": {}, "version": 0.4}


LOAD_JS = """async (doc) => {
  const t0 = performance.now();
  window.__app.load(doc, 'bench');
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  while (!document.querySelector('.react-flow__node')) await frame();
  await frame(); await frame();   // fitView runs on the frame after the load
  // First interaction: a pointer event is handled and painted.
  const pane = document.querySelector('.react-flow__pane');
  await new Promise(r => { pane.addEventListener('pointermove', () => r(), { once: true });
    pane.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: 600, clientY: 400 })); });
  await frame();
  return { ms: performance.now() - t0, rendered: document.querySelectorAll('.react-flow__node').length,
           zoom: window.__app.graph.getState().viewport?.zoom ?? null };
}"""

REC_START = """() => { window.__frames = []; let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__rec) requestAnimationFrame(tick); };
  window.__rec = true; requestAnimationFrame(tick); }"""
REC_STOP = "() => { window.__rec = false; return window.__frames.slice(1); }"


def frames_stats(frames: list[float]) -> dict[str, float]:
    if not frames:
        return {"median_ms": float("nan"), "p95_ms": float("nan"), "fps": 0.0, "max_ms": float("nan")}
    s = sorted(frames)
    median = statistics.median(s)
    return {"median_ms": median, "p95_ms": s[int(0.95 * (len(s) - 1))], "max_ms": s[-1],
            "fps": len(frames) / (sum(frames) / 1000)}


def pan(page: Page, seconds: float = 2.0) -> dict[str, float]:
    box = page.locator(".react-flow__pane").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.evaluate(REC_START)
    end = time.monotonic() + seconds
    direction = 1
    while time.monotonic() < end:
        page.mouse.move(cx - 200 * direction, cy)
        page.mouse.down()
        page.mouse.move(cx + 200 * direction, cy + 60 * direction, steps=30)
        page.mouse.up()
        direction = -direction
    return frames_stats(page.evaluate(REC_STOP))


def zoom(page: Page, steps: int = 30) -> dict[str, float]:
    box = page.locator(".react-flow__pane").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.evaluate(REC_START)
    for i in range(steps):
        page.mouse.wheel(0, -120 if (i // 10) % 2 == 0 else 120)
        page.wait_for_timeout(30)
    return frames_stats(page.evaluate(REC_STOP))


def set_zoom(page: Page, z: float) -> None:
    page.evaluate("""(z) => { const el = document.querySelector('.react-flow__pane').getBoundingClientRect(); }""", z)
    # Zoom about the first node: wheel until the viewport reaches z (React Flow's own path).
    for _ in range(60):
        cur = page.evaluate("() => { const m = new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')).transform); return m.a; }")
        if abs(cur - z) / z < 0.15:
            break
        page.mouse.wheel(0, -100 if cur < z else 100)
        page.wait_for_timeout(20)


def bench(page: Page, url: str, n: int) -> dict[str, Any]:
    page.goto(url)
    page.wait_for_selector(".kg-app[data-ready=true]")
    page.evaluate("() => localStorage.clear()")
    load = page.evaluate(LOAD_JS, workflow(n))
    page.wait_for_timeout(300)
    at_open = pan(page)
    page.keyboard.press(".")  # fit everything: far zoom, simplified drawing
    page.wait_for_timeout(1500)
    fit_dom = page.evaluate("() => document.querySelectorAll('.react-flow__node').length")
    at_fit = pan(page)
    zooming = zoom(page)
    box = page.locator(".react-flow__pane").bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    set_zoom(page, 1.0)
    page.wait_for_timeout(200)
    at_one = pan(page)
    dom = page.evaluate("() => document.querySelectorAll('*').length")
    return {"nodes": n, "load_ms": load["ms"], "rendered_at_load": load["rendered"], "pan_open": at_open,
            "pan_fit": at_fit, "rendered_at_fit": fit_dom,
            "pan_zoom1": at_one, "zoom": zooming, "dom_elements_at_zoom1": dom}


def serve() -> tuple[subprocess.Popen[bytes], str, tempfile.TemporaryDirectory[str]]:
    tmp = tempfile.TemporaryDirectory()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "keroro_graph.cli.main", "serve", "--port", str(port),
                             "--user-dir", tmp.name], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/api/health", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    return proc, url + "/", tmp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="300,1000,3000")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    proc, url, tmp = serve()
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            for n in (int(s) for s in args.sizes.split(",")):
                page = browser.new_page(viewport={"width": 1400, "height": 860})
                page.set_default_timeout(120_000)
                results.append(bench(page, url, n))
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
        tmp.cleanup()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    fmt = lambda f: f"{f['fps']:.0f} fps ({f['median_ms']:.1f} / {f['p95_ms']:.1f} ms)"
    print("| nodes | load → first interaction | pan, opening view | pan, whole graph fitted (far LOD) | zoom (wheel) | pan at zoom 1 | nodes mounted at fit | DOM elements at zoom 1 |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['nodes']:,} | {r['load_ms'] / 1000:.2f} s | {fmt(r['pan_open'])} | {fmt(r['pan_fit'])} | {fmt(r['zoom'])} "
              f"| {fmt(r['pan_zoom1'])} | {r['rendered_at_fit']:,} | {r['dom_elements_at_zoom1']:,} |")
    print("\nfps = frames / elapsed while the mouse drags or wheels; (median / p95 frame time).")


if __name__ == "__main__":
    main()
