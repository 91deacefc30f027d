"""GradientDescent3D's plan: every claim checked against an independent engine run, over a
grid of lecturer-style parameters (other landscapes, optimizers, diverging rates, budgets)."""

import re

import numpy as np
import pytest

from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.lessons.gradient_descent_3d import Params, plan
from gdanim.wording import sci

from caption_reading import count_of as number

GRID = [
    {},
    {"landscape": "bowl"},
    {"landscape": "rosenbrock", "lr": 0.001, "steps": 200},
    {"landscape": "rosenbrock"},  # 0.085 diverges on Rosenbrock
    {"landscape": "himmelblau", "lr": 0.01},
    {"optimizer": "adam"},
    {"optimizer": "momentum", "lr": 0.02},
    {"optimizer": "nesterov", "lr": 0.02},
    {"optimizer": "rmsprop", "lr": 0.05},
    {"optimizer": "adagrad", "lr": 0.5},
    {"optimizer": "sgd"},
    {"lr": 0.11},  # just above 2/λmax = 0.1: grows, leaves the plot, not flagged diverged in 60 steps
    {"lr": 0.2},  # diverges
    {"lr": 0.001},  # crawls
    {"steps": 1},
    {"steps": 2, "first_steps": 0},
    {"start": (-2.2, 1.2)},
    {"landscape": "saddle", "lr": 0.1},
    {"landscape": "rastrigin", "lr": 0.002},
    {"tol_grad": 0.0, "steps": 80},
    {"landscape": "six_hump_camel", "lr": 0.05, "start": (1.5, 0.8)},
]
def reference(p: Params):
    """The run, simulated here from the params alone (not through the plan module)."""
    land = get_landscape(p.landscape)
    start = land.default_start if p.start is None else p.start
    return simulate(p.landscape, p.optimizer, start, p.steps, lr=p.lr, tol_grad=p.tol_grad)


def drawn_until(traj) -> int:
    """Last step inside the plotted domain, before the run stopped."""
    (x0, x1), (y0, y1) = traj.landscape.domain
    stop = int(traj.stop_step[0])
    for k in range(stop + 1):
        x, y = traj.positions[0, k]
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return max(k - 1, 0)
    return stop


def flips(positions, axis) -> int:
    n = 0
    for k in range(2, len(positions)):
        before = positions[k - 1, axis] - positions[k - 2, axis]
        now = positions[k, axis] - positions[k - 1, axis]
        n += before * now < 0
    return n


@pytest.mark.parametrize("values", GRID, ids=lambda v: ",".join(f"{k}={v[k]}" for k in v) or "defaults")
def test_every_claim_holds_for_the_run(values):
    p = Params(**values)
    lesson = plan(p)
    traj = reference(p)
    stop, reason = int(traj.stop_step[0]), str(traj.stop_reason[0])
    shown = drawn_until(traj)
    kinds = [b.kind for b in lesson.beats]
    claims = 0

    # the run drawn is this run
    assert np.array_equal(lesson.runs.traj.positions, traj.positions); claims += 1
    assert lesson.runs.shown == shown; claims += 1

    # title and takeaway name the rule that ran
    if p.optimizer == "gd":
        assert lesson.title == "Gradient descent"; claims += 1
    else:
        assert "Gradient descent" not in lesson.title + lesson.takeaway; claims += 1
        assert {"adam": "Adam", "momentum": "momentum", "nesterov": "Nesterov", "rmsprop": "RMSprop",
                "adagrad": "AdaGrad", "sgd": "SGD"}[p.optimizer] in lesson.title; claims += 1
    assert ("diverged" in lesson.takeaway) == (reason == "diverged"); claims += 1

    # the arrow: "−α·∇L" only where the step really is −α∇L
    (arrow,) = lesson.beats_of("arrow")
    if "−α·∇L" in arrow.caption:
        moves = np.diff(traj.positions[0, : stop + 1], axis=0)
        assert np.allclose(moves, -p.lr * traj.gradients[0, :stop]); claims += 1
        assert lesson.runs.arrow == "gradient"; claims += 1
    else:
        assert p.optimizer != "gd" and lesson.runs.arrow == "move"; claims += 1

    # the descent beat: flips counted here, step by step
    descent = lesson.beats_of("descent")
    assert bool(descent) == (shown > min(p.first_steps, shown)); claims += 1
    if descent:
        text = " ".join(b.caption for b in descent)
        pos = traj.positions[0, : shown + 1]
        counts = {"x": flips(pos, 0), "y": flips(pos, 1)}
        idea = {"gd": "sees only the local slope", "sgd": "sees only the local slope",
                "momentum": "velocity built from past slopes", "nesterov": "taken one look-ahead on",
                "adagrad": "all past squared slopes", "rmsprop": "running size of recent slopes",
                "adam": "average of past slopes"}[p.optimizer]
        assert text.startswith("Each step ") and idea in text; claims += 1
        m = re.search(r"[Ii]ts ([xy]) step flips (?:direction )?(once|twice|\w+ times) in (\d+) steps", text)
        if m:
            axis, n, steps = m.group(1), number(m.group(2).split()[0]), int(m.group(3))
            assert n == counts[axis] == max(counts.values()) and steps == shown; claims += 1
            assert ("zig-zags" in text) == (n >= 2 and n >= 0.25 * (shown - 1)); claims += 1
        else:
            assert "neither its x nor its y step flips" in text; claims += 1
            assert counts == {"x": 0, "y": 0} and f"In {shown} steps" in text; claims += 1

    # the ending: the engine's stop step, reason, loss and gradient norm there
    result = " ".join(b.caption for b in lesson.beats_of("result"))
    m = re.match(r"After (\w+) steps?: (.*?) \((.*)\)\.", result)
    assert m, result
    assert number(m.group(1)) == stop; claims += 1
    phrase = {"converged_grad": "converged: ‖∇L‖ fell below", "converged_loss": "the loss stopped changing",
              "diverged": "diverged", "max_steps": "out of steps, not yet converged"}[reason]
    assert phrase in m.group(2); claims += 1
    loss = traj.losses[0, stop]
    assert f"loss {sci(loss)}" in m.group(3) or f"→ {sci(loss)}" in m.group(3); claims += 1
    if "→" in m.group(3):
        assert loss > traj.losses[0, 0] and m.group(3).startswith(f"loss {sci(traj.losses[0, 0])} →"); claims += 1
    assert f"‖∇L‖ = {sci(np.hypot(*traj.gradients[0, stop]))}" in m.group(3); claims += 1
    if reason == "converged_grad":
        assert np.hypot(*traj.gradients[0, stop]) < p.tol_grad; claims += 1
    left = re.search(r"It left the plot after step (\d+)\.", result)
    assert bool(left) == (shown < stop); claims += 1
    if left:
        assert int(left.group(1)) == shown; claims += 1

    # beats in drawing order, each caption's numbers from its facts
    assert kinds[:2] == ["intro", "arrow"] and kinds[-1] == "result"; claims += 1
    for beat in lesson.beats_of("result"):
        assert beat.facts["stop_step"] == stop and beat.facts["stop_reason"] == reason; claims += 1
    assert claims >= 12


def test_the_examples_from_the_issue_are_fixed():
    bowl = plan(Params(landscape="bowl"))
    assert not any("zig-zag" in b.caption for b in bowl.beats)  # a straight path is not a zig-zag
    adam = plan(Params(optimizer="adam"))
    assert "Gradient descent" not in adam.title + adam.takeaway
    assert "−α·∇L" not in " ".join(b.caption for b in adam.beats)
    with pytest.raises(ValueError, match="outside the rosenbrock plot"):
        Params(landscape="rosenbrock", start=(-2.2, 1.2))
    rosen = plan(Params(landscape="rosenbrock", lr=0.001))  # default start: the landscape's own
    assert tuple(rosen.runs.traj.positions[0, 0]) == get_landscape("rosenbrock").default_start


@pytest.mark.parametrize("values, match", [
    ({"landscape": "valey"}, "unknown landscape 'valey' \\(did you mean 'valley'"),
    ({"optimizer": "adma"}, "did you mean 'adam'"),
    ({"lr": -0.1}, "lr must be in"),
    ({"lr": float("nan")}, "lr must be a finite number"),
    ({"lr": float("inf")}, "lr must be a finite number"),
    ({"steps": 0}, "steps must be a whole number"),
    ({"steps": 10**9}, "steps must be a whole number from 1 to 5000"),
    ({"start": (3.0, 0.0)}, "outside the valley plot"),
    ({"surface_resolution": 100000}, "surface_resolution"),
    ({"tol_grad": -1.0}, "tol_grad"),
])
def test_bad_params_are_refused_with_the_fix(values, match):
    with pytest.raises(ValueError, match=match):
        Params(**values)
