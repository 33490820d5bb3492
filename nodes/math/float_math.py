"""FloatMath: arithmetic on two FLOATs (our own node). Division or modulo by zero,
and a power with no real result or one that overflows, are errors naming the input
instead of inf or nan flowing on into other nodes."""
from __future__ import annotations

import math
from typing import Annotated, Literal, get_args

from keroro_graph.api import Float, node

_Float = Annotated[float, Float(default=0.0, min=-1e18, max=1e18, step=0.01)]
MathOp = Literal["add", "subtract", "multiply", "divide", "modulo", "power", "min", "max"]
OPS = get_args(MathOp)


@node("FloatMath")
def float_math(
    a: _Float,
    b: _Float,
    op: MathOp,
) -> float:
    """a op b on decimal numbers."""
    if op in ("divide", "modulo") and b == 0:
        raise ValueError(f"FloatMath {op}: b is 0; cannot divide by zero")
    operations = {
        "add": lambda: a + b, "subtract": lambda: a - b, "multiply": lambda: a * b,
        "divide": lambda: a / b, "modulo": lambda: a % b,
        "power": lambda: math.pow(a, b), "min": lambda: min(a, b), "max": lambda: max(a, b),
    }
    if op not in operations:
        raise ValueError(f"op must be one of {', '.join(OPS)}; got {op!r}")
    try:
        result = float(operations[op]())
    except (OverflowError, ValueError):
        raise ValueError(f"FloatMath {op}: {a} {op} {b} has no finite real result") from None
    if not math.isfinite(result):
        raise ValueError(f"FloatMath {op}: {a} {op} {b} is not a finite number")
    return result
