"""QwenTextToImage: draw pictures with Alibaba's qwen-image and wan/wanx models
through DashScope's async text-to-image API (submit, poll, download). Returns the
images as one IMAGE batch and the task id. When some of the requested images fail
(moderation, for instance) the ones that worked are returned and the status line says
what happened to the rest."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import (IMAGE, Bool, Combo, Int, NodeContext, Output, PollPlan, Price, Text, node, poll,
                              provider_media)

from ..choices import (IMAGE_MODELS, REGION_CHOICES, SIZE_CHOICES, STYLES, check_text_to_image,
                       normalise_size)
from ..client import DashScopeClient, client_for
from ..models import SynthesisInput, SynthesisParameters, SynthesisRequest

#: Tasks usually take 10–30 s; the queue can hold them for minutes at busy times.
PLAN = PollPlan(interval_s=2.0, max_interval_s=8.0, estimate_s=30.0, timeout_s=900.0)


def validate(model: str | None, size: str | None, style: str | None) -> bool | str:
    """Refuse bad combinations before the graph runs. Taking ``model`` and ``size``
    here also lifts the list check on them, so a new model id or a size written
    ``1328x1328`` is accepted from API prompts."""
    return check_text_to_image(model=model, size=size, style=style) or True


@node("QwenTextToImage", category="provider/qwen", provider=DashScopeClient, validate=validate,
      price=Price("qwen", key=("model",), times=("n",)))
async def qwen_text_to_image(
    ctx: NodeContext,
    prompt: Annotated[str, Text(multiline=True, default="A red ceramic mug on a marble table, soft studio light",
                                tooltip="What to draw (Chinese or English).")],
    model: Annotated[str, Combo(options=IMAGE_MODELS, default=IMAGE_MODELS[0])],
    negative_prompt: Annotated[str, Text(multiline=True, default="", tooltip="What to avoid; optional.")],
    size: Annotated[str, Combo(options=SIZE_CHOICES, default="auto",
                               tooltip="WIDTH*HEIGHT (1328x1328 is accepted too); auto = the model's default. "
                                       "qwen-image draws only its five sizes.")],
    n: Annotated[int, Int(default=1, min=1, max=4, tooltip="How many images.")],
    seed: Annotated[int, Int(default=0, min=0, max=2147483647, control_after_generate=True)],
    style: Annotated[str, Combo(options=STYLES, default="<auto>", tooltip="wanx-v1 only.")],
    prompt_extend: Annotated[bool, Bool(default=True, tooltip="Let DashScope rewrite the prompt "
                                                              "(not sent for wanx-v1).")],
    region: Annotated[str, Combo(options=REGION_CHOICES, default="default",
                                 tooltip="The region your key belongs to; default = Settings → Providers. "
                                         "An explicit base URL set there always wins.")],
    # A Python default because Bool(default=False) renders no default (options drop False).
    watermark: Annotated[bool, Bool(tooltip="Ask DashScope to stamp its AI-generated mark.")] = False,
) -> tuple[Annotated[IMAGE, Output(name="images")], Annotated[str, Output(name="task_id")]]:
    """Generate images with qwen-image or Wan on DashScope."""
    problem = check_text_to_image(model=model, size=size, style=style)
    if problem:
        raise ValueError(problem)
    if not prompt.strip():
        raise ValueError("prompt: describe the picture to draw")
    request = SynthesisRequest(
        model=model,
        input=SynthesisInput(prompt=prompt, negative_prompt=negative_prompt.strip() or None),
        parameters=SynthesisParameters(
            size=normalise_size(size, model), n=n, seed=seed, watermark=watermark,
            style=style if model == "wanx-v1" else None,
            prompt_extend=None if model == "wanx-v1" else prompt_extend))
    client = client_for(ctx, region)
    task_id = await client.submit_text_to_image(request)
    ctx.text(f"Task {task_id} submitted")
    done = await poll(ctx, lambda: client.task_status(task_id), plan=PLAN,
                      cancel=lambda: client.cancel_task(task_id), label=f"{model} task")
    images = done.result
    batch = provider_media.images_to_batch(await client.download_images(images))
    if images.failures:
        ctx.text(f"{len(images.urls)} of {images.total} images returned; "
                 f"the rest failed: {'; '.join(images.failures)}")
    return batch, task_id
