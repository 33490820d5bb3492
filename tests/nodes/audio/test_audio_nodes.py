"""LoadAudio, RecordAudio and SaveAudio on real files, in ComfyUI's AUDIO shape and
ui entries; an empty recording is refused at validation."""
from __future__ import annotations

import numpy as np
import pytest

from keroro_graph.api import audio, make_audio
from nodes.audio.load_audio import load_audio
from nodes.audio.record_audio import _validate as validate_recording
from nodes.audio.record_audio import record_audio
from nodes.audio.save_audio import save_audio


def stereo(seconds: float = 0.25, rate: int = 8000) -> dict:
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    return make_audio(np.stack([np.sin(2 * np.pi * 300 * t), np.sin(2 * np.pi * 600 * t)]), rate)


def test_save_then_load_round_trips_in_comfyuis_shape(ctx, paths):
    result = save_audio(ctx, stereo(), "audio/take")
    assert result.ui == {"audio": [{"filename": "take_00001_.flac", "subfolder": "audio", "type": "output"}]}
    saved = paths.output / "audio" / "take_00001_.flac"
    (paths.input / "take.flac").write_bytes(saved.read_bytes())
    value = load_audio(ctx, "take.flac")
    assert value["sample_rate"] == 8000 and value["waveform"].shape == (1, 2, 2000)
    assert np.allclose(value["waveform"], stereo()["waveform"], atol=1e-3)


def test_a_recording_is_an_uploaded_file(ctx, paths):
    audio.save_audio(stereo(), paths.input / "rec.wav", fmt="wav")
    assert record_audio(ctx, "rec.wav")["waveform"].shape == (1, 2, 2000)
    assert "record something" in validate_recording(ctx, "")
    (paths.input / "bad.wav").write_bytes(b"RIFFnope")
    with pytest.raises(ValueError, match="audio 'bad.wav'.*not a decodable audio file"):
        load_audio(ctx, "bad.wav")
