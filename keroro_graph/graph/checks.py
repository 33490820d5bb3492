"""The per-input checks of validation and the exact error objects ComfyUI clients
expect (``{type, message, details, extra_info}``), one constructor per error type."""
from __future__ import annotations

import math
from typing import Any

from ..registry.object_info import combo_choices
from ..registry.spec import InputSpec
from ..registry.types import types_compatible

_COMBO_LIST_LIMIT = 20
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def err(type_: str, message: str, details: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"type": type_, "message": message, "details": details, "extra_info": extra}


def config(item: InputSpec | None) -> list[Any] | None:
    if item is None:
        return None
    return [item.type, dict(item.options)] if item.options else [item.type]


# --- coercion ------------------------------------------------------------------------

def coerce(item: InputSpec, value: Any) -> Any:
    """Convert a constant to the input's declared type; raises ValueError/TypeError."""
    kind = item.type
    if kind == "INT":
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        return int(value)
    if kind == "FLOAT":
        return float(value)
    if kind == "STRING":
        return value if isinstance(value, str) else str(value)
    if kind == "BOOLEAN":
        return _to_bool(value)
    return value


def _to_bool(value: Any) -> bool:
    # ComfyUI's bool("false") is True; a user who typed "false" means false.
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"{value!r} is not a boolean (use true or false)")


def range_or_choice(item: InputSpec, value: Any, env: Any) -> dict[str, Any] | None:
    extra = {"input_name": item.name, "input_config": config(item), "received_value": value}
    if item.type in ("INT", "FLOAT") and not isinstance(value, bool):
        low, high = item.options.get("min"), item.options.get("max")
        if low is not None and value < low:
            return err("value_smaller_than_min", f"Value {value} smaller than min of {low}", item.name, extra)
        if high is not None and value > high:
            return err("value_bigger_than_max", f"Value {value} bigger than max of {high}", item.name, extra)
    if item.is_combo and not item.options.get("multi_select"):
        choices = combo_choices(item, env)
        if isinstance(value, list) or value not in choices:
            shown = (f"(list of length {len(choices)})" if len(choices) > _COMBO_LIST_LIMIT
                     else repr(choices))
            if len(choices) > _COMBO_LIST_LIMIT:
                extra["input_config"] = None
            return err("value_not_in_list", "Value not in list",
                       f"{item.name}: {value!r} not in {shown}", extra)
    return None


def link_types_match(received: str, item: InputSpec) -> bool:
    if item.is_combo:
        return received in ("COMBO", "STRING", "*")
    return types_compatible(received, item.type)


# --- error constructors ----------------------------------------------------------------

def missing(name: str) -> dict[str, Any]:
    return err("required_input_missing", "Required input is missing", name, {"input_name": name})


def bad_link(item: InputSpec, raw: Any) -> dict[str, Any]:
    return err("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]",
               item.name, {"input_name": item.name, "input_config": config(item), "received_value": raw})


def missing_source(name: str, item: InputSpec | None, raw: list[Any]) -> dict[str, Any]:
    return err("bad_linked_input", f"Input '{name}' is linked to node '{raw[0]}', which is not in the graph",
               name, {"input_name": name, "input_config": config(item), "received_value": raw})


def bad_slot(name: str, item: InputSpec | None, raw: list[Any], source: Any) -> dict[str, Any]:
    count = len(source.spec.outputs)
    return err("bad_linked_input",
               f"Input '{name}' is linked to output {raw[1]} of node '{raw[0]}' "
               f"({source.class_type}), which has {count} output{'s' if count != 1 else ''}",
               name, {"input_name": name, "input_config": config(item), "received_value": raw})


def type_mismatch(name: str, item: InputSpec, received: str, raw: list[Any]) -> dict[str, Any]:
    return err("return_type_mismatch", "Return type mismatch between linked nodes",
               f"{name}, received_type({received}) mismatch input_type({item.type})",
               {"input_name": name, "input_config": config(item), "received_type": received,
                "linked_node": raw})


def invalid_type(item: InputSpec, value: Any, exc: Exception) -> dict[str, Any]:
    return err("invalid_input_type", f"Failed to convert an input value to a {item.type} value",
               f"{item.name}, {value}, {exc}",
               {"input_name": item.name, "input_config": config(item), "received_value": value,
                "exception_message": str(exc)})


def custom_failed(name: str, result: Any) -> dict[str, Any]:
    message = result if isinstance(result, str) else ""
    details = f"{name} - {message}" if name and message else (name or message)
    return err("custom_validation_failed", "Custom validation failed for node", details,
               {"input_name": name})


def validation_exception(exc: Exception, tb: str) -> dict[str, Any]:
    return err("exception_during_validation", "Exception when validating node", str(exc),
               {"exception_type": type(exc).__name__, "traceback": tb.splitlines(keepends=True)})


def cycle_error(cycle: list[str]) -> dict[str, Any]:
    path = " → ".join([*cycle, cycle[0]]) if cycle else ""
    return err("dependency_cycle", "Dependency cycle detected",
               f"nodes {path} depend on each other", {"cycle": cycle})


def missing_credentials(provider: str, message: str) -> dict[str, Any]:
    return err("missing_credentials", message, provider, {"provider": provider})


def secret_in_input(name: str) -> dict[str, Any]:
    return err("secret_in_input", "Input holds a credential",
               f"{name}: a provider key or token was pasted into this input; keys belong in the secret store "
               "(Settings → Providers, PUT /api/providers/{provider}/secrets or an environment variable), where "
               "provider nodes read them. In a widget it would travel into saved workflows, image metadata "
               "and messages.", {"input_name": name})


def pasted_secrets_result(prompt: dict[str, Any], pasted: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(node_errors, error) refusing a prompt whose inputs ``pasted`` hold credentials."""
    node_errors = {node_id: {"errors": [secret_in_input(name) for name in names], "dependent_outputs": [],
                             "class_type": (prompt.get(node_id) or {}).get("class_type")}
                   for node_id, names in pasted.items()}
    where = ", ".join(f"node {n} ({', '.join(names)})" for n, names in pasted.items())
    return node_errors, err("prompt_holds_secret", "Prompt holds a credential",
                            f"{where}: use the secret store instead of pasting keys into widgets", {})
