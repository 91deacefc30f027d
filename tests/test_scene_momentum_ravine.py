"""MomentumRavine: the facts its captions state, checked against the engine; the look-ahead
glyph's geometry; dry runs with default and altered params."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.engine import simulate  # noqa: E402
from gdanim.landscapes import get_landscape  # noqa: E402
from gdanim.render import render_scene  # noqa: E402
from gdanim.visual.arrows import step_vector  # noqa: E402
from gdanim.visual.contours import ContourMap  # noqa: E402
from gdanim.visual.lookahead import LookaheadGhost, ball_positions, dash_segments  # noqa: E402
from gdanim.visual.narration import wrap_caption  # noqa: E402
from scenes.l3_momentum_ravine import (  # noqa: E402
    MomentumRavine,
    Params,
    arrival,
    result_captions,
    run_all,
    shown_until,
    zigzags,
)

P = Params()


@pytest.fixture(scope="module")
def runs():
    return run_all(P, get_landscape(P.landscape, **P.landscape_params))


def test_defaults_race_on_the_k20_valley_and_momentum_beats_gd(runs):
    assert runs["gd"].landscape.params["k"] == 20.0
    steps = {name: arrival(traj) for name, traj in runs.items()}
    assert steps == {"gd": 69, "momentum": 46, "nesterov": 24}
    for name, traj in runs.items():  # arrival is the engine's own stop, and it is real
        assert traj.stop_reason[0] == "converged_grad"
        k = traj.stop_step[0]
        assert np.linalg.norm(traj.gradients[0, k]) < P.tol_grad <= np.linalg.norm(traj.gradients[0, k - 1])
    assert runs["momentum"].inputs["hyperparameters"]["momentum"] == P.beta
    assert runs["nesterov"].inputs["hyperparameters"]["nesterov"] is True


def test_gd_zigzags_while_momentum_does_not(runs):
    y = runs["gd"].positions[0, : P.solo_steps + 1, 1]
    assert np.all(np.sign(y[1:]) != np.sign(y[:-1]))  # GD crosses the floor every step
    assert zigzags(runs["gd"], P.solo_steps) == P.solo_steps == 12
    assert zigzags(runs["momentum"], P.solo_steps) == 3
    assert zigzags(runs["nesterov"], P.solo_steps) < zigzags(runs["gd"], P.solo_steps)


def test_result_captions_read_the_engine(runs):
    first, second = result_captions(runs, P.tol_grad)
    assert first == "Steps until |∇L| < 0.01: GD 69, Momentum 46, Nesterov 24."
    assert second == "Momentum takes 23 fewer steps than GD; Nesterov's look-ahead saves 22 more."
    for caption in (first, second):
        wrap_caption(caption)  # fits two caption lines


def test_result_captions_admit_when_momentum_loses():
    p = Params(beta=0.9, momentum_lr=0.02, nesterov_lr=0.02)  # badly damped: it spirals
    runs = run_all(p, get_landscape(p.landscape, **p.landscape_params))
    assert arrival(runs["momentum"]) > arrival(runs["gd"])
    assert result_captions(runs, p.tol_grad)[1].startswith("Here momentum does not beat GD")
    short = Params(steps=30)
    runs = run_all(short, get_landscape(short.landscape, **short.landscape_params))
    assert arrival(runs["gd"]) is None and arrival(runs["nesterov"]) == 24
    assert "GD not within 30" in result_captions(runs, short.tol_grad)[0]


def test_shown_until_stops_before_a_run_leaves_the_map():
    land = get_landscape("valley", k=20.0)
    traj = simulate(land, "gd", (-2.2, 1.0), 40, lr=0.06)  # 1 - 0.06*40 = -1.4: blows up across
    last = shown_until(traj)
    assert abs(traj.positions[0, last, 1]) <= 1.5 < abs(traj.positions[0, last + 1, 1])


def test_ball_positions_are_classical_nesterov(runs):
    traj = runs["nesterov"]
    lr, beta, n = P.nesterov_lr, P.beta, int(traj.stop_step[0])
    phi, theta, g = ball_positions(traj, beta)[0], traj.positions[0], traj.gradients[0]
    # the ball coasts on the carried velocity (StepArrow's "velocity" step) to the look-ahead point
    for k in range(n):
        assert np.allclose(phi[k] + step_vector(traj, 0, k, "velocity", beta), theta[k])
    # the gradient step measured at the look-ahead point lands on the next ball position
    assert np.allclose(phi[1:n], theta[: n - 1] - lr * g[: n - 1])
    # an independent classical (Sutskever) Nesterov run gives the same balls
    land, p, u, ref = traj.landscape, np.array(P.start, dtype=float), np.zeros(2), []
    for _ in range(n):
        ref.append(p.copy())
        u = beta * u - lr * land.gradient(p + beta * u)
        p = p + u
    assert np.allclose(np.array(ref), phi[:n])
    assert np.allclose(phi[n:], theta[n:])  # once stopped, ball and look-ahead coincide


def test_dash_segments_split_the_jump_evenly():
    segs = dash_segments(np.zeros(3), np.array([4.0, 0, 0]), 4, ratio=0.5)
    assert segs.shape == (4, 2, 3)
    assert np.allclose(segs[:, 0, 0], [0, 1, 2, 3]) and np.allclose(segs[:, 1, 0], [0.5, 1.5, 2.5, 3.5])


def test_lookahead_ghost_sits_on_the_engine_positions(runs):
    traj = runs["nesterov"]
    stage = ContourMap(traj.landscape, width=5.0, samples=40, levels=4)
    step = manim.ValueTracker(0)
    ghost = LookaheadGhost(stage, traj, 0, step, color="#CC79A7", momentum=P.beta, dashes=6)
    phi = ball_positions(traj, P.beta)[0]
    for k in (1, 3, 5):
        step.set_value(k + 0.5)  # between steps the glyph shows step k, like StepArrow
        ghost.update()
        ball, look = stage.to_scene(np.array([phi[k], traj.positions[0, k]]), lift=0.03)
        assert np.allclose(ghost.ring.get_center(), look)
        assert np.allclose(ghost.dash.points[0], ball)
        assert len(ghost.dash.get_subpaths()) == 6
        assert ghost.ring.get_stroke_opacity() == 1.0
    step.set_value(traj.stop_step[0])
    ghost.update()
    assert ghost.ring.get_stroke_opacity() == 0.0 and ghost.dash.get_stroke_opacity() == 0.0


def test_params_are_checked():
    with pytest.raises(ValueError, match="beta"):
        Params(beta=1.0)
    with pytest.raises(ValueError, match="outside the plotted domain"):
        Params(start=(3.0, 0.0))
    with pytest.raises(ValueError, match="slow_steps"):
        Params(slow_steps=5, solo_steps=3)
    with pytest.raises(ValueError, match="unknown parameter"):
        Params(landscape_params={"q": 1.0})


def test_dry_run_defaults(tmp_path):
    render_scene(MomentumRavine, Params(), quality="tiny", out_dir=tmp_path, dry_run=True)


def test_dry_run_altered(tmp_path):
    p = Params(landscape_params={"k": 10.0}, start=(2.0, -1.2), gd_lr=0.085, momentum_lr=0.05,
               nesterov_lr=0.05, beta=0.5, steps=30, tol_grad=0.05, slow_steps=1, solo_steps=4,
               race_first_steps=5, race_first_seconds=1.0, race_rest_seconds=1.0, hold_seconds=0.2)
    render_scene(MomentumRavine, p, quality="tiny", out_dir=tmp_path, dry_run=True)
