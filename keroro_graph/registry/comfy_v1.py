"""Door 1: ComfyUI V1 node classes, loaded unchanged.

Reads the class attributes of ComfyUI's contract (INPUT_TYPES, RETURN_TYPES,
RETURN_NAMES, FUNCTION, CATEGORY, OUTPUT_NODE, IS_CHANGED, VALIDATE_INPUTS,
INPUT_IS_LIST, OUTPUT_IS_LIST, check_lazy_status, ...) and builds a ``NodeSpec``.
Nothing downstream knows a node came through this door.
"""
from __future__ import annotations

import inspect
import time
from typing import Any, Callable

from ..comfy_compat import from_pack, to_pack
from ..errors import NodeDeclarationError
from .native import accepted_names, select_kwargs
from .pricing import Price, paid_fields
from .spec import HIDDEN_KINDS, Behaviour, InputSpec, NodeOutput, NodeSpec, OutputSpec

_CHOICES_TTL_S = 1.0


def spec_from_v1(class_type: str, cls: Any, *, display_name: str | None = None,
                 python_module: str = "custom_nodes") -> NodeSpec:
    """Build the spec of a V1 class. Raises NodeDeclarationError naming the class
    when the contract is broken (no INPUT_TYPES, no FUNCTION, a bad entry)."""
    where = f"{python_module}:{getattr(cls, '__qualname__', class_type)}"
    try:
        return _build(class_type, cls, display_name, python_module, where)
    except NodeDeclarationError:
        raise
    except Exception as exc:  # a pack's INPUT_TYPES may raise anything
        raise NodeDeclarationError(f"{where}: {class_type}: {type(exc).__name__}: {exc}") from exc


def _build(class_type: str, cls: Any, display_name: str | None, python_module: str,
           where: str) -> NodeSpec:
    for attr in ("INPUT_TYPES", "RETURN_TYPES", "FUNCTION"):
        if not hasattr(cls, attr):
            raise NodeDeclarationError(f"{where}: {class_type}: missing {attr}")
    if not callable(getattr(cls, cls.FUNCTION, None)):
        raise NodeDeclarationError(f"{where}: {class_type}: FUNCTION {cls.FUNCTION!r} is not a method")
    declared = cls.INPUT_TYPES()
    if not isinstance(declared, dict):
        raise NodeDeclarationError(f"{where}: {class_type}: INPUT_TYPES() must return a dict")
    live = _LiveInputTypes(cls)
    inputs = []
    for section in ("required", "optional", "hidden"):
        for name, entry in (declared.get(section) or {}).items():
            inputs.append(_input(section, name, entry, live, f"{where}: {class_type}"))
    return NodeSpec(
        class_type=class_type,
        display_name=display_name or class_type,
        category=str(getattr(cls, "CATEGORY", "") or ""),
        description=str(getattr(cls, "DESCRIPTION", "") or ""),
        python_module=python_module,
        inputs=tuple(inputs),
        outputs=tuple(_outputs(cls)),
        output_node=bool(getattr(cls, "OUTPUT_NODE", False)),
        not_idempotent=bool(getattr(cls, "NOT_IDEMPOTENT", False)),
        input_is_list=bool(getattr(cls, "INPUT_IS_LIST", False)),
        deprecated=bool(getattr(cls, "DEPRECATED", False)),
        experimental=bool(getattr(cls, "EXPERIMENTAL", False)),
        api_node=bool(getattr(cls, "API_NODE", False)),
        **_paid(cls, inputs, f"{where}: {class_type}"),
        source=where,
        behaviour=_behaviour(cls, len(cls.RETURN_TYPES)),
    )


def _paid(cls: Any, inputs: list[InputSpec], where: str) -> dict[str, Any]:
    """Our extension of the V1 contract: ``PAID = True``, ``PRICE = {"table": ...,
    "key": [...], "times": [...]}`` (see Price) and ``STORE_RESULTS = False``."""
    raw = getattr(cls, "PRICE", None)
    price = Price.from_mapping(raw, where=where) if raw is not None else None
    return paid_fields(paid=bool(getattr(cls, "PAID", False)), price=price,
                       store=bool(getattr(cls, "STORE_RESULTS", True)),
                       inputs=tuple(i.name for i in inputs), where=where)


def _input(section: str, name: str, entry: Any, live: "_LiveInputTypes", where: str) -> InputSpec:
    if section == "hidden":
        kind = entry if isinstance(entry, str) else (entry[0] if entry else "")
        kind = str(kind)
        return InputSpec(name=name, type=kind, section="hidden",
                         hidden_kind=kind if kind in HIDDEN_KINDS else None)
    if isinstance(entry, str):
        entry = (entry,)
    if not isinstance(entry, (tuple, list)) or not entry:
        raise NodeDeclarationError(f"{where}: input {name!r} must be (TYPE, {{options}}), got {entry!r}")
    raw_type = entry[0]
    options = dict(entry[1]) if len(entry) > 1 and isinstance(entry[1], dict) else {}
    choices: Any = None
    if isinstance(raw_type, (list, tuple)):
        type_name, choices = "COMBO", live.choices_of(section, name)
    elif str(raw_type) == "COMBO":
        type_name, choices = "COMBO", live.choices_of(section, name)
    else:
        type_name = str(raw_type)
    return InputSpec(name=name, type=type_name, section=section, options=options,  # type: ignore[arg-type]
                     choices=choices, lazy=bool(options.get("lazy")),
                     raw_link=bool(options.get("rawLink")))


class _LiveInputTypes:
    """Combo choices re-read from INPUT_TYPES (packs list files there), at most once
    a second per class so validation of a big graph calls it once."""

    def __init__(self, cls: Any) -> None:
        self._cls = cls
        self._at = 0.0
        self._value: dict[str, Any] = {}

    def _current(self) -> dict[str, Any]:
        now = time.monotonic()
        if now - self._at > _CHOICES_TTL_S:
            self._value, self._at = self._cls.INPUT_TYPES(), now
        return self._value

    def choices_of(self, section: str, name: str) -> Callable[..., list[Any]]:
        def choices(_ctx: Any = None) -> list[Any]:
            entry = (self._current().get(section) or {}).get(name)
            if not entry:
                return []
            head = entry[0]
            if isinstance(head, (list, tuple)):
                return list(head)
            opts = entry[1] if len(entry) > 1 and isinstance(entry[1], dict) else {}
            return list(opts.get("options", []))
        return choices


def _outputs(cls: Any) -> list[OutputSpec]:
    types = list(cls.RETURN_TYPES)
    names = list(getattr(cls, "RETURN_NAMES", None) or [])
    is_list = list(getattr(cls, "OUTPUT_IS_LIST", None) or [])
    tips = list(getattr(cls, "OUTPUT_TOOLTIPS", None) or [])
    out = []
    for i, t in enumerate(types):
        type_name = "COMBO" if isinstance(t, (list, tuple)) else str(t)
        out.append(OutputSpec(
            type=type_name,
            name=str(names[i]) if i < len(names) else type_name,
            is_list=bool(is_list[i]) if i < len(is_list) else False,
            tooltip=tips[i] if i < len(tips) else None,
        ))
    return out


def _behaviour(cls: Any, n_outputs: int) -> Behaviour:
    function_name = cls.FUNCTION

    def call(state: Any, _ctx: Any, kwargs: dict[str, Any]) -> Any:
        return getattr(state, function_name)(**{k: to_pack(v) for k, v in kwargs.items()})

    def normalise(raw: Any) -> NodeOutput:
        out = normalise_v1(raw, n_outputs)
        return NodeOutput(values=tuple(from_pack(v) for v in out.values), ui=out.ui, expand=out.expand)

    is_changed = getattr(cls, "IS_CHANGED", None)
    validate = getattr(cls, "VALIDATE_INPUTS", None)
    check_lazy = getattr(cls, "check_lazy_status", None)
    names = accepted_names(validate) if validate else None
    return Behaviour(
        call=call,
        normalise=normalise,
        is_async=inspect.iscoroutinefunction(getattr(cls, function_name)),
        make_state=cls,
        fingerprint=(lambda _ctx, kw: is_changed(**select_kwargs(is_changed, kw))) if is_changed else None,
        validate=(lambda _ctx, kw: validate(**select_kwargs(validate, kw))) if validate else None,
        validate_names=names - {"input_types"} if names is not None else None,
        validate_wants_types=bool(validate and "input_types" in inspect.signature(validate).parameters),
        check_lazy=((lambda state, _ctx, kw: state.check_lazy_status(**{k: to_pack(v) for k, v in kw.items()}))
                    if check_lazy else None),
    )


def normalise_v1(raw: Any, n_outputs: int) -> NodeOutput:
    """Turn a V1 FUNCTION's return (tuple, ``{ui, result, expand}`` dict, None, or a
    whole-node ExecutionBlocker) into a NodeOutput."""
    from .blocker import ExecutionBlocker

    if isinstance(raw, ExecutionBlocker):
        return NodeOutput(values=(raw,) * n_outputs)
    if raw is None:
        return NodeOutput(values=(None,) * n_outputs)
    if isinstance(raw, dict):
        result = raw.get("result")
        values = tuple(result) if result is not None else (None,) * n_outputs
        return NodeOutput(values=values, ui=raw.get("ui"), expand=raw.get("expand"))
    if isinstance(raw, (tuple, list)):
        return NodeOutput(values=tuple(raw))
    raise TypeError(f"FUNCTION returned {type(raw).__name__}; expected a tuple or a {{'ui', 'result'}} dict")
