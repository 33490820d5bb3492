"""SiliconFlowImage: images from a prompt with SiliconFlow's hosted image models
(Kolors, Qwen-Image, FLUX, SD 3.5), or an edited input image with the edit models
(``POST /images/generations``). The result URLs expire after an hour, so the images
are fetched at once and returned as one IMAGE batch."""
from __future__ import annotations

from typing import Annotated, Optional

from keroro_graph.api import Combo, Float, IMAGE, Input, Int, NodeContext, Output, Price, Text, node, provider_media

from ..client import SiliconFlowClient
from ..inputs import check_prompt, data_url, frames, is_edit_model
from ..models import IMAGE_MODELS, IMAGE_SIZES, MAX_SEED, ImageRequest


@node("SiliconFlowImage", category="provider/siliconflow", provider=SiliconFlowClient,
      display_name="SiliconFlow Image",
      price=Price("siliconflow", key=("model",), times=("batch_size",)))
async def silicon_flow_image(
    ctx: NodeContext,
    model: Annotated[str, Combo(options=list(IMAGE_MODELS), default=IMAGE_MODELS[0],
                                tooltip="Edit models (…-Edit-…) need an input image.")],
    prompt: Annotated[str, Text(multiline=True, default="", tooltip="The picture to make, or the edit to do.")],
    negative_prompt: Annotated[str, Text(multiline=True, default="", tooltip="What to avoid.")],
    image_size: Annotated[str, Combo(options=list(IMAGE_SIZES), default="1024x1024",
                                     tooltip="Width x height; Kolors and Qwen-Image each take their own sizes.")],
    batch_size: Annotated[int, Int(default=1, min=1, max=4, tooltip="How many images.")],
    num_inference_steps: Annotated[int, Int(default=20, min=1, max=100)],
    guidance_scale: Annotated[float, Float(default=7.5, min=0.0, max=20.0, step=0.1,
                                           tooltip="How closely to follow the prompt.")],
    seed: Annotated[int, Int(default=0, min=0, max=MAX_SEED)],
    image: Annotated[Optional[IMAGE], Input(tooltip="The image to edit (edit models) or start from "
                                                    "(img2img); the first frame is sent.")] = None,
) -> Annotated[IMAGE, Output(name="images")]:
    """Generate (or edit) images with a SiliconFlow image model."""
    has_image = frames(image, "image", most=64) > 0
    if is_edit_model(model) and not has_image:
        raise ValueError(f"image: {model} edits an input image; connect one")
    request = ImageRequest(
        model=model, prompt=check_prompt("prompt", prompt, required=True),
        negative_prompt=check_prompt("negative_prompt", negative_prompt, required=False) or None,
        image_size=image_size, batch_size=batch_size, num_inference_steps=num_inference_steps,
        guidance_scale=guidance_scale, seed=seed,
        # PNG keeps the edit source lossless.
        image=data_url(image, fmt="PNG") if has_image and image is not None else None)
    client = ctx.provider(SiliconFlowClient)
    ctx.text(f"Generating {batch_size} image{'s' if batch_size > 1 else ''} with {model}…")
    blobs = await client.generate(request)
    return provider_media.images_to_batch(blobs)
