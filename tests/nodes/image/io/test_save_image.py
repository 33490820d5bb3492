from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from keroro_graph.api import ExecutionInterruptedError
from keroro_graph.engine.context import CancelToken
from nodes.image.io.preview_image import preview_image
from nodes.image.io.save_image import save_image

PROMPT = {"5": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["3", 0]}},
          "3": {"class_type": "EmptyImage", "inputs": {"width": 4, "height": 2, "text": "红色"}}}
WORKFLOW = {"nodes": [{"id": 5, "type": "SaveImage"}], "links": [], "version": 0.4}


def two_frames():
    frames = np.zeros((2, 2, 4, 3), np.float32)
    frames[0, 0, 0] = (1.0, 0.5, 0.0)
    frames[1] = 0.25
    return frames


def test_each_frame_is_saved_with_comfyui_names_and_metadata(make_ctx, paths):
    ctx = make_ctx(prompt=PROMPT, extra_pnginfo={"workflow": WORKFLOW})
    result = save_image(ctx, two_frames(), "ComfyUI")
    assert result.ui == {"images": [
        {"filename": "ComfyUI_00001_.png", "subfolder": "", "type": "output"},
        {"filename": "ComfyUI_00002_.png", "subfolder": "", "type": "output"},
    ]}
    with Image.open(paths.output / "ComfyUI_00001_.png") as img:
        assert img.size == (4, 2)
        assert json.loads(img.text["prompt"]) == PROMPT
        assert json.loads(img.text["workflow"]) == WORKFLOW
        assert tuple(np.asarray(img.convert("RGB"))[0, 0]) == (255, 127, 0)
    with Image.open(paths.output / "ComfyUI_00002_.png") as img:
        assert tuple(np.asarray(img.convert("RGB"))[1, 3]) == (63, 63, 63)


def test_counter_continues_after_the_highest_existing_file(ctx, paths):
    for name in ("ComfyUI_00003_.png", "ComfyUI_00007_.png", "Other_00050_.png", "ComfyUI_notes.txt"):
        (paths.output / name).write_bytes(b"")
    result = save_image(ctx, two_frames()[:1], "ComfyUI")
    assert result.ui["images"][0]["filename"] == "ComfyUI_00008_.png"
    assert (paths.output / "ComfyUI_00008_.png").is_file()


def test_concurrent_saves_with_one_prefix_never_overwrite(make_ctx, paths):
    frames = two_frames()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: save_image(make_ctx(), frames, "ComfyUI"), range(8)))
    names = [entry["filename"] for result in results for entry in result.ui["images"]]
    assert len(set(names)) == 16
    assert sorted(p.name for p in paths.output.iterdir()) == sorted(names)


def test_prefix_may_name_a_subfolder(ctx, paths):
    save_image(ctx, two_frames()[:1], "renders/shot")
    result = save_image(ctx, two_frames()[:1], "renders/shot")
    assert result.ui["images"] == [{"filename": "shot_00002_.png", "subfolder": "renders", "type": "output"}]
    assert (paths.output / "renders" / "shot_00001_.png").is_file()


def test_prefix_size_variables_are_expanded(ctx, paths):
    result = save_image(ctx, two_frames()[:1], "img_%width%x%height%")
    assert result.ui["images"][0]["filename"] == "img_4x2_00001_.png"


@pytest.mark.parametrize("prefix", ["../escape", "a/../../escape", "/tmp/escape", "..\\escape"])
def test_prefix_that_escapes_the_output_folder_is_refused(ctx, paths, prefix):
    with pytest.raises(ValueError, match="filename_prefix"):
        save_image(ctx, two_frames(), prefix)
    assert not list(paths.output.parent.glob("*escape*"))


def test_non_image_input_names_the_input(ctx):
    with pytest.raises(ValueError, match="images must be an IMAGE"):
        save_image(ctx, np.zeros((2, 2)), "x")


def test_a_cancelled_job_stops_before_writing(make_ctx, paths):
    token = CancelToken()
    token.cancel()
    with pytest.raises(ExecutionInterruptedError):
        save_image(make_ctx(token=token), two_frames(), "ComfyUI")
    assert not list(paths.output.iterdir())


def test_preview_goes_to_temp_with_a_random_prefix(make_ctx, paths):
    ctx = make_ctx("PreviewImage", prompt=PROMPT)
    result = preview_image(ctx, two_frames())
    entries = result.ui["images"]
    assert [e["type"] for e in entries] == ["temp", "temp"]
    assert entries[0]["filename"].startswith("ComfyUI_temp_") and entries[0]["filename"].endswith("_00001_.png")
    assert not list(paths.output.iterdir())
    with Image.open(paths.temp / entries[1]["filename"]) as img:
        assert json.loads(img.text["prompt"]) == PROMPT
