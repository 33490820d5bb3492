"""What ComfyUI's Kling nodes share: resolution → Kling's ``mode`` (720p std, 1080p
pro, 4k 4k), frames as Kling's raw base64 JPEG after its size rules, ComfyUI's
storyboards as ``multi_prompt`` shots, ``@image2``-style prompt references in Omni
syntax, and one task from creation to its downloaded VIDEO or IMAGE batch."""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from keroro_graph.api import NodeContext, Video

from ..client import KlingClient, Kind
from ..inputs import check_prompt, kling_image, refuse, supports_cfg_scale
from ..models import MultiPromptEntry, WireRequest
from ..outputs import image_batch, video_of, video_with_id

MODES = {"4k": "4k", "1080p": "pro", "720p": "std"}
MAX_STORYBOARD_PROMPT = 512


def mode_for(resolution: str) -> str:
    return MODES.get(resolution, "std")


def sound(on: bool) -> str:
    return "on" if on else "off"


def frames(images: Any, name: str, *, limit: int) -> list[str]:
    """Every frame of an IMAGE batch (or none) as Kling base64, at most ``limit``."""
    if images is None:
        return []
    count = int(images.shape[0]) if images.ndim == 4 else 1
    if count > limit:
        raise refuse(f"{name}: {count} images; Kling takes at most {limit}")
    return [kling_image(images[i:i + 1] if images.ndim == 4 else images, name) for i in range(count)]


def required_prompt(name: str, text: str) -> str:
    return check_prompt(name, text, required=True)  # type: ignore[return-value]


def omni_prompt(text: str) -> str:
    """ComfyUI's ``@image``/``@image2``/``@video`` references in Kling Omni's
    ``<<<image_1>>>`` syntax."""
    text = re.sub(r"(?<!\w)@image(\d*)(?!\w)", lambda m: f"<<<image_{m.group(1) or '1'}>>>", text or "")
    return re.sub(r"(?<!\w)@video(\d*)(?!\w)", lambda m: f"<<<video_{m.group(1) or '1'}>>>", text)


def storyboard(choice: dict[str, Any] | None, key: str) -> list[MultiPromptEntry] | None:
    """ComfyUI's storyboard dynamic combo (``{"<key>": "2 storyboards",
    "storyboard_1_prompt": ..., ...}``) as Kling shots, or None when disabled."""
    if not choice or choice.get(key, "disabled") == "disabled":
        return None
    count = int(str(choice[key]).split()[0])
    shots = []
    for i in range(1, count + 1):
        text = (choice.get(f"storyboard_{i}_prompt") or "").strip()
        if not text or len(text) > MAX_STORYBOARD_PROMPT:
            raise refuse(f"{key}.storyboard_{i}_prompt: needs 1 to {MAX_STORYBOARD_PROMPT} characters")
        shots.append(MultiPromptEntry(index=i, prompt=text, duration=str(choice[f"storyboard_{i}_duration"])))
    return shots


def shots_fields(shots: list[MultiPromptEntry] | None) -> dict[str, Any]:
    return {"multi_shot": True, "multi_prompt": shots, "shot_type": "customize"} if shots else {}


def check_total(shots: list[MultiPromptEntry] | None, duration: int) -> None:
    total = sum(int(s.duration) for s in shots or [])
    if shots and total != duration:
        raise refuse(f"storyboards: the shots last {total} s but duration is {duration} s; make them equal")


async def video_task(ctx: NodeContext, kind: Kind, request: WireRequest) -> Video:
    """Create the task, poll it to the end and return its downloaded VIDEO."""
    kling = ctx.provider(KlingClient)
    task = await kling.create(kind, request)
    ctx.text(f"Kling task {task.task_id} submitted")
    return await video_of(ctx, kling, await kling.wait(ctx, kind, task.task_id))


async def image_task(ctx: NodeContext, kind: Kind, request: WireRequest) -> np.ndarray:
    """Create the task, poll it to the end and return its images as one batch."""
    kling = ctx.provider(KlingClient)
    task = await kling.create(kind, request)
    ctx.text(f"Kling task {task.task_id} submitted")
    return await image_batch(ctx, kling, await kling.wait(ctx, kind, task.task_id))


async def video_task_with_id(ctx: NodeContext, kind: Kind, request: WireRequest) -> tuple[Video, str, str]:
    """Like ``video_task``, returning ComfyUI's (VIDEO, video_id, duration)."""
    kling = ctx.provider(KlingClient)
    task = await kling.create(kind, request)
    ctx.text(f"Kling task {task.task_id} submitted")
    return await video_with_id(ctx, kling, await kling.wait(ctx, kind, task.task_id))


def parse_mode(choice: str) -> tuple[str, str, str]:
    """ComfyUI's "pro mode / 5s duration / kling-v2-5-turbo" → ("pro", "5", "kling-v2-5-turbo")."""
    mode, duration, model = (part.strip() for part in choice.split("/"))
    return ("std" if mode.startswith("standard") else "pro"), duration.split("s")[0], model


def cfg(model: str, value: float) -> float | None:
    """cfg_scale is sent to the kling-v1 family only: Kling documents it as unsupported
    by v2 models (ComfyUI sends it regardless)."""
    return value if supports_cfg_scale(model) else None


def optional_text(text: str) -> str | None:
    return (text or "").strip() or None
