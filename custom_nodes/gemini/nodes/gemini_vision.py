"""GeminiVision: ask a native Gemini model about a prompt and, optionally, an IMAGE
batch (one inline PNG per frame, shrunk to keep the request under 20 MB); the answer
comes back as a STRING."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Combo, Float, IMAGE, Input, Int, NodeContext, Output, Price, TaskFailedError, Text, node

from ..client import GeminiClient
from ..frames import frames_as_png
from ..models import Content, GenerateContentRequest, GenerationConfig, Part, user_turn
from ..options import VISION_MODELS, check_prompt


@node("GeminiVision", category="image/gemini", provider=GeminiClient, price=Price("gemini", key=("model",), tokens=("prompt", "system_instruction")))
async def gemini_vision(
    ctx: NodeContext,
    prompt: Annotated[str, Text(multiline=True, default="Describe this image in detail.",
                                tooltip="What to ask the model.")],
    model: Annotated[str, Combo(options=list(VISION_MODELS), default=VISION_MODELS[0])],
    system_instruction: Annotated[str, Text(multiline=True, default="",
                                            tooltip="Optional standing instructions (tone, format, language).")],
    temperature: Annotated[float, Float(default=1.0, min=0.0, max=2.0, step=0.05)],
    seed: Annotated[int, Int(default=0, min=0, max=2**31 - 1, control_after_generate=True)],
    images: Annotated[IMAGE, Input(tooltip="Optional images to look at; every frame is sent.")] | None = None,
) -> Annotated[str, Output(name="text")]:
    """Describe, read or answer questions about images with Gemini (or chat without images)."""
    request = GenerateContentRequest(
        contents=[user_turn(check_prompt(prompt, provider=GeminiClient.provider),
                            frames_as_png(images, provider=GeminiClient.provider))],
        system_instruction=Content(parts=[Part(text=system_instruction)]) if system_instruction.strip() else None,
        generation_config=GenerationConfig(temperature=temperature, seed=seed),
    )
    gemini = ctx.provider(GeminiClient)
    ctx.text(f"Asking {model}…")
    answer = await gemini.generate_content(model, request)
    text = answer.text()
    if not text.strip():
        reason = answer.candidates[0].finish_reason if answer.candidates else None
        raise TaskFailedError(f"{model} returned no text (finishReason {reason})", provider="gemini")
    return text
