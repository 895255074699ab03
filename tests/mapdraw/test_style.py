"""mapdraw.style: marker styles and the demand colour ramp."""

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mapdraw.style import MarkerStyle, colour_ramp
from tests.mapdraw.mapdraw_helpers import RED


def test_it_refuses_unknown_marker_shapes():
    with pytest.raises(ValueError, match="shape must be one of"):
        MarkerStyle(RED, shape="star")


# -- colour ramp ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "vmax", "expected"),
    [
        (0, 10, (255, 255, 178, 255)),  # ColorBrewer YlOrRd-7, first class
        (10, 10, (177, 0, 38, 255)),  # last class
        (5, 10, (253, 141, 60, 255)),  # the middle class (4 of 7)
        (-3, 10, (255, 255, 178, 255)),  # clamped below
        (99, 10, (177, 0, 38, 255)),  # clamped above
    ],
)
def test_it_knows_the_ramp_colours(value, vmax, expected):
    assert colour_ramp(value, vmax) == expected


@given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
@example(0.0, 100.0)
@example(49.9, 50.1)
def test_it_darkens_the_ramp_as_demand_grows(a, b):
    def luminance(c):
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    lo, hi = sorted((a, b))
    assert luminance(colour_ramp(hi, 100)) <= luminance(colour_ramp(lo, 100)) + 1e-9


@pytest.mark.parametrize(("value", "vmax"), [(math.nan, 1), (1, math.nan), (1, 0), (1, -5), (math.inf, 1)])
def test_it_refuses_bad_ramp_input(value, vmax):
    with pytest.raises(ValueError):
        colour_ramp(value, vmax)

