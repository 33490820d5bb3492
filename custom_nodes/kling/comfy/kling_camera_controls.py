"""KlingCameraControls: a camera move (type and six amounts) for the Kling camera
control nodes."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import comfy_node

from . import TABLE

AXES = ("horizontal_movement", "vertical_movement", "pan", "tilt", "roll", "zoom")


def _check(_ctx: Any, **inputs: Any) -> bool | str:
    if all(abs(float(inputs.get(axis) or 0.0)) < 1e-9 for axis in AXES):
        return "Invalid camera control configs: at least one of the values must be non-zero"
    return True


@comfy_node(TABLE["KlingCameraControls"], validate=_check)
def kling_camera_controls(*, camera_control_type: str, horizontal_movement: float, vertical_movement: float,
                          pan: float, tilt: float, roll: float, zoom: float) -> dict[str, Any]:
    """Describe a Kling camera move."""
    return {"type": camera_control_type,
            "config": {"horizontal": horizontal_movement, "vertical": vertical_movement, "pan": pan, "tilt": tilt,
                       "roll": roll, "zoom": zoom}}
