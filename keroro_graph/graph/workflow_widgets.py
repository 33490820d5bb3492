"""Widget values of UI-workflow nodes: which saved value belongs to which input.

The canvas saves a node's widget values positionally (``widgets_values``), in the
order the ComfyUI frontend creates widgets from the node's declaration, with UI-only
entries in between: the control_after_generate mode after a seed, a combo's
control mode and filter list, the upload button of media loaders, the audio player.
This module rebuilds that order from a NodeSpec and maps the values back to input
names. It knows nothing of links, subgraphs or the rest of the workflow.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..errors import WorkflowConversionError
from ..registry import WIDGET_TYPES, InputSpec, NodeSpec

#: The values of the frontend's control_after_generate widget.
CONTROL_MODES = frozenset({"fixed", "increment", "decrement", "randomize", "increment-wrap"})
#: INT widgets that get a control widget when the declaration says nothing (legacy rule).
_SEED_NAMES = frozenset({"seed", "noise_seed"})
#: Combo options that make the frontend add an upload button (``uploadImage.ts``).
_MEDIA_UPLOAD_OPTIONS = ("image_upload", "video_upload", "animated_image_upload")
#: Loaders that get the upload button even without the option, and their file input.
_KNOWN_MEDIA_LOADERS = {"LoadImage": "image", "LoadImageMask": "image", "LoadVideo": "file",
                        "LoadAudio": "audio"}
#: Nodes the frontend gives an audio player widget (``uploadAudio.ts``); saved as null.
_AUDIO_PLAYER_NODES = frozenset({"LoadAudio", "SaveAudio", "PreviewAudio", "SaveAudioMP3",
                                 "SaveAudioOpus", "SaveAudioAdvanced"})

ExtraKind = Literal["control", "filter", "upload", "player"]


@dataclass(frozen=True, slots=True)
class WidgetSlot:
    """One entry of ``widgets_values``: a real widget (``input`` set) or a UI-only extra."""

    input: InputSpec | None = None
    extra: ExtraKind | None = None


def is_widget(item: InputSpec) -> bool:
    """True for inputs the canvas edits as widgets (they own a ``widgets_values`` slot)."""
    return (item.section != "hidden" and item.type in WIDGET_TYPES and item.parent is None
            and not item.options.get("forceInput"))


def widget_slots(spec: NodeSpec) -> list[WidgetSlot]:
    """The frontend's widget order for ``spec``: required widgets, the extras the
    upload extensions append to the required section, then optional widgets."""
    required = [i for i in spec.inputs if i.section == "required"]
    optional = [i for i in spec.inputs if i.section == "optional"]
    slots = [slot for item in required for slot in _slots_of(item)]
    if spec.class_type in _AUDIO_PLAYER_NODES:
        slots.append(WidgetSlot(extra="player"))
    if _has_upload_button(spec.class_type, required):
        slots.append(WidgetSlot(extra="upload"))
    slots.extend(slot for item in optional for slot in _slots_of(item))
    return slots


def widget_inputs(node: dict[str, Any], spec: NodeSpec, *, where: str) -> dict[str, Any]:
    """Map a UI node's saved widget values to API inputs (lists wrapped in ``__value__``).

    Accepts the positional list and the newer dict keyed by widget name. Widgets with
    no saved value get their declared default when there is one. Raises
    WorkflowConversionError, prefixed with ``where``, when a value cannot belong to
    the widget it lines up with."""
    saved = node.get("widgets_values")
    if saved is None:
        saved = []
    if isinstance(saved, dict):
        return _from_named(saved, spec, where)
    if not isinstance(saved, list):
        raise WorkflowConversionError(
            f"{where}: widgets_values must be a list or an object, got {type(saved).__name__}")
    return _from_positional(saved, widget_slots(spec), where)


def wrap_value(value: Any) -> Any:
    """Lists are links in the API format, so list values travel as ``{"__value__": [...]}``."""
    return {"__value__": value} if isinstance(value, list) else value


def _slots_of(item: InputSpec) -> list[WidgetSlot]:
    if not is_widget(item):
        return []
    slots = [WidgetSlot(input=item)]
    control = item.options.get("control_after_generate")
    if item.type == "INT" and (control if control is not None else item.name in _SEED_NAMES):
        slots.append(WidgetSlot(extra="control"))
    elif item.type == "COMBO" and control:
        slots += [WidgetSlot(extra="control"), WidgetSlot(extra="filter")]
    return slots


def _has_upload_button(class_type: str, required: list[InputSpec]) -> bool:
    for item in required:
        if item.type == "COMBO" and any(item.options.get(o) for o in _MEDIA_UPLOAD_OPTIONS):
            return True
        if item.name == "audio" and item.options.get("audio_upload") is True:
            return True
    fallback = _KNOWN_MEDIA_LOADERS.get(class_type)
    return any(item.name == fallback and item.type == "COMBO" for item in required)


def _from_positional(saved: list[Any], slots: list[WidgetSlot], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    pos = 0
    previous_extra_taken = False
    for slot in slots:
        if slot.input is None:
            # An extra is only consumed when the value looks like one: files written by
            # other tools often leave out the control mode after a seed.
            taken = pos < len(saved) and _looks_like_extra(slot.extra, saved[pos])
            if slot.extra == "filter":
                taken = taken and previous_extra_taken
            previous_extra_taken = taken
            pos += taken
            continue
        item = slot.input
        if pos < len(saved):
            out[item.name] = wrap_value(_checked(saved[pos], item, f"{where}: widgets_values[{pos}]"))
            pos += 1
        elif item.default is not None:
            out[item.name] = wrap_value(item.default)
    return out


def _from_named(saved: dict[str, Any], spec: NodeSpec, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in spec.inputs:
        if not is_widget(item):
            continue
        if item.name in saved:
            value = _checked(saved[item.name], item, f"{where}: widgets_values[{item.name!r}]")
            out[item.name] = wrap_value(value)
        elif item.default is not None:
            out[item.name] = wrap_value(item.default)
    return out


def _looks_like_extra(kind: ExtraKind | None, value: Any) -> bool:
    if value is None:
        return True
    if kind == "control":
        return isinstance(value, str) and value in CONTROL_MODES
    if kind == "upload":
        return value in ("", "image")
    return isinstance(value, str)


def _checked(value: Any, item: InputSpec, where: str) -> Any:
    if value is None or _fits(value, item.type):
        return value
    raise WorkflowConversionError(
        f"{where} is {value!r}, which cannot be the value of {item.type} widget {item.name!r}; "
        "the saved widget values do not line up with this node's inputs "
        "(was it saved by a different version of the node?)")


def _fits(value: Any, widget_type: str) -> bool:
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if widget_type == "INT":
        return is_number and (isinstance(value, int) or value.is_integer())
    if widget_type == "FLOAT":
        return is_number
    if widget_type == "BOOLEAN":
        return isinstance(value, bool)
    if widget_type == "STRING":
        return isinstance(value, str)
    return isinstance(value, (str, int, float, bool, list))
