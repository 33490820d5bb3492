"""ComfyUI's OpenAI partner nodes (OpenAIGPTImageNodeV2, OpenAIChatNode with
OpenAIChatConfig, DALL·E) from API prompts shaped as ComfyUI writes them, against the
OpenAI-shaped fake as the user's own "openai_custom" endpoint: generations vs edits
(multipart, image[] and mask), chat messages, errors, retries, cancel, missing key."""
from __future__ import annotations

import asyncio
import time
from typing import Any

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.registry import node_info
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.openai import OpenAIFake
from tests.providers.conftest import configure
from tests.providers.openai_compat.conftest import KEY, frames_of, text_of

import pytest


@pytest.fixture
def ort(prt: Runtime, fake: OpenAIFake) -> Runtime:
    configure(prt, "openai_custom", f"{fake.url}/v1", api_key=KEY)
    return prt


def src(w: int, h: int, color: int = 0x3366CC) -> dict[str, Any]:
    return {"class_type": "EmptyImage", "inputs": {"width": w, "height": h, "batch_size": 1, "color": color}}


def gpt_image_graph(**inputs: Any) -> dict[str, Any]:
    """The shape of ComfyUI's api_openai_fashion_billboard_generator template."""
    node = {"prompt": "dress a model in these clothes", "model": "gpt-image-1.5", "model.size": "auto",
            "model.background": "auto", "model.quality": "low", "n": 1, "seed": 0,
            "model.images.image_1": ["a", 0], "model.images.image_2": ["b", 0], **inputs}
    return {"a": src(64, 48), "b": src(48, 64), "1": {"class_type": "OpenAIGPTImageNodeV2", "inputs": node},
            "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}


def chat_graph(**inputs: Any) -> dict[str, Any]:
    """The shape of ComfyUI's api_openai_chat template."""
    return {"img": src(32, 32),
            "4": {"class_type": "OpenAIChatConfig", "inputs": {"truncation": "auto", "max_output_tokens": 300,
                                                                "instructions": "Answer briefly."}},
            "1": {"class_type": "OpenAIChatNode", "inputs": {"prompt": "Describe this image", "persist_context": False,
                                                              "model": "gpt-5.6-sol", "images": ["img", 0],
                                                              "advanced_options": ["4", 0], **inputs}},
            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}


async def test_gpt_image_v2_with_images_sends_an_edit(ort: Runtime, fake: OpenAIFake):
    record = await run_graph(ort, gpt_image_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    [(fields, files)] = fake.edits
    assert fields == {"model": "gpt-image-1.5", "prompt": "dress a model in these clothes", "n": "1",
                      "size": "auto", "quality": "low", "background": "auto", "moderation": "low"}
    assert files == {"image[]": [(64, 48), (48, 64)]}
    assert fake.seen("/v1/images/edits")[0].headers["Authorization"] == f"Bearer {KEY}"
    [frame] = frames_of(ort, record)
    assert frame.shape == (64, 64, 3)


async def test_gpt_image_v2_without_images_generates_with_a_custom_size(ort: Runtime, fake: OpenAIFake):
    graph = gpt_image_graph(model="gpt-image-2", **{"model.size": "Custom", "model.custom_width": 2048,
                                                     "model.custom_height": 1152, "n": 2})
    for name in ("model.images.image_1", "model.images.image_2"):
        del graph["1"]["inputs"][name]
    record = await run_graph(ort, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(fake.seen("/v1/images/generations")[0])
    assert body == {"model": "gpt-image-2", "prompt": "dress a model in these clothes", "n": 2, "size": "2048x1152",
                    "quality": "low", "background": "auto", "moderation": "low"}
    assert len(frames_of(ort, record)) == 2 and fake.edits == []


async def test_gpt_image_25_models_take_their_higher_quality_levels(ort: Runtime, fake: OpenAIFake):
    """gpt-image-2.5-flare/-sunburst: newer options ComfyUI's own templates choose, with
    gpt-image-2's inputs plus the xhigh and max quality levels and transparency."""
    for model in ("gpt-image-2.5-flare", "gpt-image-2.5-sunburst"):
        record = await run_graph(ort, gpt_image_graph(model=model, **{"model.quality": "max",
                                                                      "model.background": "transparent"}))
        assert record.status == JobStatus.SUCCESS, record.error
    assert [(fields["model"], fields["quality"], fields["background"]) for fields, _ in fake.edits] == [
        ("gpt-image-2.5-flare", "max", "transparent"), ("gpt-image-2.5-sunburst", "max", "transparent")]
    sub = await ort.jobs.submit(gpt_image_graph(model="gpt-image-2", **{"model.quality": "xhigh"}))
    assert not sub.accepted and sub.node_errors["1"]["errors"][0]["extra_info"]["input_name"] == "model.quality"


async def test_a_bad_custom_size_is_refused_before_any_request(ort: Runtime, fake: OpenAIFake):
    record = await run_graph(ort, gpt_image_graph(model="gpt-image-2", **{"model.size": "Custom",
                                                                          "model.custom_width": 3840,
                                                                          "model.custom_height": 1024}))
    assert record.status == JobStatus.ERROR and "aspect ratio" in record.error["exception_message"]
    assert fake.requests == []


async def test_gpt_image1_sends_one_image_with_its_mask(ort: Runtime, fake: OpenAIFake):
    graph = {"a": src(64, 48), "m": {"class_type": "SolidMask", "inputs": {"value": 1.0, "width": 64, "height": 48}},
             "1": {"class_type": "OpenAIGPTImage1", "inputs": {"prompt": "repaint", "model": "gpt-image-1",
                                                               "size": "1024x1024", "image": ["a", 0],
                                                               "mask": ["m", 0]}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
    record = await run_graph(ort, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    [(fields, files)] = fake.edits
    assert files == {"image": [(64, 48)], "mask": [(64, 48)]} and fields["quality"] == "low"


async def test_chat_node_sends_instructions_images_and_the_token_limit(ort: Runtime, fake: OpenAIFake):
    record = await run_graph(ort, chat_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(fake.seen("/v1/chat/completions")[0])
    assert body["model"] == "gpt-5.6-sol" and body["max_tokens"] == 300
    assert body["messages"][0] == {"role": "system", "content": "Answer briefly."}
    assert text_of(record) == "echo: Describe this image (images: 1)"


async def test_chat_node_offers_the_newer_model_a_comfyui_template_chooses(ort: Runtime, fake: OpenAIFake):
    """api_openai_gpt6_astra (templates 0.1.123) picks gpt-6-astra, newer than 0.29's
    list: offered after 0.29's options (the default stays 0.29's) and sent as it is."""
    options = node_info(ort.registry["OpenAIChatNode"])["input"]["required"]["model"][0]
    assert options[0] == "gpt-5.6-sol" and options[-3:] == ["gpt-6-astra", "gpt-6-sol", "gpt-6-luna"]
    record = await run_graph(ort, chat_graph(model="gpt-6-astra"))
    assert record.status == JobStatus.SUCCESS, record.error
    assert json_body(fake.seen("/v1/chat/completions")[0])["model"] == "gpt-6-astra"


async def test_a_bad_key_is_an_auth_error_sent_once(ort: Runtime, fake: OpenAIFake):
    fake.api_key = "sk-other-0000000000"
    record = await run_graph(ort, chat_graph())
    assert record.status == JobStatus.ERROR and record.error["exception_type"].endswith("AuthError")
    assert len(fake.seen("/v1/chat/completions")) == 1


async def test_a_rate_limit_is_retried(ort: Runtime, fake: OpenAIFake):
    fake.fail_next(429, {"error": {"message": "slow down"}}, path_prefix="/v1/images/edits")
    record = await run_graph(ort, gpt_image_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(fake.seen("/v1/images/edits")) == 2


async def test_a_server_error_after_sending_is_not_sent_again(ort: Runtime, fake: OpenAIFake):
    fake.fail_next(503, {"error": {"message": "overloaded"}}, path_prefix="/v1/images/edits")
    record = await run_graph(ort, gpt_image_graph())
    assert record.status == JobStatus.ERROR and record.error["exception_type"].endswith("AmbiguousCreateError")
    assert "overloaded" in record.error["exception_message"] and "console" in record.error["exception_message"]
    assert len(fake.seen("/v1/images/edits")) == 1


async def test_cancel_while_generating_stops_at_once(ort: Runtime, fake: OpenAIFake):
    fake.fail_next(200, {}, path_prefix="/v1/images/edits", delay_s=2)
    sub = await ort.jobs.submit(gpt_image_graph())
    await until(lambda: len(fake.seen("/v1/images/edits")) == 1)
    started = time.monotonic()
    await ort.jobs.cancel(sub.prompt_id)
    record = await ort.jobs.wait(sub.prompt_id, timeout_s=5)
    assert record.status == JobStatus.INTERRUPTED and time.monotonic() - started < 1.0
    await asyncio.sleep(0.2)
    assert len(fake.seen("/v1/images/edits")) == 1


async def test_a_missing_key_is_refused_at_validation(prt: Runtime, fake: OpenAIFake):
    configure(prt, "openai_custom", f"{fake.url}/v1")
    sub = await prt.jobs.submit(gpt_image_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials" and "KERORO_OPENAI_CUSTOM_API_KEY" in error["message"]
    assert fake.requests == []


async def test_chat_sends_input_files_as_file_parts(ort: Runtime, fake: OpenAIFake):
    (ort.settings.paths.input / "brief.pdf").write_bytes(b"%PDF-1.4 brief")
    (ort.settings.paths.input / "notes.txt").write_text("notes")
    graph = chat_graph(files=["f2", 0])
    graph["f1"] = {"class_type": "OpenAIInputFiles", "inputs": {"file": "brief.pdf"}}
    graph["f2"] = {"class_type": "OpenAIInputFiles", "inputs": {"file": "notes.txt", "OPENAI_INPUT_FILES": ["f1", 0]}}
    record = await run_graph(ort, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    parts = json_body(fake.seen("/v1/chat/completions")[0])["messages"][-1]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url", "file", "file"]
    assert parts[2]["file"]["filename"] == "notes.txt"
    assert parts[3]["file"]["file_data"].startswith("data:application/pdf;base64,")
    assert text_of(record) == "echo: Describe this image [file notes.txt] [file brief.pdf] (images: 1)"
