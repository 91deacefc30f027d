"""Optimizer and schedule math against torch goldens and hand-computed steps."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from gdanim.engine import simulate
from gdanim.optimizers import OPTIMIZERS
from gdanim.schedules import get_schedule

GOLDEN = json.loads((Path(__file__).parent / "fixtures" / "torch_golden.json").read_text())
TORCH_TO_GDANIM = {"SGD": "sgd", "Adagrad": "adagrad", "RMSprop": "rmsprop", "Adam": "adam", "AdamW": "adamw"}


@pytest.mark.parametrize("case", GOLDEN["optimizers"], ids=lambda c: c["id"])
def test_matches_torch_trajectory(case):
    hyper = {k: tuple(v) if k == "betas" else v for k, v in case["kwargs"].items()}
    traj = simulate(case["landscape"], TORCH_TO_GDANIM[case["torch_class"]], case["start"],
                    case["steps"], tol_grad=0, **hyper)
    np.testing.assert_allclose(traj.positions[0], case["positions"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(traj.gradients[0, :-1], case["grads"], rtol=1e-10, atol=1e-12)


def _torch_schedule_spec(case):
    """Translate a torch scheduler description into a gdanim schedule spec."""
    kw = case["kwargs"]
    cls = case["torch_class"]
    if cls == "StepLR":
        return {"name": "step", **kw}
    if cls == "ExponentialLR":
        return {"name": "exponential", **kw}
    if cls == "CosineAnnealingLR":
        return {"name": "cosine", **kw}
    if cls == "CyclicLR":
        return {"name": "cyclic", "max_lr": kw["max_lr"], "step_size_up": kw["step_size_up"],
                "step_size_down": kw.get("step_size_down")}
    if cls == "LinearLR":
        return {"name": "linear_warmup", "warmup_steps": kw["total_iters"], "start_factor": kw["start_factor"]}
    warmup, after = kw["schedulers"]
    return {"name": "linear_warmup", "warmup_steps": warmup["kwargs"]["total_iters"],
            "start_factor": warmup["kwargs"]["start_factor"],
            "then": _torch_schedule_spec(after)}


@pytest.mark.parametrize("case", GOLDEN["schedules"], ids=lambda c: c["id"])
def test_schedule_matches_torch(case):
    schedule = get_schedule(_torch_schedule_spec(case))
    lrs = [float(schedule(t, np.array([case["base_lr"]]))[0]) for t in range(case["steps"])]
    np.testing.assert_allclose(lrs, case["lrs"], rtol=1e-12, atol=1e-15)


def test_schedule_drives_the_engine():
    traj = simulate("bowl", "gd", (1.0, 0.0), 6, lr=0.1, tol_grad=0,
                    schedule={"name": "step", "step_size": 2, "gamma": 0.5})
    np.testing.assert_allclose(traj.lrs[0], [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    # bowl: x <- x - lr * 2x, so each step multiplies x by (1 - 2 lr)
    np.testing.assert_allclose(traj.positions[0, -1, 0], 0.8**2 * 0.9**2 * 0.95**2)


# --- hand-computed first steps (independent of torch) ------------------------------------
# valley x^2 + 10 y^2 from (1, 1): gradient (2, 20).

def test_gd_first_step_by_hand():
    traj = simulate("valley", "gd", (1.0, 1.0), 2, lr=0.01, tol_grad=0)
    np.testing.assert_allclose(traj.positions[0, 1], [1 - 0.02, 1 - 0.2])
    # second step: gradient at (0.98, 0.8) is (1.96, 16)
    np.testing.assert_allclose(traj.positions[0, 2], [0.98 - 0.0196, 0.8 - 0.16])


def test_momentum_two_steps_by_hand():
    traj = simulate("valley", "momentum", (1.0, 1.0), 2, lr=0.01, tol_grad=0)
    v1 = np.array([2.0, 20.0])
    p1 = np.array([1.0, 1.0]) - 0.01 * v1
    v2 = 0.9 * v1 + np.array([2 * p1[0], 20 * p1[1]])
    np.testing.assert_allclose(traj.positions[0, 1], p1)
    np.testing.assert_allclose(traj.positions[0, 2], p1 - 0.01 * v2)
    np.testing.assert_allclose(traj.velocity[0, 2], v2)


def test_nesterov_first_step_by_hand():
    # step 1: v = g, direction = g + 0.9 g = 1.9 g
    traj = simulate("valley", "nesterov", (1.0, 1.0), 1, lr=0.01, tol_grad=0)
    np.testing.assert_allclose(traj.positions[0, 1], [1 - 0.01 * 1.9 * 2, 1 - 0.01 * 1.9 * 20])


def test_adam_first_step_is_lr_times_sign():
    # bias correction makes Adam's first step lr * g/(|g| + eps') per coordinate
    traj = simulate("valley", "adam", (1.0, 1.0), 1, lr=0.1, tol_grad=0)
    np.testing.assert_allclose(traj.positions[0, 1], [0.9, 0.9], rtol=1e-7)
    np.testing.assert_allclose(traj.step_scale[0, 0], 0.1 / np.array([2.0, 20.0]), rtol=1e-7)


def test_adagrad_and_rmsprop_first_step_by_hand():
    ada = simulate("valley", "adagrad", (1.0, 1.0), 1, lr=0.5, tol_grad=0)
    np.testing.assert_allclose(ada.positions[0, 1], [0.5, 0.5], rtol=1e-9)
    rms = simulate("valley", "rmsprop", (1.0, 1.0), 1, lr=0.01, tol_grad=0)
    # E[g^2] = 0.01 g^2, so the step is lr * g / (0.1 |g|) = 0.1 per coordinate
    np.testing.assert_allclose(rms.positions[0, 1], [0.9, 0.9], rtol=1e-7)


def test_adamw_decay_is_decoupled():
    # at the bowl's minimum the gradient is 0, so only the decay moves: p *= 1 - lr*wd
    traj = simulate("bowl", "adamw", (0.0, 0.0), 1, lr=0.1, weight_decay=0.5, tol_grad=0)
    np.testing.assert_allclose(traj.positions[0, 1], [0.0, 0.0])
    traj = simulate("bowl", "adamw", (1e-12, 0.0), 1, lr=0.1, weight_decay=0.5, tol_grad=0)
    # g = 2e-12 is far below eps=1e-8, so Adam's part is ~g/eps*lr ~ 2e-5 * 0.1
    assert traj.positions[0, 1, 0] < 1e-12


# --- equivalences (an alias equals its composition) ---------------------------------------

@pytest.mark.parametrize("alias, explicit", [
    ("gd", {"optimizer": "sgd"}),
    ("momentum", {"optimizer": "sgd", "momentum": 0.9}),
    ("nesterov", {"optimizer": "sgd", "momentum": 0.9, "nesterov": True}),
])
def test_aliases_equal_sgd(alias, explicit):
    a = simulate("rosenbrock", alias, (-1.2, 1.0), 50, lr=1e-3)
    b = simulate("rosenbrock", start=(-1.2, 1.0), steps=50, lr=1e-3, **explicit)
    np.testing.assert_array_equal(a.positions, b.positions)


def test_adamw_without_decay_equals_adam():
    a = simulate("rosenbrock", "adam", (-1.2, 1.0), 50, lr=0.05)
    b = simulate("rosenbrock", "adamw", (-1.2, 1.0), 50, lr=0.05, weight_decay=0.0)
    np.testing.assert_array_equal(a.positions, b.positions)



@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_spec_is_complete_and_converges_on_the_bowl(name):
    """One row per optimizer (optax's table idea): adding one adds it to every lesson's checks."""
    spec = OPTIMIZERS[name]
    assert spec.title
    assert re.fullmatch(r"#[0-9A-F]{6}", spec.color)
    assert spec.rule and all(r"\leftarrow" in line for line in spec.rule)
    assert set(spec.ranges) <= set(spec.defaults) and "lr" in spec.ranges
    lr = {"gd": 0.1, "sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.5, "rmsprop": 0.02,
          "adam": 0.05, "adamw": 0.05}[name]
    traj = simulate("bowl", name, (-1.6, 1.2), 2000, lr=lr, tol_grad=1e-4)
    # AdamW's decoupled decay pulls towards the origin too; the bowl's minimum is the origin
    assert traj.stop_reason[0] == "converged_grad", (name, traj.stop_reason[0])
    assert np.linalg.norm(traj.positions[0, traj.stop_step[0]]) < 1e-3


def test_optimizer_names_and_colours_are_distinct():
    assert len({s.title for s in OPTIMIZERS.values()}) == len(OPTIMIZERS)
    assert len({s.color for s in OPTIMIZERS.values()}) == len(OPTIMIZERS)


def test_nesterov_card_takes_the_gradient_at_the_look_ahead_point():
    """The classical rule on the card (gradient at θ − αβv) and torch's shifted form that the
    engine runs give the same path: the engine's parameters are the look-ahead points."""
    rule = OPTIMIZERS["nesterov"].rule
    assert r"\nabla L(\theta - \alpha \beta {{v}})" in rule[0] and r"\tilde\theta" in rule[2]
    lr, beta, start = 0.05, 0.9, np.array([1.5, -1.0])
    traj = simulate("valley", "nesterov", start, 30, lr=lr, momentum=beta, tol_grad=0)
    land = traj.landscape
    theta, v = start.copy(), np.zeros(2)  # classical form, from the card's first two lines
    for k in range(30):
        v = beta * v + land.gradient(theta - lr * beta * v)
        theta = theta - lr * v
        assert np.allclose(theta - lr * beta * v, traj.positions[0, k + 1])  # θ̃ = θ − αβv
