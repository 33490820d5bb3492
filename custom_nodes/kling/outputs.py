"""Turning a finished Kling task into node outputs: the video saved under
``output/kling/`` (keyed by job and node) as a VIDEO with its metadata plus a
``ui.videos`` entry for the canvas, or the images decoded into one IMAGE batch."""
from __future__ import annotations

import dataclasses

import numpy as np

from keroro_graph.api import NodeContext, ProviderError, Result, Video, provider_media

from .client import KlingClient
from .models import KlingTask

VIDEO_TYPES = ("video/", "application/octet-stream")
IMAGE_TYPES = ("image/", "application/octet-stream")


async def video_of(ctx: NodeContext, kling: KlingClient, task: KlingTask) -> Video:
    """Download the task's first video (size-capped), save it under ``output/kling/``
    and return its VIDEO value."""
    videos = task.task_result.videos if task.task_result else []
    if not videos:
        raise kling.error(ProviderError, f"task {task.task_id} succeeded but returned no video")
    data = await kling.fetch(videos[0].url, max_bytes=kling.max_video_bytes, accept=VIDEO_TYPES)
    return await provider_media.save_video(ctx, data, provider="kling")


#: Video.metadata key carrying the Kling id of a video Kling made (for lip sync and
#: extension, which take that id instead of a file).
KLING_VIDEO_ID = "kling_video_id"


async def video_with_id(ctx: NodeContext, kling: KlingClient, task: KlingTask) -> tuple[Video, str, str]:
    """ComfyUI's (VIDEO, video_id, duration) outputs; the VIDEO remembers its Kling id."""
    video = await video_of(ctx, kling, task)
    first = task.task_result.videos[0]  # type: ignore[union-attr]
    video = dataclasses.replace(video, metadata={**video.metadata, KLING_VIDEO_ID: first.id})
    return video, first.id, str(first.duration or "")


async def video_result(ctx: NodeContext, kling: KlingClient, task: KlingTask) -> Result:
    """Download the task's first video; returns ``Result(video, task_id, ui=...)``."""
    video = await video_of(ctx, kling, task)
    ui = {"videos": [provider_media.saved_result_ui(ctx, video.path)]}
    return Result(video, task.task_id, ui=ui)


async def image_batch(ctx: NodeContext, kling: KlingClient, task: KlingTask) -> np.ndarray:
    """Download every image of the task, in Kling's index order, as one IMAGE batch."""
    images = sorted(task.task_result.images if task.task_result else [], key=lambda item: item.index)
    if not images:
        raise kling.error(ProviderError, f"task {task.task_id} succeeded but returned no images")
    blobs = []
    for item in images:
        ctx.check_cancelled()
        blobs.append(await kling.fetch(item.url, max_bytes=kling.max_image_bytes, accept=IMAGE_TYPES))
    return provider_media.images_to_batch(blobs)
