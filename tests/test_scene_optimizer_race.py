"""OptimizerRace's manim side: the Leaderboard draws the plan's standings step by step (rows,
DNFs, finish steps against the engine's losses), its glyphs, the trails cut at the plot's edge,
and dry runs whose captions are exactly the plan's."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.config import ConfigError, build_params  # noqa: E402
from gdanim.display import inside_domain, shown_steps  # noqa: E402
from gdanim.render import dry_run_cues  # noqa: E402
from gdanim.lessons.optimizer_race import NOT_YET  # noqa: E402
from gdanim.visual.leaderboard import GLYPHS, GlyphWriter, Leaderboard, status_text  # noqa: E402
from gdanim.theme import THEME  # noqa: E402
from scenes.l4_optimizer_race import OptimizerRace, Params, plan  # noqa: E402

DIVERGING = dict(optimizers=["gd", "adam", "rmsprop"], lrs={"gd": 0.01})  # GD at 5x its stable rate


def board_for(race):
    return Leaderboard(race.traj, range(race.traj.n_runs), manim.ValueTracker(0), race.labels,
                       [THEME.text] * race.traj.n_runs, target=race.target, note=race.board_note)


def expected_order(losses, target, k):
    """The ranking rule written out plainly from the loss table: finished runs by the first
    step their loss reached the target, then the others by loss at step k."""
    done = {i: int(np.flatnonzero(losses[i, : k + 1] <= target)[0])
            for i in range(len(losses)) if np.any(losses[i, : k + 1] <= target)}
    return sorted(range(len(losses)), key=lambda i: (0, done[i], i) if i in done else (1, losses[i, k], i))


@pytest.fixture(scope="module")
def default_race():
    race = plan(Params()).runs
    return race, board_for(race)


@pytest.mark.parametrize("k", [0, 1, 5, 20, 100, 317, 318, 354, 360, 450, 600])
def test_board_order_equals_the_engine_loss_order(default_race, k):
    race, board = default_race
    traj = race.traj
    assert board.target == pytest.approx(0.01)
    order = board.order_at(k).tolist()
    assert order == expected_order(traj.losses, 0.01, k)
    running = [i for i in order if board.finish[i] == NOT_YET or board.finish[i] > k]
    assert np.all(np.diff(traj.losses[running, k]) >= 0)  # the running runs: best loss first


def test_board_rows_state_loss_now_then_steps_to_finish(default_race):
    race, board = default_race
    traj = race.traj
    rows = board.rows_at(200)
    assert rows[0].startswith("momentum") and rows[0].endswith("  0.035")  # as captions write it
    assert traj.losses[1, 200] == pytest.approx(0.0352, rel=1e-2)
    assert "α = 0.001" in rows[0]  # the label the plan wrote, with its rate
    rows = board.rows_at(600)
    assert [r.split()[0] for r in rows] == ["momentum", "Nesterov", "Adam", "RMSprop", "AdaGrad", "GD"]
    assert rows[0].endswith("done in 318 steps") and rows[2].endswith("done in 360 steps")
    assert board.order_at(600).tolist() == race.order.tolist()  # the board ends on the plan's standings


def test_diverged_run_is_dnf_from_its_divergence_step():
    race = plan(Params(**DIVERGING)).runs
    board, traj = board_for(race), race.traj
    assert traj.stop_reason.tolist() == ["diverged", "max_steps", "max_steps"]
    assert board.diverge.tolist() == [4, NOT_YET, NOT_YET] and traj.stop_step[0] == 4
    assert board.order_at(1).tolist() == expected_order(traj.losses, 0.01, 1) == [2, 1, 0]
    assert board.rows_at(3)[-1].endswith("  2.5×10¹²") and traj.losses[0, 3] == pytest.approx(2.53e12, rel=1e-2)
    for k in (4, 50, 600):
        assert board.order_at(k)[-1] == 0 and board.rows_at(k)[-1].split()[-1] == "DNF"
    # the map stops the diverged trail before it leaves the plot
    land = traj.landscape
    last = shown_steps(traj)
    assert last.tolist() == [1, 600, 600]
    assert inside_domain(land, traj.positions[0, 1]) and not inside_domain(land, traj.positions[0, 2])


def test_no_finish_line_board():
    race = plan(Params(landscape="saddle", optimizers=["gd", "rmsprop"])).runs
    board = board_for(race)
    assert board.target is None and board.finish.tolist() == [NOT_YET, NOT_YET]
    assert board.order_at(300).tolist() == [1, 0]  # RMSprop lower on the saddle


def test_status_text_counts_steps():
    assert status_text(0.5, 1, NOT_YET) == "done in 1 step"  # was 'done in 1 steps'
    assert status_text(0.5, 12, NOT_YET) == "done in 12 steps"
    assert status_text(0.5, NOT_YET, 3) == "DNF"


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


def test_params_are_checked_through_the_config():
    with pytest.raises(ConfigError, match="unknown landscape"):
        build_params(Params, {"landscape": "volcano"}, where="OptimizerRace")
    with pytest.raises(ConfigError, match="not among the optimizers"):
        build_params(Params, {"optimizers": ["gd", "adam"], "lrs": {"rmsprop": 0.1}}, where="OptimizerRace")
    with pytest.raises(ConfigError, match="outside"):
        build_params(Params, {"start": [9.0, 9.0]}, where="OptimizerRace")


def test_scene_uses_the_plan():
    assert OptimizerRace.Params is Params and OptimizerRace.plan is plan


@pytest.mark.parametrize("values", [
    {},
    dict(landscape="himmelblau", optimizers=["gd", "adam", "momentum"], lrs={"gd": 0.05}, steps=60,
         first_steps=10, first_seconds=1.0, race_seconds=2.0, hold_seconds=0.5),
    dict(optimizers=["gd", "momentum"], lrs={"gd": 0.05, "momentum": 0.05}, first_seconds=1.0, hold_seconds=0.0),
], ids=["defaults", "himmelblau-diverging", "all-diverge"])
def test_dry_run_says_exactly_the_plan(tmp_path, values):
    p = Params(**values)
    assert [c.text for c in dry_run_cues(OptimizerRace, p, out_dir=tmp_path)] == plan(p).cue_texts()


BEAT_SETS = [
    {},
    dict(landscape="himmelblau", optimizers=["gd", "adam", "momentum"], lrs={"gd": 0.05}, steps=60,
         first_steps=10, first_seconds=1.0, race_seconds=2.0, hold_seconds=0.5),
    dict(optimizers=["gd", "momentum"], lrs={"gd": 0.05, "momentum": 0.05}, first_seconds=1.0, hold_seconds=0.0),
    dict(landscape="saddle", optimizers=["gd", "sgd", "rmsprop"], lrs={"gd": 0.01, "sgd": 0.01}, steps=40),
    dict(optimizers=["adam"], steps=20, first_steps=20),
]


@pytest.mark.parametrize("values", BEAT_SETS, ids=["defaults", "himmelblau-diverging", "all-diverge",
                                                   "saddle-identical", "time-trial"])
def test_pausing_at_the_end_of_a_cue_shows_that_cues_picture(tmp_path, values):
    """test_visual's invariant for this scene: every play inside a beat lies within its cue (its
    caption's fade-out just after); no other play - the course, the board - overlaps a caption.
    And something plays under every caption (no dead picture), and lighting rows leaves the board whole."""
    from test_visual import assert_beats_own_their_plays, beat_plays

    from gdanim.subtitles import CardCue

    class Watched(OptimizerRace):  # what the scene holds at its end
        def tear_down(self):
            end.update(board=self.board, mobjects=list(self.mobjects), parts=[self.curve, *self.tracers])
            super().tear_down()

    end = {}
    p = Params(**values)
    cues, plays = beat_plays(Watched, p, tmp_path)
    assert [c.text for c in cues] == plan(p).cue_texts()
    # the highlights left the board whole and live: still in the scene, its updater at the last step
    assert end["board"] in end["mobjects"] and end["board"]._shown == plan(p).runs.steps
    assert all(part in end["mobjects"] for part in end["parts"])
    assert_beats_own_their_plays(cues, plays)
    # no dead caption: something plays under every caption for most of its cue
    for cue in (c for c in cues if not isinstance(c, CardCue)):
        played = sum(min(end, cue.end) - max(start, cue.start) for start, end, beat in plays if beat == cue.text)
        assert played >= 0.8 * (cue.end - cue.start), (cue.text, played, cue.end - cue.start)
