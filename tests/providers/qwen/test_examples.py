"""The Qwen pack's example workflows validate and run end to end against the fake
DashScope, and the pack's copies of the catalogue's models and regions are in step."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from keroro_graph.graph.validate import validate_prompt
from keroro_graph.jobs.backend import JobStatus
from tests.conftest import shipped_providers
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.dashscope import DashScopeFake

PROVIDERS = shipped_providers()  # the providers the shipped packs declare

EXAMPLES = sorted((Path(__file__).parents[3] / "custom_nodes" / "qwen" / "example_workflows").glob("*.json"))


def test_there_are_examples():
    assert len(EXAMPLES) >= 1


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
async def test_example_validates_and_runs(qrt: Runtime, dashscope: DashScopeFake, path: Path):
    prompt = json.loads(path.read_text(encoding="utf-8"))
    result = await validate_prompt(prompt, qrt.registry, paths=qrt.settings.paths)
    assert result.error is None and not result.node_errors, (result.error, result.node_errors)
    record = await run_graph(qrt, prompt)
    assert record.status == JobStatus.SUCCESS, record.error


def test_the_pack_mirrors_the_catalogue(choices_module):
    info = PROVIDERS["dashscope"]
    assert choices_module.CHAT_MODELS == info.models["chat"]
    assert choices_module.IMAGE_MODELS == info.models["image"]
    assert choices_module.REGIONS == info.regions
