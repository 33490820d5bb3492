"""CustomCombo: a combo whose options the user writes on the canvas (ComfyUI's node).
The options live only in the workflow, so any chosen text is accepted; the outputs are
the choice and its index."""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import Combo, Output, node


def _validate(choice: Any = None, **_: Any) -> bool:
    return True  # the options are the user's own, written on the canvas


@node("CustomCombo", category="utilities", experimental=True, validate=_validate, accept_all_inputs=True)
def custom_combo(
    choice: Annotated[str, Combo(options=[])],
    **extra: Any,
) -> tuple[Annotated[str, Output(name="STRING")], Annotated[int, Output(name="INDEX")]]:
    """A choice among options you write yourself (the canvas sends ``index`` and
    ``option1``..``optionN`` beside ``choice``)."""
    index = extra.get("index", 0)
    return choice, int(index) if isinstance(index, (int, float)) and not isinstance(index, bool) else 0
