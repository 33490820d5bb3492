"""GeminiVideoOmni ("Google Gemini Omni (Video)"): a video with sound from Google's
Gemini Omni Flash (``gemini-omni-flash-preview``), guided by up to 14 images and 3
videos, on the user's own Gemini key. The model answers only on Gemini's
Interactions API (``generateContent`` refuses it): the interaction is created in the
background (``POST {base}/interactions`` with ``background: true``), polled at
``GET {base}/interactions/{id}`` until ``completed``, and the video is read from its
``model_output`` step (inline base64, or a URI downloaded with a size cap). ComfyUI
sends the same parts through its proxy; reference media go inline (the Interactions
API takes video only inline or as a Files API URI), at most ~90 MB in all."""
from __future__ import annotations

import asyncio
import base64
import binascii
from typing import Any

from keroro_graph.api import (DEFAULT_MAX_DOWNLOAD_BYTES, BadRequestError, NodeContext, PollPlan, ProviderError,
                              TaskFailedError, TaskStatus, Video, comfy_node, poll, provider_media)

from ..client import GeminiClient
from ..frames import frames_as_png
from . import TABLE

MODELS = {"Omni Flash": "gemini-omni-flash-preview"}
MAX_IMAGES, MAX_VIDEOS, MAX_VIDEO_S = 14, 3, 10.0
#: The Interactions API refuses requests over ~100 MiB (ComfyUI keeps inline media under 90 MiB).
MAX_INLINE_BYTES = 90 * 1024 * 1024
PLAN = PollPlan(interval_s=4.0, max_interval_s=10.0, estimate_s=60.0, timeout_s=1800.0)
_ENDED = {"completed", "failed", "cancelled", "incomplete", "requires_action"}


def refuse(message: str) -> BadRequestError:
    return BadRequestError(message, provider=GeminiClient.provider)


async def media_input(images: list[Any], videos: list[Video]) -> list[dict[str, str]]:
    """The reference media as Interactions input parts: videos (inline MP4) first, then
    images (inline PNG), within the inline budget."""
    if sum(int(i.shape[0]) if getattr(i, "ndim", 0) == 4 else 1 for i in images) > MAX_IMAGES:
        raise refuse(f"model.images: Gemini Omni takes at most {MAX_IMAGES} images")
    if len(videos) > MAX_VIDEOS:
        raise refuse(f"model.videos: Gemini Omni takes at most {MAX_VIDEOS} videos")
    parts: list[dict[str, str]] = []
    for index, video in enumerate(videos, 1):
        if not isinstance(video, Video):
            raise refuse(f"model.videos.video_{index}: expected a VIDEO")
        if (video.duration_s or 0) > MAX_VIDEO_S:
            raise refuse(f"model.videos.video_{index}: the video lasts {video.duration_s:.2f} s; Gemini Omni takes "
                         f"at most {MAX_VIDEO_S:g} s (trim it with Video Slice)")
        data = await asyncio.to_thread(_mp4_bytes, video)
        parts.append({"type": "video", "data": provider_media.b64(data), "mime_type": "video/mp4"})
    used = sum(len(p["data"]) for p in parts)
    if used > MAX_INLINE_BYTES:
        raise refuse(f"model.videos: {used / 2**20:.0f} MB inline; Gemini takes about {MAX_INLINE_BYTES // 2**20} MB "
                     "in one request (trim or shrink the videos)")
    for batch in images:
        for png in frames_as_png(batch, provider=GeminiClient.provider, budget_bytes=(MAX_INLINE_BYTES - used) * 3 // 4):
            parts.append({"type": "image", "data": provider_media.b64(png), "mime_type": "image/png"})
    return parts


def _mp4_bytes(video: Video) -> bytes:
    """The video as H.264 MP4 bytes (the file itself when it already is one)."""
    if not video.is_trimmed and video.codec == "h264" and video.format == "mp4":
        return video.path.read_bytes()
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as folder:
        return video.save_to(Path(folder) / "input.mp4").read_bytes()


def outputs(interaction: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The model's output contents and its text."""
    contents = [c for step in interaction.get("steps") or [] if isinstance(step, dict)
                and step.get("type") == "model_output" for c in step.get("content") or [] if isinstance(c, dict)]
    return contents, "\n".join(c["text"] for c in contents if c.get("type") == "text" and c.get("text"))


async def video_bytes(ctx: NodeContext, client: GeminiClient, interaction: dict[str, Any]) -> bytes:
    contents, text = outputs(interaction)
    for content in contents:
        if content.get("type") != "video":
            continue
        if content.get("data"):
            if len(content["data"]) * 3 // 4 > DEFAULT_MAX_DOWNLOAD_BYTES:
                raise client.error(ProviderError, "the inline video is larger than the download limit")
            try:
                return base64.b64decode(content["data"], validate=True)
            except (binascii.Error, ValueError):
                raise client.error(ProviderError, "the inline video is not valid base64") from None
        if content.get("uri"):
            data, _kind = await client.download(content["uri"], accept=("video/", "application/octet-stream"))
            return data
    said = f" It said: {text.strip()[:300]}" if text.strip() else ""
    raise client.error(TaskFailedError, "Gemini did not generate a video; try rephrasing the prompt, a shorter "
                       f"length, or fewer reference images/videos.{said}")


@comfy_node(TABLE["GeminiVideoOmni"], provider=GeminiClient)
async def gemini_video_omni(ctx: NodeContext, *, model: dict[str, Any], seed: int = 42) -> tuple[Video, str]:
    """Generate a video with sound from a prompt (and reference images or videos) with Gemini Omni on your own
    key. Say the length (3–10 s) and the aspect ratio (16:9 or 9:16) in the prompt."""
    prompt = (model.get("prompt") or "").strip()
    if not prompt:
        raise refuse("model.prompt: a prompt is required")
    images = [i for i in (model.get("images") or {}).values() if i is not None]
    videos = [v for v in (model.get("videos") or {}).values() if v is not None]
    parts = [*await media_input(images, videos), {"type": "text", "text": prompt}]
    body = {"model": MODELS[model["model"]], "input": parts, "background": True, "response_modalities": ["video"],
            "generation_config": {"temperature": model.get("temperature", 1.0), "top_p": model.get("top_p", 0.95)}}
    client = ctx.provider(GeminiClient)
    created = await client.request("POST", "/interactions", json=body, create=True)
    if not isinstance(created, dict) or not created.get("id"):
        raise client.error(ProviderError, "the interaction was not created (no id in the answer)")
    ctx.text(f"Gemini interaction {created['id']} started")

    async def status() -> TaskStatus:
        found = await client.request("GET", f"/interactions/{created['id']}")
        state = found.get("status") if isinstance(found, dict) else None
        if state == "completed":
            return TaskStatus(state="succeeded", result=found)
        if state in _ENDED:
            said = outputs(found)[1].strip()[:300]
            raise client.error(TaskFailedError, f"the interaction ended {state}" + (f": {said}" if said else ""))
        return TaskStatus(state="running")

    done = created if created.get("status") == "completed" else \
        (await poll(ctx, status, plan=PLAN, label="Gemini Omni video")).result
    video = await provider_media.save_video(ctx, await video_bytes(ctx, client, done), provider="gemini")
    return video, outputs(done)[1]
