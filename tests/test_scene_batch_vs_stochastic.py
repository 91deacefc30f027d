"""BatchVsStochastic: fitted lines against the engine's (w, b), the scatter against the data,
seeded reproducibility, the captions' numbers, and dry runs."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.engine import simulate  # noqa: E402
from gdanim.render import render_scene  # noqa: E402
from gdanim.visual.narration import TitleCard, wrap_caption  # noqa: E402
from gdanim.visual.regression_plot import (  # noqa: E402
    FitLegend,
    RegressionPlot,
    batch_size_of,
    clip_line,
    fit_at,
    gradient_evaluations,
    legend_values,
)
from scenes.l6_batch_vs_stochastic import (  # noqa: E402
    SUBTITLE,
    TITLE,
    BatchVsStochastic,
    Params,
    budget_steps,
    noise_range,
    regression_landscape,
    result_captions,
    run_methods,
)

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


def test_runs_record_their_batch_and_count_gradients(land, trajs):
    assert land.n_samples == P.n_samples == 50
    assert [batch_size_of(trajs[k]) for k in ("full", "mini", "sgd")] == [50, P.mini_batch, 1]
    assert trajs["full"].sample_gradients is None  # the exact gradient every step
    assert trajs["sgd"].sample_gradients is not None and trajs["mini"].sample_gradients is not None
    for key, size in (("full", 50), ("mini", 8), ("sgd", 1)):
        assert [gradient_evaluations(trajs[key], 0, k) for k in (0, 1, 7, P.steps)] == [0, size, 7 * size,
                                                                                        P.steps * size]


def test_same_seed_same_paths_other_seed_other_stochastic_paths(land, trajs):
    again = run_methods(land, P)
    for key in trajs:
        assert np.array_equal(again[key].positions, trajs[key].positions)
    other = run_methods(land, Params(seed=P.seed + 1))
    assert np.array_equal(other["full"].positions, trajs["full"].positions)  # no sampling in full batch
    for key in ("mini", "sgd"):
        assert not np.allclose(other[key].positions, trajs[key].positions)
    # the scene's SGD run is exactly the engine's batch_size=1 run with that seed
    direct = simulate(land, "gd", P.start, P.steps, lr=P.lr, batch_size=1, seed=P.seed, tol_grad=0.0)
    assert np.array_equal(direct.positions, trajs["sgd"].positions)


def test_sgd_is_noisier_than_mini_batch_than_full_batch(trajs):
    # how much the loss goes up and down over the second half of the run
    bounce = {k: np.abs(np.diff(t.losses[0, P.steps // 2:])).sum() for k, t in trajs.items()}
    assert bounce["full"] < bounce["mini"] < bounce["sgd"]
    assert np.all(np.diff(trajs["full"].losses[0]) <= 1e-12)  # full batch: the loss only falls


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
    assert legend_values(trajs["sgd"], 0, 12) == f"loss  {trajs['sgd'].losses[0, 12]:.3f}\ngrads 12"
    assert legend_values(trajs["full"], 0, P.steps) == f"loss  {trajs['full'].losses[0, -1]:.3f}\ngrads 2000"
    step.set_value(12.6)
    legend.update()
    assert legend._shown == 12
    for slot, row in zip(legend.slots, legend._rows(12)):
        assert np.allclose(slot.points, np.vstack([m.points for m in row.family_members_with_points()]))


def test_captions_quote_the_engine_and_fit(trajs):
    captions = result_captions(trajs, P)
    full, mini, sgd = trajs["full"], trajs["mini"], trajs["sgd"]
    assert budget_steps(trajs) == 320 // 50 == 6
    lo, hi = noise_range(sgd, P.noise_window)
    assert lo == sgd.losses[0, -P.noise_window:].min() and hi == sgd.losses[0, -P.noise_window:].max()
    assert hi - lo > 0.1  # SGD keeps bouncing near the end
    assert f"loss {full.losses[0, -1]:.3f} from 2000 sample gradients" in captions[0]
    assert f"{mini.losses[0, -1]:.3f} from 320 (mini-batch), {sgd.losses[0, -1]:.3f} from 40 (SGD)" in captions[0]
    assert (f"mini-batch reaches loss {mini.losses[0, -1]:.3f}, full batch (6 steps) only "
            f"{full.losses[0, 6]:.3f}") in captions[1]
    assert full.losses[0, 6] > mini.losses[0, -1]  # the claim the caption makes
    assert f"from {lo:.3f} to {hi:.3f}" in captions[2]
    for caption in captions:
        wrap_caption(caption)
    assert TitleCard(TITLE, SUBTITLE).width < FRAME_WIDTH - 0.5


def test_params_are_checked():
    with pytest.raises(ValueError, match="mini_batch"):
        Params(mini_batch=80)
    with pytest.raises(ValueError, match="noise_window"):
        Params(steps=5, noise_window=10)
    with pytest.raises(ValueError):
        Params(optimizer="nope")


def test_dry_run_defaults(tmp_path):
    render_scene(BatchVsStochastic, Params(), quality="tiny", out_dir=tmp_path, dry_run=True)


def test_dry_run_altered_params(tmp_path):
    params = Params(n_samples=30, noise_std=0.8, data_seed=3, optimizer="momentum", lr=0.05, start=(4.0, 1.0),
                    steps=12, mini_batch=4, seed=7, first_steps=2, noise_window=4, seconds_per_step=0.1)
    render_scene(BatchVsStochastic, params, quality="tiny", out_dir=tmp_path, dry_run=True)
