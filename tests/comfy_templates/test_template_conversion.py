"""UI -> API conversion of ComfyUI's in-scope templates means what ComfyUI's own
frontend (1.47.10) makes of them: each converts to the frontend's API prompt, or is
refused naming the node and widget. Where the frontend itself misaligned a template
saved by a newer node version, its reference holds a value the node does not accept
(a combo value outside the options, or text in a number input: the frontend of 0.29
did not know the newer dynamic option, so it wrote the option's widget values into the
inputs after it, e.g. ``"n": "auto"``): those references are not a target, and where
ours differs it must be valid."""
from __future__ import annotations

from typing import Any

import pytest

from keroro_graph.errors import WorkflowConversionError
from keroro_graph.graph import workflow_to_prompt
from keroro_graph.registry import Registry
from tests.comfy_templates.templates import in_scope, load_template, our_registry, reference


def invalid_values(prompt: dict[str, Any], registry: Registry) -> list[str]:
    """Combo values (dynamic combos included) that the declared options do not allow,
    and number inputs holding something other than a number."""
    bad = []
    for node_id, node in prompt.items():
        spec = registry.get(node["class_type"])
        if spec is None:
            continue
        for name, value in node["inputs"].items():
            item = spec.input(name)
            if item is not None and item.type in ("INT", "FLOAT") and not isinstance(value, (int, float, list)):
                bad.append(f"{node_id}.{name}={value!r}")
                continue
            if item is None or isinstance(value, list) or not isinstance(item.choices, list) or not item.choices:
                continue
            if value not in item.choices:
                bad.append(f"{node_id}.{name}={value!r}")
    return bad


def strip(prompt: dict[str, Any]) -> dict[str, Any]:
    return {k: (v["class_type"], v["inputs"]) for k, v in prompt.items()}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return our_registry()


@pytest.mark.parametrize("name", in_scope())
def test_template_converts_as_comfyuis_frontend_or_is_refused_by_name(name: str, registry: Registry) -> None:
    ref = reference()[name]
    try:
        ours = workflow_to_prompt(load_template(name), registry)
    except WorkflowConversionError as exc:
        assert str(exc).startswith("node "), exc
        assert invalid_values(ref, registry), f"refused, yet ComfyUI's frontend converted it validly: {exc}"
        return
    if strip(ours) != strip(ref):
        assert invalid_values(ref, registry), "converted differently from ComfyUI's frontend"
        assert invalid_values(ours, registry) == [], "the frontend's output is invalid here; ours must not be"
