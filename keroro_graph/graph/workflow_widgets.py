"""Widget values of UI-workflow nodes: which saved value belongs to which input.

The canvas saves a node's widget values positionally (``widgets_values``), in the
order the ComfyUI frontend creates widgets from the node's declaration, with UI-only
entries in between: the control_after_generate mode after a seed (old files saved
``true`` there), a combo's control mode and filter list, the upload button of media
loaders, the audio player. Custom widget types (COLOR, IMAGECOMPARE, AUDIO_RECORD,
...) own a slot like any widget. A V3 dynamic combo's chosen option brings its own
widgets right after the combo (``"model.size"``), in the option's declaration order.
This module rebuilds that order from a NodeSpec and maps the values back to input
names; a widget with no saved value takes its default, a combo its first option. It
knows nothing of links, subgraphs or the rest of the workflow.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Iterator, Literal

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
#: Frontend widget types beyond the five basic ones (a widget, not a socket).
CUSTOM_WIDGET_TYPES = frozenset({"COLOR", "IMAGECOMPARE", "AUDIO_RECORD", "WEBCAM", "CURVE", "BOUNDING_BOXES"})
#: What the frontend sends for a custom widget that saved no value.
_UNSAVED_CUSTOM_VALUES: dict[str, Any] = {"IMAGECOMPARE": ["", ""]}
DYNAMIC_COMBO = "COMFY_DYNAMICCOMBO_V3"
AUTOGROW = "COMFY_AUTOGROW_V3"

ExtraKind = Literal["control", "filter", "upload", "player"]


@dataclass(frozen=True, slots=True)
class WidgetSlot:
    """One entry of ``widgets_values``: a real widget (``input`` set) or a UI-only extra."""

    input: InputSpec | None = None
    extra: ExtraKind | None = None


def is_widget(item: InputSpec) -> bool:
    """True for top-level inputs the canvas edits as widgets (they own a
    ``widgets_values`` slot); a dynamic combo's own inputs are placed by its value."""
    return item.parent is None and _edits_as_widget(item)


def _edits_as_widget(item: InputSpec) -> bool:
    if item.section == "hidden" or item.options.get("forceInput") or item.virtual:
        return False
    return item.type in WIDGET_TYPES or item.type in CUSTOM_WIDGET_TYPES or bool(item.options.get("socketless"))


def widget_slots(spec: NodeSpec) -> list[WidgetSlot]:
    """The frontend's widget order for ``spec`` (before any dynamic combo adds its
    option's widgets): required widgets, the extras the upload extensions append to
    the required section, then optional widgets."""
    required = [i for i in spec.inputs if i.section == "required" and is_widget(i)]
    optional = [i for i in spec.inputs if i.section == "optional" and is_widget(i)]
    slots = [slot for item in required for slot in _slots_of(item)]
    if spec.class_type in _AUDIO_PLAYER_NODES:
        slots.append(WidgetSlot(extra="player"))
    if _has_upload_button(spec.class_type, [i for i in spec.inputs if i.section == "required"]):
        slots.append(WidgetSlot(extra="upload"))
    slots.extend(slot for item in optional for slot in _slots_of(item))
    return slots


def widget_inputs(node: dict[str, Any], spec: NodeSpec, *, where: str) -> dict[str, Any]:
    """Map a UI node's saved widget values to API inputs (lists wrapped in ``__value__``).

    Accepts the positional list and the newer dict keyed by widget name. Raises
    WorkflowConversionError, prefixed with ``where``, when a value cannot belong to
    the widget it lines up with (naming the widget)."""
    saved = node.get("widgets_values")
    if saved is None:
        saved = []
    if isinstance(saved, dict):
        return _from_named(saved, spec, where)
    if not isinstance(saved, list):
        raise WorkflowConversionError(
            f"{where}: widgets_values must be a list or an object, got {type(saved).__name__}")
    if spec.class_type == "CustomCombo":
        return _custom_combo(saved)
    return _from_positional(saved, spec, where)


def _custom_combo(saved: list[Any]) -> dict[str, Any]:
    """The frontend's CustomCombo: ``[choice, index, option1, ..., ""]``; the index is
    recomputed from the options (the frontend derives it, -1 when absent)."""
    choice = saved[0] if saved else ""
    options = [value for value in saved[2:]]
    out: dict[str, Any] = {"choice": choice}
    out["index"] = next((i for i, value in enumerate(options) if value == choice), -1)
    out.update({f"option{i + 1}": value for i, value in enumerate(options)})
    return out


def wrap_value(value: Any) -> Any:
    """Lists are links in the API format, so list values travel as ``{"__value__": [...]}``."""
    return {"__value__": value} if isinstance(value, list) else value


def option_widgets(spec: NodeSpec, item: InputSpec, key: Any) -> Iterator[InputSpec]:
    """The widgets dynamic combo ``item`` brings when set to ``key``, in declaration
    order (required, then optional). Raises WorkflowConversionError for an unknown key."""
    options = (item.dynamic or {}).get("options", {}).get("options", [])
    chosen = next((o for o in options if o.get("key") == key), None)
    if chosen is None:
        return
    for section in ("required", "optional"):
        for sub in ((chosen.get("inputs") or {}).get(section) or {}):
            child = spec.input(f"{item.name}.{sub}")
            if child is not None and _edits_as_widget(child):
                yield child


def _slots_of(item: InputSpec) -> list[WidgetSlot]:
    slots = [WidgetSlot(input=item)]
    control = item.options.get("control_after_generate")
    if item.type == "INT" and (control if control is not None else item.name.rsplit(".", 1)[-1] in _SEED_NAMES):
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


def _from_positional(saved: list[Any], spec: NodeSpec, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    queue = deque(widget_slots(spec))
    pos = 0
    previous_extra_taken = False
    while queue:
        slot = queue.popleft()
        if slot.input is None:
            # An extra is only consumed when the value looks like one: files written by
            # other tools often leave out the control mode after a seed.
            taken = pos < len(saved) and _looks_like_extra(slot.extra, saved, pos, queue)
            if slot.extra == "filter":
                taken = taken and previous_extra_taken
            previous_extra_taken = taken
            pos += taken
            continue
        item = slot.input
        if pos < len(saved):
            value = _checked(saved[pos], item, f"{where}: widgets_values[{pos}]")
            out[item.name] = wrap_value(value)
            pos += 1
        else:
            value = _default_of(item)
            if value is not None:
                out[item.name] = wrap_value(value)
        if item.dynamic is not None and item.dynamic.get("type") == DYNAMIC_COMBO:
            children = [s for child in option_widgets(spec, item, value) for s in _slots_of(child)]
            queue.extendleft(reversed(children))
    return out


def _from_named(saved: dict[str, Any], spec: NodeSpec, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    pending = deque(i for i in spec.inputs if is_widget(i))
    while pending:
        item = pending.popleft()
        if item.name in saved and saved[item.name] is not None:
            value = _checked(saved[item.name], item, f"{where}: widgets_values[{item.name!r}]")
        else:
            value = _default_of(item)
        if value is not None:
            out[item.name] = wrap_value(value)
        if item.dynamic is not None and item.dynamic.get("type") == DYNAMIC_COMBO:
            pending.extendleft(reversed(list(option_widgets(spec, item, value))))
    return out


def _default_of(item: InputSpec) -> Any:
    """The declared default; a combo without one takes its first option, as the
    frontend does; a custom widget the frontend's initial value."""
    if "default" in item.options:
        return item.options["default"]
    if item.type == "COMBO" and isinstance(item.choices, list) and item.choices:
        return item.choices[0]
    return _UNSAVED_CUSTOM_VALUES.get(item.type)


def _looks_like_extra(kind: ExtraKind | None, saved: list[Any], pos: int, queue: deque[WidgetSlot]) -> bool:
    value = saved[pos]
    if value is None:
        return True
    if kind == "control":
        if isinstance(value, bool):
            # Old files saved the control widget as a boolean (true: randomize). A
            # boolean widget may follow a seed, so only take it when the next value is
            # not the one that widget needs.
            following = next((s.input for s in queue if s.input is not None), None)
            return following is None or following.type != "BOOLEAN" or (
                pos + 1 < len(saved) and isinstance(saved[pos + 1], bool))
        return isinstance(value, str) and value in CONTROL_MODES
    if kind == "upload":
        return value in ("", "image")
    return isinstance(value, str)


def _checked(value: Any, item: InputSpec, where: str) -> Any:
    if value is None or _fits(value, item):
        return value
    offered = ""
    if item.type == "COMBO" and isinstance(value, str) and isinstance(item.choices, list):
        shown = ", ".join(repr(c) for c in item.choices[:12]) + (", ..." if len(item.choices) > 12 else "")
        offered = f" (its options here: {shown})"
    raise WorkflowConversionError(
        f"{where} is {value!r}, which cannot be the value of {item.type} widget {item.name!r}{offered}; "
        "the saved widget values do not line up with this node's inputs "
        "(was it saved by a different version of the node?)")


def _fits(value: Any, item: InputSpec) -> bool:
    widget_type = item.type
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if widget_type == "INT":
        return is_number and (isinstance(value, int) or value.is_integer())
    if widget_type == "FLOAT":
        return is_number
    if widget_type == "BOOLEAN":
        return isinstance(value, bool)
    if widget_type == "STRING":
        return isinstance(value, str)
    if widget_type == "COMBO" and item.dynamic is not None:
        keys = [o.get("key") for o in item.dynamic.get("options", {}).get("options", [])]
        return value in keys
    if widget_type == "COMBO" and item.parent is not None and isinstance(item.choices, list) and item.choices:
        return value in item.choices  # an option's combo: a value outside it means misaligned widgets
    return isinstance(value, (str, int, float, bool, list, dict))
