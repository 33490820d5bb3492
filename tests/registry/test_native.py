"""The native @node door: specs from annotations, and mistakes caught at import."""
from __future__ import annotations

from typing import Annotated, Literal

import pytest

from keroro_graph.api import ANY, IMAGE, MASK, Bool, Combo, Float, Int, NodeDeclarationError, Output, Text, node
from keroro_graph.registry import node_info


def test_spec_from_annotations():
    @node("DemoNode", category="demo")
    def demo(image: IMAGE, radius: Annotated[int, Int(default=2, min=1, max=9)],
             mode: Literal["a", "b"] = "b", note: Annotated[str, Text(multiline=True)] = "",
             mask: MASK | None = None) -> tuple[IMAGE, Annotated[MASK, Output(name="matte")]]:
        """Does demo things."""
        return image, mask

    spec = demo.__node_spec__
    info = node_info(spec)
    assert info["input"]["required"]["radius"] == ["INT", {"default": 2, "min": 1, "max": 9}]
    assert info["input"]["required"]["mode"] == [["a", "b"], {"default": "b"}]
    assert info["input"]["required"]["note"] == ["STRING", {"multiline": True, "default": ""}]
    assert info["input"]["optional"]["mask"] == ["MASK"]
    assert info["output"] == ["IMAGE", "MASK"] and info["output_name"] == ["IMAGE", "matte"]
    assert info["description"] == "Does demo things." and info["display_name"] == "Demo Node"
    assert demo("img", 3, mask="m") == ("img", "m"), "the function stays a plain callable"


def test_context_parameter_is_not_an_input():
    @node("DemoCtx", category="demo")
    def demo(ctx, value: int) -> int:
        return value
    assert [i.name for i in demo.__node_spec__.inputs] == ["value"]


def test_async_detection():
    @node("DemoAsync", category="demo")
    async def demo(value: ANY) -> ANY:
        return value
    assert demo.__node_spec__.behaviour.is_async


@pytest.mark.parametrize("make, message", [
    (lambda: node("Bad1")(lambda value: value), "has no type annotation"),
    (lambda: _declare_out_of_range(), "default 50 is above max 10"),
    (lambda: _declare_bad_choice(), "default 'c' is not one of"),
    (lambda: _declare_no_return(), "no return annotation"),
    (lambda: _declare_wrong_option(), "Float(...) options on a INT input"),
    (lambda: _declare_unknown_type(), "cannot make a socket of"),
])
def test_declaration_mistakes_fail_at_import_naming_the_file(make, message):
    with pytest.raises(NodeDeclarationError) as info:
        make()
    assert message in str(info.value)
    assert "test_native.py" in str(info.value) or "<lambda>" in str(info.value) or "Bad1" in str(info.value)


def _declare_out_of_range():
    @node("Bad2")
    def bad(x: Annotated[int, Int(default=50, max=10)]) -> int:
        return x


def _declare_bad_choice():
    @node("Bad3")
    def bad(x: Annotated[str, Combo(options=["a", "b"], default="c")]) -> str:
        return x


def _declare_no_return():
    @node("Bad4")
    def bad(x: int):
        return x


def _declare_wrong_option():
    @node("Bad5")
    def bad(x: Annotated[int, Float(min=0.5)]) -> int:
        return x


def _declare_unknown_type():
    @node("Bad6")
    def bad(x: dict) -> int:
        return 1


def test_false_and_zero_defaults_are_kept():

    @node("DemoDefaults")
    def demo(flag: Annotated[bool, Bool(default=False)], count: Annotated[int, Int(default=0)],
             name: Annotated[str, Text(default="")]) -> int:
        return count
    spec = demo.__node_spec__
    assert [spec.input(n).options.get("default", "missing") for n in ("flag", "count", "name")] == [False, 0, ""]
