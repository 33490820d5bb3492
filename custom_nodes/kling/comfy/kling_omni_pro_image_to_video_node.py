"""KlingOmniProImageToVideoNode ("Kling 3.0 Omni Image to Video"): a video guided by
up to 7 reference images (named in the prompt as @image1, @image2, ...)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import KlingClient
from ..models import OmniImage
from . import TABLE
from .omni import omni_video
from .tasks import frames


@comfy_node(TABLE["KlingOmniProImageToVideoNode"], provider=KlingClient)
async def kling_omni_pro_image_to_video_node(ctx: NodeContext, *, model_name: str, prompt: str, aspect_ratio: str,
                                             duration: int, reference_images: Any, resolution: str = "1080p",
                                             storyboards: Any = None, generate_audio: bool = False,
                                             seed: int = 0) -> Video:
    """Generate a video from reference images with Kling Omni on your own keys."""
    images = [OmniImage(image_url=b64) for b64 in frames(reference_images, "reference_images", limit=7)]
    return await omni_video(ctx, model_name=model_name, prompt=prompt, duration=duration, resolution=resolution,
                            storyboards=storyboards, generate_audio=generate_audio, images=images,
                            aspect_ratio=aspect_ratio)
