"""ComfySwitchNode ("If/Else Switch"): pass on ``on_true`` or ``on_false`` by a
boolean; only the chosen branch is evaluated (ComfyUI's node, V3 MatchType inputs)."""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import Bool, Input, Output, node, socket

MATCH = socket("COMFY_MATCHTYPE_V3")
_TEMPLATE = {"allowed_types": "*", "template_id": "switch"}


def needed_branch(switch: bool, on_false: Any = None, on_true: Any = None) -> list[str]:
    if switch and on_true is None:
        return ["on_true"]
    if not switch and on_false is None:
        return ["on_false"]
    return []


@node("ComfySwitchNode", display_name="If/Else Switch", category="utilities/logic", experimental=True,
      check_lazy=needed_branch)
def comfy_switch_node(
    switch: Annotated[bool, Bool()],
    on_false: Annotated[MATCH, Input(lazy=True, template=_TEMPLATE)],
    on_true: Annotated[MATCH, Input(lazy=True, template=_TEMPLATE)],
) -> Annotated[MATCH, Output(name="output")]:
    """Choose between two values."""
    return on_true if switch else on_false
