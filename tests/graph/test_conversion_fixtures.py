"""The fixtures the Python and TypeScript workflow converters share
(web/src/graph/fixtures/): object-info.json is what the built-in nodes render today, and
the Python converter turns each example workflow into the prompt in prompts.json — the
prompt web/src/graph/conversion.test.ts expects from the canvas's converter. Together the
two tests say both converters give the same prompts (regenerate with
scripts/conversion_fixtures.py, then read the diff)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from keroro_graph.graph.workflow import workflow_to_prompt
from keroro_graph.registry import load_registry
from keroro_graph.registry.env import NodeEnv, Paths
from keroro_graph.registry.object_info import object_info
from keroro_graph.settings import REPO_ROOT

FIXTURES = REPO_ROOT / "web" / "src" / "graph" / "fixtures"
WORKFLOWS = sorted((FIXTURES / "workflows").glob("*.workflow.json"))
PROMPTS = json.loads((FIXTURES / "prompts.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def builtins(tmp_path_factory: pytest.TempPathFactory):
    paths = Paths.under(tmp_path_factory.mktemp("user"))  # empty input folder, as the generator uses
    return load_registry(paths=paths), paths


def test_object_info_fixture_is_what_the_built_in_nodes_render(builtins):
    registry, paths = builtins
    fresh = json.loads(json.dumps(object_info(registry, NodeEnv(paths=paths))))
    saved = json.loads((FIXTURES / "object-info.json").read_text(encoding="utf-8"))
    stale = sorted(name for name in fresh.keys() | saved.keys() if fresh.get(name) != saved.get(name))
    assert stale == [], f"regenerate with scripts/conversion_fixtures.py: {stale}"


def test_every_workflow_has_its_expected_prompt():
    assert len(WORKFLOWS) >= 4
    assert sorted(p.name.removesuffix(".workflow.json") for p in WORKFLOWS) == sorted(PROMPTS)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_python_converter_gives_the_shared_prompt(builtins, path: Path):
    registry, _ = builtins
    prompt = workflow_to_prompt(json.loads(path.read_text(encoding="utf-8")), registry)
    assert prompt == PROMPTS[path.name.removesuffix(".workflow.json")]


def test_the_shared_prompts_show_what_conversion_does():
    """What the fixtures pin, in words: a bypassed node is wired around, muted nodes and
    what only they fed are dropped, a seed's control mode and the upload button's slot
    stay on the canvas, notes and reroutes vanish."""
    composite = PROMPTS["masked_composite"]
    assert "2" not in composite and composite["7"]["inputs"]["source"] == ["1", 0]  # ImageBlur bypassed
    assert "8" not in composite  # muted PreviewImage
    assert composite["7"]["inputs"]["x"] == ["6", 0] and composite["1"]["inputs"] == {"image": "example.png"}
    poster = PROMPTS["seeded_poster"]
    assert poster["2"]["inputs"]["seed"] == 123456789012 and poster["2"]["inputs"]["amount"] == 0.35
    assert poster["5"]["inputs"]["image"] == ["3", 0] and set(poster) == {"1", "2", "3", "5", "6"}
    text = PROMPTS["text_template"]
    assert "var2" not in text["2"]["inputs"] and text["4"]["inputs"]["count"] == 3
