"""Compare: compare two numbers and output a BOOLEAN (our own node), e.g. to drive a
Switch."""
from __future__ import annotations

import operator
from typing import Annotated, Literal

from keroro_graph.api import Float, node

_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
        ">": operator.gt, ">=": operator.ge}
_Number = Annotated[float, Float(default=0.0, min=-1e18, max=1e18, step=0.01)]


@node("Compare")
def compare(a: _Number, b: _Number, op: Literal["==", "!=", "<", "<=", ">", ">="]) -> bool:
    """True when "a op b" holds."""
    if op not in _OPS:
        raise ValueError(f"op must be one of {list(_OPS)}; got {op!r}")
    return bool(_OPS[op](a, b))
