"""ModelScope API-Inference wire types (specs/providers.md §7): the async image
request, the task answers in both shapes seen in the wild (``output_images`` and
``output.images[].url``), and the two error bodies. Fields the client does not read
are allowed and ignored; the failure-detail field's name is UNCONFIRMED, so every
candidate is read. No HTTP here."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


class ImageRequest(Wire):
    model: str
    prompt: str
    negative_prompt: str | None = None
    size: str | None = None
    seed: int | None = None
    steps: int | None = None
    guidance: float | None = None
    #: Edit models: officially one public URL; public clients send a list of data URLs.
    image_url: list[str] | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class ImageTask(Wire):
    task_id: str
    request_id: str | None = None


class TaskState(Wire):
    task_status: str
    output_images: list[Any] | None = None
    output: dict[str, Any] | None = None
    message: Any = None
    error_msg: Any = None
    errors: Any = None
    error: Any = None

    def image_urls(self) -> list[str]:
        """Result URLs from ``output_images`` or, failing that, ``output.images``."""
        items = self.output_images or (self.output or {}).get("images") or []
        urls = [item if isinstance(item, str) else (item or {}).get("url") for item in items]
        return [u for u in urls if isinstance(u, str) and u]

    def failure(self) -> str:
        """The provider's reason for a failed task, from whichever field holds it."""
        for value in (self.errors, self.error, self.error_msg, self.message, (self.output or {}).get("message")):
            text = _text_of(value)
            if text:
                return text
        return ""


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return _text_of(value.get("message") or value.get("msg") or value.get("error_msg"))
    if isinstance(value, list):
        return "; ".join(t for t in (_text_of(v) for v in value) if t)
    return ""
