"""KlingImageGeneration: 1 to 9 images from a prompt, optionally guided by a
reference image (``POST /v1/images/generations``, then polled; typically about
half a minute). Returns one IMAGE batch and the task id."""
from __future__ import annotations

from typing import Annotated, Optional

from keroro_graph.api import Combo, Float, IMAGE, Input, Int, NodeContext, Output, Price, Text, node

from ..client import KlingClient
from ..inputs import check_prompt, kling_image, refuse
from ..models import IMAGE_ASPECT_RATIOS, IMAGE_MODELS, IMAGE_REFERENCES, RESOLUTIONS, ImageGenerationRequest
from ..outputs import image_batch

#: Kling documents subject/face references for this model.
REFERENCE_MODEL = "kling-v1-5"


@node("KlingImageGeneration", category="image/kling", provider=KlingClient, display_name="Kling Image Generation",
      price=Price("kling", key=("model",), times=("n",), unknown_if=("reference_image",)))
async def kling_image_generation(
    ctx: NodeContext,
    prompt: Annotated[str, Text(multiline=True, default="", tooltip="The picture to make (≤ 2500 characters).")],
    negative_prompt: Annotated[str, Text(multiline=True, default="",
                                         tooltip="What to avoid; not allowed with a reference image.")],
    model: Annotated[str, Combo(options=IMAGE_MODELS, default=IMAGE_MODELS[0])],
    resolution: Annotated[str, Combo(options=RESOLUTIONS, default="1k")],
    aspect_ratio: Annotated[str, Combo(options=IMAGE_ASPECT_RATIOS, default="16:9")],
    n: Annotated[int, Int(default=1, min=1, max=9, tooltip="How many images (each uses a concurrency slot).")],
    image_reference: Annotated[str, Combo(options=IMAGE_REFERENCES, default="none",
                                          tooltip="What the reference image guides (kling-v1-5).")] = "none",
    image_fidelity: Annotated[float, Float(default=0.5, min=0.0, max=1.0, step=0.05,
                                           tooltip="How closely to follow the reference image.")] = 0.5,
    human_fidelity: Annotated[float, Float(default=0.45, min=0.0, max=1.0, step=0.05,
                                           tooltip="How closely to keep the reference's face/body.")] = 0.45,
    reference_image: Annotated[Optional[IMAGE], Input(tooltip="Optional reference (≥ 300 px per side).")] = None,
) -> tuple[Annotated[IMAGE, Output(name="images")], Annotated[str, Output(name="task_id")]]:
    """Generate images from a prompt (and an optional reference image) with Kling."""
    request = ImageGenerationRequest(
        model_name=model, prompt=check_prompt("prompt", prompt, required=True),
        negative_prompt=check_prompt("negative_prompt", negative_prompt),
        resolution=resolution, n=n, aspect_ratio=aspect_ratio, **_reference(
            reference_image, model=model, kind=image_reference, negative_prompt=negative_prompt,
            image_fidelity=image_fidelity, human_fidelity=human_fidelity))
    kling = ctx.provider(KlingClient)
    task = await kling.create("image", request)
    ctx.text(f"Kling task {task.task_id} submitted")
    finished = await kling.wait(ctx, "image", task.task_id)
    return await image_batch(ctx, kling, finished), finished.task_id


def _reference(image: object, *, model: str, kind: str, negative_prompt: str, image_fidelity: float,
               human_fidelity: float) -> dict[str, object]:
    """The request fields for the reference image, after Kling's combination rules."""
    if image is None:
        if kind != "none":
            raise refuse(f"image_reference: {kind!r} needs a reference_image; connect one or choose none")
        return {}
    if negative_prompt.strip():
        raise refuse("negative_prompt: Kling does not accept a negative prompt together with a reference image")
    if model == REFERENCE_MODEL and kind == "none":
        raise refuse(f"image_reference: {REFERENCE_MODEL} needs subject or face with a reference image")
    fields: dict[str, object] = {"image": kling_image(image, "reference_image"), "image_fidelity": image_fidelity}
    if kind != "none":
        fields.update(image_reference=kind, human_fidelity=human_fidelity)
    return fields
