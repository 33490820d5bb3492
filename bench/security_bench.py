"""Issue 17 figures on memory. Two scenarios:

    .venv/bin/python -m bench.security_bench [--frames 60] [--size 1000]   # LoadImage of a GIF bomb
    .venv/bin/python -m bench.security_bench uploads [--budget-mib 64]      # hostile uploads

The first: how much a small animated GIF grows a real `keroro-graph run` process that
loads it, with the decoded-image budget effectively off (the old behaviour) and at the
default and a small budget. Peak resident memory comes from the kernel's accounting of
each child (wait4); the growth is that peak minus the peak of the same run on a 2-frame
8x8 GIF.

The second: a real `keroro-graph serve` with the given budget takes every file of
tests/server/hostile_media.py (animations, headers claiming huge sizes, a video of
8192x8192 frames) through POST /upload/image; before each, the server's peak-RSS mark
is reset (/proc/PID/clear_refs), and the growth is its peak after the answer minus its
resident size before."""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import aiohttp

from tests.server.test_image_budget import gif, run_load_with_budget


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", nargs="?", default="load", choices=("load", "uploads"))
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--budget-mib", type=int, default=64)
    args = parser.parse_args()
    if args.scenario == "uploads":
        uploads(args.budget_mib * 2**20)
        return
    bomb = gif(args.frames, args.size)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _code, _out, baseline = run_load_with_budget(folder, "tiny.gif", gif(2, 8), 2**40)
        print(f"GIF: {len(bomb) / 1024:.0f} KiB, {args.frames} frames of {args.size}x{args.size}; "
              f"baseline peak RSS {baseline / 1024:.0f} MiB")
        for label, budget in (("budget off (old behaviour)", 2**40), ("default budget 1 GiB", 2**30),
                              ("budget 64 MiB", 64 * 2**20)):
            code, output, peak = run_load_with_budget(folder, f"bomb-{budget}.gif", bomb, budget)
            verdict = "loaded" if code == 0 else "refused"
            print(f"{label:28s} {verdict:8s} growth {(peak - baseline) / 1024:7.0f} MiB "
                  f"(limit 2 x budget = {min(2 * budget, 2**42) / 2**20:,.0f} MiB)")


def uploads(budget: int) -> None:
    import asyncio

    from tests.live_server import live_server
    from tests.server.hostile_media import hostile

    cases = hostile()
    with tempfile.TemporaryDirectory() as tmp, \
            live_server(Path(tmp) / "user", env={"KERORO_IMAGE_BUDGET_BYTES": str(budget)}) as server:
        print(f"decoded-image budget {budget / 2**20:,.0f} MiB (limit 2 x budget = {2 * budget / 2**20:,.0f} MiB)")
        worst = 0
        for label, (name, make) in cases.items():
            data = make()
            status, message, growth = asyncio.run(upload_growth(server.url, server.proc.pid, name, data))
            worst = max(worst, growth)
            print(f"{label:40s} {len(data) / 1024:7.1f} KiB  {status}  growth {growth / 2**20:6.1f} MiB  "
                  f"{message[:90]}")
        print(f"worst growth {worst / 2**20:.1f} MiB of {2 * budget / 2**20:,.0f} MiB allowed")


async def upload_growth(url: str, pid: int, name: str, data: bytes) -> tuple[int, str, int]:
    """(status, error message or the stored name, peak RSS growth in bytes) of one upload."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # peak RSS mark := current RSS
    before = _status_kib(pid, "VmRSS")
    form = aiohttp.FormData()
    form.add_field("image", data, filename=name, content_type="application/octet-stream")
    async with aiohttp.ClientSession() as session, session.post(url + "/upload/image", data=form) as response:
        body = await response.json()
    message = body["error"]["message"] if "error" in body else f"stored as {body.get('name')}"
    return response.status, message, (_status_kib(pid, "VmHWM") - before) * 1024


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


if __name__ == "__main__":
    main()
