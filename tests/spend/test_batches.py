"""Batches end to end against the Kling fake: lines of a text fan a graph out, one
item failing fails alone (named, the others finish and are kept), the estimate of a
batch is the sum over its items and counts stored items as 0; folders and CSVs
produce their items; empty batches are validation errors naming what is empty."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest
from PIL import Image

from keroro_graph.server.keys import RUNTIME
from tests.fakes.base import json_body

UNIT = 0.014  # kling-v2-1 image, per image, in the shipped table


def batch_graph(text: str) -> dict:
    return {"lines": {"class_type": "TextLines", "inputs": {"text": text}},
            "gen": {"class_type": "KlingImageGeneration",
                    "inputs": {"prompt": ["lines", 0], "negative_prompt": "", "model": "kling-v2-1",
                               "resolution": "1k", "aspect_ratio": "1:1", "n": 1}},
            "save": {"class_type": "SaveImage", "inputs": {"images": ["gen", 0], "filename_prefix": "batch"}}}




async def _history(client, prompt_id: str) -> dict:
    for _ in range(400):
        body = await (await client.get(f"/history/{prompt_id}")).json()
        if prompt_id in body:
            return body[prompt_id]
        await asyncio.sleep(0.05)
    raise AssertionError("the batch did not finish")


async def test_a_failed_item_fails_alone_and_a_rerun_pays_only_for_it(api):
    client, fake = api
    text = "a red mug\na blue mug\n\n" + "x" * 2600 + "\na green mug\na white mug\n"
    graph = batch_graph(text)
    estimate = await (await client.post("/api/prompt/estimate", json={"prompt": graph})).json()
    assert estimate["nodes"]["gen"]["calls"] == 5
    assert estimate["total"]["USD"] == pytest.approx(5 * UNIT)

    ws = await client.ws_connect("/ws?clientId=b")
    await ws.receive_json()
    prompt_id = (await (await client.post("/prompt", json={"prompt": graph, "client_id": "b"})).json())["prompt_id"]
    entry = await _history(client, prompt_id)
    item_errors = []
    while True:
        raw = await ws.receive(timeout=10)
        if raw.type.name != "TEXT":
            continue
        msg = raw.json()
        if msg["type"] == "execution_item_error":
            item_errors.append(msg["data"])
        if msg["type"] == "executing" and msg["data"]["node"] is None:
            break
    await ws.close()
    assert len(fake.creates()) == 4
    assert len(entry["outputs"]["save"]["images"]) == 4, "the other items finished and were kept"
    assert [e["item"] for e in item_errors] == [2] and "item 3 of 5 (xxxx" in item_errors[0]["exception_message"]
    assert "2500" in item_errors[0]["exception_message"]

    after = await (await client.post("/api/prompt/estimate", json={"prompt": graph})).json()
    assert after["nodes"]["gen"]["stored"] == 4 and after["total"]["USD"] == pytest.approx(UNIT)
    fixed = batch_graph(text.replace("x" * 2600, "a black mug"))
    again = (await (await client.post("/prompt", json={"prompt": fixed})).json())["prompt_id"]
    entry = await _history(client, again)
    assert len(fake.creates()) == 5, "only the changed item was paid for"
    assert len(entry["outputs"]["save"]["images"]) == 5


async def test_folder_and_csv_batches_fan_out(api, tmp_path):
    client, fake = api
    folder = client.app[RUNTIME].settings.paths.input / "products"
    folder.mkdir(parents=True)
    for i, size in enumerate([(400, 300), (320, 320), (300, 500)]):
        Image.fromarray(np.full((size[1], size[0], 3), 40 * i, np.uint8)).save(folder / f"p{i}.png")
    (folder / "notes.txt").write_text("not an image")
    graph = {"dir": {"class_type": "LoadImageFolder", "inputs": {"folder": "products", "pattern": "*.png"}},
             "csv": {"class_type": "CsvRows", "inputs": {"file": "", "columns": "prompt",
                                                          "text": "sku,prompt\n1,a mug\n2,a cup\n3,a jar\n"}},
             "gen": {"class_type": "KlingImageGeneration",
                     "inputs": {"prompt": ["csv", 0], "negative_prompt": "", "model": "kling-v2-1",
                                "resolution": "1k", "aspect_ratio": "1:1", "n": 2}},
             "save": {"class_type": "SaveImage", "inputs": {"images": ["gen", 0], "filename_prefix": "csv"}},
             "names": {"class_type": "PreviewAny", "inputs": {"source": ["dir", 1]}}}
    estimate = await (await client.post("/api/prompt/estimate", json={"prompt": graph})).json()
    assert estimate["nodes"]["gen"]["calls"] == 3 and estimate["total"]["USD"] == pytest.approx(3 * 2 * UNIT)
    prompt_id = (await (await client.post("/prompt", json={"prompt": graph})).json())["prompt_id"]
    entry = await _history(client, prompt_id)
    assert entry["status"]["status_str"] == "success"
    assert [json_body(c)["prompt"] for c in fake.creates()] == ["a mug", "a cup", "a jar"]
    assert entry["outputs"]["names"]["text"] == ["products/p0.png", "products/p1.png", "products/p2.png"]


@pytest.mark.parametrize("node, named", [
    ({"class_type": "TextLines", "inputs": {"text": " \n\n"}}, "empty"),
    ({"class_type": "LoadImageFolder", "inputs": {"folder": "nothing-here", "pattern": "*.png"}}, "does not exist"),
    ({"class_type": "LoadImageFolder", "inputs": {"folder": "../..", "pattern": "*"}}, "outside the input folder"),
    ({"class_type": "CsvRows", "inputs": {"file": "", "text": "a,b\n", "columns": "a"}}, "empty"),
    ({"class_type": "CsvRows", "inputs": {"file": "", "text": "a,b\n1,2\n", "columns": "c"}}, "not in the CSV header"),
])
async def test_empty_or_bad_batches_are_validation_errors(api, node, named):
    client, _ = api
    graph = {"b": node, "p": {"class_type": "PreviewAny", "inputs": {"source": ["b", 0]}}}
    response = await client.post("/prompt", json={"prompt": graph})
    body = await response.json()
    assert response.status == 400 and named in str(body["node_errors"]["b"])


async def test_each_item_of_a_video_batch_keeps_its_own_file(api):
    client, fake = api
    graph = {"lines": {"class_type": "TextLines", "inputs": {"text": "a fox\na cat\na mug\n"}},
             "vid": {"class_type": "KlingTextToVideo",
                     "inputs": {"prompt": ["lines", 0], "negative_prompt": "", "model": "kling-v2-5-turbo",
                                "mode": "std", "duration": "5", "aspect_ratio": "16:9", "cfg_scale": 0.5}},
             "ids": {"class_type": "PreviewAny", "inputs": {"source": ["vid", 1]}}}
    prompt_id = (await (await client.post("/prompt", json={"prompt": graph})).json())["prompt_id"]
    entry = await _history(client, prompt_id)
    videos = entry["outputs"]["vid"]["videos"]
    assert len(videos) == 3 and len({v["filename"] for v in videos}) == 3
    output = client.app[RUNTIME].settings.paths.output
    assert all((output / v["subfolder"] / v["filename"]).is_file() for v in videos)
