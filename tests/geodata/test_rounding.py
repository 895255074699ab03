"""geodata.rounding: the same floats as round(x, n), bit for bit."""

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from geodata.rounding import rounder

DECIMALS = (0, 1, 7)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1.0, a) == math.copysign(1.0, b))


@pytest.mark.parametrize("decimals", DECIMALS)
@given(x=st.floats(allow_nan=True, allow_infinity=True))
@example(x=0.15)  # 0.1499999999999999944...: rounds down
@example(x=0.25)  # exactly half: to even
@example(x=2.675)
@example(x=-0.04)  # rounds to -0.0
@example(x=-0.0)
@example(x=2.0**52)
@example(x=114.05791234565)
def test_it_rounds_every_float_as_round_does(decimals, x):
    assert _same(rounder(decimals)(x), round(x, decimals))


@pytest.mark.parametrize("decimals", DECIMALS)
@given(m=st.integers(-(10**12), 10**12))
def test_it_rounds_values_at_and_next_to_half_way_points_as_round_does(decimals, m):
    # m + 0.5 units of the last decimal, and its neighbouring floats: where a shortcut would slip.
    x = (m + 0.5) / 10**decimals
    for value in (x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf)):
        assert _same(rounder(decimals)(value), round(value, decimals))


def test_it_refuses_decimals_whose_power_of_ten_is_not_exact():
    with pytest.raises(ValueError, match="0..22"):
        rounder(23)
