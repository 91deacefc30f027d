"""Colours that separate: every pair the course draws together, measured in CIEDE2000.

ΔE2000 comes from coloraide (an independent implementation, checked here against Sharma's
published test pairs). Maps and surfaces sample the whole grey ramp, not only its stops.
"""

import itertools

import numpy as np
import pytest
from coloraide import Color

from gdanim.optimizers import OPTIMIZERS
from gdanim.theme import THEME, ordered_run_colors

ON_MAP = 25  # a colour drawn on a map or surface vs every colour of that map
TOGETHER = 20  # two colours drawn together
NOT_AN_OPTIMIZER = 12  # a learning-rate run's colour vs every optimizer's: visibly not that optimizer


def delta_e(a: str, b: str) -> float:
    return Color(a).delta_e(Color(b), method="2000")


def map_colors() -> list[str]:
    """Background, contour lines (background colour) and the ramp sampled finely, as bands and faces blend it."""
    ramp = Color.interpolate(list(THEME.surface_colors), space="srgb")
    return [THEME.background] + [ramp(t).to_string(hex=True) for t in np.linspace(0, 1, 21)]


OPTIMIZER_COLORS = {name: spec.color for name, spec in OPTIMIZERS.items()}
ARROWS = {role: THEME.role_colors[role] for role in ("gradient", "velocity", "lookahead")}


def test_delta_e_matches_sharmas_reference_pairs():
    # Sharma, Wu, Dalal (2005), pairs 1 and 17: Lab inputs, published ΔE00
    assert Color("lab-d65", [50, 2.6772, -79.7751]).delta_e(Color("lab-d65", [50, 0, -82.7485]), method="2000") \
        == pytest.approx(2.0425, abs=1e-4)
    assert Color("lab-d65", [50, 2.5, 0]).delta_e(Color("lab-d65", [73, 25, -18]), method="2000") \
        == pytest.approx(27.1492, abs=1e-4)


@pytest.mark.parametrize("group, colors", [
    ("optimizers", OPTIMIZER_COLORS),
    ("learning-rate runs", dict(enumerate(THEME.run_colors))),
    ("arrows", ARROWS),
    ("the best fit", {"best_fit": THEME.role_colors["best_fit"]}),
])
def test_colours_drawn_on_maps_stand_out_from_every_map_colour(group, colors):
    worst = min((delta_e(c, m), name, m) for name, c in colors.items() for m in map_colors())
    assert worst[0] >= ON_MAP, f"{group}: {worst[1]} vs map colour {worst[2]}: ΔE {worst[0]:.1f}"


@pytest.mark.parametrize("group, colors", [
    ("optimizers", OPTIMIZER_COLORS),
    ("learning-rate runs", dict(enumerate(THEME.run_colors))),
    ("arrows and the trails under them", {**ARROWS, **OPTIMIZER_COLORS}),
    ("BatchVsStochastic's runs and best fit", {"full": OPTIMIZER_COLORS["gd"], "mini": THEME.role_colors["lr"],
                                               "sgd": OPTIMIZER_COLORS["sgd"], "best": THEME.role_colors["best_fit"]}),
])
def test_colours_drawn_together_differ(group, colors):
    worst = min((delta_e(colors[a], colors[b]), a, b) for a, b in itertools.combinations(colors, 2))
    assert worst[0] >= TOGETHER, f"{group}: {worst[1]} vs {worst[2]}: ΔE {worst[0]:.1f}"


def test_learning_rate_runs_never_take_an_optimizers_colour():
    worst = min((delta_e(r, c), r, name) for r in THEME.run_colors for name, c in OPTIMIZER_COLORS.items())
    assert worst[0] >= NOT_AN_OPTIMIZER, f"run colour {worst[1]} looks like {worst[2]}: ΔE {worst[0]:.1f}"


def test_run_colours_follow_the_rates_order_not_the_order_given():
    assert ordered_run_colors([0.1, 0.001, 0.01]) == [THEME.run_colors[2], THEME.run_colors[0], THEME.run_colors[1]]


def test_the_surface_ramp_rises_in_lightness_with_height():
    lightness = [Color(c).convert("lab")["lightness"] for c in THEME.surface_colors]
    assert lightness == sorted(lightness) and len(set(lightness)) == len(lightness)
