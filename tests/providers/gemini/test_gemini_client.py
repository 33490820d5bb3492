"""The Gemini pack's protocol pieces on their own: google.rpc error classification,
answer parsing in both casings, finding images inside text in the spec's order, the
relays' task shapes, fitting input frames under the 20 MB limit; plus the pack's
example workflows, validated and run against the fakes."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import pytest

from keroro_graph.api import (AuthError, BadRequestError, ProviderUnavailableError, QuotaError, RateLimitedError,
                              provider_media)
from keroro_graph.graph.validate import validate_prompt
from keroro_graph.jobs.backend import JobStatus
from tests.conftest import shipped_providers
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.base import png_bytes
from tests.fakes.gemini import GOOD_KEY, GeminiFake, rate_limited, rpc_error
from tests.fakes.relay import RelayFake

PROVIDERS = shipped_providers()  # the providers the shipped packs declare

EXAMPLES = Path(__file__).parents[3] / "custom_nodes" / "gemini" / "example_workflows"


def parse(pack, status: int, body) -> object:
    client = pack.client.GeminiClient(http=None, base_url="http://fake", secrets={"api_key": "k"})  # type: ignore[arg-type]
    return client.parse_error(httpx.Response(status, json=body), body)


@pytest.mark.parametrize("status, body, cls", [
    (400, rpc_error(400, "INVALID_ARGUMENT", "API key not valid.", [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]), AuthError),
    (400, rpc_error(400, "INVALID_ARGUMENT", "Invalid JSON payload"), BadRequestError),
    (400, rpc_error(400, "FAILED_PRECONDITION", "User location is not supported"), QuotaError),
    (403, rpc_error(403, "PERMISSION_DENIED", "denied"), AuthError),
    (404, rpc_error(404, "NOT_FOUND", "models/x is not found"), BadRequestError),
    (429, rate_limited("41.5s"), RateLimitedError),
    (429, rate_limited(None, per_day=True), QuotaError),
    (500, rpc_error(500, "INTERNAL", "internal"), ProviderUnavailableError),
    (503, rpc_error(503, "UNAVAILABLE", "overloaded"), ProviderUnavailableError),
    (504, rpc_error(504, "DEADLINE_EXCEEDED", "deadline"), ProviderUnavailableError),
    (503, [rpc_error(503, "UNAVAILABLE", "wrapped in a list")], ProviderUnavailableError),
])
def test_google_rpc_errors_map_onto_the_sdk_classes(pack, status, body, cls):
    error = parse(pack, status, body)
    assert type(error) is cls
    assert error.provider == "gemini" and error.status == status


def test_retry_info_sets_the_retry_delay(pack):
    assert parse(pack, 429, rate_limited("41.5s")).retry_after_s == 41.5
    assert parse(pack, 429, rate_limited(None)).retry_after_s is None


def test_answers_parse_in_both_casings(pack):
    response = pack.models.GenerateContentResponse
    camel = {"candidates": [{"content": {"parts": [{"text": "hi"}, {"inlineData": {"mimeType": "image/png",
                                                                                   "data": "AAAA"}}]},
                             "finishReason": "STOP"}], "promptFeedback": {"blockReason": None}}
    snake = {"candidates": [{"content": {"parts": [{"text": "hi"}, {"inline_data": {"mime_type": "image/png",
                                                                                    "data": "AAAA"}}]},
                             "finish_reason": "STOP"}], "prompt_feedback": {"block_reason": "OTHER"}}
    for body in (camel, snake):
        answer = response.model_validate(body)
        assert answer.text() == "hi" and answer.parts()[1].inline_data.mime_type == "image/png"
        assert answer.candidates[0].finish_reason == "STOP"
    assert response.model_validate(snake).prompt_feedback.block_reason == "OTHER"


def test_thought_parts_are_not_part_of_the_text(pack):
    answer = pack.models.GenerateContentResponse.model_validate({"candidates": [{"content": {"parts": [
        {"text": "planning…", "thought": True}, {"text": "answer"}]}}]})
    assert answer.text() == "answer"


def test_image_refs_follow_the_spec_order(pack):
    image_refs = pack.text_images.image_refs
    data = "data:image/png;base64,iVBORw0KGgo="
    assert image_refs(f"![a](https://x.test/a.png) and {data}") == [data]
    assert image_refs("see ![a](https://x.test/a) and https://x.test/b.png") == ["https://x.test/a"]
    assert image_refs("ready: https://x.test/b.webp?sig=1, and https://x.test/page") == ["https://x.test/b.webp?sig=1"]
    assert image_refs("ready at https://x.test/result/123.") == ["https://x.test/result/123"]
    assert image_refs("ready at https://x.test/result/123.", any_url=False) == []
    assert image_refs("no pictures here") == []


def test_data_urls_are_shortened_for_display(pack):
    text = pack.text_images.elide_data_urls("look: data:image/png;base64," + "A" * 4000 + " done")
    assert text.startswith("look: data:image/png;base64,…(") and text.endswith(" bytes) done")


@pytest.mark.parametrize("body", [
    {"code": "success", "data": {"status": "IN_PROGRESS", "progress": "45%", "data": None}},
    {"status": "IN_PROGRESS", "progress": "45%"},
])
def test_relay_tasks_parse_in_either_nesting(pack, body):
    task = pack.models.ImageTask.from_body(body)
    assert task.status == "IN_PROGRESS" and task.fraction() == pytest.approx(0.45)


def test_relay_task_results_and_failures(pack):
    ImageTask = pack.models.ImageTask  # noqa: N806 - the class, under its own name
    done = ImageTask.from_body({"data": {"status": "SUCCESS", "data": {"data": [{"url": "u"}, {"b64_json": "b"}]}}})
    assert [(i.url, i.b64_json) for i in done.items] == [("u", None), (None, "b")]
    failed = ImageTask.from_body({"status": "FAILURE", "fail_reason": "nsfw", "data": None})
    assert failed.fail_reason == "nsfw" and failed.items == []
    assert ImageTask.from_body({"code": "error"}) is None


def test_large_frames_are_shrunk_to_fit_the_budget(pack):
    frames_as_png = pack.frames.frames_as_png
    rng = np.random.default_rng(1)
    noise = rng.random((2, 600, 900, 3), dtype=np.float32)  # incompressible: ~1.6 MB per PNG
    pngs = frames_as_png(noise, provider="gemini", budget_bytes=800_000)
    assert len(pngs) == 2 and all(len(p) <= 400_000 for p in pngs)
    batch = provider_media.images_to_batch(pngs[:1])
    height, width = batch.shape[1:3]
    assert width < 900 and abs(width / height - 1.5) < 0.02
    small = np.zeros((1, 60, 80, 3), dtype=np.float32)
    assert len(frames_as_png(small, provider="gemini")[0]) < 1000  # untouched when it fits
    assert frames_as_png(None, provider="gemini") == []


def test_too_many_frames_are_refused_naming_the_input(pack):
    noise = np.random.default_rng(2).random((50, 300, 300, 3), dtype=np.float32)
    with pytest.raises(BadRequestError, match="images: 50 frames"):
        pack.frames.frames_as_png(noise, provider="gemini", budget_bytes=50 * 2_000)


def test_the_default_budget_is_under_20_mb_after_base64(pack):
    assert pack.frames.raw_budget() * 4 / 3 < 20 * 1024 * 1024


async def test_the_fake_accepts_both_documented_key_forms(gemini: GeminiFake):
    """Our client only ever sends the header; the fake also takes ``?key=`` as the API does."""
    body = {"contents": [{"parts": [{"text": "hi"}]}]}
    url = f"{gemini.base_url}/models/gemini-2.5-flash:generateContent"
    async with httpx.AsyncClient() as http:
        assert (await http.post(url, params={"key": GOOD_KEY}, json=body)).status_code == 200
        assert (await http.post(url, headers={"x-goog-api-key": GOOD_KEY}, json=body)).status_code == 200
        wrong = await http.post(url, headers={"x-goog-api-key": "nope"}, json=body)
        assert wrong.status_code == 400 and wrong.json()["error"]["details"][0]["reason"] == "API_KEY_INVALID"
        assert (await http.post(url, json=body)).status_code == 403


def test_the_model_lists_match_the_catalogue(pack):
    options = pack.options
    assert options.VISION_MODELS == PROVIDERS["gemini"].models["chat"]
    assert options.IMAGE_MODELS == PROVIDERS["gemini"].models["image"]
    assert options.RELAY_IMAGE_MODELS == PROVIDERS["comfly"].models["image"] == PROVIDERS["t8star"].models["image"]


# --- example workflows ------------------------------------------------------------------------

def examples() -> list[Path]:
    found = sorted(EXAMPLES.glob("*.json"))
    assert found, "the pack ships example workflows"
    return found


def put_product_photo(rt: Runtime) -> None:
    rt.settings.paths.input.mkdir(parents=True, exist_ok=True)
    (rt.settings.paths.input / "product.png").write_bytes(png_bytes(120, 160, (90, 60, 200)))


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
async def test_examples_validate_against_the_registry(prt: Runtime, path: Path):
    put_product_photo(prt)
    for provider in ("gemini", "comfly", "t8star"):
        prt.secrets.set(provider, "api_key", "sk-present")
    checked = await validate_prompt(json.loads(path.read_text()), prt.registry, paths=prt.settings.paths,
                                    credentials=prt.providers.missing_credentials)
    assert checked.ok and not checked.node_errors, checked.as_json()


async def test_examples_run_against_the_fakes(grt: Runtime, rrt: Runtime, gemini: GeminiFake, comfly: RelayFake):
    put_product_photo(grt)
    for path in examples():
        record = await run_graph(grt, json.loads(path.read_text()))
        assert record.status == JobStatus.SUCCESS, (path.name, record.error)
    scene_prompt = gemini.bodies[-1]["contents"][0]["parts"][0]["text"]
    assert "I see 1 image(s): 120x160" in scene_prompt  # the description fed the scene prompt
    assert comfly.seen("/v1/images/edits") and comfly.seen("/v1/chat/completions")
