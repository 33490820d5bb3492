"""Turning a finished RunningHub task into node outputs: image files as one IMAGE
batch, the first video saved under ``output/runninghub/`` as a VIDEO (with a
``ui.videos`` entry for the canvas), and every file URL as JSON. An output the task
did not produce is a silent ExecutionBlocker, so only what consumes it is skipped."""
from __future__ import annotations

import json
from typing import Any

from keroro_graph.api import ExecutionBlocker, NodeContext, Result, provider_media

from .client import RunningHubClient
from .models import IMAGE_TYPES, VIDEO_TYPES, OutputFile

IMAGE_ACCEPT = ("image/", "application/octet-stream")
VIDEO_ACCEPT = ("video/", "application/octet-stream")


async def task_result(ctx: NodeContext, client: RunningHubClient, task_id: str, files: list[OutputFile]) -> Result:
    """``Result(images, video, file_urls, task_id, ui=...)`` for the node."""
    images: Any = ExecutionBlocker(None)
    image_files = [f for f in files if f.kind in IMAGE_TYPES]
    if image_files:
        blobs = []
        for item in image_files:
            ctx.check_cancelled()
            blobs.append(await client.fetch(item.fileUrl, max_bytes=client.max_image_bytes, accept=IMAGE_ACCEPT))
        images = provider_media.images_to_batch(blobs)
    video: Any = ExecutionBlocker(None)
    ui: dict[str, Any] = {}
    first_video = next((f for f in files if f.kind in VIDEO_TYPES), None)
    if first_video is not None:
        data = await client.fetch(first_video.fileUrl, max_bytes=client.max_video_bytes, accept=VIDEO_ACCEPT)
        path = provider_media.save_result(ctx, data, provider="runninghub", ext=first_video.kind)
        video = provider_media.video_ref(path)
        subfolder = path.parent.relative_to(ctx.paths.output).as_posix()
        ui["videos"] = [{"filename": path.name, "subfolder": subfolder, "type": "output"}]
    urls = json.dumps([f.fileUrl for f in files])
    return Result(images, video, urls, task_id, ui=ui or None)
