"""Switch: pass on ``on_true`` or ``on_false`` depending on ``switch`` (our own node).

Both branches are lazy inputs: the engine first runs the node with neither
evaluated, ``needed_branch`` names the one ``switch`` selects, and only that
branch's upstream nodes run. The other branch costs nothing.
"""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import ANY, Bool, Input, Output, node

_Branch = Annotated[ANY, Input(lazy=True)]


def needed_branch(switch: bool, on_true: Any = None, on_false: Any = None) -> list[str]:
    """The lazy input still to evaluate: the selected branch, if it has not arrived."""
    if switch:
        return ["on_true"] if on_true is None else []
    return ["on_false"] if on_false is None else []


@node("Switch", check_lazy=needed_branch)
def switch(
    switch: Annotated[bool, Bool(default=True)],
    on_true: _Branch,
    on_false: _Branch,
) -> Annotated[ANY, Output(name="output")]:
    """Output on_true when switch is on, on_false when it is off; only that branch runs."""
    return on_true if switch else on_false
