"""Wire types of the OpenAI images API as the relays answer it (specs/providers.md
§1; chat is parsed by the SDK's OpenAICompatClient): every model keeps unknown
fields, because relays add their own (``revised_prompt``). Also the built-in model
ids per endpoint. Nothing here does I/O."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

#: Built-in model ids per endpoint and kind, first is the default. ``provider.py``
#: declares them to Settings. "custom" has none: the user names the model of their own endpoint.
DEFAULT_MODELS: dict[str, dict[str, tuple[str, ...]]] = {
    "ohmygpt": {"chat": ("gpt-4o", "gemini-2.5-flash-lite"), "image": ("gpt-image-1", "dall-e-3")},
    "cherryin": {"chat": ("anthropic/claude-sonnet-4.5",), "image": ("google/gemini-3-pro-image-preview",)},
    "custom": {},
}


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


class ImageDatum(Wire):
    url: str | None = None
    b64_json: str | None = None
    revised_prompt: str | None = None


class ImagesResponse(Wire):
    created: int | None = None
    data: list[ImageDatum]
