"""OpenAIChat: one chat completion from an OpenAI-compatible relay (OhMyGPT,
CherryIN, or a custom endpoint set up in Settings → Providers as "openai_custom"),
with optional images sent as data URLs. With ``stream`` on, the answer arrives as
server-sent events and its growing text shows on the node."""
from __future__ import annotations

import time
from typing import Annotated, Any, Optional

from keroro_graph.api import Bool, Combo, Float, IMAGE, Input, Int, NodeContext, Output, Price, Text, node

from ..client import ENDPOINTS, client_for, resolve_model
from ..inputs import chat_messages, check_prompt, image_data_urls
from ..models import DEFAULT_MODELS

#: How often the growing text of a stream is shown on the node.
SHOW_EVERY_S = 0.5
#: The tail of a long answer the status line shows.
SHOW_CHARS = 4000

_MODEL_HINT = "; ".join(f"{name}: {kinds['chat'][0]}" for name, kinds in DEFAULT_MODELS.items() if kinds.get("chat"))


@node("OpenAIChat", category="provider/openai_compat", display_name="OpenAI-compatible Chat",
      provider={"input": "endpoint", "clients": ENDPOINTS}, limit="openai_compat",
      price=Price("openai_compat.{endpoint}", key=("model",), tokens=("prompt", "system_prompt"), max_tokens="max_tokens"))
async def open_ai_chat(
    ctx: NodeContext,
    endpoint: Annotated[str, Combo(options=list(ENDPOINTS), default="ohmygpt",
                                   tooltip="Which relay to call; 'custom' is the OpenAI-compatible endpoint "
                                           "set up as provider 'openai_custom' in Settings → Providers.")],
    model: Annotated[str, Text(default="", placeholder="empty = the endpoint's default",
                               tooltip=f"The model id, sent as written (CherryIN ids keep their vendor "
                                       f"prefix). Empty picks the endpoint's default ({_MODEL_HINT}).")],
    system_prompt: Annotated[str, Text(multiline=True, default="", tooltip="Instructions for the model.")],
    prompt: Annotated[str, Text(multiline=True, default="", tooltip="The question or task.")],
    temperature: Annotated[float, Float(default=0.7, min=0.0, max=2.0, step=0.05)],
    max_tokens: Annotated[int, Int(default=1024, min=0, max=262144,
                                   tooltip="Longest answer in tokens; 0 leaves it to the provider.")],
    seed: Annotated[int, Int(default=0, min=0, max=2**31 - 1,
                             tooltip="Asks for repeatable answers where the model supports it.")],
    stream: Annotated[bool, Bool(default=False, tooltip="Show the answer on the node as it is written.")],
    images: Annotated[Optional[IMAGE], Input(tooltip="Optional pictures for vision models; "
                                                     "each frame is sent as a JPEG data URL.")] = None,
) -> Annotated[str, Output(name="text")]:
    """Ask a chat model through an OpenAI-compatible relay and return its answer."""
    prompt = check_prompt("prompt", prompt, required=True)
    system_prompt = check_prompt("system_prompt", system_prompt, required=False)
    model_id = resolve_model(endpoint, "chat", model)
    messages = chat_messages(system_prompt, prompt, image_data_urls(images))
    client = client_for(ctx, endpoint)
    options: dict[str, Any] = {"temperature": temperature, "seed": seed}
    if max_tokens:
        options["max_tokens"] = max_tokens
    if not stream:
        ctx.text(f"Waiting for {model_id}…")
        reply = await client.complete(model_id, messages, **options)
        return reply.text
    shown = GrowingText(ctx)
    reply = await client.stream(model_id, messages, on_text=shown.add,
                                stream_options={"include_usage": True}, **options)
    shown.flush()
    return reply.text


class GrowingText:
    """Collects streamed pieces and shows the text so far at most every
    ``SHOW_EVERY_S``, so a fast stream does not flood the canvas with messages."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.pieces: list[str] = []
        self.shown_at = 0.0
        self.dirty = False

    def add(self, piece: str) -> None:
        self.pieces.append(piece)
        self.dirty = True
        if time.monotonic() - self.shown_at >= SHOW_EVERY_S:
            self.flush()

    def flush(self) -> None:
        if self.dirty:
            self.ctx.text("".join(self.pieces)[-SHOW_CHARS:])
            self.shown_at, self.dirty = time.monotonic(), False
