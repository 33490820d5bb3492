"""The lip-sync nodes' shared request. Kling takes the video as ``video_id`` (a video
Kling made in the last 30 days) or as a public ``video_url``; Keroro Graph uploads
nothing, so the video must come from a Kling node in the same graph, whose VIDEO
remembers its id. Audio goes inline as base64 MP3 (``audio_type: "file"``)."""
from __future__ import annotations

import base64
from typing import Any

import numpy as np

from keroro_graph.api import NodeContext, audio

from ..inputs import refuse
from ..models import LipSyncRequest
from ..outputs import KLING_VIDEO_ID
from .tasks import video_task_with_id

MAX_TEXT_CHARS = 120


def video_id_of(video: Any) -> str:
    found = (getattr(video, "metadata", None) or {}).get(KLING_VIDEO_ID)
    if not found:
        raise refuse("video: Kling lip-syncs only a video it made (by its id) or a public URL; connect the VIDEO "
                     "of a Kling node here (Keroro Graph does not upload your files)")
    return str(found)


def audio_file(value: Any) -> str:
    data = audio.encode_audio(np.asarray(value["waveform"])[0], int(value["sample_rate"]), fmt="mp3")
    return base64.b64encode(data).decode("ascii")


async def lip_sync(ctx: NodeContext, video: Any, **fields: Any) -> tuple[Any, str, str]:
    request = LipSyncRequest(input={"video_id": video_id_of(video), **{k: v for k, v in fields.items()
                                                                      if v is not None}})
    return await video_task_with_id(ctx, "lip-sync", request)
