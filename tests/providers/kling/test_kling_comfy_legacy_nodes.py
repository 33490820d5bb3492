"""ComfyUI's earlier Kling nodes (text/image to video with mode strings, camera
control, start-end frames, extension by video_id, lip sync, effects, virtual try-on,
avatar) against the fake Kling API on the user's own keys: the request each sends,
ComfyUI's (VIDEO, video_id, duration) outputs, and the chains that pass a Kling
video on by its id."""
from __future__ import annotations

from typing import Any

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.base import json_body
from tests.fakes.kling import KlingFake
from tests.providers.kling.conftest import image_node


def t2v(**inputs: Any) -> dict[str, Any]:
    return {"class_type": "KlingTextToVideoNode", "inputs": {
        "prompt": "a paper boat on a river", "negative_prompt": "", "cfg_scale": 0.8, "aspect_ratio": "9:16",
        "mode": "standard mode / 10s duration / kling-v1-6", **inputs}}


def previews(node_id: str, count: int) -> dict[str, Any]:
    return {f"{node_id}p{i}": {"class_type": "PreviewAny", "inputs": {"source": [node_id, i]}} for i in range(count)}


async def test_text_to_video_parses_comfyuis_mode_and_returns_id_and_duration(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, {"1": t2v(), **previews("1", 3)})
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("text2video")[0])
    assert body.pop("external_task_id").startswith("kg-")
    assert body == {"model_name": "kling-v1-6", "prompt": "a paper boat on a river", "cfg_scale": 0.8,
                    "mode": "std", "aspect_ratio": "9:16", "duration": "10"}
    video_id = record.outputs["1p1"]["text"][0]
    assert video_id in kling.video_ids() and record.outputs["1p2"]["text"][0] == "10"


async def test_cfg_scale_is_not_sent_to_v2_models(krt: Runtime, kling: KlingFake):
    graph = {"1": t2v(mode="pro mode / 5s duration / kling-v2-5-turbo"), **previews("1", 1)}
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("text2video")[0])
    assert "cfg_scale" not in body and (body["model_name"], body["mode"]) == ("kling-v2-5-turbo", "pro")


async def test_camera_controls_feed_text_to_video(krt: Runtime, kling: KlingFake):
    graph = {"cam": {"class_type": "KlingCameraControls", "inputs": {
                 "camera_control_type": "simple", "horizontal_movement": 0, "vertical_movement": 0, "pan": 0.5,
                 "tilt": 0, "roll": 0, "zoom": 2}},
             "1": {"class_type": "KlingCameraControlT2VNode", "inputs": {
                 "prompt": "a lighthouse", "negative_prompt": "", "cfg_scale": 0.75, "aspect_ratio": "16:9",
                 "camera_control": ["cam", 0]}}, **previews("1", 1)}
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("text2video")[0])
    assert body["model_name"] == "kling-v1" and body["camera_control"] == {
        "type": "simple", "config": {"horizontal": 0.0, "vertical": 0.0, "pan": 0.5, "tilt": 0.0, "roll": 0.0,
                                     "zoom": 2.0}}


async def test_an_all_zero_camera_move_is_refused_at_validation(krt: Runtime, kling: KlingFake):
    zero = {a: 0 for a in ("horizontal_movement", "vertical_movement", "pan", "tilt", "roll", "zoom")}
    graph = {"cam": {"class_type": "KlingCameraControls", "inputs": {"camera_control_type": "simple", **zero}},
             "p": {"class_type": "PreviewAny", "inputs": {"source": ["cam", 0]}}}
    sub = await krt.jobs.submit(graph)
    assert not sub.accepted and "non-zero" in str(sub.node_errors["cam"]["errors"])


async def test_start_end_frame_then_extend_by_video_id(krt: Runtime, kling: KlingFake):
    graph = {"a": image_node(), "b": image_node(color=0xCC6633),
             "1": {"class_type": "KlingStartEndFrameNode", "inputs": {
                 "start_frame": ["a", 0], "end_frame": ["b", 0], "prompt": "", "negative_prompt": "",
                 "cfg_scale": 0.5, "aspect_ratio": "16:9", "mode": "pro mode / 5s duration / kling-v1-6"}},
             "2": {"class_type": "KlingVideoExtendNode", "inputs": {
                 "prompt": "keep going", "negative_prompt": "", "cfg_scale": 0.5, "video_id": ["1", 1]}},
             **previews("2", 2)}
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    first = json_body(kling.creates("image2video")[0])
    assert (first["model_name"], first["mode"], first["duration"]) == ("kling-v1-6", "pro", "5")
    assert "image_tail" in first
    extend = json_body(kling.creates("video-extend")[0])
    assert extend["video_id"] in kling.video_ids() and extend["prompt"] == "keep going"


async def test_lip_sync_with_text_uses_the_kling_video_id_and_voice(krt: Runtime, kling: KlingFake):
    graph = {"1": t2v(), "2": {"class_type": "KlingLipSyncTextToVideoNode", "inputs": {
        "video": ["1", 0], "text": "Hello there", "voice": "Melody", "voice_speed": 1.2}}, **previews("2", 1)}
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    given = json_body(kling.creates("lip-sync")[0])["input"]
    assert given["video_id"] in kling.video_ids()
    assert {k: given[k] for k in ("mode", "text", "voice_id", "voice_language", "voice_speed")} == {
        "mode": "text2video", "text": "Hello there", "voice_id": "girlfriend_4_speech02", "voice_language": "en",
        "voice_speed": 1.2}


async def test_lip_sync_with_audio_sends_the_audio_inline(krt: Runtime, kling: KlingFake):
    graph = {"1": t2v(), "tone": {"class_type": "TestTone", "inputs": {"seconds": 2}},
             "2": {"class_type": "KlingLipSyncAudioToVideoNode", "inputs": {
                 "video": ["1", 0], "audio": ["tone", 0], "voice_language": "en"}}, **previews("2", 1)}
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    given = json_body(kling.creates("lip-sync")[0])["input"]
    assert (given["mode"], given["audio_type"]) == ("audio2video", "file") and len(given["audio_file"]) > 1000


async def test_effects_try_on_and_avatar(krt: Runtime, kling: KlingFake):
    graph = {"a": image_node(400, 400), "b": image_node(400, 400, 0x00FF00),
             "tone": {"class_type": "TestTone", "inputs": {"seconds": 2}},
             "fx": {"class_type": "KlingDualCharacterVideoEffectNode", "inputs": {
                 "image_left": ["a", 0], "image_right": ["b", 0], "effect_scene": "hug", "model_name": "kling-v1-6",
                 "mode": "std", "duration": "5"}},
             "try": {"class_type": "KlingVirtualTryOnNode", "inputs": {
                 "human_image": ["a", 0], "cloth_image": ["b", 0], "model_name": "kolors-virtual-try-on-v1"}},
             "ava": {"class_type": "KlingAvatarNode", "inputs": {
                 "image": ["a", 0], "sound_file": ["tone", 0], "mode": "std", "seed": 0}},
             "save": {"class_type": "SaveImage", "inputs": {"images": ["try", 0], "filename_prefix": "t"}},
             **previews("fx", 2), **previews("ava", 1)}
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    effect = json_body(kling.creates("effects")[0])
    assert effect["effect_scene"] == "hug" and len(effect["input"]["images"]) == 2
    assert record.outputs["fxp1"]["text"][0] == "5"
    assert len(record.outputs["save"]["images"]) == 1
    assert json_body(kling.creates("avatar")[0])["mode"] == "std"


async def test_lip_sync_of_a_video_kling_did_not_make_is_refused(krt: Runtime, kling: KlingFake):
    graph = {"1": {"class_type": "KlingTextToVideo", "inputs": {"prompt": "a fox"}},
             "2": {"class_type": "KlingLipSyncTextToVideoNode", "inputs": {
                 "video": ["1", 0], "text": "hi", "voice": "Melody"}}, **previews("2", 1)}
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.ERROR and kling.creates("lip-sync") == []
    assert "Kling lip-syncs only a video it made" in record.error["exception_message"]


def try_on_graph() -> dict[str, Any]:
    return {"a": image_node(400, 400), "b": image_node(400, 400, 0x00FF00),
            "try": {"class_type": "KlingVirtualTryOnNode", "inputs": {
                "human_image": ["a", 0], "cloth_image": ["b", 0], "model_name": "kolors-virtual-try-on-v1-5"}},
            "save": {"class_type": "SaveImage", "inputs": {"images": ["try", 0], "filename_prefix": "t"}}}


async def test_a_failed_try_on_names_kling_s_reason(krt: Runtime, kling: KlingFake):
    kling.fail_reason = "the garment could not be recognised"
    record = await run_graph(krt, try_on_graph())
    assert record.status == JobStatus.ERROR and record.error["node_type"] == "KlingVirtualTryOnNode"
    assert "the garment could not be recognised" in record.error["exception_message"]


async def test_a_rate_limited_effect_is_retried_and_created_once(krt: Runtime, kling: KlingFake):
    kling.rate_limit_next()
    graph = {"a": image_node(400, 400), "1": {"class_type": "KlingSingleImageVideoEffectNode", "inputs": {
        "image": ["a", 0], "effect_scene": "squish", "model_name": "kling-v1-6", "duration": "5"}}, **previews("1", 1)}
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(kling.creates("effects")) == 2 and len(kling.tasks) == 1


async def test_cancel_while_a_try_on_is_polled(krt: Runtime, kling: KlingFake):
    from tests.providers.kling.conftest import cancel_mid_poll
    await cancel_mid_poll(krt, kling, try_on_graph())


async def test_missing_keys_refuse_the_legacy_nodes_at_validation(prt: Runtime, kling: KlingFake):
    from tests.providers.conftest import configure
    configure(prt, "kling", kling.url)
    sub = await prt.jobs.submit(try_on_graph())
    assert not sub.accepted and sub.node_errors["try"]["errors"][0]["type"] == "missing_credentials"
    assert kling.requests == []
