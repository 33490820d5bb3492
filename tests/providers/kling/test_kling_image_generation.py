"""KlingImageGeneration through the real engine against the fake Kling server: an
IMAGE batch of real pixels, reference-image rules, and the usual failure cases."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest

from keroro_graph import media
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.kling import ACCESS_KEY, KlingFake
from tests.providers.conftest import configure
from tests.providers.kling.conftest import image_graph
from tests.providers.kling.test_kling_text_to_video import kind


def saved(rt: Runtime, record) -> list[np.ndarray]:
    files = record.outputs["save"]["images"]
    return [media.decode((rt.settings.paths.output / f["subfolder"] / f["filename"]).read_bytes())[0][0]
            for f in files]


async def test_success_returns_a_batch_of_real_pixels(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, image_graph(n=3, aspect_ratio="4:3", resolution="2k", model="kling-v2"))
    assert record.status == JobStatus.SUCCESS, record.error
    frames = saved(krt, record)
    assert len(frames) == 3 and all(f.shape == (576, 768, 3) for f in frames)
    greens = [round(float(f[10, 10, 1]) * 255) for f in frames]
    assert greens == [40, 60, 80]  # Kling's index order is kept
    assert round(float(frames[0][0, 0, 0]) * 255) == 200
    body = json_body(kling.creates("image")[0])
    assert body.pop("external_task_id").startswith("kg-")
    assert body == {"model_name": "kling-v2", "prompt": "a ceramic mug on a wooden table", "resolution": "2k",
                    "n": 3, "aspect_ratio": "4:3"}
    assert record.outputs["p1"]["text"][0] in kling.tasks


async def test_a_reference_image_goes_up_with_its_settings(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, image_graph(reference=(512, 512), model="kling-v1-5", image_reference="face",
                                              image_fidelity=0.7, human_fidelity=0.6))
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("image")[0])
    assert body["image_reference"] == "face" and body["image_fidelity"] == 0.7 and body["human_fidelity"] == 0.6
    assert not body["image"].startswith("data:") and "negative_prompt" not in body


@pytest.mark.parametrize("inputs, reference, words", [
    ({"negative_prompt": "blurry"}, (512, 512), "negative_prompt"),
    ({"image_reference": "subject"}, None, "reference_image"),
    ({"model": "kling-v1-5"}, (512, 512), "image_reference"),
    ({}, (200, 512), "reference_image"),
])
async def test_reference_rules_are_checked_locally(krt: Runtime, kling: KlingFake, inputs, reference, words):
    record = await run_graph(krt, image_graph(reference=reference, **inputs))
    assert kind(record) == "BadRequestError" and words in record.error["exception_message"]
    assert kling.requests == []


async def test_retry_then_success(krt: Runtime, kling: KlingFake):
    kling.unavailable_next()  # the create (nothing made): looked up, then sent again with the same key
    kling.rate_limit_next()   # the lookup: retried
    record = await run_graph(krt, image_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(kling.creates()) == 2 and len(kling.tasks) == 1


async def test_retries_exhausted(krt: Runtime, kling: KlingFake):
    kling.rate_limit_next(times=10, retry_after="0")
    record = await run_graph(krt, image_graph())
    assert record.error["node_id"] == "1" and kind(record) == "RateLimitedError"


async def test_quota_exhaustion_is_not_retried(krt: Runtime, kling: KlingFake):
    kling.fail_next(429, {"code": 1102, "message": "resource pack depleted", "request_id": "r-1"})
    record = await run_graph(krt, image_graph())
    assert kind(record) == "QuotaError" and "resource pack depleted" in record.error["exception_message"]
    assert "r-1" in record.error["exception_message"]
    assert len(kling.requests) == 1


async def test_bad_key(prt: Runtime, kling: KlingFake):
    configure(prt, "kling", kling.url, access_key=ACCESS_KEY, secret_key="x" * 40)
    record = await run_graph(prt, image_graph())
    assert kind(record) == "AuthError" and len(kling.requests) == 1


async def test_failed_task(krt: Runtime, kling: KlingFake):
    kling.fail_reason = "prompt triggered content moderation"
    record = await run_graph(krt, image_graph())
    assert kind(record) == "TaskFailedError" and "content moderation" in record.error["exception_message"]


async def test_cancel_while_polling(krt: Runtime, kling: KlingFake):
    kling.hold = True
    sub = await krt.jobs.submit(image_graph())
    await until(lambda: len(kling.polls()) >= 1)
    await krt.jobs.cancel(sub.prompt_id)
    assert (await krt.jobs.wait(sub.prompt_id, timeout_s=1.0)).status == JobStatus.INTERRUPTED
    polls = len(kling.polls())
    await asyncio.sleep(0.3)
    assert len(kling.polls()) == polls


async def test_an_image_above_the_cap(krt: Runtime, kling: KlingFake, monkeypatch: pytest.MonkeyPatch, pack):
    monkeypatch.setattr(pack.client.KlingClient, "max_image_bytes", 50)
    record = await run_graph(krt, image_graph())
    assert kind(record) == "ResultTooLargeError"


async def test_missing_credentials(prt: Runtime):
    sub = await prt.jobs.submit(image_graph())
    assert not sub.accepted and sub.node_errors["1"]["errors"][0]["type"] == "missing_credentials"
