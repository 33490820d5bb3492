"""SaveAudio: write each item of an AUDIO batch as FLAC into the output folder, with
the prompt and workflow as tags, shown on the node as ComfyUI shows it
(``{"audio": [...]}``) (ComfyUI's node)."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import AUDIO, NodeContext, Output, Result, Text, audio as audio_codec, node
from nodes.image.io._files import SaveTarget
from nodes.video._files import saved_metadata


@node("SaveAudio", output=True, deprecated=True)
def save_audio(
    ctx: NodeContext,
    audio: AUDIO,
    filename_prefix: Annotated[str, Text(default="audio/ComfyUI", tooltip="File name prefix; may hold a subfolder.")],
) -> Annotated[AUDIO, Output(name="audio")]:
    """Save audio as FLAC files in the output folder."""
    waveform, _ = audio_codec.check_audio(audio)
    target = SaveTarget(ctx.paths.output, filename_prefix, kind="output")
    saved = []
    for index in range(waveform.shape[0]):
        ctx.check_cancelled()
        path, entry = target.claim("flac", index)
        try:
            audio_codec.save_audio(audio, path, fmt="flac", metadata=saved_metadata(ctx), index=index)
        except Exception:
            path.unlink(missing_ok=True)
            raise
        saved.append(entry)
    return Result(audio, ui={"audio": saved})  # type: ignore[return-value]
