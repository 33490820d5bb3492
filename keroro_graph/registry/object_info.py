"""Render NodeSpecs in ComfyUI's ``/object_info`` V1 shape, so the canvas and
ComfyUI clients read the same description."""
from __future__ import annotations

from typing import Any

from .registry import Registry
from .spec import InputSpec, NodeSpec


def node_info(spec: NodeSpec, ctx: Any = None) -> dict[str, Any]:
    """The V1 ``info`` dict of one node; ``ctx`` (a NodeEnv) is handed to dynamic
    combo lists — pass one whenever the registry holds nodes with such lists."""
    inputs: dict[str, dict[str, Any]] = {"required": {}}
    order: dict[str, list[str]] = {"required": []}
    for item in spec.inputs:
        if item.parent is not None:
            continue  # shown inside its dynamic parent, as ComfyUI does
        inputs.setdefault(item.section, {})[item.name] = _input_entry(item, ctx)
        order.setdefault(item.section, []).append(item.name)
    info: dict[str, Any] = {
        "input": inputs,
        "input_order": order,
        "output": [o.type for o in spec.outputs],
        "output_is_list": [o.is_list for o in spec.outputs],
        "output_name": [o.name for o in spec.outputs],
        "name": spec.class_type,
        "display_name": spec.display_name,
        "description": spec.description,
        "python_module": spec.python_module,
        "category": spec.category,
        "output_node": spec.output_node,
    }
    tips = [o.tooltip for o in spec.outputs]
    if any(tips):
        info["output_tooltips"] = [t or "" for t in tips]
    for flag in ("deprecated", "experimental", "api_node"):
        if getattr(spec, flag):
            info[flag] = True
    return info


def object_info(registry: Registry, ctx: Any = None) -> dict[str, dict[str, Any]]:
    return {spec.class_type: node_info(spec, ctx) for spec in registry}


def combo_choices(item: InputSpec, ctx: Any = None) -> list[Any]:
    """The current choices of a combo input (calling the provider of dynamic lists)."""
    choices = item.choices
    if callable(choices):
        return list(choices(ctx))
    return list(choices or [])


def _input_entry(item: InputSpec, ctx: Any) -> list[Any]:
    if item.section == "hidden":
        return item.hidden_kind or item.type  # type: ignore[return-value]
    if item.dynamic is not None:
        return [item.dynamic["type"], item.dynamic["options"]]
    if item.is_combo:
        entry: list[Any] = [combo_choices(item, ctx)]
        if item.options:
            entry.append(dict(item.options))
        return entry
    return [item.type, dict(item.options)] if item.options else [item.type]
