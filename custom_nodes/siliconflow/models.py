"""SiliconFlow's wire types (specs/providers.md §6) and the option lists its nodes
offer. Every response model keeps unknown fields and tolerates the variants the spec
marks UNCONFIRMED (``data`` beside ``images``, statuses beyond the documented two).
Nothing here does I/O."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The node combos; provider.py declares the same lists to Settings.
CHAT_MODELS = ("deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1")
IMAGE_MODELS = ("Kwai-Kolors/Kolors", "Qwen/Qwen-Image", "Qwen/Qwen-Image-Edit-2509",
                "black-forest-labs/FLUX.1-schnell", "stabilityai/stable-diffusion-3-5-large")
VIDEO_MODELS = ("Wan-AI/Wan2.2-T2V-A14B", "Wan-AI/Wan2.2-I2V-A14B")

#: Kolors' documented sizes, then Qwen-Image's.
IMAGE_SIZES = ("1024x1024", "960x1280", "768x1024", "720x1440", "720x1280", "1328x1328", "1664x928",
               "928x1664", "1472x1140", "1140x1472", "1584x1056", "1056x1584")
VIDEO_SIZES = ("1280x720", "720x1280", "960x960")
MAX_SEED = 9_999_999_999

#: SiliconFlow's task statuses → the poller's states. Only Succeed and InProgress
#: are documented; InQueue and Failed are seen by public clients.
VIDEO_STATES: dict[str, Literal["queued", "running", "succeeded", "failed"]] = {"InQueue": "queued", "InProgress": "running", "Succeed": "succeeded", "Failed": "failed"}


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


class Url(Wire):
    url: str


# --- images ----------------------------------------------------------------------------------

class ImageRequest(Wire):
    model: str
    prompt: str
    negative_prompt: str | None = None
    image_size: str
    batch_size: int
    num_inference_steps: int
    guidance_scale: float
    seed: int
    #: A URL or data URL, for edit and img2img models.
    image: str | None = None

    def payload(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class ImageResult(Wire):
    images: list[Url] = Field(default_factory=list)
    #: Seen in some answers instead of ``images`` (UNCONFIRMED).
    data: list[Url] = Field(default_factory=list)
    seed: int | None = None

    def urls(self) -> list[str]:
        return [item.url for item in self.images or self.data]


# --- video -----------------------------------------------------------------------------------

class VideoRequest(Wire):
    model: str
    prompt: str
    negative_prompt: str | None = None
    image_size: str
    seed: int
    #: The start frame, required by I2V models.
    image: str | None = None

    def payload(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class VideoSubmitted(Wire):
    requestId: str = Field(min_length=1)  # noqa: N815 - the wire name


class VideoResults(Wire):
    videos: list[Url] = Field(default_factory=list)


class VideoStatus(Wire):
    status: str
    reason: str | None = None
    position: int | None = None
    results: VideoResults | None = None
