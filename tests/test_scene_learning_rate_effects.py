"""LearningRateEffects: rates from curvature, verdicts read from the engine, the divergence
marker's placement, and dry runs with default and altered params."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")
from manim import ValueTracker  # noqa: E402

from gdanim.display import domain_exit  # noqa: E402
from gdanim.engine import simulate  # noqa: E402
from gdanim.landscapes import get_landscape  # noqa: E402
from gdanim.render import render_scene  # noqa: E402
from gdanim.visual.contours import ContourMap  # noqa: E402
from gdanim.visual.narration import wrap_caption  # noqa: E402
from gdanim.visual.tracer import TrajectoryTracer  # noqa: E402
from scenes.l2_learning_rate_effects import (  # noqa: E402
    PANEL_GAP,
    PANEL_HEIGHT,
    ROW_WIDTH,
    LearningRateEffects,
    Params,
    caption_for,
    curvatures,
    fastest_run,
    lesson_lrs,
    left_plot_at,
    panel_size,
    reversal_share,
    run_lesson,
    short_label,
    stability_limit,
    verdict,
)


@pytest.fixture(scope="module")
def lesson():
    p = Params()
    land = get_landscape(p.landscape)
    lrs = lesson_lrs(p, land)
    return p, lrs, run_lesson(p, land, lrs)


# --- learning rates from curvature -------------------------------------------------------------

def test_curvature_of_the_quadratics():
    assert np.allclose(curvatures(get_landscape("valley"), (0, 0)), [2.0, 20.0])
    assert np.allclose(curvatures(get_landscape("valley", k=4.0), (0.3, -0.2)), [2.0, 8.0])
    assert np.allclose(curvatures(get_landscape("bowl"), (0, 0)), [2.0, 2.0])
    assert stability_limit(get_landscape("valley"), (2, 1)) == pytest.approx((20.0, 0.1))


def test_default_rates_are_fractions_of_the_stability_limit():
    assert lesson_lrs(Params(), get_landscape("valley")) == [0.002, 0.05, 0.095, 0.11]
    assert lesson_lrs(Params(landscape="bowl"), get_landscape("bowl")) == [0.02, 0.5, 0.95, 1.1]
    explicit = Params(lrs=[0.01, 0.2])
    assert lesson_lrs(explicit, get_landscape("valley")) == [0.01, 0.2]


def test_one_engine_call_holds_every_rate(lesson):
    p, lrs, traj = lesson
    assert traj.n_runs == 4
    assert np.allclose(traj.lrs[:, 0], lrs)  # the rate each run actually applied at step 1
    assert np.allclose(traj.positions[:, 0], [2.0, 1.0])


# --- verdicts read from the engine -------------------------------------------------------------

def test_defaults_crawl_converge_oscillate_diverge(lesson):
    p, lrs, traj = lesson
    verdicts = [verdict(traj, i, p.oscillation_share) for i in range(traj.n_runs)]
    assert [v.kind for v in verdicts] == ["crawls", "converges", "oscillates", "diverges"]
    assert [v.reason for v in verdicts] == list(traj.stop_reason)
    assert [v.stop for v in verdicts] == list(traj.stop_step) == [100, 57, 73, 76]
    assert [v.left_plot for v in verdicts] == [None, None, None, 3]
    assert fastest_run(verdicts) == 1


def test_oscillation_is_steps_turning_back(lesson):
    p, lrs, traj = lesson
    # the y factor per step is 1 - 20 α: 0.96 and 0 never flip; -0.9 and -1.2 flip every step
    assert reversal_share(traj, 0) == 0.0 and reversal_share(traj, 1) == 0.0
    assert reversal_share(traj, 2) == 1.0 and reversal_share(traj, 3) == 1.0
    y = traj.positions[3, :, 1]
    assert np.all(np.abs(y[:3]) <= 1.5) and abs(y[3]) > 1.5 and left_plot_at(traj, 3) == 3


def test_captions_state_the_engines_numbers(lesson):
    p, lrs, traj = lesson
    verdicts = [verdict(traj, i, p.oscillation_share) for i in range(traj.n_runs)]
    captions = [caption_for(lr, v, p.steps, i == 1) for i, (lr, v) in enumerate(zip(lrs, verdicts))]
    assert all(wrap_caption(c).count("\n") <= 1 for c in captions)  # raises beyond two lines
    assert captions[0] == (f"α = 0.002 is too small: it crawls. After 100 steps the loss is still "
                           f"{traj.losses[0, 100]:.2g} (from 14).")
    assert "after 57 steps, the fastest here" in captions[1]
    assert "converges in 73 steps" in captions[2]
    assert "leaves the plot at step 3, diverges at step 76" in captions[3]
    assert [short_label(v)[0] for v in verdicts] == ["crawling", "converged: 57 steps", "oscillating: 73 steps",
                                                     "diverged"]


def test_a_run_out_of_the_plot_but_not_yet_diverged_is_called_so():
    traj = simulate("valley", "gd", (2.0, 1.0), 10, lr=0.11, tol_grad=1e-2)
    v = verdict(traj, 0, 0.5)
    assert (v.kind, v.reason, v.left_plot) == ("diverges", "max_steps", 3)
    assert caption_for(0.11, v, 10, False).endswith(f"after 10 steps its loss is {traj.losses[0, 10]:.2g}.")


def test_params_are_checked():
    with pytest.raises(ValueError, match="1 to 5"):
        Params(lrs=[0.01] * 6)
    with pytest.raises(ValueError, match="1 to 5"):
        Params(stability_fractions=[])
    with pytest.raises(ValueError, match="positive"):
        Params(lrs=[0.1, -0.1])
    with pytest.raises(ValueError, match="outside"):
        Params(start=(9.0, 0.0))


# --- the divergence marker ---------------------------------------------------------------------

def test_domain_exit_is_where_the_segment_crosses_the_edge():
    valley = get_landscape("valley")  # domain x in [-2.5, 2.5], y in [-1.5, 1.5]
    path = np.array([[2.0, 1.0], [1.56, -1.2], [1.2168, 1.44], [0.949104, -1.728], [0.7, 2.07]])
    s, xy = domain_exit(valley, path)
    t = (-1.5 - 1.44) / (-1.728 - 1.44)
    assert s == pytest.approx(2 + t)
    assert xy == pytest.approx([1.2168 + t * (0.949104 - 1.2168), -1.5])
    assert domain_exit(valley, path[:3]) is None
    # leaving through a corner region: the edge met first along the segment wins
    s, xy = domain_exit(valley, np.array([[2.0, 1.0], [3.0, 3.0]]))
    assert s == pytest.approx(0.25) and xy == pytest.approx([2.25, 1.5])
    s, xy = domain_exit(valley, np.array([[4.0, 0.0], [0.0, 0.0]]))
    assert s == 0.0 and xy == pytest.approx([2.5, 0.0])


def test_marker_sits_at_the_exit_and_shows_once_the_step_passes_it(lesson):
    p, lrs, traj = lesson
    panel = ContourMap(traj.landscape, width=3.0, levels=4, samples=40)
    step = ValueTracker(2.9)
    tracer = TrajectoryTracer(panel, traj, 3, step, color="#ffffff", radius=0.06, stop_at_exit=True)
    s_exit, xy = domain_exit(traj.landscape, traj.positions[3])
    assert tracer.exit[0] == pytest.approx(s_exit) == pytest.approx(2.92803030)
    assert tracer.marker.point == pytest.approx(panel.to_scene(xy)[0] + [0, 0, 0.06])
    assert tracer.marker.point[1] == pytest.approx(panel.frame.get_bottom()[1])  # on the lower edge
    tracer.update(0)
    assert tracer.marker.burst.get_stroke_opacity() == 0.0
    step.set_value(2.95)
    tracer.update(0)
    assert tracer.marker.burst.get_stroke_opacity() == 1.0
    assert tracer.marker.burst.get_stroke_color().to_hex().lower() == "#d55e00"  # THEME's diverged
    step.set_value(40)
    tracer.update(0)
    assert tracer.ball.get_center() == pytest.approx(tracer.marker.point)  # held at the exit
    assert tracer.trail.points[:, 1].min() >= panel.frame.get_bottom()[1] - 1e-9


def test_no_marker_for_runs_that_stay_in_the_plot(lesson):
    p, lrs, traj = lesson
    panel = ContourMap(traj.landscape, width=3.0, levels=4, samples=40)
    step = ValueTracker(100)
    for run in range(3):
        tracer = TrajectoryTracer(panel, traj, run, step, color="#ffffff", stop_at_exit=True)
        assert tracer.marker is None and tracer.exit is None
        tracer.update(0)
        assert tracer.ball.get_center()[:2] == pytest.approx(panel.to_scene(traj.positions[run, -1])[0, :2])


def test_without_stop_at_exit_the_ball_moves_on_and_the_marker_stays():
    traj = simulate("bowl", "gd", (-1.6, 1.2), 6, lr=1.1)  # factor -1.2: out at step 2
    panel = ContourMap(traj.landscape, width=3.0, levels=4, samples=40)
    step = ValueTracker(6)
    tracer = TrajectoryTracer(panel, traj, 0, step, color="#ffffff")
    tracer.update(0)
    s_exit, xy = domain_exit(traj.landscape, traj.positions[0])
    assert 1 < s_exit < 2 and tracer.marker.burst.get_stroke_opacity() == 1.0
    assert tracer.marker.point[:2] == pytest.approx(panel.to_scene(xy)[0, :2])
    assert not np.allclose(tracer.ball.get_center()[:2], tracer.marker.point[:2])


def test_a_run_diverging_inside_the_plot_is_marked_where_it_stopped():
    traj = simulate("bowl", "gd", (-1.6, 1.2), 6, lr=1.1, diverge_at=1.9)  # |x| = 1.92 < 2 at step 1
    assert traj.stop_reason[0] == "diverged" and traj.stop_step[0] == 1
    panel = ContourMap(traj.landscape, width=3.0, levels=4, samples=40)
    tracer = TrajectoryTracer(panel, traj, 0, ValueTracker(0.5), color="#ffffff")
    assert tracer.exit[0] == 1.0
    assert tracer.marker.point[:2] == pytest.approx(panel.to_scene(traj.positions[0, 1])[0, :2])
    tracer.update(0)
    assert tracer.marker.burst.get_stroke_opacity() == 0.0


# --- dry runs ------------------------------------------------------------------------------------

def test_dry_run_defaults(tmp_path):
    render_scene(LearningRateEffects, Params(), quality="tiny", out_dir=tmp_path, dry_run=True)


def test_dry_run_altered(tmp_path):
    """Five panels of momentum on Rosenbrock, rates given explicitly."""
    params = Params(landscape="rosenbrock", optimizer="momentum", lrs=[0.0002, 0.0005, 0.001, 0.002, 0.004],
                    steps=60, first_steps=5)
    render_scene(LearningRateEffects, params, quality="tiny", out_dir=tmp_path, dry_run=True)


@pytest.mark.parametrize("name", ["valley", "bowl", "rosenbrock", "six_hump_camel"])
def test_one_to_five_panels_fit_the_row(name):
    land = get_landscape(name)
    (x0, x1), (y0, y1) = land.domain
    for n in range(1, 6):
        width, height = panel_size(land, n)
        assert n * width + (n - 1) * PANEL_GAP <= ROW_WIDTH + 1e-9
        assert height <= PANEL_HEIGHT + 1e-9
        assert height / width == pytest.approx((y1 - y0) / (x1 - x0))
