"""AdaptiveLearningRates and StepBars: bar lengths and captions checked against traj.step_scale."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from manim import ValueTracker  # noqa: E402

from gdanim.engine import simulate  # noqa: E402
from gdanim.render import render_scene  # noqa: E402
from gdanim.visual.narration import wrap_caption  # noqa: E402
from gdanim.visual.step_bars import (  # noqa: E402
    StepBars,
    StepHistory,
    decade_span,
    log_fraction,
    step_index,
    step_sizes,
    value_label,
)
from scenes.l5_adaptive_learning_rates import (  # noqa: E402
    EXPLAIN,
    AdaptiveLearningRates,
    Params,
    lesson_captions,
    lesson_lrs,
    run_lesson,
    same_first_step,
    start_caption,
    x_steps,
)

P = Params()


@pytest.fixture(scope="module")
def traj():
    return run_lesson(P)


def test_runs_follow_params_in_order(traj):
    assert lesson_lrs(P) == [0.1, 0.01, 0.1]
    assert traj.n_runs == 3 and traj.steps == 200
    for i, (name, lr) in enumerate(zip(P.optimizers, lesson_lrs(P))):
        alone = simulate("valley", name, P.start, P.steps, lr=lr, tol_grad=0.0)
        np.testing.assert_array_equal(traj.step_scale[i], alone.step_scale[0])


def test_shown_step_is_the_step_that_led_here(traj):
    assert [step_index(traj, 0, k) for k in (0, 0.5, 1, 1.9, 2, 200)] == [0, 0, 0, 0, 1, 199]
    np.testing.assert_array_equal(step_sizes(traj, [0, 2], 37), traj.step_scale[[0, 2], 36])
    stopped = simulate("bowl", "adagrad", (1.0, 1.0), 50, lr=0.5, tol_grad=1e-3)
    stop = int(stopped.stop_step[0])
    assert stop < 50
    np.testing.assert_array_equal(step_sizes(stopped, [0], 50)[0], stopped.step_scale[0, stop - 1])


def test_log_axis_helpers():
    assert decade_span([0.00113, 0.117]) == (-3, 0)
    assert decade_span([0.02, 0.03]) == (-2, -1)
    assert decade_span([0.0, np.nan]) == (-1, 0)
    assert log_fraction(0.01, -3, 0) == pytest.approx(1 / 3)
    assert log_fraction(0.0, -3, 0) == 0.0 and log_fraction(10.0, -3, 0) == 1.0
    assert value_label(0.0227272) == "  0.0227" and value_label(1.2e-5) == " 1.2e-05"


def test_bar_lengths_are_the_engine_step_scale_on_the_log_axis(traj):
    step = ValueTracker(0)
    bars = StepBars(traj, range(3), step, ["AdaGrad", "RMSprop", "Adam"], ["#E69F00"] * 3, bar_width=2.7)
    bars.move_to([3.0, 1.0, 0.0])  # bars are redrawn relative to the moved panel
    assert (bars.lo, bars.hi) == (-3, 0)
    for k in (1, 10, 62, 100, 200):
        step.set_value(k)
        bars.update()
        for run in range(3):
            for c in range(2):
                want = traj.step_scale[run, k - 1, c]
                length = bars.bar_extent(run, c)
                assert length == pytest.approx(2.7 * (np.log10(want) + 3) / 3, abs=1e-9)
                decoded = 10 ** (bars.lo + length / bars.bar_width * (bars.hi - bars.lo))
                assert decoded == pytest.approx(want, rel=1e-9)
                left = bars.bars[run][c].points[:, 0].min()
                assert left == pytest.approx(bars.panel.get_left()[0] + (bars.bar_left - bars._corner[0]))
    # the AdaGrad x bar at step 200 is shorter than at step 1; Adam's is longer
    step.set_value(1)
    bars.update()
    first = [bars.bar_extent(r, 0) for r in range(3)]
    step.set_value(200)
    bars.update()
    assert bars.bar_extent(0, 0) < first[0] and bars.bar_extent(2, 0) > first[2]


def test_history_points_decode_to_step_scale(traj):
    step = ValueTracker(150)
    history = StepHistory(traj, range(3), step, ["#E69F00"] * 3)
    pts = history.points_until(1, 150)
    assert len(pts) == 150
    logs = np.array([history.axes.p2c(p)[1] for p in pts]) + history.lo
    np.testing.assert_allclose(10**logs, traj.step_scale[1, :150, 0], rtol=1e-6)


def test_adagrad_step_only_shrinks_the_others_recover(traj):
    ada, rms, adam = (x_steps(traj, i) for i in range(3))
    assert np.all(np.diff(ada) <= 0) and np.all(np.diff(traj.step_scale[0, :, 1]) <= 0)
    low = int(np.argmin(rms))
    assert 0 < low < 199 and rms[-1] > 1.5 * rms[low]
    assert adam[-1] > 5 * adam[0]
    assert traj.losses[0, -1] > 4 * traj.losses[1, -1] > 4 * traj.losses[2, -1]


def test_captions_state_the_engine_numbers(traj):
    assert same_first_step(traj)
    assert start_caption(traj).endswith("the same for all (x 0.0227, y 0.00417).")
    ada, rms, adam = (x_steps(traj, i) for i in range(3))
    caps = lesson_captions(P.optimizers, traj)
    assert caps[0] == (f"AdaGrad's x step fell {ada[0] / ada[-1]:.1f}× by step 200 (0.0227 → "
                       f"{ada[-1]:.3g}); loss {traj.losses[0, -1]:.2g}.")
    assert caps[0] == "AdaGrad's x step fell 6.1× by step 200 (0.0227 → 0.00375); loss 0.11."
    assert caps[1] == ("RMSprop's x step dipped to 0.00545 at step 62, then rose back to 0.00855; "
                       "loss 0.021.")
    assert f"{rms.min():.3g}" == "0.00545" and int(np.argmin(rms)) + 1 == 62
    assert caps[2] == f"Adam's x step grew {adam[-1] / adam[0]:.1f}× to {adam[-1]:.3g} by step 200; loss 9.6e-09."
    for text in [start_caption(traj), *caps, *EXPLAIN.values()]:
        assert wrap_caption(text).count("\n") <= 1


def test_params_are_checked():
    for bad in ({"optimizers": []}, {"optimizers": ["adam", "adam"]}, {"optimizers": ["lion"]},
                {"lrs": {"adam": -1.0}}, {"start": (9.0, 0.0)}, {"landscape": "volcano"}, {"steps": 0}):
        with pytest.raises(ValueError):
            Params(**bad)


def test_dry_run_defaults(tmp_path):
    assert render_scene(AdaptiveLearningRates, Params(), quality="tiny", out_dir=tmp_path, dry_run=True) is None


def test_dry_run_altered_params(tmp_path):
    params = Params(landscape="rosenbrock", start=(-1.5, 2.0), optimizers=["momentum", "adam"],
                    lrs={"momentum": 0.0005, "adam": 0.05}, steps=60, first_steps=5, first_seconds=1.0,
                    run_seconds=2.0, hold_seconds=0.2)
    render_scene(AdaptiveLearningRates, params, quality="tiny", out_dir=tmp_path, dry_run=True)
    traj = run_lesson(params)
    assert not same_first_step(traj)
    caps = lesson_captions(params.optimizers, traj)
    assert caps[0] == f"momentum's x step stayed near 0.0005 for 60 steps; loss {traj.losses[0, -1]:.2g}."
