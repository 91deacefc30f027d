"""TrajectoryTracer geometry: trail outlines, and balls drawn apart where runs meet (no rendering)."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")
from manim import DEGREES, ThreeDCamera, ValueTracker  # noqa: E402

from gdanim.engine import simulate, simulate_each  # noqa: E402
from gdanim.visual import THEME, ContourMap, LessonScene, LossSurface, TrajectoryTracer  # noqa: E402
from gdanim.visual.tracer import BallSpread, camera_view, push_apart, trail_corners  # noqa: E402

RADIUS = 0.07


@pytest.fixture(scope="module")
def twins():
    """Two runs from one start with one rule and rate: identical paths, ending on one minimum."""
    return simulate("himmelblau", "gd", [(0.0, 0.0), (0.0, 0.0)], 80, lr=0.01)


@pytest.fixture(scope="module")
def stage(twins):
    return ContourMap(twins.landscape, width=5.0)


def tracers_at(stage, traj, runs, step_value, view=None):
    """Tracers of ``runs`` sharing a spread, updated at ``step_value``."""
    step = ValueTracker(step_value)
    tracers = [TrajectoryTracer(stage, traj, run, step, color=c, radius=RADIUS)
               for run, c in zip(runs, THEME.run_colors)]
    BallSpread(tracers) if view is None else BallSpread(tracers, view=view)
    for tracer in tracers:
        tracer.update()
    return tracers


def drawn_and_true(tracers):
    return (np.array([t.ball.get_center() for t in tracers]),
            np.array([t.true_ball_point() for t in tracers]))


def min_distance(points):
    gaps = np.linalg.norm(points[:, None] - points[None, :], axis=-1)
    return (gaps + np.diag(np.full(len(points), np.inf))).min()


def test_every_trail_has_a_dark_outline_under_it(twins, stage):
    surface = LossSurface(twins.landscape, resolution=6)
    for on in (stage, surface):
        trail = TrajectoryTracer(on, twins, 0, ValueTracker(20), color="#E69F00", trail_width=3.0).trail
        assert trail.get_stroke_width(background=True) >= trail.get_stroke_width() + 2
        assert trail.get_stroke_color(background=True).to_hex().lower() == THEME.background.lower()
        assert trail.get_stroke_opacity(background=True) >= 0.6


def test_twin_balls_are_drawn_apart_around_their_shared_point(twins, stage):
    end = int(twins.stop_step.max())
    tracers = tracers_at(stage, twins, [0, 1], end)
    drawn, true = drawn_and_true(tracers)
    np.testing.assert_allclose(true[0], true[1])
    assert min_distance(drawn) >= 2 * RADIUS
    assert np.linalg.norm(drawn - true, axis=1).max() <= 1.5 * RADIUS
    assert drawn[0, 0] < drawn[1, 0]  # the first tracer added sits first, on the left
    for tracer in tracers:  # the trails still end on the run's point
        np.testing.assert_allclose(tracer.trail.points[-1], tracer.head())


def test_balls_far_apart_sit_on_their_true_points(stage):
    traj = simulate("himmelblau", "gd", [(-3.0, -3.0), (3.0, 3.0)], 20, lr=0.01)
    drawn, true = drawn_and_true(tracers_at(stage, traj, [0, 1], 5))
    assert np.linalg.norm(true[0] - true[1]) > 10 * RADIUS
    np.testing.assert_allclose(drawn, true)


@pytest.mark.parametrize("n", [3, 5, 8])
def test_many_balls_on_one_point_make_a_ring_without_overlap(n):
    gaps = np.full((n, n), 2.2 * RADIUS)
    angles = 2 * np.pi * np.arange(n) / n
    slots = 0.03 * np.column_stack([np.cos(angles), np.sin(angles)])
    moved = push_apart(np.zeros((n, 2)), gaps, slots)
    assert min_distance(moved) >= 2 * RADIUS
    assert np.linalg.norm(moved, axis=1).max() <= 1.5 * 2.2 * RADIUS / (2 * np.sin(np.pi / n))


@pytest.mark.parametrize("landscape", ["himmelblau", "rosenbrock"])
def test_drawn_balls_move_continuously_as_runs_part_and_meet(landscape):
    # four rules from one start: one cluster parting into three, at fine steps (a jump would not shrink)
    race = simulate_each(landscape, ["gd", "momentum", "nesterov", "adam"], [0.002, 0.001, 0.001, 0.05],
                         (-1.0, 1.0), 60)
    stage, step = ContourMap(race.landscape, width=5.0), ValueTracker(0)
    tracers = [TrajectoryTracer(stage, race, run, step, color="#ffffff", radius=RADIUS) for run in range(4)]
    BallSpread(tracers)
    previous = None
    for s in np.linspace(0, 4, 2000):
        step.set_value(s)
        for tracer in tracers:
            tracer.update()
        drawn, true = drawn_and_true(tracers)
        assert min_distance(drawn) >= 2 * RADIUS * 0.99
        if previous is not None:
            drawn_move = np.linalg.norm(drawn - previous[0], axis=1).max()
            true_move = np.linalg.norm(true - previous[1], axis=1).max()
            assert drawn_move <= 3 * true_move + 0.05 * RADIUS
        previous = drawn, true


def test_balls_are_spread_in_the_screen_plane_of_a_tilted_camera(twins):
    camera = ThreeDCamera()
    camera.set_phi(60 * DEGREES)
    camera.set_theta(-40 * DEGREES)
    camera.reset_rotation_matrix()
    surface = LossSurface(twins.landscape, resolution=6)
    end = int(twins.stop_step.max())
    drawn, true = drawn_and_true(tracers_at(surface, twins, [0, 1], end, view=camera_view(camera)))
    on_screen = camera.project_points(drawn)[:, :2]
    assert min_distance(on_screen) >= 2 * RADIUS  # balls face the camera at their own radius
    depth = camera.get_rotation_matrix()[2]
    np.testing.assert_allclose((drawn - true) @ depth, 0.0, atol=1e-9)  # moved across the view, not along it


def test_lesson_draws_every_ball_over_every_trail_and_removes_balls_with_their_tracer(twins, stage):
    scene = LessonScene(params={})
    step = ValueTracker(int(twins.stop_step.max()))
    tracers = [TrajectoryTracer(stage, twins, run, step, color=c) for run, c in zip((0, 1), THEME.run_colors)]
    scene.add_tracers(*tracers)
    drawn = scene.renderer.camera.get_mobjects_to_display(scene.mobjects)
    assert max(drawn.index(t.trail) for t in tracers) < min(drawn.index(t.ball) for t in tracers)
    assert all(t.spread is tracers[0].spread for t in tracers)
    scene.remove(tracers[0])
    left = scene.renderer.camera.get_mobjects_to_display(scene.mobjects)
    assert tracers[0].ball not in left and tracers[0].trail not in left and tracers[1].ball in left


def test_trail_corners_drop_only_points_within_a_spacing_of_a_kept_one(twins, stage):
    tracer = TrajectoryTracer(stage, twins, 0, ValueTracker(0), color="#ffffff")
    spacing = 0.002
    corners = tracer.path[trail_corners(tracer.path, spacing)]
    nearest = np.linalg.norm(tracer.path[:, None] - corners[None], axis=-1).min(axis=1)
    assert nearest.max() <= spacing
    assert len(corners) < len(tracer.path) / 2  # a converging run piles samples up: most are dropped
