"""QwenVision: ask a Qwen-VL model about pictures (or plain text) through DashScope's
OpenAI-compatible mode and get its answer as text: captions, product descriptions,
OCR, checks of a generated image. Images travel as JPEG data URLs, one per frame."""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import (IMAGE, Combo, Float, Input, Int, NodeContext, Price, Text, node, provider_media,
                              user_message)

from ..choices import CHAT_MODELS, REGION_CHOICES
from ..client import DashScopeClient, client_for

#: A longer side past this only costs upload time: the model downsamples anyway.
MAX_SIDE = 2048
#: A whole video wired in by mistake should fail here, not as a huge request.
MAX_IMAGES = 16


@node("QwenVision", category="provider/qwen", provider=DashScopeClient, price=Price("qwen", key=("model",), tokens=("prompt", "system_prompt"), max_tokens="max_tokens"))
async def qwen_vision(
    ctx: NodeContext,
    prompt: Annotated[str, Text(multiline=True, default="Describe this image in one paragraph.",
                                tooltip="What to ask about the images.")],
    model: Annotated[str, Combo(options=CHAT_MODELS, default=CHAT_MODELS[0])],
    system_prompt: Annotated[str, Text(multiline=True, default="", tooltip="Optional instructions for the model.")],
    temperature: Annotated[float, Float(default=0.7, min=0.0, max=1.99, step=0.05,
                                        tooltip="DashScope takes 0 to just under 2.")],
    max_tokens: Annotated[int, Int(default=0, min=0, max=32768, tooltip="0 = the model's default.")],
    region: Annotated[str, Combo(options=REGION_CHOICES, default="default",
                                 tooltip="The region your key belongs to; default = Settings → Providers. "
                                         "An explicit base URL set there always wins.")],
    images: Annotated[IMAGE | None, Input(tooltip="Optional pictures; every frame is sent.")] = None,
) -> str:
    """Ask Qwen-VL about images and return its answer."""
    if not prompt.strip():
        raise ValueError("prompt: write a question or instruction for the model")
    frames = 0 if images is None else images.shape[0]
    if frames > MAX_IMAGES:
        raise ValueError(f"images: {frames} frames is more than the {MAX_IMAGES} this node sends")
    urls = [provider_media.data_url(provider_media.image_bytes(images, fmt="JPEG", index=i, max_side=MAX_SIDE),
                                    "image/jpeg") for i in range(frames) if images is not None]
    messages = ([{"role": "system", "content": system_prompt}] if system_prompt.strip() else [])
    messages.append(user_message(prompt, urls))
    options: dict[str, Any] = {"temperature": temperature, **({"max_tokens": max_tokens} if max_tokens else {})}
    client = client_for(ctx, region)
    ctx.text(f"Asking {model} about {frames} image(s)…")
    answer = await client.chat(model, messages, **options)
    tokens = answer.usage.get("total_tokens")
    cut = " (cut short by max_tokens)" if answer.finish_reason == "length" else ""
    ctx.text(f"{model} answered{cut}" + (f": {tokens} tokens" if tokens else ""))
    return answer.text
