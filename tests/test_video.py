"""VIDEO values: encoding frames (with audio) to MP4, probing, decoding frames and
audio on demand, trimming, saving with metadata, and refusing what is not a video."""
from __future__ import annotations

import numpy as np
import pytest

from keroro_graph.api import Video, VideoError, make_audio, video


def ramp(frames: int = 12, height: int = 33, width: int = 45) -> np.ndarray:
    images = np.zeros((frames, height, width, 3), dtype=np.float32)
    for index in range(frames):
        images[index, ..., 0] = index / (frames - 1)
        images[index, ..., 2] = 0.5
    return images


def tone(seconds: float, rate: int = 22050) -> dict:
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    return make_audio(np.stack([np.sin(2 * np.pi * 440 * t), 0.5 * np.sin(2 * np.pi * 220 * t)]), rate)


def test_frames_and_audio_round_trip_through_an_mp4(tmp_path):
    path = video.encode_video(tmp_path / "a.mp4", ramp(), fps=12, audio=tone(1.0), metadata={"prompt": {"1": {}}})
    clip = Video.open(path)
    # odd sizes are padded to even ones for H.264
    assert (clip.width, clip.height, clip.fps, clip.frame_count) == (46, 34, 12.0, 12)
    assert clip.duration_s == pytest.approx(1.0, abs=0.01) and clip.has_audio and clip.codec == "h264"
    assert clip.metadata["prompt"] == '{"1": {}}'
    parts = clip.components()
    assert parts.images.shape == (12, 34, 46, 3) and parts.images.dtype == np.float32
    # the red ramp survives lossy coding
    reds = parts.images[:, 10, 10, 0]
    assert np.all(np.diff(reds) > 0) and reds[0] < 0.1 and reds[-1] > 0.9
    waveform, rate = parts.audio["waveform"], parts.audio["sample_rate"]
    assert waveform.shape[:2] == (1, 2) and rate == 22050 and waveform.shape[2] >= 22050
    assert parts.fps == 12.0 and parts.bit_depth == 8


def test_trim_window_applies_to_frames_audio_and_saving(tmp_path):
    clip = Video.open(video.encode_video(tmp_path / "a.mp4", ramp(24), fps=12, audio=tone(2.0)))
    part = clip.trimmed(0.5, 0.5)
    assert part.duration_s == pytest.approx(0.5) and part.frames().shape[0] == 6
    assert part.audio()["waveform"].shape[2] == 11025
    tail = clip.trimmed(-0.25, 0)
    assert tail.frames().shape[0] == 3
    saved = Video.open(part.save_to(tmp_path / "cut.mp4", metadata={"workflow": {"v": 1}}))
    assert saved.frame_count == 6 and saved.metadata["workflow"] == '{"v": 1}' and saved.has_audio
    with pytest.raises(VideoError, match="past the end"):
        clip.trimmed(5.0, 0)
    with pytest.raises(VideoError, match="only 1.000 s left"):
        clip.trimmed(1.0, 3.0, strict=True)
    assert clip.trimmed(1.0, 3.0).duration_s == pytest.approx(1.0)


def test_untrimmed_h264_is_copied_not_reencoded(tmp_path):
    source = video.encode_video(tmp_path / "a.mp4", ramp(), fps=12)
    copy = Video.open(source).save_to(tmp_path / "b.mp4")
    assert copy.read_bytes() == source.read_bytes()
    remuxed = Video.open(Video.open(source).save_to(tmp_path / "c.mp4", metadata={"prompt": "{}"}))
    assert remuxed.frame_count == 12 and remuxed.metadata["prompt"] == "{}"


def test_what_is_not_a_video_is_refused_by_name(tmp_path):
    junk = tmp_path / "clip.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"garbage" * 50)
    with pytest.raises(VideoError, match="clip.mp4 is not a decodable video"):
        Video.open(junk)
    with pytest.raises(VideoError, match="IMAGE batch"):
        video.encode_video(tmp_path / "x.mp4", np.zeros((0, 4, 4, 3), np.float32), fps=1)


def test_decoding_is_capped_before_frames_are_read(tmp_path, monkeypatch):
    clip = Video.open(video.encode_video(tmp_path / "a.mp4", ramp(), fps=12))
    monkeypatch.setattr(video, "MAX_DECODED_BYTES", 1000)
    with pytest.raises(VideoError, match="above the limit"):
        clip.frames()
