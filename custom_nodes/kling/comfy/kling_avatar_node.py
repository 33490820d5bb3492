"""KlingAvatarNode ("Kling Avatar 2.0"): a talking video of a person from a picture
and a sound file, sent inline as raw base64 MP3 (Kling takes ``sound_file`` as base64
or a URL: .mp3/.wav/.m4a/.aac, at most 5 MB)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..inputs import refuse
from ..models import AvatarRequest
from . import TABLE
from .lip_sync import audio_file
from .tasks import frames, optional_text, video_task

MAX_SOUND_BYTES = 5 * 1024 * 1024


@comfy_node(TABLE["KlingAvatarNode"], provider=KlingClient)
async def kling_avatar_node(ctx: NodeContext, *, image: Any, sound_file: Any, mode: str, seed: int,
                            prompt: str = "") -> Any:
    """Make a talking avatar video with Kling on your own keys."""
    [picture] = frames(image, "image", limit=1)
    sound = audio_file(sound_file)
    if len(sound) * 3 // 4 > MAX_SOUND_BYTES:
        raise refuse(f"sound_file: the audio is {len(sound) * 3 / 4 / 2**20:.1f} MB as MP3; Kling takes at most "
                     f"{MAX_SOUND_BYTES // 2**20} MB (trim it)")
    request = AvatarRequest(image=picture, sound_file=sound, prompt=optional_text(prompt), mode=mode)
    return await video_task(ctx, "avatar", request)
