"""The shared parameter checks: one-line errors that name the fix."""

import math

import pytest

from gdanim.landscapes import get_landscape
from gdanim.lessons import checks


def test_unknown_names_suggest_the_nearest():
    with pytest.raises(ValueError, match="unknown landscape 'rosenbrok' \\(did you mean 'rosenbrock'\\?\\)"):
        checks.landscape("rosenbrok")
    with pytest.raises(ValueError, match="unknown optimizer 'nesterv' \\(did you mean 'nesterov'"):
        checks.optimizers(["gd", "nesterv"])
    with pytest.raises(ValueError, match="must not repeat"):
        checks.optimizers(["gd", "gd"])


@pytest.mark.parametrize("bad", [0, -0.1, math.nan, math.inf, 1e9, True, "0.1"])
def test_rates_must_be_positive_finite_numbers(bad):
    with pytest.raises(ValueError, match="lr"):
        checks.rate(bad)


def test_start_outside_the_domain_names_the_domain_and_a_start_that_works():
    land = get_landscape("rosenbrock")
    with pytest.raises(ValueError, match=r"outside the rosenbrock plot x in \[-2, 2\], y in \[-1, 3\]; "
                                         r"pick a start inside it, e\.g\. its default \(-1\.2, 1\)"):
        checks.start(land, (-2.2, 1.2))
    assert checks.start(land, (2.0, 3.0)) == (2.0, 3.0)  # the edge is inside


def test_sizes_are_bounded():
    assert checks.steps(checks.MAX_STEPS) == checks.MAX_STEPS
    for bad in (0, checks.MAX_STEPS + 1, 2.5, True):
        with pytest.raises(ValueError, match="whole number from 1 to"):
            checks.steps(bad)


def test_rate_tables_only_name_the_racers():
    assert checks.rate_table({"adam": 0.1}, ["gd", "adam"]) == {"adam": 0.1}
    with pytest.raises(ValueError, match="not among the optimizers"):
        checks.rate_table({"rmsprop": 0.1}, ["gd", "adam"])



def test_echoed_values_are_cut_to_a_line():
    with pytest.raises(ValueError) as excinfo:
        checks.landscape("x" * 100_000)
    assert "..." in str(excinfo.value) and len(str(excinfo.value)) < 300
    with pytest.raises(ValueError) as excinfo:
        checks.rates([0.1] * 10_000)
    assert len(str(excinfo.value)) < 200


def test_landscapes_must_be_finite_over_their_plot():
    """A parameter can overflow a built-in landscape as a formula overflows a custom one."""
    with pytest.raises(ValueError, match="'valley' is inf at .* of its plot.*change its parameters"):
        checks.landscape("valley", {"k": 1e308})
    assert checks.landscape("valley", {"k": 1e6}).name == "valley"


def test_video_length_is_bounded_before_rendering():
    from gdanim.lessons.batch_vs_stochastic import Params as Batch
    from gdanim.lessons.gradient_descent_3d import Params as Descent
    from gdanim.lessons.momentum_ravine import Params as Ravine

    assert checks.video_seconds(checks.MAX_VIDEO_SECONDS, "x", "y") == checks.MAX_VIDEO_SECONDS
    with pytest.raises(ValueError, match=r"steps × seconds_per_step = 1750 s of video, over the 600 s"):
        Descent(steps=5000)
    Descent(steps=5000, seconds_per_step=0.1)  # 500 s: within the budget
    with pytest.raises(ValueError, match="s of video.*lower steps, first_steps"):
        Batch(steps=4000)
    with pytest.raises(ValueError, match="3 solo beats.*s of video"):
        Ravine(solo_steps=1000, fast_step_seconds=1.0)
