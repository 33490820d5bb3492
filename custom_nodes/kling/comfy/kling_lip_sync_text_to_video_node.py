"""KlingLipSyncTextToVideoNode ("Kling Lip Sync Video with Text"): the video's
speaker says the text in one of Kling's voices."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..inputs import refuse
from . import TABLE
from .lip_sync import MAX_TEXT_CHARS, lip_sync

#: Voice name (ComfyUI's choices) → Kling's voice_id and language.
VOICES: dict[str, dict[str, str]] = json.loads(Path(__file__).with_name("voices.json").read_text(encoding="utf-8"))


@comfy_node(TABLE["KlingLipSyncTextToVideoNode"], provider=KlingClient)
async def kling_lip_sync_text_to_video_node(ctx: NodeContext, *, video: Any, text: str, voice: str,
                                            voice_speed: float = 1.0) -> tuple[Any, str, str]:
    """Make a Kling video's speaker say a text, on your own keys."""
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT_CHARS:
        raise refuse(f"text: needs 1 to {MAX_TEXT_CHARS} characters")
    return await lip_sync(ctx, video, mode="text2video", text=text, voice_speed=voice_speed, **VOICES[voice])
