"""IntMath: integer arithmetic on two INTs (our own node). ``divide`` is floor
division and ``modulo`` takes the sign of ``b``, as in Python; dividing by zero, a
negative power and a power too large to be useful are errors naming the input."""
from __future__ import annotations

import math
import sys
from typing import Annotated, Literal, get_args

from keroro_graph.api import Int, node

_Int = Annotated[int, Int(default=0, min=-sys.maxsize, max=sys.maxsize, step=1)]
MathOp = Literal["add", "subtract", "multiply", "divide", "modulo", "power", "min", "max"]
OPS = get_args(MathOp)
#: Refuse powers whose result would need more bits than this (2**1024 is already far
#: beyond anything a widget can show, and huge powers can hang the worker).
_MAX_POWER_BITS = 1024


@node("IntMath")
def int_math(
    a: _Int,
    b: _Int,
    op: MathOp,
) -> int:
    """a op b on whole numbers; divide rounds down."""
    if op in ("divide", "modulo") and b == 0:
        raise ValueError(f"IntMath {op}: b is 0; cannot divide by zero")
    if op == "power":
        if b < 0:
            raise ValueError(f"IntMath power: b is {b}; a negative power is not a whole number "
                             "(use FloatMath)")
        if abs(a) > 1 and b * math.log2(abs(a)) > _MAX_POWER_BITS:
            raise ValueError(f"IntMath power: {a} ** {b} is too large (over {_MAX_POWER_BITS} bits)")
        return a ** b
    operations = {
        "add": lambda: a + b, "subtract": lambda: a - b, "multiply": lambda: a * b,
        "divide": lambda: a // b, "modulo": lambda: a % b, "min": lambda: min(a, b),
        "max": lambda: max(a, b),
    }
    if op not in operations:
        raise ValueError(f"op must be one of {', '.join(OPS)}; got {op!r}")
    return operations[op]()
