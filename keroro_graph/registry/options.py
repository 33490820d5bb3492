"""Widget and socket options for native node declarations, used inside ``Annotated``:
``Annotated[int, Int(default=1, min=1, max=31)]``. Each option object renders itself
as ComfyUI's option dict, so ``/object_info`` and the validator see one shape.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable

_UNSET: Any = object()

#: Our field names that ComfyUI spells differently.
_COMFY_NAMES = {
    "force_input": "forceInput",
    "raw_link": "rawLink",
    "dynamic_prompts": "dynamicPrompts",
    "multi_select": "multi_select",
}
#: Fields that never go into the ComfyUI option dict.
_NOT_OPTIONS = {"options", "display_name"}


@dataclass(frozen=True, kw_only=True)
class Input:
    """Options any input may carry."""

    tooltip: str | None = None
    lazy: bool = False
    force_input: bool = False
    #: A custom widget with no socket (ComfyUI's ImageCompare view).
    socketless: bool = False
    #: ComfyUI V3's type template (MatchType: ``{"allowed_types", "template_id"}``).
    template: dict[str, Any] | None = None
    raw_link: bool = False
    default: Any = _UNSET

    widget_type: str | None = None  # the ComfyUI type this option implies, if any

    def comfy_options(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in _NOT_OPTIONS or f.name == "widget_type":
                continue
            value = getattr(self, f.name)
            if value is _UNSET or value is None:
                continue
            if value is False and f.name != "default":  # a False default is still a default
                continue
            out[_COMFY_NAMES.get(f.name, f.name)] = value
        return out


@dataclass(frozen=True, kw_only=True)
class Int(Input):
    min: int | None = None
    max: int | None = None
    step: int | None = None
    #: "number", "slider", or a frontend-specific widget such as "color".
    display: str | None = None
    control_after_generate: bool = False
    widget_type: str | None = "INT"


@dataclass(frozen=True, kw_only=True)
class Float(Input):
    min: float | None = None
    max: float | None = None
    step: float | None = None
    round: float | None = None
    display: str | None = None
    widget_type: str | None = "FLOAT"


@dataclass(frozen=True, kw_only=True)
class Text(Input):
    multiline: bool = False
    placeholder: str | None = None
    dynamic_prompts: bool = False
    widget_type: str | None = "STRING"


@dataclass(frozen=True, kw_only=True)
class Bool(Input):
    label_on: str | None = None
    label_off: str | None = None
    widget_type: str | None = "BOOLEAN"


@dataclass(frozen=True, kw_only=True)
class Combo(Input):
    """A choice among ``options``: a list, or a callable ``(ctx) -> list`` for choices
    that depend on files (``ctx.paths.input``)."""

    options: list[Any] | tuple[Any, ...] | Callable[..., list[Any]] = ()
    image_upload: bool = False
    video_upload: bool = False
    audio_upload: bool = False
    control_after_generate: bool = False
    multi_select: bool = False
    widget_type: str | None = "COMBO"


@dataclass(frozen=True, kw_only=True)
class Output:
    """Options for an output, used in the return annotation:
    ``-> Annotated[IMAGE, Output(name="image", is_list=True)]``."""

    name: str | None = None
    is_list: bool = False
    tooltip: str | None = None
