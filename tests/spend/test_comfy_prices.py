"""ComfyUI's provider nodes (custom_nodes/*/comfy/) are priced from the same tables as
ours: POST /api/prompt/estimate for a Kling or Gemini node of ComfyUI's set equals the
table row its inputs name (read from GET /api/spend/prices, the tables in use), times
its multipliers, exactly; a combination without a row is "unknown" (amount null, never
0) and says which inputs it could not price."""
from __future__ import annotations

import asyncio
from decimal import Decimal

import numpy as np
import pytest
from PIL import Image

from keroro_graph.server.keys import RUNTIME


@pytest.fixture
async def priced(api):
    client, _ = api
    await client.put("/api/providers/gemini/secrets", json={"api_key": "AIza-fake-key-for-estimates-0123456789"})
    tables = await (await client.get("/api/spend/prices")).json()
    return client, tables


async def _estimate(client, node: dict) -> dict:
    graph = {"n": node, "out": {"class_type": "PreviewAny", "inputs": {"source": ["n", 0]}}}
    answer = await client.post("/api/prompt/estimate", json={"prompt": graph})
    body = await answer.json()
    assert answer.status == 200, body
    return body["nodes"]["n"]


def _load_image(client, name: str) -> dict:
    """A LoadImage node reading a 400×400 picture written into input/ as ``name``."""
    Image.fromarray(np.full((400, 400, 3), 90, np.uint8)).save(client.app[RUNTIME].settings.paths.input / name)
    return {"class_type": "LoadImage", "inputs": {"image": name}}


def _row(tables: dict, table: str, key: str) -> Decimal:
    return Decimal(str(tables[table]["rows"][key]))


async def test_kling_mode_combo_nodes_price_their_row(priced):
    client, tables = priced
    cost = await _estimate(client, {"class_type": "KlingTextToVideoNode", "inputs": {
        "prompt": "a fox", "negative_prompt": "", "cfg_scale": 0.5, "aspect_ratio": "16:9",
        "mode": "pro mode / 10s duration / kling-v2-5-turbo"}})
    assert Decimal(str(cost["amount"])) == _row(tables, "kling", "kling-v2-5-turbo/pro/10")
    assert cost["currency"] == tables["kling"]["currency"] and "kling-v2-5-turbo/pro/10" in cost["basis"]
    unknown = await _estimate(client, {"class_type": "KlingTextToVideoNode", "inputs": {
        "prompt": "a fox", "negative_prompt": "", "cfg_scale": 0.5, "aspect_ratio": "16:9",
        "mode": "pro mode / 5s duration / kling-v2-1-master"}})
    assert unknown["amount"] is None and "kling-v2-1-master/pro/5" in unknown["basis"]


async def test_kling_model_name_nodes_price_their_row_and_audio_stays_unknown(priced):
    client, tables = priced
    graph = {"img": _load_image(client, "frame.png"),
             "n": {"class_type": "KlingImage2VideoNode", "inputs": {
                 "start_frame": ["img", 0], "prompt": "a fox", "negative_prompt": "", "cfg_scale": 0.5,
                 "aspect_ratio": "16:9", "model_name": "kling-v2-5-turbo", "mode": "std", "duration": "5"}},
             "out": {"class_type": "PreviewAny", "inputs": {"source": ["n", 0]}}}
    body = await (await client.post("/api/prompt/estimate", json={"prompt": graph})).json()
    assert Decimal(str(body["nodes"]["n"]["amount"])) == _row(tables, "kling", "kling-v2-5-turbo/std/5")
    sound = {"prompt": "a fox", "aspect_ratio": "16:9", "model_name": "kling-v2-6", "mode": "pro", "duration": 5}
    on = await _estimate(client, {"class_type": "KlingTextToVideoWithAudio", "inputs": {**sound, "generate_audio": True}})
    assert on["amount"] is None and "generate_audio=True" in on["basis"]
    off = await _estimate(client, {"class_type": "KlingTextToVideoWithAudio", "inputs": {**sound, "generate_audio": False}})
    assert off["amount"] is None and "kling-v2-6/pro/5" in off["basis"], "no kling-v2-6 row: unknown, never 0"


@pytest.mark.parametrize("node, row", [
    ({"class_type": "GeminiImage2Node", "inputs": {"prompt": "a mug", "model": "gemini-3-pro-image-preview",
                                                    "resolution": "4K", "aspect_ratio": "1:1",
                                                    "response_modalities": "IMAGE", "seed": 1}},
     "gemini-3-pro-image-preview/4K"),
    ({"class_type": "GeminiImage2Node", "inputs": {"prompt": "a mug", "model": "gemini-3-pro-image-preview",
                                                    "resolution": "2K", "aspect_ratio": "1:1",
                                                    "response_modalities": "IMAGE+TEXT", "seed": 1}},
     "gemini-3-pro-image-preview/*"),
    ({"class_type": "GeminiNanoBanana2", "inputs": {"prompt": "a mug", "model": "Nano Banana 2 (Gemini 3.1 Flash Image)",
                                                     "resolution": "1K", "aspect_ratio": "1:1", "thinking_level": "MINIMAL",
                                                     "response_modalities": "IMAGE", "seed": 1}},
     "gemini-3.1-flash-image-preview/1K"),
    ({"class_type": "GeminiImageNode", "inputs": {"prompt": "a mug", "model": "gemini-2.5-flash-image", "seed": 1}},
     "gemini-2.5-flash-image/*"),
])
async def test_gemini_image_nodes_price_one_image(priced, node, row):
    client, tables = priced
    cost = await _estimate(client, node)
    assert Decimal(str(cost["amount"])) == _row(tables, "gemini", row) and cost["currency"] == "USD"


async def test_gemini_text_node_prices_tokens_and_unpriced_sizes_stay_unknown(priced):
    client, tables = priced
    prompt = "describe this product photo in one line"
    cost = await _estimate(client, {"class_type": "GeminiNode", "inputs": {
        "prompt": prompt, "model": "gemini-2.5-flash", "seed": 1}})
    row = tables["gemini"]["rows"]["gemini-2.5-flash"]
    expected = (Decimal(str(row["input_per_1m"])) * len(prompt) + Decimal(str(row["output_per_1m"])) * 4096) / 1_000_000
    assert Decimal(str(cost["amount"])) == expected
    pro = await _estimate(client, {"class_type": "GeminiNode", "inputs": {"prompt": prompt, "model": "gemini-2.5-pro", "seed": 1}})
    assert pro["amount"] is None and "gemini-2.5-pro" in pro["basis"]
    big = await _estimate(client, {"class_type": "GeminiNanoBanana2", "inputs": {
        "prompt": "a mug", "model": "Nano Banana 2 (Gemini 3.1 Flash Image)", "resolution": "4K",
        "aspect_ratio": "1:1", "thinking_level": "MINIMAL", "response_modalities": "IMAGE", "seed": 1}})
    assert big["amount"] is None and "4K" in big["basis"]


async def test_kling_omni_image_prices_each_image_of_its_resolution(priced):
    client, tables = priced

    def omni(model: str, resolution: str, series: str) -> dict:
        return {"class_type": "KlingOmniProImageNode", "inputs": {
            "prompt": "a mug", "model_name": model, "resolution": resolution, "aspect_ratio": "1:1",
            "series_amount": series}}
    four_k = await _estimate(client, omni("kling-v3-omni", "4K", "3"))
    assert Decimal(str(four_k["amount"])) == _row(tables, "kling", "kling-v3-omni/4K") * 3
    two_k = await _estimate(client, omni("kling-v3-omni", "2K", "disabled"))
    assert Decimal(str(two_k["amount"])) == _row(tables, "kling", "kling-v3-omni/*")
    o1 = await _estimate(client, omni("kling-image-o1", "1K", "disabled"))
    assert Decimal(str(o1["amount"])) == _row(tables, "kling", "kling-image-o1/*")
    series = await _estimate(client, omni("kling-image-o1", "1K", "4"))
    assert series["amount"] is None, "O1 is listed per run; a series is not confirmed: unknown, never 0"


async def test_qwen_vision_prices_tokens_from_the_qwen_table(priced):
    client, tables = priced
    await client.put("/api/providers/dashscope/secrets", json={"api_key": "sk-fake-dashscope-0123456789abcdef"})
    prompt, system = "what is on the label?", "answer briefly"
    cost = await _estimate(client, {"class_type": "QwenVision", "inputs": {
        "prompt": prompt, "model": "qwen-vl-max", "system_prompt": system, "temperature": 0.7,
        "max_tokens": 300, "region": "default"}})
    row = tables["qwen"]["rows"]["qwen-vl-max"]
    expected = (Decimal(str(row["input_per_1m"])) * (len(prompt) + len(system))
                + Decimal(str(row["output_per_1m"])) * 300) / 1_000_000
    assert Decimal(str(cost["amount"])) == expected and cost["currency"] == "CNY"
    ocr = await _estimate(client, {"class_type": "QwenVision", "inputs": {
        "prompt": prompt, "model": "qwen-vl-ocr", "system_prompt": "", "temperature": 0.7,
        "max_tokens": 0, "region": "default"}})
    assert ocr["amount"] is None and "qwen-vl-ocr" in ocr["basis"]


async def test_kling_image_generation_is_unknown_with_a_reference_image(priced):
    client, tables = priced
    text_only = {"prompt": "a mug", "negative_prompt": "", "model_name": "kling-v2", "n": 3,
                 "aspect_ratio": "1:1", "image_type": "subject", "image_fidelity": 0.5, "human_fidelity": 0.45}
    cost = await _estimate(client, {"class_type": "KlingImageGenerationNode", "inputs": text_only})
    assert Decimal(str(cost["amount"])) == _row(tables, "kling", "kling-v2") * 3
    graph = {"img": _load_image(client, "ref.png"),
             "n": {"class_type": "KlingImageGenerationNode", "inputs": {**text_only, "image": ["img", 0]}},
             "out": {"class_type": "PreviewAny", "inputs": {"source": ["n", 0]}}}
    body = await (await client.post("/api/prompt/estimate", json={"prompt": graph})).json()
    assert body["nodes"]["n"]["amount"] is None and "image given" in body["nodes"]["n"]["basis"]
    native = {"img": graph["img"],
              "n": {"class_type": "KlingImageGeneration", "inputs": {
                  "prompt": "a mug", "negative_prompt": "", "model": "kling-v1-5", "resolution": "1k",
                  "aspect_ratio": "1:1", "n": 2, "reference_image": ["img", 0]}},
              "out": graph["out"]}
    body = await (await client.post("/api/prompt/estimate", json={"prompt": native})).json()
    assert body["nodes"]["n"]["amount"] is None, "the native node with a reference is unknown too, never the t2i rate"


async def test_the_ledger_prices_a_run_with_a_reference_as_unknown(priced):
    client, _ = priced
    graph = {"img": _load_image(client, "ref2.png"),
             "n": {"class_type": "KlingImageGeneration", "inputs": {
                 "prompt": "a mug", "negative_prompt": "", "model": "kling-v1-5", "resolution": "1k",
                 "aspect_ratio": "1:1", "n": 1, "reference_image": ["img", 0], "image_reference": "subject"}},
             "out": {"class_type": "PreviewImage", "inputs": {"images": ["n", 0]}}}
    job_id = (await (await client.post("/prompt", json={"prompt": graph})).json())["prompt_id"]
    for _ in range(400):
        job = await (await client.get(f"/api/runs/{job_id}")).json()
        if job["status"] not in ("queued", "running"):
            break
        await asyncio.sleep(0.05)
    assert job["status"] == "success", job["error"]
    runtime = client.app[RUNTIME]
    await runtime.spend.flush()
    [call] = runtime.spend.ledger.calls()
    assert call["amount"] is None and "reference_image given" in call["basis"] and call["status"] == "succeeded"
