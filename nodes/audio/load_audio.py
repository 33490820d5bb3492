"""LoadAudio: an audio file (or a video's sound) from the input folder as AUDIO
(ComfyUI's node): ``{"waveform": [1, channels, samples], "sample_rate"}``."""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import AUDIO, Combo, NodeContext, node
from nodes.image.io._files import check_file, modified_time
from nodes.video._files import list_audio, open_audio


def _fingerprint(ctx: NodeContext, audio: str) -> str:
    return modified_time(ctx, audio, "audio")


def _validate(ctx: NodeContext, audio: str) -> bool | str:
    return check_file(ctx, audio, "audio")


@node("LoadAudio", fingerprint=_fingerprint, validate=_validate)
def load_audio(
    ctx: NodeContext,
    audio: Annotated[str, Combo(options=list_audio, audio_upload=True, tooltip="An audio or video file.")],
) -> AUDIO:
    """Load the sound of an audio or video file."""
    value: dict[str, Any] = open_audio(ctx, audio, "audio")
    return value
