"""Wire types for the Gemini pack: the native ``generateContent`` request and response
(spec §3.3–3.4) and the relays' async image-task answer (spec §4.3). Every model
accepts unknown fields, and the Gemini response accepts both the official camelCase
(``inlineData``/``mimeType``) and the snake_case some relays send. This module knows
nothing about HTTP, errors or nodes."""
from __future__ import annotations

import base64
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class _Wire(BaseModel):
    # camelCase on the wire (proto3 JSON), field names accepted too: that is the
    # snake_case form, so one model reads both spellings.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    def wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


# --- request ------------------------------------------------------------------------------

class InlineData(_Wire):
    mime_type: str = "image/png"
    #: Raw base64, never a ``data:`` URL.
    data: str = ""


class Part(_Wire):
    text: str | None = None
    inline_data: InlineData | None = None
    #: Thinking models may return their reasoning as parts marked ``thought``.
    thought: bool | None = None


class Content(_Wire):
    role: Literal["user", "model"] | None = None
    parts: list[Part] = Field(default_factory=list)


class ImageConfig(_Wire):
    aspect_ratio: str | None = None
    image_size: str | None = None


class GenerationConfig(_Wire):
    temperature: float | None = None
    top_p: float | None = None
    max_output_tokens: int | None = None
    seed: int | None = None
    #: ``{"thinkingLevel": "HIGH"}`` on thinking models.
    thinking_config: dict[str, Any] | None = None
    response_modalities: list[str] | None = None
    image_config: ImageConfig | None = None


class GenerateContentRequest(_Wire):
    contents: list[Content]
    system_instruction: Content | None = None
    generation_config: GenerationConfig | None = None


def user_turn(text: str, pngs: list[bytes]) -> Content:
    """A user turn: the prompt, then one inline PNG part per image."""
    images = [Part(inline_data=InlineData(mime_type="image/png", data=base64.b64encode(png).decode("ascii")))
              for png in pngs]
    return Content(role="user", parts=[Part(text=text), *images])


# --- response -----------------------------------------------------------------------------

class Candidate(_Wire):
    content: Content | None = None
    finish_reason: str | None = None
    finish_message: str | None = None


class PromptFeedback(_Wire):
    block_reason: str | None = None
    block_reason_message: str | None = None


class GenerateContentResponse(_Wire):
    candidates: list[Candidate] = Field(default_factory=list)
    prompt_feedback: PromptFeedback | None = None
    usage_metadata: dict[str, Any] | None = None
    model_version: str | None = None

    def parts(self) -> list[Part]:
        """The first candidate's parts (we never ask for more than one candidate)."""
        first = self.candidates[0] if self.candidates else None
        return list(first.content.parts) if first is not None and first.content is not None else []

    def text(self) -> str:
        """The answer's text, without thinking parts."""
        return "".join(p.text for p in self.parts() if p.text and not p.thought)


# --- relay image tasks (Convention B) ----------------------------------------------------

class ImageItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    url: str | None = None
    b64_json: str | None = None
    revised_prompt: str | None = None


class ImageTask(BaseModel):
    """``GET /v1/images/tasks/{id}``, whichever nesting the relay uses."""

    model_config = ConfigDict(extra="allow")
    status: str = ""
    progress: str | int | float | None = None
    fail_reason: str | None = None
    items: list[ImageItem] = Field(default_factory=list)

    @classmethod
    def from_body(cls, body: Any) -> "ImageTask | None":
        """The task in ``{"data": {status, data: {data: [...]}}}`` or with the outer
        ``data`` left out (spec §4.3: both seen); None if neither shape fits."""
        if not isinstance(body, dict):
            return None
        inner = body.get("data")
        task = inner if isinstance(inner, dict) and "status" in inner else body
        if not isinstance(task.get("status"), str):
            return None
        return cls(status=task["status"], progress=task.get("progress"),
                   fail_reason=task.get("fail_reason") or task.get("failReason"), items=_items(task.get("data")))

    def fraction(self) -> float | None:
        """``"45%"`` (or 45, or 0.45) as 0..1; None when absent or unreadable."""
        value = self.progress
        if isinstance(value, str):
            value = value.strip().rstrip("%")
            try:
                return min(max(float(value) / 100.0, 0.0), 1.0)
            except ValueError:
                return None
        if isinstance(value, (int, float)):
            return min(max(value / 100.0 if value > 1 else float(value), 0.0), 1.0)
        return None


def _items(value: Any) -> list[ImageItem]:
    # The result list sits under data.data (documented) or is data itself.
    if isinstance(value, dict):
        value = value.get("data")
    if not isinstance(value, list):
        return []
    return [ImageItem.model_validate(item) for item in value if isinstance(item, dict)]
