"""The pack's example workflows validate against the registry and run end to end
against the fake; its option lists agree with the provider catalogue."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from keroro_graph.graph.validate import validate_prompt
from tests.conftest import shipped_providers
from keroro_graph.runtime import Runtime
from keroro_graph.settings import REPO_ROOT
from tests.conftest import run_graph
from tests.fakes.base import json_body
from tests.fakes.siliconflow import SiliconFlowFake
from tests.providers.siliconflow.conftest import pack_module

PROVIDERS = shipped_providers()  # the providers the shipped packs declare

EXAMPLES = REPO_ROOT / "custom_nodes" / "siliconflow" / "example_workflows"


def load(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def test_there_are_examples():
    assert len(list(EXAMPLES.glob("*.json"))) >= 2


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
async def test_examples_validate(rt: Runtime, path: Path):
    result = await validate_prompt(json.loads(path.read_text()), rt.registry, paths=rt.settings.paths,
                                   credentials=rt.providers.missing_credentials)
    assert result.ok and not result.node_errors, result.as_json()


async def test_product_shot_to_video_runs(rt: Runtime, fake: SiliconFlowFake):
    record = await run_graph(rt, load("product_shot_to_video.json"))
    assert record.status.value == "success", record.error
    assert len(record.outputs["2"]["images"]) == 1
    assert "width=240" in record.outputs["4"]["text"][0]
    assert json_body(fake.seen("/v1/video/submit")[0])["image"].startswith("data:image/jpeg;base64,")


async def test_reasoned_prompt_to_image_runs(rt: Runtime, fake: SiliconFlowFake):
    fake.reply = "Celadon teacup among fresh green tea leaves, soft morning light from the left."
    record = await run_graph(rt, load("reasoned_prompt_to_image.json"))
    assert record.status.value == "success", record.error
    assert len(record.outputs["3"]["images"]) == 2
    assert json_body(fake.seen("/v1/images/generations")[0])["prompt"] == fake.reply
    assert record.outputs["4"]["text"] == ["Let me think step by step."]


def test_option_lists_match_the_catalogue(rt: Runtime):
    models = pack_module(rt, "SiliconFlowChat", "models")
    catalogue = PROVIDERS["siliconflow"].models
    assert (models.CHAT_MODELS, models.IMAGE_MODELS, models.VIDEO_MODELS) == (
        catalogue["chat"], catalogue["image"], catalogue["video"])
