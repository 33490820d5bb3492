"""Start-up cost of the ComfyUI compatibility layer, without torch.

Each sample runs in a fresh interpreter with ``torch`` blocked (as if the extra were
not installed): the node-author API and our built-in nodes are imported first (the
server imports them anyway), then the clock covers ``install()``, ComfyUI's names on
``nodes`` and importing every module of the layer the way a pack does. Prints the
medians of wall-clock and CPU time (CPU time is the steadier figure on a shared
machine).

    .venv/bin/python bench/compat_bench.py [samples]
"""
from __future__ import annotations

import statistics
import subprocess
import sys

SAMPLE = r"""
import sys, time
sys.modules["torch"] = None  # no torch extra
import keroro_graph.api
from keroro_graph.registry.loader import load_builtin, default_builtin_dir
from keroro_graph.registry.registry import Registry
registry = Registry()
load_builtin(registry, default_builtin_dir())   # (loads our nodes; times the layer below)
start, cpu = time.perf_counter(), time.process_time()
from keroro_graph import comfy_compat
comfy_compat.install()
comfy_compat.extend_nodes_module(sys.modules["nodes"], registry.get)
import folder_paths, server, node_helpers, latent_preview, nodes, execution
import comfy, comfy.utils, comfy.model_management, comfy.samplers, comfy.comfy_types, comfy.cli_args
import comfy_execution.graph, comfy_execution.graph_utils, comfy_execution.utils
import comfy_api.latest, comfy_api.latest.io, comfy_api.latest.ui, comfy_api.v0_0_2
import comfy.ldm.modules.attention, comfy_extras.nodes_mask
print((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000)
"""


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    wall, cpu = [], []
    for _ in range(samples):
        out = subprocess.run([sys.executable, "-c", SAMPLE], check=True, capture_output=True, text=True)
        w, c = map(float, out.stdout.strip().splitlines()[-1].split())
        wall.append(w)
        cpu.append(c)
    print(f"compat layer load without torch ({samples} fresh processes): wall median "
          f"{statistics.median(wall):.1f} ms (min {min(wall):.1f}, max {max(wall):.1f}); "
          f"CPU median {statistics.median(cpu):.1f} ms (min {min(cpu):.1f}, max {max(cpu):.1f})")


if __name__ == "__main__":
    main()
