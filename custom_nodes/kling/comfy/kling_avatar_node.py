"""KlingAvatarNode ("Kling Avatar 2.0"): a talking video of a person from a picture
and a sound file (sent inline; UNCONFIRMED that Kling takes base64 here)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..models import AvatarRequest
from . import TABLE
from .lip_sync import audio_file
from .tasks import frames, optional_text, video_task


@comfy_node(TABLE["KlingAvatarNode"], provider=KlingClient)
async def kling_avatar_node(ctx: NodeContext, *, image: Any, sound_file: Any, mode: str, seed: int,
                            prompt: str = "") -> Any:
    """Make a talking avatar video with Kling on your own keys."""
    [picture] = frames(image, "image", limit=1)
    request = AvatarRequest(image=picture, sound_file=audio_file(sound_file), prompt=optional_text(prompt), mode=mode)
    return await video_task(ctx, "avatar", request)
