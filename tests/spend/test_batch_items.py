"""A batch's results per item, as galleries read them from GET /api/runs/{id}
(``items``) and from /history's ``execution_items`` status message: each saved image
is tied to the item that made it, items are labelled by their line or file name, an
item that failed is listed with its error, and a batch served from the cache keeps
its mapping. A run of one item has none."""
from __future__ import annotations

import asyncio

import numpy as np
from PIL import Image

from keroro_graph.server.keys import RUNTIME
from tests.spend.test_batches import batch_graph


async def _run(client, prompt: dict) -> dict:
    answer = await client.post("/prompt", json={"prompt": prompt})
    assert answer.status == 200, await answer.text()
    job_id = (await answer.json())["prompt_id"]
    for _ in range(600):
        job = await (await client.get(f"/api/runs/{job_id}")).json()
        if job["status"] not in ("queued", "running"):
            return job
        await asyncio.sleep(0.02)
    raise AssertionError("the batch did not finish")


async def test_each_result_is_tied_to_its_item_and_a_failed_item_keeps_its_error(api):
    client, _ = api
    text = "a red mug\na blue mug\n" + "x" * 2600 + "\na green mug\n"
    job = await _run(client, batch_graph(text))
    assert job["status"] == "success"
    items = job["items"]
    assert items["total"] == 4 and items["source"] == "lines"
    assert items["labels"][:2] == ["a red mug", "a blue mug"] and items["labels"][3] == "a green mug"
    assert items["labels"][2].startswith("xxxx") and len(items["labels"][2]) == 80
    saved = job["outputs"]["save"]["images"]
    assert items["outputs"]["save"]["images"] == [0, 1, 3] and len(saved) == 3
    [error] = items["errors"]
    assert error["item"] == 2 and error["node_id"] == "gen" and error["class_type"] == "KlingImageGeneration"
    assert "item 3 of 4" in error["message"] and "2500" in error["message"]
    history = (await (await client.get(f"/history/{job['id']}")).json())[job["id"]]
    kinds = [m[0] for m in history["status"]["messages"]]
    assert kinds == ["execution_start", "execution_cached", "execution_items", "execution_success"]


async def test_a_cached_batch_keeps_its_items_and_a_single_run_has_none(api):
    client, _ = api
    first = await _run(client, batch_graph("a fox\na cat\na jar\n"))
    again = await _run(client, batch_graph("a fox\na cat\na jar\n"))
    assert again["items"]["outputs"] == first["items"]["outputs"] == {"save": {"images": [0, 1, 2]}}
    assert again["items"]["labels"] == ["a fox", "a cat", "a jar"] and again["items"]["errors"] == []
    single = await _run(client, batch_graph("only one\n"))
    assert single["status"] == "success" and single["items"] is None


async def test_a_folder_batch_is_labelled_by_file_name(api):
    client, _ = api
    folder = client.app[RUNTIME].settings.paths.input / "shots"
    folder.mkdir(parents=True)
    for i in range(3):
        Image.fromarray(np.full((64, 64, 3), 60 * i, np.uint8)).save(folder / f"s{i}.png")
    graph = {"dir": {"class_type": "LoadImageFolder", "inputs": {"folder": "shots", "pattern": "*.png"}},
             "inv": {"class_type": "ImageInvert", "inputs": {"image": ["dir", 0]}},
             "save": {"class_type": "SaveImage", "inputs": {"images": ["inv", 0], "filename_prefix": "shots"}}}
    job = await _run(client, graph)
    assert job["status"] == "success", job["error"]
    assert job["items"]["labels"] == ["shots/s0.png", "shots/s1.png", "shots/s2.png"]
    assert job["items"]["outputs"]["save"]["images"] == [0, 1, 2]


async def test_running_a_batch_with_a_failed_item_again_retries_that_item_alone(api):
    client, fake = api
    graph = batch_graph("a red mug\n" + "x" * 2600 + "\na green mug\n")
    first = await _run(client, graph)
    paid = len(fake.creates())
    again = await _run(client, graph)
    assert [e["item"] for e in again["items"]["errors"]] == [1], "the failed item ran again (not served from cache)"
    assert again["items"]["outputs"]["save"]["images"] == first["items"]["outputs"]["save"]["images"] == [0, 2]
    assert len(fake.creates()) - paid <= 1, "the items that succeeded were not paid for again"
