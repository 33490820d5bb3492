"""Kling's wire types: the request bodies the client sends and the task objects it
reads back (``{"code", "message", "request_id", "data"}`` envelopes around a task).
Responses tolerate fields we do not know, because Kling adds them without notice
(``watermark_url``, ``final_unit_deduction``); requests forbid unknown fields so a
typo fails here, not at Kling. No HTTP, no nodes."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: The node combos; ``provider.py`` declares the same lists to Settings.
VIDEO_MODELS = ("kling-v2-1", "kling-v2-1-master", "kling-v2-5-turbo", "kling-v2-6", "kling-v2-master",
                "kling-v1-6", "kling-v1-5", "kling-v1")
IMAGE_MODELS = ("kling-v2-1", "kling-v2-new", "kling-v2", "kling-v1-5", "kling-v1")

MODES = ("std", "pro")
DURATIONS = ("5", "10")
VIDEO_ASPECT_RATIOS = ("16:9", "9:16", "1:1")
IMAGE_ASPECT_RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9")
RESOLUTIONS = ("1k", "2k")
#: Camera presets that need no ``config`` ("simple" needs six numbers, left out).
CAMERA_PRESETS = ("none", "down_back", "forward_up", "right_turn_forward", "left_turn_forward")
IMAGE_REFERENCES = ("none", "subject", "face")


# --- requests --------------------------------------------------------------------------

class WireRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def wire(self) -> dict[str, Any]:
        """The JSON body: unset options are left out so Kling applies its defaults."""
        return self.model_dump(exclude_none=True)


class CameraControl(WireRequest):
    type: Literal["simple", "down_back", "forward_up", "right_turn_forward", "left_turn_forward"]
    config: dict[str, float] | None = None


class Text2VideoRequest(WireRequest):
    model_name: str
    prompt: str
    negative_prompt: str | None = None
    cfg_scale: float | None = Field(default=None, ge=0, le=1)
    mode: Literal["std", "pro"] = "std"
    aspect_ratio: Literal["16:9", "9:16", "1:1"] = "16:9"
    #: A string on the wire: Kling rejects the number 5.
    duration: Literal["5", "10"] = "5"
    camera_control: CameraControl | None = None


class Image2VideoRequest(WireRequest):
    model_name: str
    #: Raw base64 (no ``data:`` prefix) or a public URL.
    image: str
    image_tail: str | None = None
    prompt: str | None = None
    negative_prompt: str | None = None
    cfg_scale: float | None = Field(default=None, ge=0, le=1)
    mode: Literal["std", "pro"] = "std"
    duration: Literal["5", "10"] = "5"
    camera_control: CameraControl | None = None


class ImageGenerationRequest(WireRequest):
    model_name: str
    prompt: str
    negative_prompt: str | None = None
    image: str | None = None
    image_reference: Literal["subject", "face"] | None = None
    image_fidelity: float | None = Field(default=None, ge=0, le=1)
    human_fidelity: float | None = Field(default=None, ge=0, le=1)
    resolution: Literal["1k", "2k"] = "1k"
    n: int = Field(default=1, ge=1, le=9)
    aspect_ratio: str = "16:9"


class MultiPromptEntry(WireRequest):
    """One storyboard shot of a multi-shot video."""
    index: int
    prompt: str
    #: Seconds, as a string.
    duration: str


class SoundVideoRequest(WireRequest):
    """``text2video`` / ``image2video`` for kling-v2-6 and kling-v3: sound, 3–15 s
    durations, 720p/1080p/4k as the ``mode`` std/pro/4k, storyboards."""
    model_name: str
    prompt: str | None = None
    negative_prompt: str | None = None
    image: str | None = None
    image_tail: str | None = None
    aspect_ratio: str | None = None
    duration: str
    mode: str = "pro"
    sound: Literal["on", "off"] | None = None
    multi_shot: bool | None = None
    multi_prompt: list[MultiPromptEntry] | None = None
    shot_type: str | None = None


class OmniImage(WireRequest):
    #: A URL or raw base64 (the Omni API's field is named for URLs).
    image_url: str
    type: Literal["first_frame", "end_frame"] | None = None


class OmniVideoRequest(WireRequest):
    """``POST /v1/videos/omni-video`` (kling-video-o1, kling-v3-omni)."""
    model_name: str
    prompt: str
    aspect_ratio: str | None = None
    duration: str | None = None
    image_list: list[OmniImage] | None = None
    video_list: list[dict[str, Any]] | None = None
    mode: str = "pro"
    sound: Literal["on", "off"] | None = None
    multi_shot: bool | None = None
    multi_prompt: list[MultiPromptEntry] | None = None
    shot_type: str | None = None


class OmniImageRequest(WireRequest):
    """``POST /v1/images/omni-image``."""
    model_name: str
    prompt: str
    resolution: str
    aspect_ratio: str | None = None
    n: int = Field(default=1, ge=1, le=9)
    image_list: list[dict[str, str]] | None = None
    result_type: Literal["series"] | None = None
    series_amount: int | None = Field(default=None, ge=2, le=9)


class VideoExtendRequest(WireRequest):
    """``POST /v1/videos/video-extend``: continue a Kling-made video by its id."""
    video_id: str
    prompt: str | None = None
    negative_prompt: str | None = None
    cfg_scale: float | None = Field(default=None, ge=0, le=1)


class EffectsRequest(WireRequest):
    """``POST /v1/videos/effects``: ``input`` holds ``model_name``, ``duration`` and
    ``image`` (one character) or ``images`` + ``mode`` (two)."""
    effect_scene: str
    input: dict[str, Any]


class TryOnRequest(WireRequest):
    """``POST /v1/images/kolors-virtual-try-on``."""
    model_name: str
    human_image: str
    cloth_image: str


class LipSyncRequest(WireRequest):
    """``POST /v1/videos/lip-sync``: ``input`` holds ``video_id`` (or ``video_url``),
    ``mode`` (``text2video``/``audio2video``) and the text-to-speech or audio fields."""
    input: dict[str, Any]


class AvatarRequest(WireRequest):
    """``POST /v1/videos/avatar/image2video``."""
    image: str
    sound_file: str
    prompt: str | None = None
    mode: str


# --- responses -------------------------------------------------------------------------

class _Response(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class KlingVideo(_Response):
    id: str = ""
    url: str
    #: Seconds, as a string ("5").
    duration: str | None = None


class KlingImage(_Response):
    index: int = 0
    url: str


class TaskResult(_Response):
    videos: list[KlingVideo] = Field(default_factory=list)
    images: list[KlingImage] = Field(default_factory=list)


class KlingTask(_Response):
    task_id: str
    #: submitted → processing → succeed | failed
    task_status: str = "submitted"
    task_status_msg: str | None = None
    task_result: TaskResult | None = None
    #: Milliseconds since the epoch.
    created_at: int | None = None
    updated_at: int | None = None


class Envelope(_Response):
    code: int = 0
    message: str = ""
    request_id: str = ""
    data: Any = None
