"""ComfyUI's Gemini partner nodes (GeminiImage2Node, GeminiNanoBanana2V2, GeminiNode,
GeminiInputFiles, ...) run from API prompts shaped exactly as ComfyUI's frontend
writes them (dotted dynamic inputs included), against the fake Gemini API on the
user's own key: the request each one sends, the outputs, provider errors, retries,
cancellation and a missing key."""
from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.gemini import GeminiFake, rpc_error
from tests.providers.conftest import configure
from tests.providers.gemini.conftest import kind, saved_images, source, text_of

CALL = "/v1beta/models/"
SYSTEM = "You are an expert image-generation engine."


def image2_graph(**inputs: Any) -> dict[str, Any]:
    """The shape of ComfyUI's api_from_photo_2_miniature template."""
    node = {"prompt": "An orthographic blueprint of this building.", "model": "gemini-3-pro-image-preview",
            "seed": 42, "aspect_ratio": "16:9", "resolution": "1K", "response_modalities": "IMAGE",
            "system_prompt": SYSTEM, "images": ["src", 0], **inputs}
    return {"src": source(320, 240), "1": {"class_type": "GeminiImage2Node", "inputs": node},
            "save": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "g"}},
            "text": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}


def banana_v2_graph(**inputs: Any) -> dict[str, Any]:
    """The shape of ComfyUI's api_google_nano_banana2_image_edit template."""
    node = {"prompt": "Put him on a beach.", "model": "Nano Banana 2 (Gemini 3.1 Flash Image)",
            "model.aspect_ratio": "auto", "model.resolution": "2K", "model.thinking_level": "MINIMAL",
            "seed": 191918952969076, "response_modalities": "IMAGE", "system_prompt": SYSTEM,
            "temperature": 1, "top_p": 0.95, "model.images.image_1": ["a", 0], "model.images.image_2": ["b", 0],
            **inputs}
    return {"a": source(300, 200), "b": source(200, 300, color=0xFF0000),
            "1": {"class_type": "GeminiNanoBanana2V2", "inputs": node},
            "save": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "g"}},
            "thought": {"class_type": "SaveImage", "inputs": {"images": ["1", 2], "filename_prefix": "t"}},
            "text": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}


async def test_image2_sends_comfyuis_request_and_returns_the_image(grt: Runtime, gemini: GeminiFake):
    record = await run_graph(grt, image2_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    [seen] = gemini.seen(CALL)
    assert seen.path == "/v1beta/models/gemini-3-pro-image-preview:generateContent"
    body = json_body(seen)
    parts = body["contents"][0]["parts"]
    assert parts[0] == {"text": "An orthographic blueprint of this building."}
    assert [p["inlineData"]["mimeType"] for p in parts[1:]] == ["image/png"]
    assert body["systemInstruction"] == {"parts": [{"text": SYSTEM}]}
    # The seed only drives caching in ComfyUI: it is never sent (it may exceed Gemini's int32).
    assert body["generationConfig"] == {"responseModalities": ["IMAGE"],
                                        "imageConfig": {"aspectRatio": "16:9", "imageSize": "1K"}}
    [pixels] = saved_images(grt, record)
    assert pixels.shape == (24, 43, 3) and tuple(pixels[3, 3]) == gemini.colour
    assert text_of(record) == "Here is your image."


async def test_nano_banana2_v2_reads_the_dotted_dynamic_inputs(grt: Runtime, gemini: GeminiFake):
    gemini.thought_colour = (250, 10, 10)
    record = await run_graph(grt, banana_v2_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    [seen] = gemini.seen(CALL)
    assert seen.path == "/v1beta/models/gemini-3.1-flash-image-preview:generateContent"
    body = json_body(seen)
    assert len(body["contents"][0]["parts"]) == 3  # the prompt and both images, in order
    assert body["generationConfig"] == {"responseModalities": ["IMAGE"], "imageConfig": {"imageSize": "2K"},
                                        "thinkingConfig": {"thinkingLevel": "MINIMAL"},
                                        "temperature": 1.0, "topP": 0.95}
    [answer] = saved_images(grt, record)
    assert tuple(answer[0, 0]) == gemini.colour
    [draft] = saved_images(grt, record, "thought")
    assert tuple(draft[0, 0]) == (250, 10, 10)


async def test_nano_banana_21_is_google_s_model_with_its_medium_thinking_level(grt: Runtime, gemini: GeminiFake):
    """A newer option ComfyUI's own templates choose (api_nano_banana_2_1_*): Nano Banana 2's
    inputs, plus the MEDIUM thinking level, sent to gemini-nano-banana-2.1."""
    record = await run_graph(grt, banana_v2_graph(**{"model": "Gemini Nano Banana 2.1", "model.aspect_ratio": "4:1",
                                                     "model.thinking_level": "MEDIUM"}))
    assert record.status == JobStatus.SUCCESS, record.error
    [seen] = gemini.seen(CALL)
    assert seen.path == "/v1beta/models/gemini-nano-banana-2.1:generateContent"
    assert json_body(seen)["generationConfig"]["thinkingConfig"] == {"thinkingLevel": "MEDIUM"}
    sub = await grt.jobs.submit(banana_v2_graph(**{"model.thinking_level": "MEDIUM"}))  # not Nano Banana 2's
    assert not sub.accepted and sub.node_errors["1"]["errors"][0]["extra_info"]["input_name"] == "model.thinking_level"


async def test_a_dynamic_input_left_out_takes_its_default(grt: Runtime, gemini: GeminiFake):
    graph = banana_v2_graph()
    del graph["1"]["inputs"]["model.resolution"], graph["1"]["inputs"]["model.images.image_2"]
    record = await run_graph(grt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(gemini.seen(CALL)[0])
    assert body["generationConfig"]["imageConfig"] == {"imageSize": "1K"}
    assert len(body["contents"][0]["parts"]) == 2


async def test_a_value_outside_the_declared_choices_is_refused_naming_the_input(grt: Runtime, gemini: GeminiFake):
    sub = await grt.jobs.submit(banana_v2_graph(**{"model.thinking_level": "EXTREME"}))
    assert not sub.accepted
    [error] = sub.node_errors["1"]["errors"]
    assert error["extra_info"]["input_name"] == "model.thinking_level"
    assert gemini.requests == []


async def test_gemini_node_sends_input_files_and_answers_text(grt: Runtime, gemini: GeminiFake):
    (grt.settings.paths.input / "brief.pdf").write_bytes(b"%PDF-1.4 a tiny brief")
    (grt.settings.paths.input / "notes.txt").write_text("two notes")
    graph = {
        "f1": {"class_type": "GeminiInputFiles", "inputs": {"file": "brief.pdf"}},
        "f2": {"class_type": "GeminiInputFiles", "inputs": {"file": "notes.txt", "GEMINI_INPUT_FILES": ["f1", 0]}},
        "1": {"class_type": "GeminiNode", "inputs": {"prompt": "Summarise", "model": "gemini-3-1-pro", "seed": 1,
                                                      "files": ["f2", 0], "images": ["src", 0]}},
        "src": source(64, 64),
        "text": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
    }
    record = await run_graph(grt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    [seen] = gemini.seen(CALL)
    assert seen.path == "/v1beta/models/gemini-3.1-pro-preview:generateContent"
    parts = json_body(seen)["contents"][0]["parts"]
    assert [p.get("inlineData", {}).get("mimeType") for p in parts] == [None, "image/png", "text/plain",
                                                                         "application/pdf"]
    assert base64.b64decode(parts[2]["inlineData"]["data"]) == b"two notes"
    assert text_of(record) == ("I see 1 image(s): 64x64. Files: text/plain (9 bytes), "
                               "application/pdf (21 bytes).")


async def test_an_input_file_outside_the_input_folder_is_refused(grt: Runtime, gemini: GeminiFake):
    graph = {"f": {"class_type": "GeminiInputFiles", "inputs": {"file": "../secrets.json"}},
             "1": {"class_type": "GeminiNode", "inputs": {"prompt": "x", "model": "gemini-2.5-flash", "seed": 1,
                                                           "files": ["f", 0]}},
             "text": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
    sub = await grt.jobs.submit(graph)
    assert not sub.accepted and sub.node_errors["f"]["errors"][0]["extra_info"]["input_name"] == "file"
    assert gemini.requests == []


async def test_a_bad_key_fails_once_as_an_auth_error(grt: Runtime, gemini: GeminiFake):
    gemini.key = "another-key"
    record = await run_graph(grt, image2_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "AuthError"
    assert record.error["node_type"] == "GeminiImage2Node"
    assert len(gemini.seen(CALL)) == 1


async def test_an_overloaded_model_is_retried(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(503, rpc_error(503, "UNAVAILABLE", "The model is overloaded."), path_prefix=CALL)
    record = await run_graph(grt, banana_v2_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(gemini.seen(CALL)) == 2


async def test_cancel_while_the_model_works_stops_at_once(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(200, {}, path_prefix=CALL, delay_s=2)
    sub = await grt.jobs.submit(image2_graph())
    await until(lambda: len(gemini.seen(CALL)) == 1)
    started = time.monotonic()
    await grt.jobs.cancel(sub.prompt_id)
    record = await grt.jobs.wait(sub.prompt_id, timeout_s=5)
    assert record.status == JobStatus.INTERRUPTED and time.monotonic() - started < 1.0
    await asyncio.sleep(0.2)
    assert len(gemini.seen(CALL)) == 1


async def test_a_missing_key_is_refused_at_validation_naming_where_to_set_it(prt: Runtime, gemini: GeminiFake):
    configure(prt, "gemini", gemini.base_url)
    sub = await prt.jobs.submit(banana_v2_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials"
    assert "Settings" in error["message"] and "KERORO_GEMINI_API_KEY" in error["message"]
    assert gemini.requests == []


async def test_gemini_node_v2_sends_audio_and_video_inline(grt: Runtime, gemini: GeminiFake):
    from tests.fakes.base import mp4_bytes
    (grt.settings.paths.input / "clip.mp4").write_bytes(mp4_bytes(64, 48, 8, 1.0))
    graph = {"tone": {"class_type": "TestTone", "inputs": {"seconds": 0.5}},
             "v": {"class_type": "LoadVideo", "inputs": {"file": "clip.mp4"}},
             "1": {"class_type": "GeminiNodeV2", "inputs": {
                 "prompt": "What do you hear and see?", "model": "Gemini 3.5 Flash", "model.thinking_level": "HIGH",
                 "model.audio.audio_1": ["tone", 0], "model.video.video_1": ["v", 0], "seed": 5}},
             "text": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
    record = await run_graph(grt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    [seen] = gemini.seen(CALL)
    assert seen.path == "/v1beta/models/gemini-3.5-flash:generateContent"
    body = json_body(seen)
    kinds = [p["inlineData"]["mimeType"] for p in body["contents"][0]["parts"][1:]]
    assert kinds == ["video/mp4", "audio/wav"]
    video = base64.b64decode(body["contents"][0]["parts"][1]["inlineData"]["data"])
    assert video == (grt.settings.paths.input / "clip.mp4").read_bytes()
    assert body["generationConfig"]["thinkingConfig"] == {"thinkingLevel": "HIGH"}
    assert "audio/wav" in text_of(record) and "video/mp4" in text_of(record)
