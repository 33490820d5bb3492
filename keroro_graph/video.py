"""VIDEO values: a video file on disk plus what its container says (size, frame rate,
duration, audio), with frames and audio decoded on demand by PyAV, an optional trim
window (ComfyUI's ``as_trimmed``), and encoding frames (and audio) into an H.264/AAC
MP4. Frames come out as IMAGE batches, audio as AUDIO values (``keroro_graph.audio``).

Decoding is capped (``MAX_DECODED_BYTES``) so a small file that claims hours of 4K
frames cannot claim unbounded memory. Values are immutable; nothing here knows the
engine or the server.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from . import audio as audio_mod
from .media import MediaError

#: Decoding frames refuses videos whose float32 frames would exceed this many bytes.
MAX_DECODED_BYTES = 6 * 1024 ** 3
#: Container formats we write, and what ComfyUI's SaveVideo offers.
CONTAINERS = ("auto", "mp4")
CODECS = ("auto", "h264")


class VideoError(MediaError):
    """A file that is not a decodable video, or a request it cannot satisfy."""


class VideoComponents(NamedTuple):
    images: np.ndarray
    audio: dict[str, Any] | None
    fps: float
    bit_depth: int


@dataclass(frozen=True, slots=True)
class Video:
    """A video on disk and what is known about it. ``start_s``/``limit_s`` trim it
    (``limit_s`` 0: to the end); the file itself is never changed."""

    path: Path
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    fps: float | None = None
    format: str | None = None
    frame_count: int | None = None
    has_audio: bool = False
    bit_depth: int = 8
    codec: str | None = None
    start_s: float = 0.0
    limit_s: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def open(cls, path: Path | str) -> "Video":
        """Probe ``path`` with PyAV; raises VideoError when it is not a decodable video."""
        return probe(Path(path))

    @property
    def is_trimmed(self) -> bool:
        return bool(self.start_s or self.limit_s)

    def trimmed(self, start_s: float, duration_s: float, *, strict: bool = False) -> "Video":
        """The same file seen from ``start_s`` (negative: from the end) for ``duration_s``
        seconds (0: to the end). Raises VideoError when the window is empty, or with
        ``strict`` when the video is shorter than asked."""
        total = self.duration_s or 0.0
        start = self.start_s + (max(total + start_s, 0.0) if start_s < 0 else start_s)
        end_of_source = self.start_s + total
        if start >= end_of_source:
            raise VideoError(f"cannot trim: start {start_s:g} s is past the end of this "
                             f"{total:.3f} s video")
        available = end_of_source - start
        if strict and duration_s and duration_s > available + 1e-6:
            raise VideoError(f"cannot trim {duration_s:g} s from {start_s:g} s: the video has only "
                             f"{available:.3f} s left there")
        length = min(duration_s, available) if duration_s else available
        frames = int(round(length * self.fps)) if self.fps else None
        return replace(self, start_s=start, limit_s=length if duration_s else 0.0, duration_s=length,
                       frame_count=frames)

    def frames(self) -> np.ndarray:
        """All frames of the trim window as an IMAGE batch ``[N, H, W, 3]`` float32."""
        self._check_decodable_size()
        with _opened(self.path) as container:
            return _decode_frames(container, container.streams.video[0], self.start_s, self.limit_s,
                                  expected=(self.frame_count or 0) + 2)

    def audio(self) -> dict[str, Any] | None:
        """The audio of the trim window as an AUDIO value, or None when there is none."""
        if not self.has_audio:
            return None
        with _opened(self.path) as container:
            stream = audio_mod.decodable_audio_stream(container)
            if stream is None:
                return None
            return audio_mod.decode_stream(container, stream, start_s=self.start_s, duration_s=self.limit_s)

    def components(self) -> VideoComponents:
        """Frames, audio, frame rate and bit depth (ComfyUI's ``get_components``)."""
        return VideoComponents(self.frames(), self.audio(), float(self.fps or 1.0), self.bit_depth)

    def save_to(self, dest: Path, *, metadata: dict[str, Any] | None = None) -> Path:
        """Write this video to ``dest`` as MP4: copied (metadata rewritten by remuxing)
        when it is untrimmed H.264 in MP4, re-encoded otherwise. Atomic."""
        partial = dest.with_name(dest.name + ".part")
        try:
            if not self.is_trimmed and self.codec == "h264" and self.format and "mp4" in self.format:
                if metadata:
                    _remux(self.path, partial, metadata)
                else:
                    shutil.copyfile(self.path, partial)
            else:
                parts = self.components()
                encode_video(partial, parts.images, fps=parts.fps, audio=parts.audio, metadata=metadata)
            partial.replace(dest)
        finally:
            partial.unlink(missing_ok=True)
        return dest

    def _check_decodable_size(self) -> None:
        frames = self.frame_count or int((self.duration_s or 0) * (self.fps or 0))
        need = frames * (self.width or 0) * (self.height or 0) * 3 * 4
        if need > MAX_DECODED_BYTES:
            raise VideoError(
                f"decoding {frames} frames of {self.width}x{self.height} needs {need / 1024 ** 3:.1f} GiB, "
                f"above the limit of {MAX_DECODED_BYTES / 1024 ** 3:.0f} GiB; trim it first (Video Slice)")


def probe(path: Path) -> Video:
    """A Video for ``path`` with its container facts; raises VideoError."""
    with _opened(path) as container:
        if not container.streams.video:
            raise VideoError(f"{path.name} has no video stream")
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else None
        duration = _duration_s(container, stream, fps)
        frames = int(stream.frames) if stream.frames else (int(round(duration * fps)) if fps and duration else None)
        return Video(path=path, width=stream.codec_context.width, height=stream.codec_context.height,
                     duration_s=round(duration, 3) if duration is not None else None,
                     fps=round(fps, 3) if fps else None, format=container.format.name.split(",")[0]
                     if "mp4" not in container.format.name else "mp4",
                     frame_count=frames, has_audio=audio_mod.decodable_audio_stream(container) is not None,
                     bit_depth=_bit_depth(stream), codec=stream.codec_context.name,
                     metadata=dict(container.metadata))


def probe_bytes(data: bytes, *, max_pixels: int | None = None) -> str:
    """``"video"`` or ``"audio"`` for the bytes of a media file PyAV can decode (an
    uploaded clip or recording); raises VideoError otherwise. Mostly headers are read:
    FFmpeg decodes a few frames to learn a stream's parameters, so ``max_pixels`` keeps
    it from decoding frames larger than that (a small file of 8192x8192 frames grew the
    process by ~150 MB while probed); the sizes still come from the container."""
    import io

    import av

    options = {"max_pixels": str(max_pixels)} if max_pixels else None
    try:
        with av.open(io.BytesIO(data), mode="r", options=options) as container:
            if container.streams.video and container.streams.video[0].codec_context is not None:
                return "video"
            if audio_mod.decodable_audio_stream(container) is not None:
                return "audio"
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise VideoError(f"not a decodable video or audio file: {exc}") from exc
    raise VideoError("the file has no decodable video or audio stream")


def encode_video(dest: Path, images: np.ndarray, *, fps: float, audio: dict[str, Any] | None = None,
                 metadata: dict[str, Any] | None = None, bit_depth: int = 8, crf: int = 19) -> Path:
    """Encode an IMAGE batch (and optional AUDIO) as H.264 (+AAC) MP4 at ``dest``.
    Odd sizes are padded by one pixel (H.264 4:2:0 needs even sizes)."""
    import av

    batch = np.asarray(images)
    if batch.ndim != 4 or batch.shape[0] == 0:
        raise VideoError(f"expected an IMAGE batch of at least one frame, got shape {batch.shape}")
    height, width = batch.shape[1] + batch.shape[1] % 2, batch.shape[2] + batch.shape[2] % 2
    try:
        with av.open(str(dest), mode="w", format="mp4", options={"movflags": "use_metadata_tags"}) as out:
            for key, value in (metadata or {}).items():
                out.metadata[key] = value if isinstance(value, str) else json.dumps(value)
            stream = out.add_stream("libx264", rate=Fraction(round(fps * 1000), 1000))
            stream.width, stream.height = width, height
            stream.pix_fmt = "yuv420p10le" if bit_depth == 10 else "yuv420p"
            stream.options = {"crf": str(crf), "preset": "veryfast"}
            stream.thread_type = "AUTO"
            sound = audio_mod.check_audio(audio) if audio is not None else None
            astream = out.add_stream("aac", rate=sound[1], layout="stereo" if sound[0].shape[1] > 1 else "mono") \
                if sound is not None else None
            for index in range(batch.shape[0]):
                frame = av.VideoFrame.from_ndarray(_rgb24(batch[index], height, width), format="rgb24")
                for packet in stream.encode(frame):
                    out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
            if astream is not None and sound is not None:
                limit = int(round(batch.shape[0] / fps * sound[1]))
                audio_mod.add_audio_frames(out, astream, sound[0][0][:2, :limit], sound[1])
    except av.error.FFmpegError as exc:
        raise VideoError(f"encoding the video failed: {exc}") from exc
    return dest


def _rgb24(frame: np.ndarray, height: int, width: int) -> np.ndarray:
    scaled = np.multiply(frame[..., :3], np.float32(255.0), dtype=np.float32)
    scaled += np.float32(0.5)
    pixels = np.clip(scaled, 0, 255, out=scaled).astype(np.uint8)
    if pixels.shape[2] == 1:
        pixels = np.repeat(pixels, 3, axis=2)
    if pixels.shape[:2] != (height, width):
        pixels = np.pad(pixels, ((0, height - pixels.shape[0]), (0, width - pixels.shape[1]), (0, 0)), mode="edge")
    return np.ascontiguousarray(pixels)


def _decode_frames(container: Any, stream: Any, start_s: float, limit_s: float,
                   expected: int | None = None) -> np.ndarray:
    """Frames of the window as float32; each frame is scaled straight into a
    preallocated batch (no uint8 stack and float copy of the whole video)."""
    import av

    base = stream.time_base
    start_pts = int(start_s / base) if start_s else None
    end_pts = int((start_s + limit_s) / base) if limit_s else None
    if start_pts:
        container.seek(start_pts, stream=stream)
    stream.thread_type = "AUTO"
    batch: np.ndarray | None = None
    count = 0
    scale = np.float32(1 / 255)
    try:
        for frame in container.decode(stream):
            if frame.pts is None or (start_pts is not None and frame.pts < start_pts):
                continue
            if end_pts is not None and frame.pts >= end_pts:
                break
            pixels = frame.to_ndarray(format="rgb24")
            if frame.rotation:
                pixels = np.rot90(pixels, k=int(round(frame.rotation // 90)), axes=(0, 1))
            if batch is None or count == batch.shape[0] or batch.shape[1:3] != pixels.shape[:2]:
                batch = _grown(batch, count, pixels.shape, expected)
            np.multiply(pixels, scale, out=batch[count], casting="unsafe")
            count += 1
    except av.error.FFmpegError as exc:
        if not count:
            raise VideoError(f"the video's frames cannot be decoded: {exc}") from exc
    if batch is None or not count:
        raise VideoError("the video has no frames in the chosen time range")
    return batch[:count]


def _grown(batch: np.ndarray | None, count: int, shape: tuple[int, ...], expected: int | None) -> np.ndarray:
    """Room for more frames: the expected count first, then half as much again."""
    if batch is not None and batch.shape[1:3] != shape[:2]:
        raise VideoError("the video changes its frame size midway, which an IMAGE batch cannot hold")
    size = max(expected or 0, count + 1, int(count * 1.5))
    bigger = np.empty((size, *shape), np.float32)
    if batch is not None:
        bigger[:count] = batch[:count]
    return bigger


def _duration_s(container: Any, stream: Any, fps: float | None) -> float | None:
    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration / 1_000_000)
    if stream.frames and fps:
        return float(stream.frames / fps)
    return None


def _bit_depth(stream: Any) -> int:
    fmt = stream.codec_context.format
    if fmt is None or not fmt.components:
        return 8
    return max(int(component.bits) for component in fmt.components)


def _remux(source: Path, dest: Path, metadata: dict[str, Any]) -> None:
    import av

    with _opened(source) as container, av.open(str(dest), mode="w", format="mp4",
                                               options={"movflags": "use_metadata_tags"}) as out:
        for key, value in container.metadata.items():
            out.metadata[key] = value
        for key, value in metadata.items():
            out.metadata[key] = value if isinstance(value, str) else json.dumps(value)
        mapping = {}
        for stream in (*container.streams.video[:1], *container.streams.audio):
            if stream.codec_context is not None:
                mapping[stream] = out.add_stream_from_template(template=stream, opaque=True)
        for packet in container.demux(*mapping):
            if packet.dts is not None:
                packet.stream = mapping[packet.stream]
                out.mux(packet)


class _opened:
    """``with _opened(path) as container``: av.open with errors as VideoError."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.container: Any = None

    def __enter__(self) -> Any:
        import av

        try:
            self.container = av.open(str(self.path), mode="r")
        except (av.error.FFmpegError, OSError) as exc:
            raise VideoError(f"{self.path.name} is not a decodable video: {exc}") from exc
        return self.container

    def __exit__(self, *exc: Any) -> None:
        self.container.close()
