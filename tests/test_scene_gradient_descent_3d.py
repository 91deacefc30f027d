"""GradientDescent3D's manim side: the descent is paced by how far each step moves, every
descent caption has steps moving under it, and the result's HUD rows are the ones it quotes.
The plan's claims are tested without manim in tests/lessons/."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.lessons.gradient_descent_3d import Params, plan  # noqa: E402
from gdanim.render import dry_run  # noqa: E402
from manim.animation.animation import prepare_animation  # noqa: E402
from gdanim.visual import HUD, LossSurface, TrajectoryTracer  # noqa: E402
from scenes.l1_gradient_descent_3d import (  # noqa: E402
    GradientDescent3D,
    descent_stops,
    hud_row,
    paced,
    result_pulses,
    step_weights,
)

TWO_DESCENT_BEATS = {"landscape": "rosenbrock", "optimizer": "adam"}


def tracer_for(p: Params) -> TrajectoryTracer:
    run = plan(p).runs
    surface = LossSurface(run.traj.landscape, resolution=4, width=p.surface_width)
    return TrajectoryTracer(surface, run.traj, 0, manim.ValueTracker(0), color="#ffffff")


def test_paced_spends_each_step_its_share_of_the_time():
    rate = paced(np.array([3.0, 1.0]))
    assert rate(0.0) == 0.0 and rate(1.0) == 1.0
    assert rate(0.75) == pytest.approx(0.5)  # the first of two steps takes three quarters of the time
    assert rate(0.375) == pytest.approx(0.25)


def test_sub_pixel_steps_no_longer_fill_the_descent():
    """Defaults: at one step per seconds_per_step, steps under 2% of the first descent step's
    length (under a pixel at 480p) took half the descent; paced, they take a small part of it."""
    p = Params()
    run = plan(p).runs
    weights = step_weights(tracer_for(p))[run.slow: run.shown]
    lengths = weights ** 2
    tiny = lengths < 0.02 * lengths[0]
    assert tiny.mean() >= 0.5  # one step per seconds_per_step: the ball stood (nearly) still half the time
    assert weights[tiny].sum() / weights.sum() < 0.2


def test_descent_stops_split_the_steps_by_reading_time():
    assert list(descent_stops(np.ones(10), [2.0, 2.0])) == [5, 10]
    assert list(descent_stops(np.ones(10), [3.0, 1.0])) == [8, 10]  # 7.5 rounds to even
    assert list(descent_stops(np.array([9.0, 1, 1, 1, 1, 1, 1, 1, 1, 1]), [1.0, 1.0])) == [1, 10]
    assert list(descent_stops(np.ones(4), [5.0])) == [4]


@pytest.mark.parametrize("values", [{}, TWO_DESCENT_BEATS])
def test_every_descent_caption_has_steps_moving_under_it(values, tmp_path):
    p = Params(**values)
    assert [b.kind for b in plan(p).beats].count("descent") == (2 if values else 1)

    def watch_steps(scene):
        play, scene.moved = scene.play, {}

        def recording_play(*args, **kwargs):
            before = scene.step_tracker.get_value()
            play(*args, **kwargs)
            if scene.open_beat is not None and scene.step_tracker.get_value() > before:
                scene.moved[scene.open_beat] = scene.step_tracker.get_value()

        scene.play = recording_play

    scene = dry_run(GradientDescent3D, p, out_dir=tmp_path, prepare=watch_steps)
    descents = [b.caption for b in plan(p).beats if b.kind == "descent"]
    assert all(caption in scene.moved for caption in descents)
    assert scene.moved[descents[-1]] == plan(p).runs.shown


def test_hud_row_finds_the_quoted_rows():
    run = plan(Params()).runs
    for title in (None, "GD"):
        hud = HUD(run.traj, 0, manim.ValueTracker(run.shown), title=title)
        rows = [hud_row(hud, label) for label in ("step", "loss", "status")]
        tops = [row.get_top()[1] for row in rows]
        assert tops == sorted(tops, reverse=True)  # top to bottom, as the HUD lists them
        assert hud.slots[0].get_top()[1] > tops[0] and hud.slots[0] not in rows  # the panel is not a row
        if title:  # the title sits above the rows
            assert hud.slots[1].get_top()[1] > tops[0] and hud.slots[1] not in rows


def test_a_pulsed_hud_row_grows_from_its_left_edge_and_returns():
    run = plan(Params()).runs
    hud = HUD(run.traj, 0, manim.ValueTracker(run.shown))
    row = hud_row(hud, "loss")
    left, width, colour = row.get_left().copy(), row.width, row.get_fill_color()
    pulse = prepare_animation(result_pulses(hud, manim.Dot())[2])
    pulse.begin()
    pulse.interpolate(0.5)  # the peak: bigger and recoloured, still starting where the panel's text does
    assert row.width == pytest.approx(1.2 * width) and np.allclose(row.get_left(), left)
    assert row.get_fill_color() != colour
    pulse.finish()
    assert row.width == pytest.approx(width) and row.get_fill_color() == colour
