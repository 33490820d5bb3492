"""The pack's example workflows validate against the registry and run end to end
against the fake; its built-in model ids agree with the provider catalogue."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from keroro_graph.graph.validate import validate_prompt
from tests.conftest import shipped_providers
from keroro_graph.runtime import Runtime
from keroro_graph.settings import REPO_ROOT
from tests.conftest import run_graph
from tests.fakes.base import json_body, png_bytes
from tests.fakes.openai import OpenAIFake
from tests.providers.openai_compat.conftest import pack_module

PROVIDERS = shipped_providers()  # the providers the shipped packs declare

EXAMPLES = REPO_ROOT / "custom_nodes" / "openai_compat" / "example_workflows"


def load(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


@pytest.fixture
def product_photo(rt: Runtime) -> None:
    (rt.settings.paths.input / "product.png").write_bytes(png_bytes(40, 30, (10, 120, 200)))


def test_there_are_examples():
    assert len(list(EXAMPLES.glob("*.json"))) >= 2


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
async def test_examples_validate(rt: Runtime, product_photo: None, path: Path):
    result = await validate_prompt(json.loads(path.read_text()), rt.registry, paths=rt.settings.paths,
                                   credentials=rt.providers.missing_credentials)
    assert result.ok and not result.node_errors, result.as_json()


async def test_product_copy_example_runs(rt: Runtime, fake: OpenAIFake):
    fake.reply = "A matte white ceramic dripper on a bamboo stand, soft daylight, pale grey backdrop."
    record = await run_graph(rt, load("product_copy_to_image.json"))
    assert record.status.value == "success", record.error
    assert len(record.outputs["3"]["images"]) == 2
    assert json_body(fake.seen("/v1/images/generations")[0])["prompt"] == fake.reply
    assert record.outputs["4"]["text"] == [fake.reply]


async def test_describe_example_runs(rt: Runtime, fake: OpenAIFake, product_photo: None):
    record = await run_graph(rt, load("describe_product_photo.json"))
    assert record.status.value == "success", record.error
    assert record.outputs["3"]["text"] == ["echo: Write the listing for this product photo. (images: 1)"]


def test_default_models_match_the_catalogue(rt: Runtime):
    defaults = pack_module(rt, "OpenAIChat", "models").DEFAULT_MODELS
    for endpoint in ("ohmygpt", "cherryin"):
        assert defaults[endpoint] == PROVIDERS[endpoint].models


def test_clients_name_catalogue_providers(rt: Runtime):
    endpoints = pack_module(rt, "OpenAIChat", "client").ENDPOINTS
    assert endpoints["ohmygpt"].provider == "ohmygpt" and endpoints["cherryin"].provider == "cherryin"
    assert endpoints["custom"].provider == "openai_custom"
