"""SiliconFlowImage through the real engine against the SiliconFlow fake: images
from ``images[].url`` decoded to real pixels, edit models with an input image,
retries, SiliconFlow's error bodies, size caps and credentials."""
from __future__ import annotations

import pytest

from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.base import json_body
from tests.fakes.openai import colour
from tests.fakes.siliconflow import BUSY, RATE_LIMITED, SiliconFlowFake
from tests.providers.conftest import configure
from tests.providers.siliconflow.conftest import (KEY, WRONG_KEY, error_of, frames_of, image_graph, pack_module,
                                                  with_frame)

IMAGES = "/v1/images/generations"


async def test_images_come_back_as_one_batch(rt: Runtime, fake: SiliconFlowFake):
    record = await run_graph(rt, image_graph(batch_size=2, image_size="960x1280", negative_prompt="blur"))
    assert record.status.value == "success", record.error
    frames = frames_of(rt, record)
    assert [f.shape for f in frames] == [(80, 60, 3)] * 2
    assert [tuple(int(c) for c in f[0, 0]) for f in frames] == [colour(0), colour(1)]
    seen = fake.seen(IMAGES)[0]
    assert seen.headers["Authorization"] == f"Bearer {KEY}"
    assert json_body(seen) == {"model": "Kwai-Kolors/Kolors", "prompt": "a red chair on white",
                               "negative_prompt": "blur", "image_size": "960x1280", "batch_size": 2,
                               "num_inference_steps": 20, "guidance_scale": 7.5, "seed": 42}
    assert all("Authorization" not in s.headers for s in fake.seen("/files/"))


async def test_edit_models_send_the_image(rt: Runtime, fake: SiliconFlowFake):
    record = await run_graph(rt, with_frame(image_graph(model="Qwen/Qwen-Image-Edit-2509")))
    assert record.status.value == "success", record.error
    assert json_body(fake.seen(IMAGES)[0])["image"].startswith("data:image/png;base64,")


async def test_a_rate_limit_is_retried(rt: Runtime, fake: SiliconFlowFake):
    fake.fail_next(429, RATE_LIMITED, path_prefix=IMAGES)
    record = await run_graph(rt, image_graph())
    assert record.status.value == "success", record.error
    assert len(fake.seen(IMAGES)) == 2


async def test_a_5xx_after_sending_fails_naming_the_node_and_the_doubt(rt: Runtime, fake: SiliconFlowFake):
    fake.fail_next(503, BUSY, times=10, path_prefix=IMAGES)
    error = error_of(await run_graph(rt, image_graph()))
    assert error["node_id"] == "1" and error["node_type"] == "SiliconFlowImage"
    assert error["exception_type"].endswith("AmbiguousCreateError")
    assert "overloaded" in error["exception_message"] and "may have accepted it" in error["exception_message"]
    assert len(fake.seen(IMAGES)) == 1


async def test_bad_key_fails_at_once(rt: Runtime, fake: SiliconFlowFake):
    configure(rt, "siliconflow", f"{fake.url}/v1", api_key=WRONG_KEY)
    error = error_of(await run_graph(rt, image_graph()))
    assert error["exception_type"].endswith("AuthError")
    assert len(fake.seen(IMAGES)) == 1


async def test_sensitive_prompt_is_a_policy_error(rt: Runtime, fake: SiliconFlowFake):
    error = error_of(await run_graph(rt, image_graph(prompt="something forbidden")))
    assert error["exception_type"].endswith("ContentPolicyError")
    assert len(fake.seen(IMAGES)) == 1


async def test_data_list_instead_of_images_is_accepted(rt: Runtime, fake: SiliconFlowFake):
    from tests.fakes.base import png_bytes
    url = fake.add_file("alt.png", png_bytes(8, 8, (1, 2, 3)), "image/png")
    fake.fail_next(200, {"data": [{"url": url}], "seed": 1}, path_prefix=IMAGES)
    record = await run_graph(rt, image_graph())
    assert [tuple(int(c) for c in f[0, 0]) for f in frames_of(rt, record)] == [(1, 2, 3)]


async def test_result_too_large(rt: Runtime, fake: SiliconFlowFake, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pack_module(rt, "SiliconFlowImage", "client").SiliconFlowClient, "max_result_bytes", 40)
    error = error_of(await run_graph(rt, image_graph()))
    assert error["exception_type"].endswith("ResultTooLargeError")


@pytest.mark.parametrize("inputs,message", [
    ({"model": "Qwen/Qwen-Image-Edit-2509"}, "image: Qwen/Qwen-Image-Edit-2509 edits an input image"),
    ({"prompt": "  "}, "prompt: enter a prompt"),
])
async def test_inputs_are_checked_before_sending(rt: Runtime, fake: SiliconFlowFake, inputs, message):
    error = error_of(await run_graph(rt, image_graph(**inputs)))
    assert message in error["exception_message"]
    assert fake.seen(IMAGES) == []


async def test_missing_credentials_refuse_the_graph(prt: Runtime, fake: SiliconFlowFake):
    sub = await prt.jobs.submit(image_graph())
    assert not sub.accepted
    assert sub.node_errors["1"]["errors"][0]["type"] == "missing_credentials"
    assert fake.requests == []


async def test_connections_are_reused(rt: Runtime, fake: SiliconFlowFake):
    for i in range(6):
        assert (await run_graph(rt, image_graph(seed=i))).status.value == "success"
    assert fake.connections <= 2
