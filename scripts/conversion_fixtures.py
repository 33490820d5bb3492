"""Regenerate the fixtures both workflow converters are tested on (web/src/graph/fixtures/):

    .venv/bin/python scripts/conversion_fixtures.py

- ``object-info.json``: the built-in nodes' ``/object_info`` (what the canvas reads), rendered
  from the registry with an empty input folder, so it never goes stale unnoticed
  (tests/graph/test_conversion_fixtures.py compares it with a fresh rendering);
- ``prompts.json``: for each ``workflows/<name>.workflow.json``, the API prompt the Python
  converter (keroro_graph/graph/workflow.py) makes of it. The TypeScript converter
  (web/src/graph/workflow-load.ts + prompt.ts) must make the same prompts
  (web/src/graph/conversion.test.ts); the Python one must keep making them.

Run it after adding a workflow or changing a built-in node's inputs, then read the diff of
``prompts.json``: it is the expected answer of both tests.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "web" / "src" / "graph" / "fixtures"
WORKFLOWS = FIXTURES / "workflows"


def builtin_object_info() -> dict[str, Any]:
    """The built-in nodes' /object_info, with empty model and input folders."""
    from keroro_graph.registry import load_registry
    from keroro_graph.registry.env import NodeEnv, Paths
    from keroro_graph.registry.object_info import object_info

    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths.under(Path(tmp))
        registry = load_registry(paths=paths)
        return object_info(registry, NodeEnv(paths=paths))


def converted_prompts() -> dict[str, Any]:
    """workflow name → the Python converter's API prompt of it."""
    from keroro_graph.graph.workflow import workflow_to_prompt
    from keroro_graph.registry import load_registry

    registry = load_registry()
    return {path.name.removesuffix(".workflow.json"): workflow_to_prompt(json.loads(path.read_text("utf-8")), registry)
            for path in sorted(WORKFLOWS.glob("*.workflow.json"))}


def dump(value: Any) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    (FIXTURES / "object-info.json").write_text(dump(builtin_object_info()), encoding="utf-8")
    (FIXTURES / "prompts.json").write_text(dump(converted_prompts()), encoding="utf-8")


if __name__ == "__main__":
    main()
