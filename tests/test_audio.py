"""AUDIO values in ComfyUI's shape: making, checking, encoding to each format and
decoding back, with caps and clear refusals."""
from __future__ import annotations

import numpy as np
import pytest

from keroro_graph import audio
from keroro_graph.api import AudioError, make_audio


def tone(seconds: float = 0.5, rate: int = 16000, channels: int = 1) -> dict:
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    return make_audio(np.stack([np.sin(2 * np.pi * 330 * (c + 1) * t) for c in range(channels)]), rate)


def test_make_audio_gives_comfyuis_shape():
    value = make_audio(np.zeros(100), 8000)
    assert value["waveform"].shape == (1, 1, 100) and value["waveform"].dtype == np.float32
    assert value["sample_rate"] == 8000 and audio.duration_s(value) == pytest.approx(100 / 8000)
    with pytest.raises(AudioError, match="sample_rate"):
        make_audio(np.zeros(10), 0)
    with pytest.raises(AudioError, match="not an AUDIO value"):
        audio.check_audio({"samples": []})


@pytest.mark.parametrize("fmt", ["flac", "wav", "mp3", "opus", "m4a"])
def test_each_format_encodes_and_decodes_back(tmp_path, fmt):
    source = tone(channels=2)
    path = audio.save_audio(source, tmp_path / f"t.{fmt}", fmt=fmt, metadata={"prompt": "{}"})
    back = audio.load_audio(path)
    assert back["waveform"].shape[:2] == (1, 2)
    seconds = back["waveform"].shape[2] / back["sample_rate"]
    assert seconds == pytest.approx(0.5, abs=0.1)
    if fmt in ("flac", "wav"):  # lossless: the samples themselves come back
        assert back["sample_rate"] == 16000
        assert np.allclose(back["waveform"][0, :, :8000], source["waveform"][0], atol=1e-3)


def test_bytes_decode_and_limits(tmp_path):
    data = audio.encode_audio(tone(2.0)["waveform"][0], 16000, fmt="flac")
    assert audio.load_audio(data)["waveform"].shape == (1, 1, 32000)
    with pytest.raises(AudioError, match="longer than the limit of 1 seconds"):
        audio.load_audio(data, max_seconds=1)
    with pytest.raises(AudioError, match="not a decodable audio file"):
        audio.load_audio(b"RIFF....WAVEjunk")
    with pytest.raises(AudioError, match="unsupported audio format"):
        audio.save_audio(tone(), tmp_path / "x.xyz", fmt="xyz")
