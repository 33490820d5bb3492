"""ModelScopeImage: draw or edit pictures with the models on ModelScope
API-Inference (Qwen-Image, FLUX, Z-Image, community checkpoints) through its async
image API: submit, poll, download. Edit models take the optional image, sent as data
URLs. Returns an IMAGE batch and the task id; the status line shows the day's
remaining free quota."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import (IMAGE, Combo, Float, Input, Int, NodeContext, Output, PollPlan, Price, Text, node, poll,
                              provider_media)

from ..choices import (IMAGE_MODELS, PROMPT_MAX_CHARS, SEED_MAX, check_image, chosen_model, is_edit_model,
                       normalise_size)
from ..client import ModelScopeClient
from ..models import ImageRequest

#: Free-tier tasks take 10–60 s and can queue; polls are spaced to spare the quota.
PLAN = PollPlan(interval_s=3.0, max_interval_s=10.0, estimate_s=40.0, timeout_s=900.0)
#: Edit models take a few references; a whole video wired in should fail here.
MAX_IMAGES = 8


def validate(model: str | None, custom_model: str | None, size: str | None, guidance: float | None) -> bool | str:
    """Refuse bad inputs before the graph runs. Taking ``model`` here also lifts the
    list check, so API prompts may name any ModelScope model."""
    return check_image(model=model, custom_model=custom_model, size=size, guidance=guidance) or True


@node("ModelScopeImage", display_name="ModelScope Image", category="provider/modelscope",
      provider=ModelScopeClient, validate=validate,
      price=Price("modelscope", key=("model",)))
async def model_scope_image(
    ctx: NodeContext,
    prompt: Annotated[str, Text(multiline=True, default="A red ceramic mug on a marble table, soft studio light",
                                tooltip="What to draw, or for edit models what to change (under 2000 characters).")],
    model: Annotated[str, Combo(options=IMAGE_MODELS, default=IMAGE_MODELS[0])],
    negative_prompt: Annotated[str, Text(multiline=True, default="", tooltip="What to avoid; optional.")],
    size: Annotated[str, Text(default="1024x1024", tooltip="WIDTHxHEIGHT; blank = the model's default. "
                                                           "Qwen-Image up to 1664, FLUX up to 1024, others 2048.")],
    seed: Annotated[int, Int(default=0, min=0, max=SEED_MAX, control_after_generate=True)],
    steps: Annotated[int, Int(default=0, min=0, max=100, tooltip="0 = the model's default.")],
    guidance: Annotated[float, Float(default=0.0, min=0.0, max=20.0, step=0.5,
                                     tooltip="1.5–20; 0 = the model's default.")],
    custom_model: Annotated[str, Text(default="", tooltip="Any ModelScope model id; overrides model.")],
    image: Annotated[IMAGE | None, Input(tooltip="The picture(s) an edit model works on.")] = None,
) -> tuple[Annotated[IMAGE, Output(name="images")], Annotated[str, Output(name="task_id")]]:
    """Generate or edit images with a ModelScope model."""
    problem = check_image(model=model, custom_model=custom_model, size=size, guidance=guidance)
    if problem:
        raise ValueError(problem)
    _check_prompts(prompt, negative_prompt)
    model_id = chosen_model(model, custom_model)
    request = ImageRequest(model=model_id, prompt=prompt, negative_prompt=negative_prompt.strip() or None,
                           size=normalise_size(size, model_id), seed=seed, steps=steps or None,
                           guidance=guidance or None, image_url=_image_urls(image, model_id))
    client = ctx.provider(ModelScopeClient)
    task_id = await client.submit_image(request)
    ctx.text(f"Task {task_id} submitted")
    done = await poll(ctx, lambda: client.task_status(task_id), plan=PLAN,
                      label=f"{model_id} task")
    batch = provider_media.images_to_batch(await client.download_images(done.result))
    quota = client.quota_text()
    ctx.text(f"{batch.shape[0]} image(s)" + (f"; {quota}" if quota else ""))
    return batch, task_id


def _check_prompts(prompt: str, negative_prompt: str) -> None:
    if not prompt.strip():
        raise ValueError("prompt: describe the picture to draw")
    for name, text in (("prompt", prompt), ("negative_prompt", negative_prompt)):
        if len(text) > PROMPT_MAX_CHARS:
            raise ValueError(f"{name}: {len(text)} characters; ModelScope takes under 2000")


def _image_urls(image: object, model: str) -> list[str] | None:
    if image is None:
        if is_edit_model(model):
            raise ValueError(f"image: {model} edits a picture, so connect one")
        return None
    frames = image.shape[0]  # type: ignore[attr-defined]
    if frames > MAX_IMAGES:
        raise ValueError(f"image: {frames} frames is more than the {MAX_IMAGES} this node sends")
    return [provider_media.data_url(provider_media.image_bytes(image, fmt="JPEG", index=i, max_side=2048,  # type: ignore[arg-type]
                                                               quality=95), "image/jpeg") for i in range(frames)]
