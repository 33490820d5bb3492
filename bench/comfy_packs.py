"""Load real ComfyUI custom-node packs through the compatibility layer and report
which load, their node counts and load times, and each failure's last line.

    .venv/bin/python bench/comfy_packs.py /work/.mirror/<owner>+<name>/repo ...

Each argument is a git directory (e.g. one the ``fetch`` tool brought); its HEAD
tree is exported into a temporary custom_nodes folder (nothing is committed here).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path


def export(gitdir: str, into: Path) -> tuple[str, str]:
    name = Path(gitdir).parent.name.split("+", 1)[-1]
    commit = subprocess.run(["git", "--git-dir", gitdir, "rev-parse", "--short", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    target = into / name
    target.mkdir()
    archive = subprocess.run(["git", "--git-dir", gitdir, "archive", "HEAD"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return name, commit


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="keroro-packs-")) / "custom_nodes"
    folder.mkdir()
    commits = dict(export(g, folder) for g in sys.argv[1:])
    from keroro_graph.registry.loader import load_registry
    started = time.perf_counter()
    registry = load_registry(custom_dirs=[folder])
    total = time.perf_counter() - started
    loaded = 0
    for pack in registry.packs:
        if pack.builtin:
            continue
        loaded += pack.loaded
        status = f"{len(pack.node_types):4d} nodes" if pack.loaded else "FAILED   "
        print(f"{pack.name:42s} {commits.get(pack.name, ''):9s} {status} {pack.load_time_s * 1000:8.1f} ms")
        if pack.error:
            print("    " + pack.error.strip().splitlines()[-1][:200])
        for warning in pack.warnings[:3]:
            print("    warning: " + warning.strip().splitlines()[-1][:200])
    print(f"{loaded}/{len(commits)} packs loaded; registry built in {total * 1000:.0f} ms")


if __name__ == "__main__":
    main()
