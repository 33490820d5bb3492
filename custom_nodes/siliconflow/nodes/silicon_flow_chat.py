"""SiliconFlowChat: one chat completion from SiliconFlow (DeepSeek, Qwen and the
other hosted models), with optional images for vision models. DeepSeek-R1-style
models also return their reasoning, which comes out as a second STRING. With
``stream`` on, the growing answer (or reasoning, while the model thinks) shows on the
node."""
from __future__ import annotations

import time
from typing import Annotated, Any, Optional

from keroro_graph.api import Bool, Float, IMAGE, Input, Int, NodeContext, Output, Price, Text, node

from ..client import SiliconFlowClient
from ..inputs import chat_messages, check_prompt
from ..models import CHAT_MODELS

#: How often the growing text of a stream is shown on the node.
SHOW_EVERY_S = 0.5
SHOW_CHARS = 4000


@node("SiliconFlowChat", category="provider/siliconflow", provider=SiliconFlowClient,
      display_name="SiliconFlow Chat",
      price=Price("siliconflow", key=("model",), tokens=("prompt", "system_prompt"), max_tokens="max_tokens"))
async def silicon_flow_chat(
    ctx: NodeContext,
    model: Annotated[str, Text(default=CHAT_MODELS[0],
                               tooltip=f"A SiliconFlow model id, e.g. {', '.join(CHAT_MODELS)} or a Qwen model.")],
    system_prompt: Annotated[str, Text(multiline=True, default="", tooltip="Instructions for the model.")],
    prompt: Annotated[str, Text(multiline=True, default="", tooltip="The question or task.")],
    temperature: Annotated[float, Float(default=0.7, min=0.0, max=2.0, step=0.05)],
    max_tokens: Annotated[int, Int(default=2048, min=0, max=131072,
                                   tooltip="Longest answer in tokens; 0 leaves it to SiliconFlow.")],
    stream: Annotated[bool, Bool(default=False, tooltip="Show the answer on the node as it is written.")],
    images: Annotated[Optional[IMAGE], Input(tooltip="Optional pictures for vision models "
                                                     "(sent as JPEG data URLs).")] = None,
) -> tuple[Annotated[str, Output(name="text")], Annotated[str, Output(name="reasoning")]]:
    """Ask a SiliconFlow chat model; returns the answer and, for reasoning models, its reasoning."""
    model = model.strip()
    if not model:
        raise ValueError("model: enter a SiliconFlow model id")
    messages = chat_messages(check_prompt("system_prompt", system_prompt, required=False),
                             check_prompt("prompt", prompt, required=True), images)
    options: dict[str, Any] = {"temperature": temperature}
    if max_tokens:
        options["max_tokens"] = max_tokens
    client = ctx.provider(SiliconFlowClient)
    if stream:
        shown = GrowingText(ctx)
        reply = await client.stream(model, messages, on_text=shown.add, **options)
        shown.flush()
    else:
        ctx.text(f"Waiting for {model}…")
        reply = await client.complete(model, messages, **options)
    return reply.text, reply.reasoning


class GrowingText:
    """Shows the streamed text so far at most every ``SHOW_EVERY_S``: the answer
    once it has started, the reasoning before that."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.shown_at = 0.0
        self.dirty = False

    def add(self, piece: str, is_reasoning: bool) -> None:
        (self.reasoning if is_reasoning else self.text).append(piece)
        self.dirty = True
        if time.monotonic() - self.shown_at >= SHOW_EVERY_S:
            self.flush()

    def flush(self) -> None:
        if not self.dirty:
            return
        shown = "".join(self.text) or "Thinking… " + "".join(self.reasoning)
        self.ctx.text(shown[-SHOW_CHARS:])
        self.shown_at, self.dirty = time.monotonic(), False
