"""Door 3: a node whose interface is declared by ComfyUI's own ``/object_info`` entry.

Provider packs implement ComfyUI's partner nodes (``KlingFirstLastFrameNode``,
``GeminiImage2Node``, ...) under ComfyUI's exact class names, inputs, options and
outputs. Rather than retyping each declaration, a pack keeps the facts as a table
(generated from ComfyUI's ``/object_info``) and decorates a small function with
``@comfy_node(entry)``; the function receives ComfyUI's input values and returns the
outputs, as a native node does.

ComfyUI's V3 dynamic inputs are supported:

- ``COMFY_DYNAMICCOMBO_V3``: a combo whose chosen key brings its own inputs. In an
  API prompt they are flattened as ``"model.resolution"``; here every sub-input becomes
  an optional input of that name (``parent`` set, so ``/object_info`` shows only the
  parent in ComfyUI's shape, from ``InputSpec.dynamic``).
- ``COMFY_AUTOGROW_V3``: a growing list of sockets (``"images.image_1"``, ...); the
  parent itself carries no value (``virtual``).

The function receives them nested as ComfyUI's ``execute`` does:
``model={"model": "kling-v3", "resolution": "720p"}``, ``images={"image_1": ...}``,
with the chosen key's missing widgets filled from their defaults.
"""
from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from ..errors import NodeDeclarationError
from .native import CONTEXT_PARAM, normaliser
from .pricing import Price, paid_fields
from .spec import Behaviour, InputSpec, NodeSpec, OutputSpec

DYNAMIC_COMBO = "COMFY_DYNAMICCOMBO_V3"
AUTOGROW = "COMFY_AUTOGROW_V3"


def comfy_node(entry: Mapping[str, Any], *, class_type: str | None = None, provider: Any = None,
               limit: str | None = None, description: str = "", paid: bool | None = None,
               price: Price | None = None, validate: Callable[..., Any] | None = None,
               validate_names: frozenset[str] | None = None,
               requires: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a node from a ComfyUI ``/object_info`` entry. The decorated function is
    ``fn(ctx, **inputs)`` (``ctx`` optional) with dynamic inputs nested; ``provider``
    takes the same forms as ``@node(provider=...)``; a node with a provider is paid
    unless ``paid=False`` (``price`` as for ``@node``); ``validate_names`` limits the
    inputs ``validate`` receives (and its refusals name); ``requires`` names other
    set-ups it needs (``"media_host"``: public links). Raises NodeDeclarationError
    at import when the entry is malformed."""
    from .native import _provider_fields  # one reading of provider= for both doors

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        name = class_type or str(entry.get("name") or "")
        where = f"{func.__module__}:{name}"
        try:
            inputs = tuple(_inputs(entry))
            outputs = tuple(_outputs(entry))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise NodeDeclarationError(f"{where}: malformed object_info entry: {exc!r}") from None
        spec = NodeSpec(
            class_type=name,
            display_name=str(entry.get("display_name") or name),
            category=str(entry.get("category") or ""),
            description=description or inspect.getdoc(func) or "",
            python_module=func.__module__,
            inputs=inputs,
            outputs=outputs,
            output_node=bool(entry.get("output_node")),
            api_node=bool(entry.get("api_node")),
            **_provider_fields(provider, limit, name),
            **paid_fields(paid=provider is not None if paid is None else paid, price=price, store=True,
                          inputs=tuple(i.name for i in inputs), where=where),
            requires=tuple(requires),
            source=where,
            behaviour=_behaviour(func, inputs, len(outputs), validate, validate_names),
        )
        func.__node_spec__ = spec  # type: ignore[attr-defined]
        return func

    return decorate


def comfy_refused(entry: Mapping[str, Any], reason: str, *, provider: Any = None) -> Callable[..., Any]:
    """A node under ComfyUI's declaration that cannot run here: workflows using it load,
    and validation refuses it with ``reason`` before anything runs or is spent."""
    def refuse(_ctx: Any, **_inputs: Any) -> str:
        return reason

    def run(**_inputs: Any) -> Any:
        raise ValueError(reason)  # only reached if validation was skipped

    # The loader collects a node from the module that declares it: the caller's.
    run.__module__ = sys._getframe(1).f_globals.get("__name__", run.__module__)
    # One refusal, on the first input, rather than the same sentence for every input.
    first = next(iter((entry.get("input_order") or {}).get("required") or [""]))
    return comfy_node(entry, provider=provider, paid=False, validate=refuse,
                      validate_names=frozenset({first}))(run)


def comfy_table(path: Path) -> dict[str, dict[str, Any]]:
    """A pack's declaration table: class type → ``/object_info`` entry (a JSON file
    generated by ``scripts/comfy_declarations.py``)."""
    table: dict[str, dict[str, Any]] = json.loads(Path(path).read_text(encoding="utf-8"))
    return table


# --- inputs ---------------------------------------------------------------------------

def _inputs(entry: Mapping[str, Any]) -> Iterator[InputSpec]:
    order = entry.get("input_order") or {}
    declared = entry.get("input") or {}
    children: dict[str, InputSpec] = {}
    for section in ("required", "optional"):
        table = declared.get(section) or {}
        for name in order.get(section) or list(table):
            yield from _declare(name, table[name], section, children)
    yield from children.values()


def _declare(name: str, raw: Any, section: str, children: dict[str, InputSpec]) -> Iterator[InputSpec]:
    """The spec of one top-level input; its dynamic children go into ``children``."""
    kind, options = _split(raw)
    if kind == DYNAMIC_COMBO:
        keys = [str(option["key"]) for option in options["options"]]
        for option in options["options"]:
            _sub_inputs(name, option.get("inputs") or {}, children)
        yield InputSpec(name=name, type="COMBO", section=section, choices=keys,  # type: ignore[arg-type]
                        options={"default": keys[0]} if keys else {},
                        dynamic={"type": kind, "options": options})
    elif kind == AUTOGROW:
        for child in _autogrow(name, options):
            _merge(children, child)
        yield InputSpec(name=name, type=kind, section=section, virtual=True,  # type: ignore[arg-type]
                        dynamic={"type": kind, "options": options})
    else:
        yield _plain(name, kind, options, section)


def _sub_inputs(parent: str, inputs: Mapping[str, Any], children: dict[str, InputSpec]) -> None:
    for section in ("required", "optional"):
        for sub, raw in (inputs.get(section) or {}).items():
            kind, options = _split(raw)
            full = f"{parent}.{sub}"
            if kind == AUTOGROW:
                for child in _autogrow(full, options):
                    _merge(children, child)
            elif kind == DYNAMIC_COMBO:
                raise ValueError(f"{full}: nested dynamic combos are not supported")
            else:
                _merge(children, _plain(full, kind, options, "optional", parent=parent))


def _autogrow(name: str, options: Mapping[str, Any]) -> Iterator[InputSpec]:
    template = options["template"]
    (inner_name, inner), = ((k, v) for sec in template["input"].values() for k, v in sec.items())
    kind, inner_options = _split(inner)
    names = template.get("names") or [f"{template.get('prefix', inner_name)}{i}"
                                       for i in range(int(template.get("max", 0)))]
    for child in names:
        yield _plain(f"{name}.{child}", kind, inner_options, "optional", parent=name)


def _plain(name: str, kind: str, options: dict[str, Any], section: str, *, parent: str | None = None) -> InputSpec:
    choices = None
    if kind == "COMBO":
        options = dict(options)
        choices = list(options.pop("options", []))
        if "default" not in options and choices:
            options["default"] = choices[0]  # ComfyUI: a combo with no default takes its first option
    return InputSpec(name=name, type=kind, section=section, options=options, choices=choices,  # type: ignore[arg-type]
                     parent=parent)


def _merge(children: dict[str, InputSpec], item: InputSpec) -> None:
    """Keys of one dynamic combo may declare the same sub-input differently (another
    choice list or range): the flat input accepts the union; the node checks the
    chosen key's own rules."""
    old = children.get(item.name)
    if old is None:
        children[item.name] = item
        return
    options = dict(old.options)
    for bound, pick in (("min", min), ("max", max)):
        if bound in old.options and bound in item.options:
            options[bound] = pick(old.options[bound], item.options[bound])
        else:
            options.pop(bound, None)
    choices = None
    if isinstance(old.choices, list) or isinstance(item.choices, list):
        choices = list(dict.fromkeys([*(old.choices or []), *(item.choices or [])]))  # type: ignore[misc]
    children[item.name] = old.model_copy(update={"options": options, "choices": choices})


def chosen_rules(parent: InputSpec, key: Any, item: InputSpec) -> InputSpec:
    """``item`` (a sub-input of the dynamic combo ``parent``) as the chosen ``key``
    declares it — its own choices and limits, as ComfyUI validates it — or ``item``
    (the union of every key's) when the key or its declaration is not known."""
    if not parent.dynamic or parent.dynamic.get("type") != DYNAMIC_COMBO:
        return item
    option = next((o for o in parent.dynamic["options"]["options"] if o.get("key") == key), None)
    sub = item.name[len(parent.name) + 1:]
    for section in ("required", "optional"):
        raw = ((option or {}).get("inputs", {}).get(section) or {}).get(sub)
        if raw is not None and _split(raw)[0] not in (AUTOGROW, DYNAMIC_COMBO):
            kind, options = _split(raw)
            return _plain(item.name, kind, options, item.section, parent=item.parent)
    return item


def _split(raw: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(raw, str):
        return raw, {}
    head = raw[0]
    options = dict(raw[1]) if len(raw) > 1 and isinstance(raw[1], dict) else {}
    if isinstance(head, list):
        return "COMBO", {**options, "options": head}
    return str(head), options


def _outputs(entry: Mapping[str, Any]) -> Iterator[OutputSpec]:
    types = entry.get("output") or []
    names = entry.get("output_name") or []
    is_list = entry.get("output_is_list") or []
    for i, kind in enumerate(types):
        kind = "COMBO" if isinstance(kind, list) else str(kind)
        yield OutputSpec(type=kind, name=str(names[i]) if i < len(names) else kind,
                         is_list=bool(is_list[i]) if i < len(is_list) else False)


# --- calling --------------------------------------------------------------------------

def nest(inputs: tuple[InputSpec, ...], flat: Mapping[str, Any]) -> dict[str, Any]:
    """Flat prompt inputs → ComfyUI's nested ``execute`` arguments."""
    by_name = {i.name: i for i in inputs}
    out: dict[str, Any] = {k: v for k, v in flat.items() if "." not in k}
    for item in inputs:
        if item.dynamic is None or item.parent is not None:
            continue
        if item.dynamic["type"] == DYNAMIC_COMBO:
            key = out.get(item.name, item.default)
            out[item.name] = _chosen(item, key, flat, by_name)
        else:
            out[item.name] = _grown(item.name, flat)
    return out


def _chosen(item: InputSpec, key: Any, flat: Mapping[str, Any], by_name: Mapping[str, InputSpec]) -> dict[str, Any]:
    value: dict[str, Any] = {item.name: key}
    option = next((o for o in item.dynamic["options"]["options"] if o.get("key") == key), None)  # type: ignore[index]
    for section in ("required", "optional"):
        for sub, raw in ((option or {}).get("inputs", {}).get(section) or {}).items():
            full = f"{item.name}.{sub}"
            kind, options = _split(raw)
            if kind == AUTOGROW:
                value[sub] = _grown(full, flat)
            elif full in flat:
                value[sub] = flat[full]
            elif "default" in options:
                value[sub] = options["default"]
            elif kind == "COMBO" and options.get("options"):
                value[sub] = options["options"][0]
    return value


def _grown(prefix: str, flat: Mapping[str, Any]) -> dict[str, Any]:
    head = prefix + "."
    return {k[len(head):]: v for k, v in flat.items() if k.startswith(head) and "." not in k[len(head):]
            and v is not None}


def _behaviour(func: Callable[..., Any], inputs: tuple[InputSpec, ...], n_outputs: int,
               validate: Callable[..., Any] | None, validate_names: frozenset[str] | None) -> Behaviour:
    wants_ctx = CONTEXT_PARAM in inspect.signature(func).parameters

    def call(_state: Any, ctx: Any, kwargs: dict[str, Any]) -> Any:
        nested = nest(inputs, kwargs)
        return func(ctx, **nested) if wants_ctx else func(**nested)

    hook = None
    if validate is not None:
        def hook(ctx: Any, kwargs: dict[str, Any]) -> Any:
            return validate(ctx, **nest(inputs, kwargs))

    return Behaviour(call=call, normalise=normaliser(n_outputs), is_async=inspect.iscoroutinefunction(func),
                     validate=hook, validate_names=validate_names)
