"""BatchVsStochastic, manim side: fitted lines against the engine's (w, b), the scatter against
the data, the legend's live numbers, and dry runs that say exactly the plan's sentences.
(The plan's claims are checked in tests/lessons/test_batch_vs_stochastic.py.)"""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.lessons.batch_vs_stochastic import Params, plan, regression_landscape, run_methods  # noqa: E402
from gdanim.render import dry_run_cues  # noqa: E402
from gdanim.visual.narration import TitleCard  # noqa: E402
from gdanim.visual.regression_plot import (  # noqa: E402
    FitLegend,
    RegressionPlot,
    clip_line,
    fit_at,
    legend_values,
)
from gdanim.wording import sci  # noqa: E402
from scenes.l6_batch_vs_stochastic import BatchVsStochastic  # noqa: E402

P = Params()
FRAME_WIDTH = 14.2


@pytest.fixture(scope="module")
def land():
    return regression_landscape(P)


@pytest.fixture(scope="module")
def trajs(land):
    return run_methods(land, P)


def test_clip_line_keeps_the_part_inside_the_box():
    box = ((-1.0, 3.0), (-4.0, 6.0))
    assert np.allclose(clip_line(2.0, -1.0, *box), [[-1.0, -3.0], [3.0, 5.0]])  # wholly inside
    assert np.allclose(clip_line(5.0, 2.0, *box), [[-1.0, -3.0], [0.8, 6.0]])  # leaves at the top
    assert np.allclose(clip_line(-4.0, 0.0, *box), [[-1.0, 4.0], [1.0, -4.0]])  # falling line
    assert np.allclose(clip_line(0.0, 1.5, *box), [[-1.0, 1.5], [3.0, 1.5]])
    assert clip_line(0.0, 7.0, *box) is None
    assert clip_line(1.0, 20.0, *box) is None


def test_scatter_is_the_landscape_data(land):
    plot = RegressionPlot(land)
    xs, ys = land.data
    assert len(plot.dots) == land.n_samples
    assert np.allclose(plot.data_points()[:, :2], np.column_stack([xs, ys]), atol=1e-9)
    assert plot.x_range[0] <= xs.min() and xs.max() <= plot.x_range[1]
    assert plot.y_range[0] <= ys.min() and ys.max() <= plot.y_range[1]


@pytest.mark.parametrize("key", ["full", "mini", "sgd"])
def test_fitted_line_slope_and_intercept_equal_w_b_at_step_k(land, trajs, key):
    plot = RegressionPlot(land)
    step = manim.ValueTracker(0)
    line = plot.add_fit(trajs[key], 0, step, color="#ffffff")
    for k in (0, 1, 3, 17, P.steps):
        step.set_value(k)
        line.update()
        (x0, y0), (x1, y1) = (plot.axes.p2c(pt)[:2] for pt in line.get_start_and_end())
        w, b = trajs[key].positions[0, k]
        assert fit_at(trajs[key], 0, k) == pytest.approx((w, b))
        assert (y1 - y0) / (x1 - x0) == pytest.approx(w, rel=1e-6)
        assert y0 - (y1 - y0) / (x1 - x0) * x0 == pytest.approx(b, abs=1e-6)
    step.set_value(2.5)  # between steps the line is halfway between the two fits
    assert fit_at(trajs[key], 0, 2.5) == pytest.approx(tuple(trajs[key].positions[0, 2:4].mean(axis=0)))


def test_legend_rows_follow_the_step(trajs):
    step = manim.ValueTracker(0)
    entries = [(k, "#ffffff", t, 0) for k, t in trajs.items()]
    legend = FitLegend(entries, step)
    # the legend rounds losses as the captions do (3 significant digits, never 0.000)
    assert legend_values(trajs["sgd"], 0, 12) == f"loss  {sci(trajs['sgd'].losses[0, 12], 3)}\ngrads 12"
    assert legend_values(trajs["full"], 0, P.steps) == "loss  0.249\ngrads 2000"
    noise_free = run_methods(regression_landscape(Params(noise_std=0.0)), Params(noise_std=0.0))["sgd"]
    assert legend_values(noise_free, 0, 40) == "loss  1.1×10⁻⁴\ngrads 40"
    step.set_value(12.6)
    legend.update()
    assert legend._shown == 12
    for slot, row in zip(legend.slots, legend._rows(12)):
        assert np.allclose(slot.points, np.vstack([m.points for m in row.family_members_with_points()]))


def test_title_card_fits():
    lesson = plan(P)
    assert TitleCard(lesson.title, lesson.subtitle).width < FRAME_WIDTH - 0.5


@pytest.mark.parametrize("values", [
    {},
    {"n_samples": 30, "noise_std": 0.8, "data_seed": 3, "optimizer": "momentum", "lr": 0.05, "start": (4.0, 1.0),
     "steps": 12, "mini_batch": 4, "seed": 7, "first_steps": 2, "noise_window": 4, "seconds_per_step": 0.1},
    {"lr": 1.2, "mini_batch": 50, "steps": 15, "seconds_per_step": 0.05},  # diverges; two runs
])
def test_dry_run_says_exactly_the_plan(tmp_path, values):
    p = Params(**values)
    assert BatchVsStochastic.plan is plan and BatchVsStochastic.Params is Params
    assert [c.text for c in dry_run_cues(BatchVsStochastic, p, out_dir=tmp_path)] == plan(p).cue_texts()


def test_sgd_samples_read_back_are_the_engines_draws(land):
    """The ring under the stochastic caption marks the sample SGD's step really used: the one the
    engine's seeded draw picked (re-drawn here as the engine draws a batch of one)."""
    from gdanim.visual.regression_plot import sampled_samples

    p = Params(steps=12, seed=5)
    sgd = run_methods(land, p)["sgd"]
    rng = np.random.default_rng(p.seed)
    drawn = [int(np.argpartition(rng.random((1, land.n_samples)), 0, axis=1)[0, 0]) for _ in range(p.steps)]
    assert sampled_samples(sgd, 0).tolist() == drawn
    assert (sampled_samples(run_methods(land, p)["mini"], 0) == -1).all()  # a batch of 8: not one sample


@pytest.mark.parametrize("values", [{}, {"lr": 1.2, "mini_batch": 50, "steps": 15, "seconds_per_step": 0.05}])
def test_pausing_at_the_end_of_a_cue_shows_that_cues_picture(tmp_path, values):
    """As tests/test_visual.py asks of every ported scene: each play inside a beat lies within its
    cue (its caption's fade-out just after), and no other play overlaps a caption."""
    from test_visual import assert_beats_own_their_plays, beat_plays

    from gdanim.subtitles import CardCue

    cues, plays = beat_plays(BatchVsStochastic, Params(**values), tmp_path)
    captions = [c for c in cues if not isinstance(c, CardCue)]
    assert [c.text for c in captions] == [b.caption for b in plan(Params(**values)).beats]
    assert any(beat is not None for _, _, beat in plays)
    assert_beats_own_their_plays(cues, plays)


def _box(mob):
    """(left, bottom, right, top) of a mobject's bounding box."""
    (x0, y0, _), (x1, y1, _) = mob.get_corner(manim.DL), mob.get_corner(manim.UR)
    return x0, y0, x1, y1


def _overlap(a, b, pad: float = 0.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _assert_outside(labels, frame, gap: float = 0.1):
    """Every label lies wholly below the frame or wholly left of it, at least ``gap`` away, and no
    two labels touch."""
    left, bottom, right, top = _box(frame)
    boxes = [_box(label) for label in labels]
    for (x0, y0, x1, y1), label in zip(boxes, labels):
        assert y1 <= bottom - gap or x1 <= left - gap, f"{label.text!r} reaches into the frame"
        assert not _overlap((x0, y0, x1, y1), (left, bottom, right, top)), label.text
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _overlap(a, b, pad=0.03), "two labels touch"


@pytest.mark.parametrize("values", [{}, {"lr": 1.2}])
def test_tick_labels_sit_outside_the_plots_clear_of_data_and_lines(values):
    """The data plot's and the loss map's numbers and names are outside their frames (below /
    left of them), touch no data point and no other label, and every fitted line (any step, in
    between steps too, diverged or not) stays inside the data frame, so it never crosses one."""
    from scenes.l6_batch_vs_stochastic import DATA_CENTER, PANEL

    p = Params(**values)
    land = regression_landscape(p)
    plot = RegressionPlot(land, width=PANEL, height=PANEL).move_to(DATA_CENTER)
    texts = [*plot.numbers, *plot.labels]
    assert sorted(t.text for t in plot.labels) == ["x", "y"]
    assert {"−3", "0", "3", "6"} <= {t.text for t in plot.numbers}  # the "−3" that once sat among the dots
    _assert_outside(texts, plot.frame)
    dots = [_box(d) for d in plot.dots]
    left, bottom, right, top = _box(plot.frame)
    for d in dots:  # every sample inside the frame
        assert left < d[0] and d[2] < right and bottom < d[1] and d[3] < top
    for t in texts:
        assert not any(_overlap(_box(t), d, pad=0.05) for d in dots), t.text

    step = manim.ValueTracker(0)
    for key, traj in run_methods(land, p).items():
        line = plot.add_fit(traj, 0, step, color="#ffffff")
        for s in np.arange(0, p.steps + 0.01, 0.25):
            step.set_value(s)
            line.update()
            pts = line.points[:, :2]
            assert np.all(np.isfinite(pts)), (key, s)
            assert (pts[:, 0] >= left - 1e-6).all() and (pts[:, 0] <= right + 1e-6).all(), (key, s)
            assert (pts[:, 1] >= bottom - 1e-6).all() and (pts[:, 1] <= top + 1e-6).all(), (key, s)

    stage, axis_labels, _, best, _ = BatchVsStochastic.loss_map(land, plot, p.start)
    assert [t.original_text for t in axis_labels][-2:] == ["w (slope)", "b"]
    _assert_outside(list(axis_labels), stage.frame)
    for t in axis_labels:  # nor do they crowd the data plot beside the map
        assert not _overlap(_box(t), _box(plot), pad=0.15), t.text


def test_best_fit_stands_out_from_every_trail_and_the_map(land, trajs):
    """The best fit's cross (and its dashed line) differ from each run's colour and from the map
    by the theme's ΔE2000 limits, sit on the minimum, and are drawn over the trails, under the
    balls: SGD's white trail once hid a white cross."""
    from test_theme import ON_MAP, TOGETHER, delta_e, map_colors

    from gdanim.visual.tracer import TrajectoryTracer
    from scenes.l6_batch_vs_stochastic import BEST_FIT_COLOR, COLORS

    assert min(delta_e(BEST_FIT_COLOR, c) for c in COLORS.values()) >= TOGETHER
    assert min(delta_e(BEST_FIT_COLOR, c) for c in map_colors()) >= ON_MAP
    plot = RegressionPlot(land)
    stage, _, _, best, cross = BatchVsStochastic.loss_map(land, plot, P.start)
    assert cross.get_stroke_color().to_hex().upper() == best.get_stroke_color().to_hex().upper() == BEST_FIT_COLOR
    np.testing.assert_allclose(cross.get_center(), stage.to_scene(land.minima[0])[0], atol=1e-9)
    scene = BatchVsStochastic(params=P)
    step = manim.ValueTracker(P.steps)
    tracers = [TrajectoryTracer(stage, traj, 0, step, color=COLORS[key]) for key, traj in trajs.items()]
    scene.add(stage, cross)
    scene.add_tracers(*tracers)
    scene.between_trails_and_balls(cross, tracers)
    at = scene.mobjects.index(cross)
    assert all(scene.mobjects.index(t) < at < scene.mobjects.index(t.ball) for t in tracers)
