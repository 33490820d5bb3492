"""AUDIO values in ComfyUI's shape: ``{"waveform": float32 [batch, channels, samples]
in -1..1, "sample_rate": int}`` (numpy where ComfyUI has torch), plus decoding files
into that shape and encoding it back (FLAC, MP3, Opus, WAV, AAC) with PyAV.

Decoding is capped (``max_seconds``), so a small file that claims hours of audio
cannot claim unbounded memory. Pure functions on values and paths; no engine, no
server.
"""
from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .media import MediaError

#: Decoding stops with an error past this many seconds of audio (per file).
MAX_AUDIO_SECONDS = 60 * 60
#: Encoder names and container formats per saved format.
_ENCODERS = {"flac": ("flac", "flac", "flt"), "mp3": ("libmp3lame", "mp3", "fltp"),
             "opus": ("libopus", "ogg", "flt"), "wav": ("pcm_s16le", "wav", "s16"),
             "m4a": ("aac", "mp4", "fltp")}
_LAYOUTS = {1: "mono", 2: "stereo"}


class AudioError(MediaError):
    """Audio that cannot be decoded, encoded or is not an AUDIO value."""


def make_audio(waveform: np.ndarray, sample_rate: int) -> dict[str, Any]:
    """An AUDIO value; ``waveform`` may be ``[samples]``, ``[channels, samples]`` or
    ``[batch, channels, samples]``."""
    data = np.asarray(waveform, dtype=np.float32)
    while data.ndim < 3:
        data = data[None]
    if data.ndim != 3:
        raise AudioError(f"an audio waveform has 1 to 3 dimensions, got shape {data.shape}")
    if not isinstance(sample_rate, (int, np.integer)) or sample_rate <= 0:
        raise AudioError(f"sample_rate must be a positive integer, got {sample_rate!r}")
    return {"waveform": data, "sample_rate": int(sample_rate)}


def check_audio(value: Any) -> tuple[np.ndarray, int]:
    """(waveform ``[B, C, S]`` float32, sample_rate) of an AUDIO value; raises AudioError."""
    if not isinstance(value, dict) or "waveform" not in value or "sample_rate" not in value:
        raise AudioError("not an AUDIO value: expected {'waveform': [batch, channels, samples], "
                         f"'sample_rate': int}}, got {type(value).__name__}")
    audio = make_audio(_as_array(value["waveform"]), value["sample_rate"])
    return audio["waveform"], audio["sample_rate"]


def duration_s(value: dict[str, Any]) -> float:
    waveform, rate = check_audio(value)
    return float(waveform.shape[-1] / rate)


def load_audio(source: Path | str | bytes, *, max_seconds: float = MAX_AUDIO_SECONDS) -> dict[str, Any]:
    """Decode the first audio stream of a file (or its bytes) into an AUDIO value of
    batch 1. Raises AudioError naming the problem (no audio, undecodable, too long)."""
    import av

    try:
        with av.open(_source(source), mode="r") as container:
            stream = decodable_audio_stream(container)
            if stream is None:
                raise AudioError("the file has no decodable audio stream")
            return decode_stream(container, stream, max_seconds=max_seconds)
    except AudioError:
        raise
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise AudioError(f"not a decodable audio file: {exc}") from exc


def decodable_audio_stream(container: Any) -> Any:
    """The last audio stream FFmpeg can decode (ComfyUI's choice), or None."""
    return next((s for s in reversed(container.streams.audio) if s.codec_context is not None), None)


def decode_stream(container: Any, stream: Any, *, start_s: float = 0.0, duration_s: float = 0.0,
                  max_seconds: float = MAX_AUDIO_SECONDS) -> dict[str, Any]:
    """Decode ``stream`` from ``start_s`` for ``duration_s`` (0: to the end) as planar
    float; raises AudioError past ``max_seconds``."""
    import av

    resampler = av.audio.resampler.AudioResampler(format="fltp")
    pieces: list[np.ndarray] = []
    rate = 0
    total = skip = 0
    limit = None
    for packet in container.demux(stream):
        for decoded in packet.decode():
            for frame in resampler.resample(decoded):
                if not rate:
                    rate = frame.sample_rate
                    first = float(frame.pts * stream.time_base) if frame.pts is not None else 0.0
                    skip = max(0, int(round((start_s - first) * rate)))
                    limit = int(round(duration_s * rate)) if duration_s else None
                    cap = int(max_seconds * rate)
                data = frame.to_ndarray()
                if skip:
                    cut = min(skip, data.shape[-1])
                    data, skip = data[..., cut:], skip - cut
                pieces.append(data)
                total += data.shape[-1]
                if limit is not None and total >= limit:
                    break
                if total > cap:
                    raise AudioError(f"the audio is longer than the limit of {max_seconds:g} seconds")
            if limit is not None and total >= limit:
                break
        if limit is not None and total >= limit:
            break
    if not pieces or not rate:
        raise AudioError("the audio stream has no decodable samples")
    waveform = np.concatenate(pieces, axis=-1)
    if limit is not None:
        waveform = waveform[..., :limit]
    return make_audio(waveform.astype(np.float32, copy=False), rate)


def save_audio(value: dict[str, Any], path: Path, *, fmt: str = "flac", bitrate: str | None = None,
               metadata: dict[str, str] | None = None, index: int = 0) -> Path:
    """Encode batch item ``index`` of an AUDIO value to ``path`` (written atomically)."""
    waveform, rate = check_audio(value)
    if fmt not in _ENCODERS:
        raise AudioError(f"unsupported audio format {fmt!r}; use one of {', '.join(_ENCODERS)}")
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as handle:
            handle.write(encode_audio(waveform[index], rate, fmt=fmt, bitrate=bitrate, metadata=metadata))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def encode_audio(samples: np.ndarray, sample_rate: int, *, fmt: str = "flac", bitrate: str | None = None,
                 metadata: dict[str, str] | None = None) -> bytes:
    """``[channels, samples]`` float → encoded bytes of ``fmt``."""
    import av

    codec, container_format, sample_fmt = _ENCODERS[fmt]
    channels = min(samples.shape[0], 2)
    out_rate = 48000 if fmt == "opus" and sample_rate not in (8000, 12000, 16000, 24000, 48000) else sample_rate
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container_format) as output:
        for key, text in (metadata or {}).items():
            output.metadata[key] = text
        stream: Any = output.add_stream(codec, rate=out_rate, layout=_LAYOUTS[channels])
        if bitrate:
            stream.bit_rate = _bitrate(bitrate)
        add_audio_frames(output, stream, samples[:channels], sample_rate, sample_fmt=sample_fmt)
    return buffer.getvalue()


def add_audio_frames(output: Any, stream: Any, samples: np.ndarray, sample_rate: int, *,
                     sample_fmt: str = "fltp") -> None:
    """Mux ``[channels, samples]`` float audio into ``stream`` (resampled and cut into
    the encoder's frame size), then flush the encoder."""
    import av

    channels = samples.shape[0]
    layout = _LAYOUTS.get(channels, "stereo")
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(np.clip(samples, -1, 1), dtype=np.float32),
                                       format="fltp", layout=layout)
    frame.sample_rate = sample_rate
    frame.pts = 0
    frame.time_base = Fraction(1, sample_rate)
    target_rate = stream.codec_context.sample_rate or sample_rate
    size = stream.codec_context.frame_size or 1024
    resampler = av.audio.resampler.AudioResampler(format=sample_fmt, layout=stream.codec_context.layout,
                                                  rate=target_rate, frame_size=size)
    for piece in [*resampler.resample(frame), *resampler.resample(None)]:
        for packet in stream.encode(piece):
            output.mux(packet)
    for packet in stream.encode(None):
        output.mux(packet)


def _bitrate(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def _as_array(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor from a ComfyUI pack
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _source(source: Path | str | bytes) -> Any:
    return io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else str(source)
