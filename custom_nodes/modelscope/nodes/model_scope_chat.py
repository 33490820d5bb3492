"""ModelScopeChat: chat with a language or vision model on ModelScope API-Inference
through its OpenAI-compatible endpoint and get the answer as text. Optional images go
up as JPEG data URLs (for vision models); the status line shows the day's remaining
free quota."""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import (IMAGE, Combo, Float, Input, Int, NodeContext, Price, Text, node, provider_media,
                              user_message)

from ..choices import CHAT_MODELS, chosen_model
from ..client import ModelScopeClient

MAX_IMAGES = 8


@node("ModelScopeChat", display_name="ModelScope Chat", category="provider/modelscope", provider=ModelScopeClient,
      price=Price("modelscope", key=("model",)))
async def model_scope_chat(
    ctx: NodeContext,
    prompt: Annotated[str, Text(multiline=True, default="Write a one-line product caption for a red ceramic mug.")],
    model: Annotated[str, Combo(options=CHAT_MODELS, default=CHAT_MODELS[0])],
    system_prompt: Annotated[str, Text(multiline=True, default="", tooltip="Optional instructions for the model.")],
    temperature: Annotated[float, Float(default=0.7, min=0.0, max=2.0, step=0.05)],
    max_tokens: Annotated[int, Int(default=0, min=0, max=32768, tooltip="0 = the model's default.")],
    custom_model: Annotated[str, Text(default="", tooltip="Any ModelScope model id; overrides model.")],
    images: Annotated[IMAGE | None, Input(tooltip="Optional pictures for vision models.")] = None,
) -> str:
    """Ask a ModelScope model and return its answer."""
    if not prompt.strip():
        raise ValueError("prompt: write a question or instruction for the model")
    frames = 0 if images is None else images.shape[0]
    if frames > MAX_IMAGES:
        raise ValueError(f"images: {frames} frames is more than the {MAX_IMAGES} this node sends")
    urls = [provider_media.data_url(provider_media.image_bytes(images, fmt="JPEG", index=i, max_side=2048),
                                    "image/jpeg") for i in range(frames) if images is not None]
    messages = [{"role": "system", "content": system_prompt}] if system_prompt.strip() else []
    messages.append(user_message(prompt, urls))
    options: dict[str, Any] = {"temperature": temperature, **({"max_tokens": max_tokens} if max_tokens else {})}
    model_id = chosen_model(model, custom_model)
    client = ctx.provider(ModelScopeClient)
    answer = await client.chat(model_id, messages, **options)
    quota = client.quota_text()
    ctx.text(f"{model_id} answered" + (f"; {quota}" if quota else ""))
    return answer.text
