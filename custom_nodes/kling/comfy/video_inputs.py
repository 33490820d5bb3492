"""ComfyUI's Kling nodes that send a VIDEO: KlingMotionControl,
KlingOmniProVideoToVideoNode and KlingOmniProEditVideoNode. Kling takes a reference
video only as a URL it fetches itself, so the video goes to the public media host the
user configured (their own S3-compatible bucket, or this server's public URL: see
``keroro_graph/providers/media_host.py``); without one the nodes are refused at
validation, naming the settings. Kling's rules for the video (MP4/MOV, its sides,
length and size) are checked before anything is uploaded or spent."""
from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from keroro_graph.api import MEDIA_HOST, NodeContext, Video, comfy_node, media_host_of

from ..client import KlingClient
from ..inputs import check_prompt, kling_image, refuse
from ..models import OmniImage, OmniVideoRequest, WireRequest
from . import TABLE
from .omni import O1
from .tasks import frames, omni_prompt, video_task

#: Kling's limits on a motion reference (motion control) and an Omni reference video.
MOTION_SIDES, MOTION_BYTES = (340, 3850), 100 * 1024 * 1024
OMNI_SIDES, OMNI_BYTES, OMNI_SECONDS = (720, 2160), 200 * 1024 * 1024, (3.0, 10.05)
OMNI_FPS = (24.0, 60.0)
MOTION_IMAGE_MIN_PX = 340


class MotionControlRequest(WireRequest):
    """``POST /v1/videos/motion-control``."""
    model_name: str
    prompt: str | None = None
    image_url: str
    video_url: str
    keep_original_sound: str
    character_orientation: str
    mode: str


async def video_url(ctx: NodeContext, video: Any, name: str, *, sides: tuple[int, int],
                    seconds: tuple[float, float], max_bytes: int, fps: tuple[float, float] | None = None) -> str:
    """Check ``video`` against Kling's rules, then publish it (as MP4 when it is not
    an untrimmed MP4/MOV already) and return the URL Kling will fetch."""
    if not isinstance(video, Video):
        raise refuse(f"{name}: expected a VIDEO")
    width, height, length = video.width or 0, video.height or 0, video.duration_s or 0.0
    if not (sides[0] <= width <= sides[1] and sides[0] <= height <= sides[1]):
        raise refuse(f"{name}: the video is {width}×{height} px; Kling takes {sides[0]} to {sides[1]} px "
                     "on each side (scale it first)")
    if not seconds[0] <= length <= seconds[1]:
        raise refuse(f"{name}: the video lasts {length:.2f} s; Kling takes {seconds[0]:g} to {seconds[1]:g} s "
                     "here (trim it with Video Slice)")
    if fps and not fps[0] - 0.01 <= (video.fps or 0) <= fps[1] + 0.01:
        raise refuse(f"{name}: the video runs at {video.fps or 0:g} fps; Kling takes {fps[0]:g} to {fps[1]:g} fps here")
    host = media_host_of(ctx)
    ready = (not video.is_trimmed and video.format in ("mp4", "mov") and video.codec in ("h264", "hevc")
             and video.path.suffix.lower() in (".mp4", ".mov"))
    path = video.path if ready else Path(ctx.paths.temp) / f"kling-upload-{uuid.uuid4().hex}.mp4"
    try:
        if not ready:
            path.parent.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(video.save_to, path)
        size = path.stat().st_size
        if size > max_bytes:
            raise refuse(f"{name}: the video file is {size / 2**20:.1f} MB; Kling takes at most "
                         f"{max_bytes // 2**20} MB")
        ctx.text(f"Uploading {name} for Kling")
        return await host.publish(path)
    finally:
        if not ready:
            path.unlink(missing_ok=True)


def omni_images(images: Any) -> list[OmniImage] | None:
    found = frames(images, "reference_images", limit=4)  # 4 beside a video
    return [OmniImage(image_url=b64) for b64 in found] or None


def omni_checks(model_name: str, prompt: str) -> str:
    text = check_prompt("prompt", omni_prompt(prompt), required=True) or ""
    if model_name not in ("kling-v3-omni", O1):
        raise refuse(f"model_name: {model_name!r} is not a Kling Omni model")
    return text


@comfy_node(TABLE["KlingMotionControl"], provider=KlingClient, requires=(MEDIA_HOST,))
async def kling_motion_control(ctx: NodeContext, *, prompt: str, reference_image: np.ndarray, reference_video: Video,
                               keep_original_sound: bool, character_orientation: str, mode: str,
                               model: str = "kling-v2-6") -> Video:
    """Move the character of a picture the way the person in a reference video moves."""
    text = check_prompt("prompt", prompt)
    height, width = reference_image.shape[1:3]
    if min(width, height) < MOTION_IMAGE_MIN_PX:
        raise refuse(f"reference_image: the image is {width}×{height} px; motion control needs at least "
                     f"{MOTION_IMAGE_MIN_PX} px on each side")
    image = kling_image(reference_image, "reference_image")
    longest = 10.0 if character_orientation == "image" else 30.0
    url = await video_url(ctx, reference_video, "reference_video", sides=MOTION_SIDES, seconds=(3.0, longest),
                          max_bytes=MOTION_BYTES)
    request = MotionControlRequest(model_name=model, prompt=text, image_url=image, video_url=url,
                                   keep_original_sound="yes" if keep_original_sound else "no",
                                   character_orientation=character_orientation, mode=mode)
    return await video_task(ctx, "motion-control", request)


@comfy_node(TABLE["KlingOmniProVideoToVideoNode"], provider=KlingClient, requires=(MEDIA_HOST,))
async def kling_omni_pro_video_to_video_node(ctx: NodeContext, *, model_name: str, prompt: str, aspect_ratio: str,
                                             duration: int, reference_video: Video, keep_original_sound: bool,
                                             reference_images: Any = None, resolution: str = "1080p",
                                             seed: int = 0) -> Video:
    """A new video guided by a reference video (its look and camera) and up to 4 images."""
    text = omni_checks(model_name, prompt)
    images = omni_images(reference_images)
    url = await video_url(ctx, reference_video, "reference_video", sides=OMNI_SIDES, seconds=OMNI_SECONDS,
                          max_bytes=OMNI_BYTES, fps=OMNI_FPS)
    request = OmniVideoRequest(model_name=model_name, prompt=text, aspect_ratio=aspect_ratio, duration=str(duration),
                               image_list=images, mode="pro" if resolution == "1080p" else "std",
                               video_list=[{"video_url": url, "refer_type": "feature",
                                            "keep_original_sound": "yes" if keep_original_sound else "no"}])
    return await video_task(ctx, "omni-video", request)


@comfy_node(TABLE["KlingOmniProEditVideoNode"], provider=KlingClient, requires=(MEDIA_HOST,))
async def kling_omni_pro_edit_video_node(ctx: NodeContext, *, model_name: str, prompt: str, video: Video,
                                         keep_original_sound: bool, reference_images: Any = None,
                                         resolution: str = "1080p", seed: int = 0) -> Video:
    """Edit a video by a prompt (and up to 4 images); the result is as long as the video."""
    text = omni_checks(model_name, prompt)
    images = omni_images(reference_images)
    url = await video_url(ctx, video, "video", sides=OMNI_SIDES, seconds=OMNI_SECONDS, max_bytes=OMNI_BYTES,
                          fps=OMNI_FPS)
    request = OmniVideoRequest(model_name=model_name, prompt=text, image_list=images,
                               mode="pro" if resolution == "1080p" else "std",
                               video_list=[{"video_url": url, "refer_type": "base",
                                            "keep_original_sound": "yes" if keep_original_sound else "no"}])
    return await video_task(ctx, "omni-video", request)
