"""RecordAudio: a recording made on the canvas (uploaded to the input folder, its name
in the AUDIO_RECORD widget) as AUDIO (ComfyUI's node)."""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import AUDIO, Input, NodeContext, node, socket
from nodes.image.io._files import check_file, modified_time
from nodes.video._files import open_audio

AUDIO_RECORD = socket("AUDIO_RECORD", str)


def _fingerprint(ctx: NodeContext, audio: str) -> str:
    return modified_time(ctx, audio, "audio")


def _validate(ctx: NodeContext, audio: str) -> bool | str:
    if not isinstance(audio, str) or not audio.strip():
        return "audio is empty: record something on the node (or upload a recording) first"
    return check_file(ctx, audio, "audio")


@node("RecordAudio", fingerprint=_fingerprint, validate=_validate)
def record_audio(
    ctx: NodeContext,
    audio: Annotated[AUDIO_RECORD, Input(tooltip="The recording made on the node.")],
) -> AUDIO:
    """Use a recording made with the microphone on the canvas."""
    value: dict[str, Any] = open_audio(ctx, audio, "audio")
    return value
