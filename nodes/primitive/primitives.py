"""The primitive family: PrimitiveInt, PrimitiveFloat, PrimitiveString,
PrimitiveStringMultiline and PrimitiveBoolean (ComfyUI's names). Each is a widget
named ``value`` whose one output is that value, useful for feeding one setting to
several nodes.

All five come from one definition, ``_primitive``, which is why they share a file
(the one-node-per-file rule's family exception).
"""
from __future__ import annotations

import re
import sys
from typing import Annotated, Any, Callable

from keroro_graph.api import Bool, Float, Input, Int, Text, node

_UNBOUNDED: dict[str, Any] = {"min": -sys.maxsize, "max": sys.maxsize}


def _primitive(class_type: str, python_type: type, widget: Input, doc: str) -> Callable[..., Any]:
    """Declare one primitive node: a ``value`` widget passed straight through."""

    def primitive(value: Any) -> Any:
        return value

    primitive.__name__ = primitive.__qualname__ = re.sub(r"(?<!^)(?=[A-Z])", "_", class_type).lower()
    primitive.__doc__ = doc
    primitive.__annotations__ = {"value": Annotated[python_type, widget], "return": python_type}
    return node(class_type)(primitive)


primitive_int = _primitive(
    "PrimitiveInt", int, Int(default=0, control_after_generate=True, **_UNBOUNDED), "A whole number.")
primitive_float = _primitive(
    "PrimitiveFloat", float, Float(default=0.0, **_UNBOUNDED), "A decimal number.")
primitive_string = _primitive(
    "PrimitiveString", str, Text(default=""), "A single line of text.")
primitive_string_multiline = _primitive(
    "PrimitiveStringMultiline", str, Text(default="", multiline=True), "A block of text.")
primitive_boolean = _primitive(
    "PrimitiveBoolean", bool, Bool(default=False), "True or false.")
