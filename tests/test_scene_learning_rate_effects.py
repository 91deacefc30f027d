"""LearningRateEffects, manim side: the divergence marker's placement, the panels' row, the loss
axis agreeing with the plan, and dry runs that say exactly the plan (the claims themselves are
checked in tests/lessons/test_learning_rate_effects.py)."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")
from manim import ValueTracker  # noqa: E402

from gdanim.display import domain_exit  # noqa: E402
from gdanim.engine import simulate  # noqa: E402
from gdanim.landscapes import get_landscape  # noqa: E402
from gdanim.lessons.learning_rate_effects import Params, plan  # noqa: E402
from gdanim.render import dry_run_cues  # noqa: E402
from gdanim.visual.contours import ContourMap  # noqa: E402
from gdanim.visual.loss_curve import LossCurve  # noqa: E402
from gdanim.visual.tracer import TrajectoryTracer  # noqa: E402
from gdanim.visual.narration import Caption  # noqa: E402
from gdanim.theme import ordered_run_colors  # noqa: E402
from scenes.l2_learning_rate_effects import (  # noqa: E402
    PANEL_GAP,
    PANEL_HEIGHT,
    ROW_WIDTH,
    LearningRateEffects,
    contour_row,
    loss_curve,
    panel_size,
    verdict_row,
)


@pytest.fixture(scope="module")
def lesson():
    p = Params()
    return p, list(plan(p).runs.lrs), plan(p).runs.traj


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

@pytest.mark.parametrize("values", [
    {},
    {"landscape": "rosenbrock", "optimizer": "momentum", "lrs": [0.0002, 0.0005, 0.001, 0.002, 0.004],
     "steps": 60, "first_steps": 5},
    {"landscape": "saddle", "lrs": [0.01, 0.1, 0.6], "steps": 5},
], ids=["defaults", "rosenbrock-momentum-five", "saddle-five-steps"])
def test_dry_run_says_exactly_the_plan(values, tmp_path):
    p = Params(**values)
    cues = dry_run_cues(LearningRateEffects, p, out_dir=tmp_path)
    assert [c.text for c in cues] == plan(p).cue_texts()


@pytest.mark.parametrize("values", [{}, {"landscape": "saddle", "lrs": [0.01, 0.1]}, {"landscape": "six_hump_camel"}])
def test_the_loss_axis_is_log_exactly_when_the_plan_says_so(values):
    lesson = plan(Params(**values))
    traj = lesson.runs.traj
    curve = LossCurve(traj, range(traj.n_runs), ValueTracker(0), ["#ffffff"] * traj.n_runs, max_step=traj.steps)
    assert curve.log == lesson.runs.log_axis == ("on a log axis" in lesson.beats_of("slow_steps")[0].caption)


@pytest.mark.parametrize("name", ["valley", "bowl", "rosenbrock", "six_hump_camel"])
def test_one_to_five_panels_fit_the_row(name):
    land = get_landscape(name)
    (x0, x1), (y0, y1) = land.domain
    for n in range(1, 6):
        width, height = panel_size(land, n)
        assert n * width + (n - 1) * PANEL_GAP <= ROW_WIDTH + 1e-9
        assert height <= PANEL_HEIGHT + 1e-9
        assert height / width == pytest.approx((y1 - y0) / (x1 - x0))


def drawn_box(mobject) -> tuple[np.ndarray, np.ndarray]:
    """(lower-left, upper-right) corners of what ``mobject`` draws, in the frame's plane."""
    return mobject.get_corner(np.array([-1, -1, 0]))[:2], mobject.get_corner(np.array([1, 1, 0]))[:2]


def overlap(a, b) -> bool:
    (a0, a1), (b0, b1) = drawn_box(a), drawn_box(b)
    return bool(np.all(a0 < b1) and np.all(b0 < a1))


@pytest.mark.parametrize("lrs", [None, [0.3, 0.001, 0.05], [0.3], [0.001, 0.01, 0.05, 0.09, 0.3]],
                         ids=["defaults", "diverging-first-three", "one", "five"])
def test_the_loss_plot_stays_below_the_verdicts_and_above_the_captions(lrs):
    """The issue-10 frames: a diverged run's line and cross, and the step cursor, ran up into the
    verdict row. At every step the plot's drawing (lines, crosses, cursor, numbers) stays clear of
    each verdict and its frame, above a two-line caption, with axes still tall enough to read."""
    p = Params() if lrs is None else Params(lrs=lrs)
    runs = plan(p).runs
    colors = ordered_run_colors(runs.lrs)
    panels, labels = contour_row(runs.traj.landscape, runs.rate_labels, colors)
    tags, boxes = verdict_row(panels, labels, runs.labels, runs.statuses, colors)
    step = ValueTracker(0)
    curve = loss_curve(runs.traj, colors, p.steps, step, below=boxes)
    caption = Caption("A caption long enough to take two lines of the band at the bottom of the frame, "
                      "as the longest of this lesson's do.")
    assert caption.height > 0.9  # two lines
    for k in sorted({0, p.first_steps, *runs.traj.stop_step.tolist(), p.steps}):
        step.set_value(k)
        curve.update()
        for drawn in (curve, *curve.lines, *curve.crosses, curve.cursor):
            assert not any(overlap(drawn, m) for m in [*tags, *boxes]), k
        assert curve.get_bottom()[1] > caption.get_top()[1]
    assert curve.axes.height >= 1.5 and curve.get_x() == pytest.approx(0)


def test_a_curve_between_two_heights_fits_there_keeping_its_numbers_size():
    """A LossCurve squeezed between two heights gives up axis height, not font size, and is
    centred in the room; only a room shorter than its rotated axis name scales it down."""
    traj = simulate("bowl", "gd", (-1.6, 1.2), 30, lr=np.array([1.1, 0.1]), diverge_at=1e6)
    roomy = LossCurve(traj, [0, 1], ValueTracker(30), ["#ffffff"] * 2, height=2.0)
    assert roomy.reach()[0] - roomy.reach()[1] > 2.5
    for room, kept in ((2.0, True), (1.0, False)):
        tight = LossCurve.between(0.5, 0.5 - room, traj, [0, 1], ValueTracker(30), ["#ffffff"] * 2, height=2.0)
        top, bottom = tight.reach()
        assert top <= 0.5 + 1e-9 and bottom >= 0.5 - room - 1e-9 and (top + bottom) / 2 == pytest.approx(0.5 - room / 2)
        assert tight.axes.height < roomy.axes.height
        assert (tight.ticks[1][0].height == pytest.approx(roomy.ticks[1][0].height)) == kept
        assert [t.text for t in tight.ticks[1]] == ["0", "15", "30"]


# --- beats own their animations ----------------------------------------------------------------

@pytest.mark.parametrize("values", [{}, {"landscape": "rosenbrock", "optimizer": "momentum",
                                         "lrs": [0.0002, 0.0005, 0.001, 0.002, 0.004], "steps": 60,
                                         "first_steps": 5}],
                         ids=["defaults", "rosenbrock-momentum-five"])
def test_pausing_at_the_end_of_a_cue_shows_that_cues_picture(values, tmp_path):
    """Nothing of the next beat is drawn while a caption is up (tests/test_visual.py's invariant)."""
    from test_visual import assert_beats_own_their_plays, beat_plays


    p = Params(**values)
    cues, plays = beat_plays(LearningRateEffects, p, tmp_path)
    assert [c.text for c in cues] == plan(p).cue_texts()
    assert_beats_own_their_plays(cues, plays)
