"""KlingLipSyncAudioToVideoNode ("Kling Lip Sync Video with Audio")."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from . import TABLE
from .lip_sync import audio_file, lip_sync


@comfy_node(TABLE["KlingLipSyncAudioToVideoNode"], provider=KlingClient)
async def kling_lip_sync_audio_to_video_node(ctx: NodeContext, *, video: Any, audio: Any,
                                             voice_language: str) -> tuple[Any, str, str]:
    """Make a Kling video's mouths follow an audio clip, on your own keys."""
    return await lip_sync(ctx, video, mode="audio2video", audio_type="file", audio_file=audio_file(audio),
                          voice_language=voice_language)
