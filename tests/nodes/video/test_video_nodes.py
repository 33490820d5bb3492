"""LoadVideo, CreateVideo, GetVideoComponents, Video Slice and SaveVideo on real
files: frames in, an MP4 out, frames and sound back, trimmed, saved with ComfyUI's ui
shape and the workflow embedded; bad files refused naming the input."""
from __future__ import annotations

import json

import numpy as np
import pytest

from keroro_graph.api import Video, make_audio, video
from nodes.video.create_video import create_video
from nodes.video.get_video_components import get_video_components
from nodes.video.load_video import _validate, load_video
from nodes.video.save_video import save_video
from nodes.video.video_slice import video_slice


def frames(count: int = 10, height: int = 32, width: int = 48) -> np.ndarray:
    out = np.zeros((count, height, width, 3), np.float32)
    out[..., 1] = np.linspace(0, 1, count)[:, None, None]
    return out


def test_create_split_trim_and_save(ctx, paths):
    t = np.arange(16000, dtype=np.float32) / 16000
    sound = make_audio(np.sin(2 * np.pi * 440 * t)[None], 16000)
    clip = create_video(ctx, frames(), 10.0, sound, 8)
    assert isinstance(clip, Video) and clip.path.parent == paths.temp / "video"
    assert (clip.width, clip.height, clip.fps, clip.frame_count, clip.has_audio) == (48, 32, 10.0, 10, True)
    images, audio, fps, depth = get_video_components(clip)
    assert images.shape == (10, 32, 48, 3) and fps == 10.0 and depth == 8
    assert audio["sample_rate"] == 16000 and audio["waveform"].shape[:2] == (1, 1)
    part = video_slice(clip, 0.5, 0.3, False)
    assert get_video_components(part)[0].shape[0] == 3
    with pytest.raises(ValueError, match="Failed to slice video"):
        video_slice(clip, 0.5, 2.0, True)
    result = save_video(ctx, part, "clips/run", "auto", "auto")
    entry = result.ui["images"][0]
    assert result.ui["animated"] == [True] and entry == {"filename": "run_00001_.mp4", "subfolder": "clips", "type": "output"}
    saved = Video.open(paths.output / "clips" / "run_00001_.mp4")
    assert saved.frame_count == 3 and json.loads(saved.metadata["prompt"]) == ctx.prompt
    assert json.loads(saved.metadata["workflow"])["nodes"][0]["type"] == "SaveImage"
    assert result.values[0] is part


def test_load_video_reads_an_uploaded_file_and_refuses_junk(ctx, paths):
    video.encode_video(paths.input / "walk.mp4", frames(4), fps=4)
    clip = load_video(ctx, "walk.mp4")
    assert clip.frame_count == 4 and clip.path == paths.input / "walk.mp4"
    (paths.input / "junk.mp4").write_bytes(b"this is no video")
    with pytest.raises(ValueError, match="file 'junk.mp4'.*not a decodable video"):
        load_video(ctx, "junk.mp4")
    assert _validate(ctx, "missing.mp4") == "Invalid file file: missing.mp4"
    assert "inside" in _validate(ctx, "../escape.mp4") or "may not contain" in _validate(ctx, "../escape.mp4")
