"""Video and audio benchmarks (issue 10), on this machine's CPU with PyAV's bundled
FFmpeg:

- encoding a 5 s 720p video (150 frames at 30 fps, moving content so the encoder has
  work) from an IMAGE batch as H.264 (+ AAC sound), as CreateVideo does;
- probing it (Video.open: container facts only);
- decoding all its frames back into an IMAGE batch (GetVideoComponents), and its sound;
- a 2 s trim re-encoded (Video Slice -> SaveVideo) and an untrimmed copy with the
  workflow written into its tags (SaveVideo's remux).

Medians of 3 runs, wall and CPU time (all threads); the machine is shared, so wall
figures are noisy.

    .venv/bin/python bench/media_bench.py
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from keroro_graph.api import Video, make_audio, video  # noqa: E402

WIDTH, HEIGHT, FPS, SECONDS = 1280, 720, 30, 5
RUNS = 3


def frames() -> np.ndarray:
    """150 frames of a moving gradient with a bright square travelling across it."""
    count = FPS * SECONDS
    x = np.linspace(0, 1, WIDTH, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, HEIGHT, dtype=np.float32)[:, None]
    out = np.empty((count, HEIGHT, WIDTH, 3), np.float32)
    for i in range(count):
        phase = i / count
        out[i, ..., 0] = (x + phase) % 1.0
        out[i, ..., 1] = y
        out[i, ..., 2] = 0.5 + 0.5 * np.sin(2 * np.pi * (x + y + phase))
        left = int(phase * (WIDTH - 160))
        out[i, 280:440, left:left + 160] = 1.0
    return out


def timed(action: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    """((wall s, CPU s of this process, all threads), value) of the median run by wall
    time. With the machine shared, CPU time says more about the work than wall time."""
    results = []
    for _ in range(RUNS):
        started, cpu = time.perf_counter(), time.process_time()
        value = action()
        results.append(((time.perf_counter() - started, time.process_time() - cpu), value))
    results.sort(key=lambda item: item[0][0])
    return results[len(results) // 2]


def main() -> None:
    images = frames()
    t = np.arange(SECONDS * 48000, dtype=np.float32) / 48000
    sound = make_audio(np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 330 * t)]), 48000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = []
        seconds, path = timed(lambda: video.encode_video(folder / "clip.mp4", images, fps=FPS, audio=sound))
        rows.append((f"encode {images.shape[0]} frames {WIDTH}x{HEIGHT} + stereo AAC -> H.264 MP4 "
                     f"({path.stat().st_size / 1e6:.1f} MB)", seconds))
        seconds, clip = timed(lambda: Video.open(path))
        rows.append((f"probe (Video.open: {clip.width}x{clip.height}, {clip.frame_count} frames, "
                     f"{clip.duration_s} s)", seconds))
        seconds, decoded = timed(clip.frames)
        rows.append((f"decode all frames to IMAGE {list(decoded.shape)} "
                     f"({decoded.nbytes / 2 ** 30:.2f} GiB float32)", seconds))
        del decoded
        seconds, _ = timed(clip.audio)
        rows.append(("decode the sound to AUDIO", seconds))
        seconds, _ = timed(lambda: clip.trimmed(1.0, 2.0).save_to(folder / "cut.mp4"))
        rows.append(("trim 2 s and re-encode (Video Slice -> SaveVideo)", seconds))
        seconds, _ = timed(lambda: clip.save_to(folder / "copy.mp4", metadata={"workflow": {"nodes": []}}))
        rows.append(("save untrimmed with workflow tags (remux, no re-encode)", seconds))
    print(f"media bench, {WIDTH}x{HEIGHT} {FPS} fps {SECONDS} s, median of {RUNS} (wall ms / CPU ms)")
    for label, (wall, cpu) in rows:
        print(f"  {label:90s} {wall * 1000:9.1f} {cpu * 1000:9.1f}")


if __name__ == "__main__":
    main()
