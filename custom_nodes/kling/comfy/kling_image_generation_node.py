"""KlingImageGenerationNode ("Kling 3.0 Image"): 1 to 9 images from a prompt,
optionally guided by a reference image (subject or face)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..models import ImageGenerationRequest
from . import TABLE
from .pricing import TEXT_TO_IMAGE
from .tasks import frames, image_task, required_prompt


@comfy_node(TABLE["KlingImageGenerationNode"], provider=KlingClient, price=TEXT_TO_IMAGE)
async def kling_image_generation_node(ctx: NodeContext, *, prompt: str, negative_prompt: str, image_type: str,
                                      image_fidelity: float, human_fidelity: float, model_name: str,
                                      aspect_ratio: str, n: int, image: Any = None, seed: int = 0) -> Any:
    """Generate images with Kling on your own keys."""
    fields: dict[str, Any] = {}
    if image is not None:
        [fields["image"]] = frames(image, "image", limit=1)
        fields.update(image_reference=image_type, image_fidelity=image_fidelity, human_fidelity=human_fidelity)
    elif negative_prompt.strip():
        fields["negative_prompt"] = negative_prompt.strip()
    request = ImageGenerationRequest(model_name=model_name, prompt=required_prompt("prompt", prompt),
                                     aspect_ratio=aspect_ratio, n=n, **fields)
    return await image_task(ctx, "image", request)
