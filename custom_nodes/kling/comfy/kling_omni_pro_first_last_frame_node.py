"""KlingOmniProFirstLastFrameNode ("Kling 3.0 Omni First-Last-Frame to Video"): a
video from a first frame, an optional last frame and up to 6 reference images."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import KlingClient
from ..models import OmniImage
from . import TABLE
from .omni import omni_video
from .tasks import frames


@comfy_node(TABLE["KlingOmniProFirstLastFrameNode"], provider=KlingClient)
async def kling_omni_pro_first_last_frame_node(ctx: NodeContext, *, model_name: str, prompt: str, duration: int,
                                               first_frame: Any, end_frame: Any = None, reference_images: Any = None,
                                               resolution: str = "1080p", storyboards: Any = None,
                                               generate_audio: bool = False, seed: int = 0) -> Video:
    """Animate between frames with Kling Omni on your own keys."""
    images = [OmniImage(image_url=b64, type="first_frame") for b64 in frames(first_frame, "first_frame", limit=1)]
    images += [OmniImage(image_url=b64, type="end_frame") for b64 in frames(end_frame, "end_frame", limit=1)]
    images += [OmniImage(image_url=b64) for b64 in frames(reference_images, "reference_images", limit=6)]
    return await omni_video(ctx, model_name=model_name, prompt=prompt, duration=duration, resolution=resolution,
                            storyboards=storyboards, generate_audio=generate_audio, images=images,
                            any_duration=end_frame is not None or reference_images is not None)
