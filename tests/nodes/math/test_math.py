"""IntMath and FloatMath."""
from __future__ import annotations

import pytest

from nodes.math.float_math import float_math
from nodes.math.int_math import int_math


@pytest.mark.parametrize("op,expected", [("add", 9), ("subtract", 5), ("multiply", 14), ("divide", 3),
                                         ("modulo", 1), ("power", 49), ("min", 2), ("max", 7)])
def test_int_math(op, expected):
    assert int_math(7, 2, op) == expected


def test_int_divide_is_floor_division():
    assert int_math(-7, 2, "divide") == -4
    assert int_math(-7, 2, "modulo") == 1


def test_int_errors_name_the_problem():
    with pytest.raises(ValueError, match="b is 0"):
        int_math(1, 0, "divide")
    with pytest.raises(ValueError, match="b is 0"):
        int_math(1, 0, "modulo")
    with pytest.raises(ValueError, match="negative power"):
        int_math(2, -1, "power")
    with pytest.raises(ValueError, match="too large"):
        int_math(10, 10**9, "power")
    assert int_math(1, 10**12, "power") == 1
    assert int_math(2, 1000, "power") == 2**1000
    with pytest.raises(ValueError, match="op must be one of add, subtract"):
        int_math(1, 2, "xor")


@pytest.mark.parametrize("op,expected", [("add", 4.5), ("subtract", 2.5), ("multiply", 3.5), ("divide", 3.5),
                                         ("modulo", 0.5), ("power", 3.5), ("min", 1.0), ("max", 3.5)])
def test_float_math(op, expected):
    b = 0.5 if op == "power" else 1.0
    a = 12.25 if op == "power" else 3.5
    assert float_math(a, b, op) == pytest.approx(expected)


def test_float_errors_name_the_problem():
    with pytest.raises(ValueError, match="b is 0"):
        float_math(1.0, 0.0, "divide")
    with pytest.raises(ValueError, match="no finite real result"):
        float_math(-8.0, 0.5, "power")
    with pytest.raises(ValueError, match="no finite real result"):
        float_math(10.0, 400.0, "power")
