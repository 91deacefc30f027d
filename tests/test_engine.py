"""simulate(): stopping rules, divergence, grids, determinism, persistence and bad input."""

import subprocess
import sys

import numpy as np
import pytest

from gdanim.engine import Trajectory, simulate


def steps_to_tolerance(traj, tol):
    """First step whose loss is within tol of the landscape's minimum (per run)."""
    below = traj.losses - traj.landscape.min_value < tol
    return np.where(below.any(axis=1), below.argmax(axis=1), np.inf)


def test_gd_on_bowl_converges_below_lr_one_and_diverges_above():
    traj = simulate("bowl", "gd", (1.5, -1.0), 500, lr=np.array([0.1, 0.9, 1.1]), tol_grad=1e-8)
    assert list(traj.stop_reason) == ["converged_grad", "converged_grad", "diverged"]
    np.testing.assert_allclose(traj.positions[:2, -1], 0.0, atol=1e-8)
    # |1 - 2 lr| is the contraction factor: 0.8 and 0.8 (oscillating) converge alike
    assert traj.stop_step[0] == traj.stop_step[1]
    # lr = 1.1: x grows by 1.2 each step, so it passes diverge_at=1e6 at step ceil(log(1e6/1.5)/log 1.2)
    assert traj.stop_step[2] == int(np.ceil(np.log(1e6 / 1.5) / np.log(1.2)))


def test_momentum_beats_gd_on_the_valley_at_the_same_lr():
    # lr 0.01: GD contracts x by 0.98 a step (~370 steps); heavy ball by sqrt(0.9) (~150)
    traj_gd = simulate("valley", "gd", (-1.8, 0.9), 2000, lr=0.01)
    traj_mom = simulate("valley", "momentum", (-1.8, 0.9), 2000, lr=0.01)
    gd_steps = steps_to_tolerance(traj_gd, 1e-6)[0]
    mom_steps = steps_to_tolerance(traj_mom, 1e-6)[0]
    assert 300 < gd_steps < 450 and mom_steps < gd_steps / 2, (mom_steps, gd_steps)


def test_gd_reaches_the_documented_minima():
    traj = simulate("himmelblau", "gd", [(1.0, 1.0), (-1.0, 2.0), (-2.0, -2.0), (2.0, -1.0)], 5000,
                    lr=0.01, tol_grad=1e-9)
    assert set(traj.stop_reason) == {"converged_grad"}
    ends = traj.positions[:, -1]
    dist = np.linalg.norm(ends[:, None] - traj.landscape.minima[None], axis=-1)
    np.testing.assert_allclose(dist.min(axis=1), 0.0, atol=1e-8)
    assert len(set(dist.argmin(axis=1))) == 4  # four basins, four different minima


def test_stop_reasons_and_frozen_positions():
    traj = simulate("bowl", "gd", np.array([(1.0, 1.0)] * 4), 40, tol_grad=0,
                    lr=np.array([0.5, 0.01, 0.3, 5.0]), tol_loss=1e-4)
    reasons = list(traj.stop_reason)
    assert reasons[0] == "converged_loss"  # lr 0.5 jumps to the minimum: loss change 2 then 0
    assert traj.stop_step[0] == 2
    assert reasons[1] == "max_steps" and traj.stop_step[1] == 40
    assert reasons[3] == "diverged"
    for run, k in enumerate(traj.stop_step):
        assert np.all(traj.positions[run, k:] == traj.positions[run, k])
        assert np.all(traj.lrs[run, k:] == 0.0)


def test_converged_at_the_start_takes_no_step():
    traj = simulate("bowl", "adam", (0.0, 0.0), 10, lr=0.1)
    assert traj.stop_reason[0] == "converged_grad" and traj.stop_step[0] == 0
    assert np.all(traj.positions == 0.0)


def test_divergence_never_leaks_nan_or_warnings():
    code = ("import warnings, numpy as np; warnings.simplefilter('error');"
            "from gdanim.engine import simulate;"
            "t = simulate('rosenbrock', 'gd', (-1.2, 1.0), 200, lr=0.1, diverge_at=1e300);"
            "assert t.stop_reason[0] == 'diverged', t.stop_reason;"
            "assert np.isfinite(t.positions).all() and not np.isnan(t.losses).any();"
            "print(t.stop_step[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert 1 <= int(out.stdout) < 200


def test_grid_of_lrs_and_starts_is_one_call():
    lrs = np.array([0.001, 0.01, 0.05, 0.1, 0.2])[:, None]
    starts = np.array([(1.0, 1.0), (-1.5, 0.5), (0.3, -2.0)])
    traj = simulate("valley", "gd", starts, 30, lr=lrs, tol_grad=0)
    assert traj.grid_shape == (5, 3) and traj.n_runs == 15
    single = simulate("valley", "gd", starts[2], 30, lr=0.05, tol_grad=0)
    np.testing.assert_array_equal(traj.positions[2 * 3 + 2], single.positions[0])
    np.testing.assert_array_equal(traj.lrs.reshape(5, 3, 30)[:, 0, 0], lrs[:, 0])


def test_betas_broadcast_per_run():
    traj = simulate("rosenbrock", "adam", (-1.2, 1.0), 20, lr=0.05,
                    betas=(np.array([0.5, 0.9]), 0.999), tol_grad=0)
    one = simulate("rosenbrock", "adam", (-1.2, 1.0), 20, lr=0.05, betas=(0.5, 0.999), tol_grad=0)
    np.testing.assert_array_equal(traj.positions[0], one.positions[0])
    assert not np.allclose(traj.positions[0], traj.positions[1])


def test_same_inputs_give_identical_bytes_and_key(tmp_path):
    kwargs = dict(noise=0.5, seed=7, lr=0.01)
    a = simulate("rastrigin", "sgd", (2.0, 2.0), 100, **kwargs)
    b = simulate("rastrigin", "sgd", (2.0, 2.0), 100, **kwargs)
    c = simulate("rastrigin", "sgd", (2.0, 2.0), 100, **{**kwargs, "seed": 8})
    assert a.positions.tobytes() == b.positions.tobytes()
    assert a.key == b.key and a.key != c.key
    assert not np.array_equal(a.positions, c.positions)
    a.save(tmp_path / "a.npz")
    b.save(tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_key_is_stable_across_processes():
    code = ("from gdanim.engine import simulate;"
            "print(simulate('valley', 'adam', (1.0, 1.0), 5, lr=0.1).key)")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
            for _ in range(2)}
    here = simulate("valley", "adam", (1.0, 1.0), 5, lr=0.1).key
    assert keys == {here + "\n"}


def test_save_and_load_roundtrip(tmp_path):
    traj = simulate("linear_regression", "sgd", [(0.0, 0.0), (1.0, 1.0)], 50, lr=0.05,
                    batch_size=4, seed=3)
    loaded = Trajectory.load(traj.save(tmp_path / "t.npz"))
    for name in ("positions", "losses", "gradients", "lrs", "velocity", "step_scale",
                 "sample_gradients", "stop_step"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(traj, name))
    assert list(loaded.stop_reason) == list(traj.stop_reason)
    assert loaded.key == traj.key and loaded.inputs == traj.inputs
    assert loaded.landscape.spec() == traj.landscape.spec()


def test_minibatch_gradients_are_noisy_but_unbiased():
    traj = simulate("linear_regression", "sgd", np.zeros((400, 2)), 1, lr=0.01, batch_size=5, seed=1)
    sampled = traj.sample_gradients[:, 0]
    exact = traj.gradients[0, 0]
    assert np.std(sampled[:, 0]) > 0.1 * abs(exact[0])
    sem = np.std(sampled, axis=0) / np.sqrt(400)
    assert np.all(np.abs(sampled.mean(axis=0) - exact) < 4 * sem)


def test_full_batch_equals_exact_gradient():
    full = simulate("linear_regression", "gd", (0.0, 0.0), 30, lr=0.1)
    batch = simulate("linear_regression", "gd", (0.0, 0.0), 30, lr=0.1,
                     batch_size=full.landscape.n_samples)
    np.testing.assert_array_equal(full.positions, batch.positions)
    assert full.sample_gradients is None


def test_noise_changes_path_but_gradient_record_stays_exact():
    traj = simulate("bowl", "sgd", (1.0, 1.0), 5, lr=0.1, noise=1.0, tol_grad=0)
    np.testing.assert_allclose(traj.gradients[0], 2 * traj.positions[0])
    assert not np.allclose(traj.sample_gradients[0], traj.gradients[0, :-1])


@pytest.mark.parametrize("call, message", [
    (lambda: simulate("bowll", "gd", (1, 1), 5), "unknown landscape 'bowll'"),
    (lambda: simulate("bowl", "adma", (1, 1), 5), "did you mean 'adam'"),
    (lambda: simulate("bowl", "gd", (1, 1), 5, lr=-0.1), "lr must be > 0"),
    (lambda: simulate("bowl", "gd", (1, 1), 5, lr=0.0), "lr must be > 0"),
    (lambda: simulate("bowl", "gd", (1, 2, 3), 5), "start must be one (x, y) pair"),
    (lambda: simulate("bowl", "gd", (np.nan, 1), 5), "start contains NaN"),
    (lambda: simulate("bowl", "adam", (1, 1), 5, momentum=0.9), "unknown hyperparameter 'momentum'"),
    (lambda: simulate("bowl", "gd", (1, 1), 5, momentum=0.9), "use 'sgd'"),
    (lambda: simulate("bowl", "gd", np.zeros((3, 2)), 5, lr=[0.1, 0.2]), "do not broadcast"),
    (lambda: simulate("bowl", "adam", (1, 1), 5, betas=(0.9, 1.0)), "betas must be in [0, 1)"),
    (lambda: simulate("bowl", "sgd", (1, 1), 5, nesterov=True), "nesterov needs momentum > 0"),
    (lambda: simulate("bowl", "gd", (1, 1), 0), "steps must be a whole number"),
    (lambda: simulate("bowl", "gd", (1, 1), 5, batch_size=4), "batch_size needs a data landscape"),
    (lambda: simulate("bowl", "gd", (1, 1), 5, schedule="warm"), "unknown schedule 'warm'"),
    (lambda: simulate("bowl", "gd", (1, 1), 5, noise=-1), "noise must be"),
    (lambda: simulate("bowl", "adam", (1, 1), 5, amsgrad="yes"), "amsgrad must be true or false"),
])
def test_bad_input_gets_one_clear_sentence(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_engine_imports_numpy_only():
    code = ("import sys, gdanim.engine, gdanim.landscapes;"
            "bad = [m for m in ('manim', 'click', 'sympy') if m in sys.modules];"
            "assert not bad, bad")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
