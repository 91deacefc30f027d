"""OptimizerRace and its Leaderboard: rankings, finish steps and DNFs checked against the
engine's losses, the caption text, and dry runs with default and altered params."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.config import ConfigError, build_params  # noqa: E402
from gdanim.display import inside_domain  # noqa: E402
from gdanim.landscapes import get_landscape  # noqa: E402
from gdanim.render import render_scene  # noqa: E402
from gdanim.visual.leaderboard import (  # noqa: E402
    GLYPHS,
    NOT_YET,
    GlyphWriter,
    Leaderboard,
    finish_steps,
    rank,
    standings,
)
from gdanim.visual.narration import wrap_caption  # noqa: E402
from gdanim.visual.theme import THEME  # noqa: E402
from scenes.l4_optimizer_race import (  # noqa: E402
    OptimizerRace,
    Params,
    curve_losses,
    drawn_steps,
    pack_captions,
    race_lrs,
    race_start,
    race_steps,
    result_segments,
    run_race,
    takeaway,
)

DIVERGING = dict(optimizers=["gd", "adam", "rmsprop"], lrs={"gd": 0.01})  # GD at 5x its stable rate


def race(**overrides):
    p = Params(**overrides)
    land = get_landscape(p.landscape)
    return p, run_race(land, p.optimizers, race_lrs(p), race_start(p, land), race_steps(p))


def board_for(p, traj):
    labels = [f"{name}  α={lr:g}" for name, lr in zip(p.optimizers, race_lrs(p))]
    return Leaderboard(traj, range(traj.n_runs), manim.ValueTracker(0), labels,
                       [THEME.text] * traj.n_runs, tolerance=p.tolerance)


def expected_order(losses, target, k):
    """The ranking rule written out plainly from the loss table: finished runs by the first
    step their loss reached the target, then the others by loss at step k."""
    done = {i: int(np.flatnonzero(losses[i, : k + 1] <= target)[0])
            for i in range(len(losses)) if np.any(losses[i, : k + 1] <= target)}
    return sorted(range(len(losses)), key=lambda i: (0, done[i], i) if i in done else (1, losses[i, k], i))


@pytest.fixture(scope="module")
def default_race():
    p, traj = race()
    return p, traj, board_for(p, traj)


def test_default_race_is_rosenbrock_with_stated_rates(default_race):
    p, traj, _ = default_race
    assert p.landscape == "rosenbrock" and race_start(p, get_landscape("rosenbrock")) == (-1.2, 1.0)
    assert race_steps(p) == 600 and traj.steps == 600 and traj.n_runs == 6
    assert race_lrs(p) == [0.002, 0.001, 0.001, 1.0, 0.01, 0.2]
    assert [r["optimizer"] for r in traj.inputs["runs"]] == p.optimizers
    assert [r["hyperparameters"]["lr"] for r in traj.inputs["runs"]] == race_lrs(p)
    assert set(traj.stop_reason) == {"max_steps"}  # tuned: nobody diverges
    np.testing.assert_allclose(traj.positions[:, 0], [[-1.2, 1.0]] * 6)  # one start


def test_finish_steps_are_first_steps_within_tolerance(default_race):
    p, traj, board = default_race
    assert board.target == pytest.approx(0.01)
    # gd, momentum, nesterov, adagrad, rmsprop, adam
    assert board.finish.tolist() == [NOT_YET, 318, 353, NOT_YET, NOT_YET, 360]
    for i, f in enumerate(board.finish):
        if f == NOT_YET:
            assert traj.losses[i].min() > 0.01
        else:
            assert traj.losses[i, f] <= 0.01 < traj.losses[i, :f].min()
    assert board.diverge.tolist() == [NOT_YET] * 6


@pytest.mark.parametrize("k", [0, 1, 5, 20, 100, 317, 318, 354, 360, 450, 600])
def test_board_order_equals_the_engine_loss_order(default_race, k):
    p, traj, board = default_race
    order = board.order_at(k).tolist()
    assert order == expected_order(traj.losses, 0.01, k)
    running = [i for i in order if board.finish[i] == NOT_YET or board.finish[i] > k]
    assert np.all(np.diff(traj.losses[running, k]) >= 0)  # the running runs: best loss first


def test_board_rows_state_loss_now_then_steps_to_finish(default_race):
    p, traj, board = default_race
    rows = board.rows_at(200)
    assert rows[0].startswith("momentum") and rows[0].endswith(f"{traj.losses[1, 200]:.1e}")
    rows = board.rows_at(600)
    assert [r.split()[0] for r in rows] == ["momentum", "nesterov", "adam", "rmsprop", "adagrad", "gd"]
    assert rows[0].endswith("done in 318 steps") and rows[2].endswith("done in 360 steps")
    assert rows[5].endswith(f"{traj.losses[0, 600]:.1e}") and traj.losses[0, 600] == pytest.approx(0.2387, abs=1e-4)


def test_diverged_run_is_dnf_from_its_divergence_step():
    p, traj = race(**DIVERGING)
    board = board_for(p, traj)
    assert traj.stop_reason.tolist() == ["diverged", "max_steps", "max_steps"]
    assert board.diverge.tolist() == [4, NOT_YET, NOT_YET] and traj.stop_step[0] == 4
    assert np.abs(traj.positions[0, 4]).max() > 1e6 >= np.abs(traj.positions[0, 3]).max()  # the engine's rule
    # before step 4 it is still racing, ranked by its (growing) loss
    assert board.order_at(1).tolist() == expected_order(traj.losses, 0.01, 1) == [2, 1, 0]
    assert board.rows_at(3)[-1].endswith(f"{traj.losses[0, 3]:.1e}")
    for k in (4, 50, 600):
        assert board.order_at(k)[-1] == 0 and board.rows_at(k)[-1].split()[-1] == "DNF"
    # ranked last even though a DNF's frozen loss would compare as a number: it is not ranked by loss
    order, finished_at, diverged_at = standings(traj.losses, board.finish, board.diverge, 600)
    assert diverged_at.tolist() == [4, NOT_YET, NOT_YET] and finished_at.tolist() == [NOT_YET, 360, NOT_YET]
    # the map stops the diverged trail before it leaves the plot
    land = traj.landscape
    last = drawn_steps(traj)
    assert last.tolist() == [1, 600, 600]
    assert inside_domain(land, traj.positions[0, 1]) and not inside_domain(land, traj.positions[0, 2])


def test_result_captions_read_the_standings():
    p, traj = race(**DIVERGING)
    board = board_for(p, traj)
    parts = result_segments(p.optimizers, traj, board.finish, board.diverge)
    assert parts == ["Finishing order: 1. Adam (360 steps).",
                     f"Still running, by loss: 2. RMSprop ({traj.losses[2, -1]:.2g}).",
                     "DNF: GD diverged at step 4."]
    assert pack_captions(parts) == [" ".join(parts)]


def test_default_result_captions(default_race):
    p, traj, board = default_race
    captions = pack_captions(result_segments(p.optimizers, traj, board.finish, board.diverge))
    assert captions == ["Finishing order: 1. momentum (318 steps), 2. Nesterov (353), 3. Adam (360).",
                        "Still running, by loss: 4. RMSprop (0.13), 5. AdaGrad (0.16), 6. GD (0.24)."]
    for caption in captions:
        assert wrap_caption(caption).count("\n") <= 1


def test_takeaway_names_the_winner_from_the_standings(default_race):
    p, traj, board = default_race
    assert board.order_at(600)[0] == 1  # momentum finished first
    assert takeaway(p.optimizers, traj, board.finish, board.diverge, "Rosenbrock").startswith(
        "Momentum wins on Rosenbrock with these rates.")
    p, traj = race(landscape="himmelblau")
    board = board_for(p, traj)
    assert board.finish.tolist() == [13, 93, 38, 53, 97, 71]  # GD first on Himmelblau
    assert takeaway(p.optimizers, traj, board.finish, board.diverge, "Himmelblau").startswith("GD wins")
    p, traj = race(optimizers=["gd"], lrs={"gd": 0.01})
    board = board_for(p, traj)
    assert takeaway(p.optimizers, traj, board.finish, board.diverge, "Rosenbrock").startswith("Every racer diverged")


def test_loss_curve_caps_a_diverged_run_only():
    p, traj = race(**DIVERGING)
    capped = curve_losses(traj)
    ceiling = 100 * traj.losses[:, 0].max()
    assert traj.losses[0, -1] > 1e30 and capped[0, -1] == pytest.approx(ceiling)
    np.testing.assert_array_equal(capped[1:], traj.losses[1:])


def test_rank_rules():
    nan = np.nan
    # finished by step, then running by loss (nan last), then DNF (longest lasting first)
    order = rank([5.0, 0.1, nan, 3.0, 9.0, 1.0], [NOT_YET, 40, NOT_YET, NOT_YET, NOT_YET, 12],
                 [NOT_YET, NOT_YET, NOT_YET, 7, 20, NOT_YET])
    assert order.tolist() == [5, 1, 0, 2, 4, 3]
    assert rank([1.0, 1.0, 0.5], [NOT_YET] * 3, [NOT_YET] * 3).tolist() == [2, 0, 1]  # ties keep input order
    assert finish_steps(np.array([[3.0, 0.5, 0.1], [3.0, 2.0, 1.0]]), 0.5).tolist() == [1, NOT_YET]


def test_glyph_writer_keeps_every_glyph_of_a_long_text():
    writer = GlyphWriter(GLYPHS + "α", font=THEME.mono, font_size=20)
    assert set(writer.glyphs) == set(GLYPHS + "α")
    for c, pts in writer.glyphs.items():  # each glyph drawn, and inside its own cell
        assert len(pts), c
        assert -0.3 * writer.advance < pts[:, 0].min() and pts[:, 0].max() < 1.3 * writer.advance, c
    text = GLYPHS  # far longer than one chunk: its last glyph must land at the end of the line
    pts = writer.points(text)
    last = writer.glyphs[text[-1]]
    np.testing.assert_allclose(pts[-len(last):, 0], last[:, 0] + (len(text) - 1) * writer.advance)
    assert pts[:, 0].max() == pytest.approx((len(text) - 1) * writer.advance + last[:, 0].max())


def test_params_are_checked():
    with pytest.raises(ConfigError, match="unknown landscape"):
        build_params(Params, {"landscape": "volcano"}, where="OptimizerRace")
    with pytest.raises(ConfigError, match="not in optimizers"):
        build_params(Params, {"optimizers": ["gd", "adam"], "lrs": {"rmsprop": 0.1}}, where="OptimizerRace")
    with pytest.raises(ConfigError, match="repeat"):
        build_params(Params, {"optimizers": ["gd", "gd"]}, where="OptimizerRace")
    with pytest.raises(ConfigError, match="outside"):
        build_params(Params, {"start": [9.0, 9.0]}, where="OptimizerRace")


def test_dry_run_defaults(tmp_path):
    assert render_scene(OptimizerRace, Params(), quality="tiny", out_dir=tmp_path, dry_run=True) is None


def test_dry_run_altered_params(tmp_path):
    params = Params(landscape="himmelblau", optimizers=["gd", "adam", "momentum"], lrs={"gd": 0.05},
                    steps=60, first_steps=10, first_seconds=1.0, race_seconds=2.0, hold_seconds=0.5)
    render_scene(OptimizerRace, params, quality="tiny", out_dir=tmp_path, dry_run=True)
    p, traj = race(landscape="himmelblau", optimizers=["gd", "adam", "momentum"], lrs={"gd": 0.05}, steps=60)
    assert traj.stop_reason[0] == "diverged" and board_for(p, traj).rows_at(60)[-1].endswith("DNF")
