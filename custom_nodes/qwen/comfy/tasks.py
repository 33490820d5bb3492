"""What ComfyUI's Wan nodes share: images and audio as the data URLs DashScope takes
inline, the task body (``{"model", "input", "parameters"}``, unset fields left out),
and one async task from submission through polling (cancelled on DashScope when the
job is) to the downloaded VIDEO or IMAGE batch."""
from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from keroro_graph.api import BadRequestError, NodeContext, PollPlan, Video, audio, poll, provider_media

from ..client import IMAGE_EDIT_PATH, SYNTHESIS_PATH, VIDEO_SYNTHESIS_PATH, DashScopeClient

PROVIDER = DashScopeClient.provider
#: ComfyUI sends images of at most about 2000×2000 pixels.
MAX_PIXELS = 2000 * 2000
#: Wan videos take minutes; ComfyUI polls every 6–7 s.
VIDEO_PLAN = PollPlan(interval_s=6.0, max_interval_s=15.0, estimate_s=150.0, timeout_s=3600.0)
IMAGE_PLAN = PollPlan(interval_s=2.0, max_interval_s=8.0, estimate_s=30.0, timeout_s=900.0)


def refuse(message: str) -> BadRequestError:
    return BadRequestError(message, provider=PROVIDER)


def image_url(image: Any, name: str, *, min_side: int = 0) -> str:
    """The first frame of an IMAGE as a PNG data URL."""
    if image is None or getattr(image, "ndim", 0) not in (3, 4):
        raise refuse(f"{name}: expected an IMAGE")
    height, width = image.shape[-3], image.shape[-2]
    if min(width, height) < min_side:
        raise refuse(f"{name}: the image is {width}×{height} px; this model needs at least {min_side} px a side")
    return provider_media.data_url(provider_media.image_bytes(image, max_pixels=MAX_PIXELS))


def audio_url(value: Any) -> str | None:
    """An AUDIO value as an MP3 data URL (None stays None)."""
    if value is None:
        return None
    data = audio.encode_audio(np.asarray(value["waveform"])[0], int(value["sample_rate"]), fmt="mp3")
    return provider_media.data_url(data, "audio/mpeg")


#: Input videos above this are refused before uploading (DashScope's models take clips
#: of seconds; its temporary storage takes up to 1 GB).
MAX_VIDEO_BYTES = 200 * 1024 * 1024


async def video_url(ctx: NodeContext, model: str, video: Any, name: str) -> str:
    """An input VIDEO in the account's temporary DashScope storage, as the ``oss://``
    URL the ``model`` reads (DashScope takes videos only by URL)."""
    if not Path(getattr(video, "path", "") or "").is_file():
        raise refuse(f"{name}: the input video has no file to send")
    data = await asyncio.to_thread(_mp4_bytes, video)
    if len(data) > MAX_VIDEO_BYTES:
        raise refuse(f"{name}: the video is {len(data):,} bytes; at most {MAX_VIDEO_BYTES:,} are sent")
    client = ctx.provider(DashScopeClient)
    ctx.text(f"Uploading {name} to DashScope's temporary storage…")
    return await client.upload_temporary(model, data, f"{name.replace('.', '_')}.mp4")


def _mp4_bytes(video: Any) -> bytes:
    """The video as MP4 bytes: the file itself, or (trimmed, or another format) re-encoded."""
    path = Path(video.path)
    if not getattr(video, "is_trimmed", False) and path.suffix.lower() == ".mp4":
        return path.read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        return video.save_to(Path(folder) / "clip.mp4").read_bytes()


def required(name: str, text: str) -> str:
    if not (text or "").strip():
        raise refuse(f"{name}: a prompt is required")
    return text


def body(model: str, inputs: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    return {"model": model, "input": _set(inputs), "parameters": _set(parameters)}


def _set(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None and v != ""}


async def run(ctx: NodeContext, path: str, request: dict[str, Any], plan: PollPlan) -> Any:
    client = ctx.provider(DashScopeClient)
    task_id = await client.submit_task(path, request)
    ctx.text(f"DashScope task {task_id} submitted")
    done = await poll(ctx, lambda: client.task_status(task_id), plan=plan,
                      cancel=lambda: client.cancel_task(task_id), label=f"{request['model']} task")
    return client, done.result


async def video_task(ctx: NodeContext, request: dict[str, Any]) -> Video:
    """Run one video-synthesis task; the VIDEO saved under ``output/dashscope/``."""
    client, url = await run(ctx, VIDEO_SYNTHESIS_PATH, request, VIDEO_PLAN)
    if not isinstance(url, str):
        raise refuse("the video task succeeded without a video")
    return await provider_media.save_video(ctx, await client.download_video(url),
                                           provider=PROVIDER)


async def image_task(ctx: NodeContext, request: dict[str, Any], *, edit: bool = False) -> np.ndarray:
    """Run one image task (text-to-image, or image-to-image with ``edit``)."""
    client, images = await run(ctx, IMAGE_EDIT_PATH if edit else SYNTHESIS_PATH, request, IMAGE_PLAN)
    return provider_media.images_to_batch(await client.download_images(images))
