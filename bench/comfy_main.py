"""Stand-in for ComfyUI's ``main.py`` when running ComfyUI's own test suites against
Keroro Graph: accepts the flags those suites pass (--output-directory, --listen,
--port, --extra-model-paths-config, --cpu, --cache-lru, ...) and starts our server
with the custom-node folders the model-paths file names (``custom_nodes:``, relative
to the file), a fresh user folder, and the given output folder."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def custom_node_dirs(config: str | None) -> list[str]:
    if not config:
        return []
    base = Path(config).resolve().parent
    found = []
    for line in Path(config).read_text().splitlines():  # "    custom_nodes: folder" lines
        key, _, value = line.strip().partition(":")
        if key == "custom_nodes" and value.strip():
            found.append(str((base / value.strip()).resolve()))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--output-directory")
    parser.add_argument("--listen", default="127.0.0.1")
    parser.add_argument("--port", default="8188")
    parser.add_argument("--extra-model-paths-config")
    args, _ignored = parser.parse_known_args()  # --cpu, --cache-lru N, ... do not apply here
    user = tempfile.mkdtemp(prefix="keroro-comfy-suite-")
    env = dict(os.environ, KERORO_USER_DIR=user)
    if args.output_directory:
        env["KERORO_OUTPUT_DIR"] = str(Path(args.output_directory).resolve())
    command = [sys.executable, "-m", "keroro_graph.cli.main", "serve", "--listen", args.listen,
               "--port", str(args.port)]
    for folder in custom_node_dirs(args.extra_model_paths_config):
        command += ["--custom-nodes-dir", folder]
    os.execve(sys.executable, command, env)


if __name__ == "__main__":
    main()
