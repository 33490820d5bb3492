"""Issue 17 figures: how much a small animated GIF grows a real `keroro-graph run`
process that loads it, with the decoded-image budget effectively off (the old
behaviour) and at the default and a small budget.

    .venv/bin/python -m bench.security_bench [--frames 60] [--size 1000]

Peak resident memory comes from the kernel's accounting of each child (wait4); the
growth is that peak minus the peak of the same run on a 2-frame 8x8 GIF."""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.server.test_image_budget import gif, run_load_with_budget


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
