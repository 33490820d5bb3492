"""GeminiImage: generate or edit images with a native Gemini image model ("Nano
Banana"). Optional input frames are sent as references to edit or combine; the
result is an IMAGE batch plus any text the model wrote alongside it."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Combo, IMAGE, Input, Int, NodeContext, Output, Price, Text, node, provider_media

from ..client import GeminiClient
from ..frames import frames_as_png
from ..models import GenerateContentRequest, GenerationConfig, ImageConfig, user_turn
from ..options import (ASPECT_CHOICES, IMAGE_MODELS, SIZE_CHOICES, check_aspect_ratio, check_prompt,
                       takes_image_size)
from ..text_images import elide_data_urls


def image_config(ctx: NodeContext, model: str, aspect_ratio: str, image_size: str) -> ImageConfig | None:
    """imageConfig for the request: "auto" leaves a field out, and imageSize is only
    sent to models that take it (the others have one fixed size)."""
    check_aspect_ratio(model, aspect_ratio, provider=GeminiClient.provider)
    ratio = None if aspect_ratio == "auto" else aspect_ratio
    size = None if image_size == "auto" else image_size
    if size and not takes_image_size(model):
        ctx.text(f"{model} has a fixed output size; image_size {size} is not sent")
        size = None
    return ImageConfig(aspect_ratio=ratio, image_size=size) if ratio or size else None


@node("GeminiImage", category="image/gemini", provider=GeminiClient, price=Price("gemini", key=("model", "image_size")))
async def gemini_image(
    ctx: NodeContext,
    prompt: Annotated[str, Text(multiline=True, default="",
                                tooltip="What to draw, or how to change the input images.")],
    model: Annotated[str, Combo(options=list(IMAGE_MODELS), default=IMAGE_MODELS[0])],
    aspect_ratio: Annotated[str, Combo(options=ASPECT_CHOICES, default="auto",
                                       tooltip="auto lets the model choose (or follow the input image); "
                                               "1:4, 4:1, 1:8 and 8:1 need a gemini-3.1 model.")],
    image_size: Annotated[str, Combo(options=SIZE_CHOICES, default="auto",
                                     tooltip="1K/2K/4K output; only gemini-3 models take it.")],
    seed: Annotated[int, Int(default=0, min=0, max=2**31 - 1, control_after_generate=True)],
    images: Annotated[IMAGE, Input(tooltip="Optional images to edit or use as references.")] | None = None,
) -> tuple[Annotated[IMAGE, Output(name="images")], Annotated[str, Output(name="text")]]:
    """Generate or edit images with Gemini's native image models."""
    request = GenerateContentRequest(
        contents=[user_turn(check_prompt(prompt, provider=GeminiClient.provider),
                            frames_as_png(images, provider=GeminiClient.provider))],
        # TEXT alongside IMAGE: the 2.0 models require it and the others accept it.
        generation_config=GenerationConfig(seed=seed, response_modalities=["TEXT", "IMAGE"],
                                           image_config=image_config(ctx, model, aspect_ratio, image_size)),
    )
    gemini = ctx.provider(GeminiClient)
    ctx.text(f"Generating with {model}…")
    answer = await gemini.generate_content(model, request)
    blobs = await gemini.result_images(answer)
    return provider_media.images_to_batch(blobs), elide_data_urls(answer.text())
