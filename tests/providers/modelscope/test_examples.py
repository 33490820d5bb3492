"""The ModelScope pack's example workflows validate and run end to end against the
fake ModelScope, and the pack's copy of the catalogue's image models is in step."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from keroro_graph.graph.validate import validate_prompt
from keroro_graph.jobs.backend import JobStatus
from tests.conftest import shipped_providers
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.modelscope import ModelScopeFake
from tests.providers.conftest import pack_module

PROVIDERS = shipped_providers()  # the providers the shipped packs declare

EXAMPLES = sorted((Path(__file__).parents[3] / "custom_nodes" / "modelscope" / "example_workflows").glob("*.json"))


def test_there_are_examples():
    assert len(EXAMPLES) >= 1


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
async def test_example_validates_and_runs(mrt: Runtime, modelscope: ModelScopeFake, path: Path):
    prompt = json.loads(path.read_text(encoding="utf-8"))
    result = await validate_prompt(prompt, mrt.registry, paths=mrt.settings.paths)
    assert result.error is None and not result.node_errors, (result.error, result.node_errors)
    record = await run_graph(mrt, prompt)
    assert record.status == JobStatus.SUCCESS, record.error


def test_the_pack_mirrors_the_catalogue(full_registry):
    assert pack_module(full_registry, "ModelScopeImage", "choices").IMAGE_MODELS == PROVIDERS["modelscope"].models["image"]
