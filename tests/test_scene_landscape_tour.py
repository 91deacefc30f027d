"""LandscapeTour: the facts its captions state, checked against the engine, and dry runs."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.config import ConfigError, build_params  # noqa: E402
from gdanim.landscapes import HIMMELBLAU_MINIMA  # noqa: E402
from gdanim.render import render_scene  # noqa: E402
from gdanim.display import draped_path  # noqa: E402
from gdanim.visual.framing import fit_to_screen, hidden_points, screen_bounds  # noqa: E402
from gdanim.visual.narration import wrap_caption  # noqa: E402
from gdanim.visual.surface import LossSurface  # noqa: E402
from scenes.l7_landscape_tour import (  # noqa: E402
    LandscapeTour,
    Params,
    lesson,
    nearest_dip,
    reached_minima,
    resolve_stop,
    rosenbrock_floor_step,
    run_stop,
    settled_from,
    shown_steps,
    sign_flips,
    stalled_steps,
)

P = Params()


@pytest.fixture(scope="module")
def runs():
    """The default tour's trajectories, by landscape name."""
    return {name: run_stop(resolve_stop(name, P.runs), P.tol_grad) for name in P.stops}


def finals(traj):
    return traj.positions[np.arange(traj.n_runs), traj.stop_step]


def test_bowl_every_start_reaches_the_one_minimum(runs):
    traj = runs["bowl"]
    assert traj.n_runs == 4 and set(traj.stop_reason) == {"converged_grad"}
    assert np.all(np.linalg.norm(finals(traj), axis=1) < P.minimum_tolerance)
    assert np.all(reached_minima(traj, P.minimum_tolerance) == 0)
    assert lesson(traj, P) == "Bowl: one global minimum. All four starts roll down to it at (0, 0)."


def test_valley_zigzags_across_and_crawls_along(runs):
    traj = runs["valley"]
    assert traj.landscape.params["k"] == 20.0
    y, x = traj.positions[0, :, 1], traj.positions[0, :, 0]
    assert np.all(np.sign(y[1:12]) != np.sign(y[:11]))  # y flips sign every step: the zig-zag
    assert sign_flips(y) >= 10
    across, along = settled_from(y, P.settle_distance), settled_from(x, P.settle_distance)
    assert (across, along) == (15, 41)
    assert np.all(np.abs(y[15:]) < 0.05) and abs(y[14]) >= 0.05
    assert np.all(np.abs(x[41:]) < 0.05) and abs(x[40]) >= 0.05
    assert "zig-zags across and settles in 15 steps; along the floor it takes 41" in lesson(traj, P)


def test_rosenbrock_is_fast_in_and_slow_along(runs):
    traj = runs["rosenbrock"]
    land, pos = traj.landscape, traj.positions[0]
    floor = rosenbrock_floor_step(land, pos)
    assert floor == 4
    x, y = pos[floor]
    assert 100 * (y - x * x) ** 2 < 0.1 * traj.losses[0, floor]  # across term now a small share
    assert traj.losses[0, floor] < traj.losses[0, 0] / 5  # most of the loss gone in a few steps
    assert traj.stop_reason[0] == "max_steps" and traj.steps == 800
    assert np.linalg.norm(pos[-1] - [1.0, 1.0]) > 0.8  # 800 steps later, still far from (1, 1)
    assert "in it after 4 steps" in lesson(traj, P) and "800 steps reach only (0.48, 0.23)" in lesson(traj, P)


def test_himmelblau_four_starts_reach_four_different_minima(runs):
    traj = runs["himmelblau"]
    ends = finals(traj)
    assert set(traj.stop_reason) == {"converged_grad"}
    # checked against the documented minima directly, in start order
    dist = np.linalg.norm(ends[:, None] - np.array(HIMMELBLAU_MINIMA)[None], axis=-1)
    assert dist.argmin(axis=1).tolist() == [0, 1, 2, 3]
    assert dist.min(axis=1).max() < 1e-2
    assert reached_minima(traj, P.minimum_tolerance).tolist() == [0, 1, 2, 3]
    assert lesson(traj, P) == "Himmelblau: four minima. Four starts in four basins reach four different minima."


def test_rastrigin_runs_are_trapped_in_the_dip_by_their_start(runs):
    traj = runs["rastrigin"]
    land = traj.landscape
    ends = finals(traj)
    assert set(traj.stop_reason) == {"converged_grad"}  # stopped: gradient ~0, a true local minimum
    assert np.all(np.linalg.norm(traj.gradients[np.arange(4), traj.stop_step], axis=1) < P.tol_grad)
    assert np.all(np.linalg.norm(ends, axis=1) > 1.0)  # none at the global minimum (0, 0)
    assert np.all(reached_minima(traj, P.minimum_tolerance) == -1)
    np.testing.assert_array_equal(nearest_dip(ends), nearest_dip(traj.positions[:, 0]))
    losses = traj.losses[np.arange(4), traj.stop_step]
    assert np.all(losses > land.min_value + 1.5)
    np.testing.assert_allclose(np.sort(losses), [1.99, 7.96, 12.93, 17.91], atol=0.01)
    assert lesson(traj, P).endswith("Each run stops in the dip nearest its start, at loss 2, 8, 13, 18, not 0.")


def test_saddle_gd_stalls_then_slides_off(runs):
    traj = runs["saddle"]
    shown = int(shown_steps(traj)[0])
    norms = np.linalg.norm(traj.gradients[0], axis=1)
    assert shown == 54
    assert np.all(np.abs(traj.positions[0, : shown + 1]) <= 2.0)  # drawn steps stay on the plot
    assert np.abs(traj.positions[0, shown + 1]).max() > 2.0  # the next one has slid off it
    small = norms[: shown + 1] < P.stall_gradient
    assert stalled_steps(traj, 0, P.stall_gradient, shown) == small.sum() == 25
    first = int(np.argmax(small))
    assert small[first: first + 25].all()  # one unbroken crawl of 25 steps
    assert norms[first: first + 25].max() < 0.2 and norms[first: first + 25].min() < 0.03
    assert traj.losses[0, shown] < -3.0  # it did slide off, downhill along y
    assert traj.positions[0, shown, 1] < -1.5  # towards -y, the side facing the default camera
    assert lesson(traj, P) == ("Saddle: flat in the middle. GD crawls there, |∇L| < 0.2 for 25 of 54 steps, "
                               "then slides off.")


def test_every_default_caption_fits_two_lines(runs):
    for traj in runs.values():
        assert wrap_caption(lesson(traj, P)).count("\n") <= 1


def test_small_fact_helpers():
    assert settled_from(np.array([1.0, -0.5, 0.01, 0.2, 0.01, 0.0]), 0.05) == 4
    assert settled_from(np.array([1.0, 1.0]), 0.05) is None
    assert settled_from(np.array([0.0, 0.01]), 0.05) == 0
    assert sign_flips(np.array([1.0, -1.0, 0.0, 2.0, 3.0, -1.0])) == 3


def test_run_overrides_merge_key_by_key_and_are_checked():
    stop = resolve_stop("valley", {"valley": {"lr": 0.02}})
    assert stop.lr == 0.02 and stop.land.params["k"] == 20.0 and stop.starts.tolist() == [[-2.2, 1.2]]
    generic = resolve_stop("booth", {})
    assert generic.starts.tolist() == [list(generic.land.default_start)] and generic.view == "surface"
    for bad in ({"valley": {"speed": 1}}, {"valley": {"view": "side"}}, {"valley": {"starts": [1, 2]}},
                {"valley": {"landscape": {"q": 1}}}):
        with pytest.raises(ValueError):
            resolve_stop("valley", bad)
    with pytest.raises(ConfigError, match="unknown landscape"):
        build_params(Params, {"stops": ["bowl", "volcano"]}, where="LandscapeTour")
    with pytest.raises(ConfigError, match="speed"):
        build_params(Params, {"runs": {"saddle": {"speed": 2}}}, where="LandscapeTour")


def test_fit_to_screen_fills_the_box_for_any_camera_angle():
    from manim.camera.three_d_camera import ThreeDCamera

    for name, phi, theta in (("bowl", 60, -60), ("saddle", 60, -130), ("valley", 30, -90)):
        camera = ThreeDCamera()
        camera.set_phi(phi * manim.DEGREES)
        camera.set_theta(theta * manim.DEGREES)
        surface = LossSurface(resolution_land(name), resolution=6)
        fit_to_screen(surface, camera, width=8.6, height=5.5, center=[0.0, 0.2, 0.0], measure=surface.surface)
        low, high = screen_bounds(surface.surface, camera)
        size, centre = high - low, (low + high) / 2
        assert size[0] <= 8.6 * 1.01 and size[1] <= 5.5 * 1.01
        assert max(size[0] / 8.6, size[1] / 5.5) > 0.99  # one side fills the box
        np.testing.assert_allclose(centre, [0.0, 0.2], atol=0.02)


def staged(name, phi, theta, runs=P.runs):
    """The stop's surface framed as the scene frames it, its camera, and its GD runs."""
    from manim.camera.three_d_camera import ThreeDCamera

    stop = resolve_stop(name, runs)
    camera = ThreeDCamera()
    camera.set_phi(phi * manim.DEGREES)
    camera.set_theta(theta * manim.DEGREES)
    surface = LossSurface(stop.land, resolution=6)
    fit_to_screen(surface, camera, width=8.6, height=5.5, center=[0.0, 0.2, 0.0], measure=surface.surface)
    return surface, camera, run_stop(stop, P.tol_grad)


def drawn_trail(surface, traj, run):
    return surface.to_scene(draped_path(traj.landscape, traj.positions[run, : shown_steps(traj)[run] + 1]))


def test_default_3d_views_show_every_trail_point():
    """Cairo draws trails over the surface: no drawn point may lie behind a hill from the camera."""
    for name in ("bowl", "valley", "saddle"):
        stop = resolve_stop(name, P.runs)
        phi = P.camera_phi if stop.phi is None else stop.phi
        theta = P.camera_theta if stop.theta is None else stop.theta
        surface, camera, traj = staged(name, phi, theta)
        for run in range(traj.n_runs):
            assert not hidden_points(surface, camera, drawn_trail(surface, traj, run)).any(), (name, run)


def test_hidden_points_finds_what_a_hill_hides():
    # the old saddle run (sliding to +y) ends behind the ridge x < 0 as seen from theta = -130
    surface, camera, traj = staged("saddle", 60, -130, {"saddle": {"starts": [[1.8, 1e-4]]}})
    hidden = hidden_points(surface, camera, drawn_trail(surface, traj, 0))
    assert hidden[-1] and not hidden[0]  # starts on the near ridge in sight, ends out of sight
    # a bowl seen from low down (phi 75) hides the inside of its near wall, not its far wall
    surface, camera, traj = staged("bowl", 75, -90, {"bowl": {"starts": [[0.0, -1.6], [0.0, 1.6]]}})
    near, far = (drawn_trail(surface, traj, run)[0] for run in (0, 1))
    assert hidden_points(surface, camera, np.array([near, far])).tolist() == [True, False]
    # lifted high above the surface, nothing hides a point
    assert not hidden_points(surface, camera, near + [0, 0, 5.0]).any()


def resolution_land(name):
    return resolve_stop(name, P.runs).land


def test_dry_run_defaults(tmp_path):
    assert render_scene(LandscapeTour, Params(), quality="tiny", out_dir=tmp_path, dry_run=True) is None


def test_dry_run_altered_params(tmp_path):
    params = Params(stops=["saddle", "himmelblau", "booth"], seconds_per_stop=4.0, hold_seconds=0.5,
                    surface_resolution=8, camera_phi=50.0,
                    runs={"saddle": {"view": "contour", "starts": [[1.5, 1e-3], [-1.5, -1e-3]]},
                          "himmelblau": {"starts": [[1.0, 1.0], [2.0, 2.0]], "steps": 40},
                          "booth": {"lr": 0.02, "steps": 30, "view": "surface", "theta": -45.0}})
    render_scene(LandscapeTour, params, quality="tiny", out_dir=tmp_path, dry_run=True)
    himmelblau = run_stop(resolve_stop("himmelblau", params.runs), params.tol_grad)
    assert lesson(himmelblau, params) == "Himmelblau: four minima. Two starts reach one of them: the start decides."
