"""Wire types of the OpenAI chat-completions and images APIs as the relays answer
them (specs/providers.md §1): every model keeps unknown fields, because relays add
their own (``reasoning_content``, ``media``, ``revised_prompt``). Also the built-in
model ids per endpoint. Nothing here does I/O."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: Built-in model ids per endpoint and kind, first is the default. They mirror
#: ``keroro_graph/providers/catalog.py`` (packs may import only ``keroro_graph.api``,
#: which does not export the catalogue); tests check that the two agree. "custom"
#: has none: the user names the model of their own endpoint.
DEFAULT_MODELS: dict[str, dict[str, tuple[str, ...]]] = {
    "ohmygpt": {"chat": ("gpt-4o", "gemini-2.5-flash-lite"), "image": ("gpt-image-1", "dall-e-3")},
    "cherryin": {"chat": ("anthropic/claude-sonnet-4.5",), "image": ("google/gemini-3-pro-image-preview",)},
    "custom": {},
}


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


class ChatMessage(Wire):
    role: str = "assistant"
    #: A string, or content parts (some relays answer with ``[{"type": "text", ...}]``).
    content: str | list[Any] | None = None
    reasoning_content: str | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.get("text", "") for p in self.content if isinstance(p, dict))
        return self.content or ""


class ChatChoice(Wire):
    index: int = 0
    message: ChatMessage = Field(default_factory=ChatMessage)
    finish_reason: str | None = None


class ChatCompletion(Wire):
    id: str = ""
    model: str = ""
    choices: list[ChatChoice] = Field(min_length=1)
    usage: dict[str, Any] | None = None


class ChatReply(Wire):
    """What a chat node needs from one completion, streamed or not."""

    text: str
    reasoning: str = ""
    finish_reason: str | None = None
    usage: dict[str, Any] = Field(default_factory=dict)


class ImageDatum(Wire):
    url: str | None = None
    b64_json: str | None = None
    revised_prompt: str | None = None


class ImagesResponse(Wire):
    created: int | None = None
    data: list[ImageDatum]
