"""GeminiRelayImage: Gemini image models ("nano-banana") through the Comfly or T8Star
relay. ``chat`` mode streams a chat completion and takes the image out of its text
(spec §4.2); ``images`` mode uses the relay's images API as an async task (§4.3),
which is also the only way to ask for an aspect ratio or image size."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import (IMAGE, BadRequestError, Combo, Input, Int, NodeContext, Output, PollPlan, Price, Text, node,
                              poll, provider_media)

from ..frames import frames_as_png
from ..options import (ASPECT_CHOICES, RELAY_IMAGE_MODELS, RELAYS, SIZE_CHOICES, check_aspect_ratio,
                       check_prompt, takes_image_size)
from ..relay_client import RELAY_CLIENTS, RelayClient
from ..text_images import elide_data_urls

#: Relays finish a nano-banana image in tens of seconds; poll gently up to 15 min.
RELAY_POLL = PollPlan(interval_s=2.0, max_interval_s=8.0, timeout_s=900.0, estimate_s=45.0)


def check_mode_options(mode: str, model: str, aspect_ratio: str, image_size: str, *, provider: str) -> None:
    """Raise BadRequestError naming the input a mode cannot honour."""
    if mode == "chat":
        for name, value in (("aspect_ratio", aspect_ratio), ("image_size", image_size)):
            if value != "auto":
                raise BadRequestError(f"{name} {value} needs mode 'images': chat completions have no field "
                                      f"for it (set {name} to auto, or describe the shape in the prompt)",
                                      provider=provider)
        return
    check_aspect_ratio(model, aspect_ratio, provider=provider)
    if image_size != "auto" and not takes_image_size(model):
        raise BadRequestError(f"image_size {image_size} is only taken by nano-banana-2 and gemini-3 models, "
                              f"not {model}", provider=provider)


async def run_chat(ctx: NodeContext, relay: RelayClient, model: str, prompt: str,
                   frames: list[bytes], seed: int) -> tuple[list[bytes], str]:
    urls = [provider_media.data_url(png) for png in frames]
    ctx.text(f"Streaming from {relay.provider} ({model})…")
    result = await relay.chat_image(model, prompt, urls, seed=seed)
    return await relay.chat_images(result), elide_data_urls(result.text)


async def run_images(ctx: NodeContext, relay: RelayClient, model: str, prompt: str, frames: list[bytes], *,
                     aspect_ratio: str, image_size: str, seed: int) -> tuple[list[bytes], str]:
    answer = await relay.submit_images(model, prompt, frames, seed=seed,
                                       aspect_ratio=None if aspect_ratio == "auto" else aspect_ratio,
                                       image_size=None if image_size == "auto" else image_size)
    items = answer.items
    if answer.task_id is not None:
        task_id = answer.task_id
        done = await poll(ctx, lambda: relay.task_status(task_id), plan=RELAY_POLL,
                          label=f"{relay.provider} task {task_id}")
        items = done.result or []
    blobs = await relay.item_images(items)
    lines = [item.url or "(inline image)" for item in items]
    lines += [item.revised_prompt for item in items if item.revised_prompt]
    return blobs, "\n".join(lines)


@node("GeminiRelayImage", category="image/gemini", provider={"input": "relay", "clients": RELAY_CLIENTS},
      limit="gemini_relay",
      price=Price("gemini.{relay}", key=("model", "image_size")))
async def gemini_relay_image(
    ctx: NodeContext,
    relay: Annotated[str, Combo(options=list(RELAYS), default=RELAYS[0],
                                tooltip="Which relay to call; each has its own API key.")],
    mode: Annotated[str, Combo(options=["chat", "images"], default="chat",
                               tooltip="chat: streamed chat completion; images: the images API "
                                       "(needed for aspect_ratio and image_size).")],
    model: Annotated[str, Combo(options=list(RELAY_IMAGE_MODELS), default=RELAY_IMAGE_MODELS[0])],
    prompt: Annotated[str, Text(multiline=True, default="",
                                tooltip="What to draw, or how to change the input images.")],
    aspect_ratio: Annotated[str, Combo(options=ASPECT_CHOICES, default="auto")],
    image_size: Annotated[str, Combo(options=SIZE_CHOICES, default="auto")],
    seed: Annotated[int, Int(default=0, min=0, max=2**31 - 1, control_after_generate=True)],
    images: Annotated[IMAGE, Input(tooltip="Optional images to edit or use as references.")] | None = None,
) -> tuple[Annotated[IMAGE, Output(name="images")], Annotated[str, Output(name="text")]]:
    """Generate or edit images with Gemini image models through Comfly or T8Star."""
    text = check_prompt(prompt, provider=relay)
    check_mode_options(mode, model, aspect_ratio, image_size, provider=relay)
    frames = frames_as_png(images, provider=relay)
    client = ctx.provider(RELAY_CLIENTS[relay])
    if mode == "chat":
        blobs, said = await run_chat(ctx, client, model, text, frames, seed)
    else:
        blobs, said = await run_images(ctx, client, model, text, frames, aspect_ratio=aspect_ratio,
                                       image_size=image_size, seed=seed)
    return provider_media.images_to_batch(blobs), said
