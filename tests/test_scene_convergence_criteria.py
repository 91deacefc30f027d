"""ConvergenceCriteria and its CriteriaPanel: the gauges' numbers and each run's stop reason,
checked against the engine's arrays, plus dry runs with default and altered params."""

import math

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.render import render_scene  # noqa: E402
from gdanim.visual.criteria_panel import (  # noqa: E402
    RULE_OF_REASON,
    RULES,
    CriteriaPanel,
    GaugeScale,
    Tolerances,
    fired_rule,
    log_scale,
    reading,
    rules_met,
    status,
    tolerance_tex,
)
from gdanim.visual.narration import wrap_caption  # noqa: E402
from gdanim.visual.theme import THEME  # noqa: E402
from scenes.l8_convergence_criteria import (  # noqa: E402
    ConvergenceCriteria,
    Params,
    rules_caption,
    run_all,
    stop_captions,
    stop_events,
    summary,
)

P = Params()


@pytest.fixture(scope="module")
def traj():
    return run_all(P)


@pytest.fixture(scope="module")
def panel(traj):
    step = manim.ValueTracker(0)
    return CriteriaPanel(traj, range(traj.n_runs), step, [f"a{i}" for i in range(traj.n_runs)],
                         THEME.run_colors[: traj.n_runs]), step


def test_default_runs_each_stop_for_a_different_reason(traj):
    assert traj.n_runs == len(P.lrs) == 4  # one engine call, one run per learning rate
    assert list(traj.stop_reason) == ["diverged", "converged_grad", "converged_loss", "max_steps"]
    assert list(traj.stop_step) == [5, 10, 90, 120]
    tol = Tolerances.of(traj)
    assert (tol.grad, tol.loss, tol.steps) == (P.tol_grad, P.tol_loss, P.steps)
    # the gradient run stops on the gradient alone, the loss run on the loss alone
    grad_stop = reading(traj, 1, 10)
    assert grad_stop.grad < P.tol_grad <= 1.0 and grad_stop.loss >= P.tol_loss
    loss_stop = reading(traj, 2, 90)
    assert loss_stop.loss < P.tol_loss and loss_stop.grad > 5 * P.tol_grad
    # the budget run is nowhere near done: neither rule holds at its last step
    budget = reading(traj, 3, 120)
    assert budget.grad > 100 * P.tol_grad and traj.losses[3, 120] > 40


def test_readings_equal_the_trajectory_at_every_step(traj):
    for run in range(traj.n_runs):
        stop = int(traj.stop_step[run])
        for k in range(traj.steps + 1):
            r = reading(traj, run, k)
            held = min(k, stop)
            assert r.step == held
            assert r.grad == pytest.approx(np.linalg.norm(traj.gradients[run, held]), rel=1e-12)
            if held == 0:
                assert math.isnan(r.loss)
            else:
                assert r.loss == pytest.approx(abs(traj.losses[run, held] - traj.losses[run, held - 1]), rel=1e-12)


def test_panel_rules_agree_with_the_engine_step_by_step(traj):
    """No rule holds before a run's stop step; at it, the engine's reason is among the met rules."""
    tol = Tolerances.of(traj)
    for run in range(traj.n_runs):
        stop = int(traj.stop_step[run])
        for k in range(stop):
            assert not any(rules_met(reading(traj, run, k), tol).values()), (run, k)
            assert fired_rule(traj, run, k) is None and status(traj, run, k) == "running"
        met = rules_met(reading(traj, run, stop), tol)
        reason = str(traj.stop_reason[run])
        if reason == "diverged":
            assert fired_rule(traj, run, stop) is None and status(traj, run, stop) == f"diverged @ {stop}"
        else:
            assert met[RULE_OF_REASON[reason]] and fired_rule(traj, run, stop) == RULE_OF_REASON[reason]
            assert status(traj, run, stop) == f"stop @ {stop}"


@pytest.mark.parametrize("k", [0, 3, 10, 47, 90, 120])
def test_panel_bars_show_the_engine_values(panel, traj, k):
    board, step = panel
    step.set_value(k)
    board.refresh()
    tol = Tolerances.of(traj)
    for i in range(traj.n_runs):
        r = reading(traj, i, k)
        met = rules_met(r, tol)
        for c, rule in enumerate(RULES):
            value = {"grad": np.linalg.norm(traj.gradients[i, min(k, traj.stop_step[i])]),
                     "loss": r.loss, "steps": min(k, traj.stop_step[i])}[rule]
            fraction = board.scales[rule].fraction(value)
            assert board.bar_fraction(i, rule, k) == pytest.approx(fraction)
            bar, track = board.bars[i][c], board.tracks[i][c]
            length = bar.get_right()[0] - track.get_left()[0]
            assert length == pytest.approx(board.gauge_width * max(fraction, 0.004), abs=1e-6)
            expected = (THEME.status_colors["max steps" if rule == "steps" else "converged"] if met[rule]
                        else THEME.run_colors[i])
            assert bar.get_fill_color().to_hex().lower() == expected.lower()
            boxed = board.boxes[i][c].get_stroke_opacity() > 0
            assert boxed == (fired_rule(traj, i, k) == rule)


def test_gauge_scales_put_the_tolerance_tick_inside(panel, traj):
    board, _ = panel
    grad, loss, steps = board.scales["grad"], board.scales["loss"], board.scales["steps"]
    assert grad.lo == pytest.approx(P.tol_grad / 100) and loss.lo == pytest.approx(P.tol_loss / 100)
    calm = [i for i in range(traj.n_runs) if traj.stop_reason[i] != "diverged"]
    assert grad.hi >= max(np.linalg.norm(traj.gradients[i, : traj.stop_step[i] + 1], axis=-1).max() for i in calm)
    assert 0 < grad.fraction(P.tol_grad) < 1 and 0 < loss.fraction(P.tol_loss) < 1
    assert steps.fraction(P.steps) == 1.0 and steps.fraction(P.steps / 2) == 0.5


def test_gauge_scale_and_tolerance_text():
    s = GaugeScale(1e-4, 1e2, True)
    assert s.fraction(1e-2) == pytest.approx(1 / 3)
    assert s.fraction(1e9) == 1.0 and s.fraction(0.0) == 0.0 and s.fraction(math.inf) == 1.0
    assert s.fraction(math.nan) == 0.0
    for scale, (lo, hi) in ((log_scale([0.5, 30.0], 1e-2), (1e-4, 100.0)), (log_scale([], 1e-5), (1e-7, 1e-4))):
        assert scale.log and (scale.lo, scale.hi) == (pytest.approx(lo), pytest.approx(hi))
    assert tolerance_tex(1e-5) == "10^{-5}" and tolerance_tex(0.01) == "0.01"
    assert tolerance_tex(2.5e-6) == r"2.5 \cdot 10^{-6}"


def test_captions_read_the_engine_and_fit(traj):
    assert stop_events(traj) == [(5, [0]), (10, [1]), (90, [2]), (120, [3])]
    said = {run: stop_captions(traj, run, P.lrs[run]) for run in range(traj.n_runs)}
    assert said[0] == [f"α = 0.1 blows up: by step 5 the loss is {traj.losses[0, 5]:.0e}. "
                       "The engine stops it as diverged."]
    g1 = np.linalg.norm(traj.gradients[1, 10])
    assert f"at step 10, |∇L| = {g1:.1e} < 0.01. The gradient rule" in said[1][0]
    d2 = abs(traj.losses[2, 90] - traj.losses[2, 89])
    g2 = np.linalg.norm(traj.gradients[2, 90])
    assert f"at step 90 the loss changes by only {d2:.1e} < 1e-05. The loss rule" in said[2][0]
    assert f"|∇L| = {g2:.2g} is still {g2 / P.tol_grad:.0f}× its tolerance" in said[2][1]
    assert said[3] == [f"α = 0.0005: 120 steps used, the loss still {traj.losses[3, 120]:.3g}. "
                       "The budget rule stops it, unfinished."]
    for caption in [c for cs in said.values() for c in cs] + [summary(traj), rules_caption(P)]:
        wrap_caption(caption)
    assert summary(traj).startswith("4 runs, 4 different reasons to stop.")
    assert rules_caption(P) == "A run stops when |∇L| < 0.01, when |ΔL| < 1e-05, or after 120 steps."


def test_params_are_checked():
    with pytest.raises(ValueError, match="unknown landscape"):
        Params(landscape="nope")
    with pytest.raises(ValueError, match="positive"):
        Params(lrs=[0.1, -1.0])
    with pytest.raises(ValueError, match="1 to 4 learning rates"):
        Params(lrs=[0.1, 0.05, 0.01, 0.005, 0.001])
    with pytest.raises(ValueError, match="outside"):
        Params(start=(9.0, 9.0))


def test_dry_run_defaults(tmp_path):
    render_scene(ConvergenceCriteria, Params(), quality="tiny", out_dir=tmp_path, dry_run=True)


def test_dry_run_altered_params(tmp_path):
    p = Params(landscape="bowl", start=(-1.6, 1.2), lrs=[0.3, 0.01], steps=40, tol_grad=1e-3, tol_loss=0.0,
               seconds_per_step=0.2, segment_seconds=2.0)
    assert rules_caption(p) == "A run stops when |∇L| < 0.001 or after 40 steps."
    traj = run_all(p)
    assert list(traj.stop_reason) == ["converged_grad", "max_steps"]
    render_scene(ConvergenceCriteria, p, quality="tiny", out_dir=tmp_path, dry_run=True)
