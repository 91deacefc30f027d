"""MomentumRavine's manim side: the look-ahead ghost's geometry against the engine's arrays,
Nesterov's card and key in one notation, and dry runs (defaults and altered params) that must
say exactly what the plan says. The plan's claims are tested without manim in
tests/lessons/test_momentum_ravine.py."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.display import ball_positions  # noqa: E402
from gdanim.lessons.momentum_ravine import Params, plan  # noqa: E402
from gdanim.optimizers import OPTIMIZERS  # noqa: E402
from gdanim.render import dry_run_cues  # noqa: E402
from gdanim.visual.arrows import step_vector  # noqa: E402
from gdanim.visual.contours import ContourMap  # noqa: E402
from gdanim.visual.lookahead import LookaheadGhost, dash_segments  # noqa: E402
from gdanim.theme import THEME  # noqa: E402
from scenes.l3_momentum_ravine import (  # noqa: E402
    GHOST_KEY,
    LOOKAHEAD_SLOPE_KEY,
    MomentumRavine,
    nesterov_card,
)

P = Params()


@pytest.fixture(scope="module")
def nesterov():
    return plan(P).runs["nesterov"]


def test_the_ball_coasts_on_the_carried_velocity_to_the_look_ahead_point(nesterov):
    traj, n = nesterov.traj, nesterov.stop
    phi, theta, g = ball_positions(traj, P.beta)[0], traj.positions[0], traj.gradients[0]
    for k in range(n):  # the dashed jump is StepArrow's "velocity" step, −αβv
        assert np.allclose(phi[k] + step_vector(traj, 0, k, "velocity", P.beta), theta[k])
    # the gradient step measured at the look-ahead point lands on the next ball position
    assert np.allclose(phi[1:n], theta[: n - 1] - P.nesterov_lr * g[: n - 1])
    assert np.allclose(phi[n:], theta[n:])  # once stopped, ball and look-ahead coincide


def test_dash_segments_split_the_jump_evenly():
    segs = dash_segments(np.zeros(3), np.array([4.0, 0, 0]), 4, ratio=0.5)
    assert segs.shape == (4, 2, 3)
    assert np.allclose(segs[:, 0, 0], [0, 1, 2, 3]) and np.allclose(segs[:, 1, 0], [0.5, 1.5, 2.5, 3.5])


def test_lookahead_ghost_sits_on_the_engine_positions(nesterov):
    traj = nesterov.traj
    stage = ContourMap(traj.landscape, width=5.0, samples=40, levels=4)
    step = manim.ValueTracker(0)
    ghost = LookaheadGhost(stage, traj, 0, step, color=THEME.role_colors["lookahead"], momentum=P.beta, dashes=6)
    for k in (1, 3, 5):
        step.set_value(k + 0.5)  # between steps the glyph shows step k, like StepArrow
        ghost.update()
        ball, look = stage.to_scene(np.array([nesterov.path[k], traj.positions[0, k]]), lift=0.03)
        assert np.allclose(ghost.ring.get_center(), look)
        assert np.allclose(ghost.dash.points[0], ball)
        assert len(ghost.dash.get_subpaths()) == 6
        assert ghost.ring.get_stroke_opacity() == 1.0
    step.set_value(nesterov.stop)
    ghost.update()
    assert ghost.ring.get_stroke_opacity() == 0.0 and ghost.dash.get_stroke_opacity() == 0.0


def test_nesterov_card_is_the_spec_rule_with_the_look_ahead_coloured():
    """Each isolated symbol's glyphs wear its role's colour: θ̃ and θ − αβ the ghost's, ∇L the
    gradient arrow's (the gradient is taken at the look-ahead point)."""
    rows = nesterov_card("Nesterov, α = 0.04, β = 0.6")[1][1]
    assert len(rows) == len(OPTIMIZERS["nesterov"].rule) == 3
    colours: dict[str, set] = {}
    for row in rows:
        for tex, group_id in row._substring_matches:
            glyphs = row.id_to_vgroup_dict[group_id].submobjects
            colours.setdefault(tex, set()).update(g.get_color().to_hex().upper() for g in glyphs)
    lookahead, gradient = THEME.role_colors["lookahead"].upper(), THEME.role_colors["gradient"].upper()
    assert colours[r"\tilde\theta"] == colours[r"\theta - \alpha \beta"] == {lookahead}
    assert colours[r"\theta - \alpha\beta"] == {lookahead}
    assert colours[r"\nabla L"] == {gradient}


def test_key_names_the_card_symbols():
    torch_line = OPTIMIZERS["nesterov"].rule[2].replace("{{v}}", "v")
    ghost_says = GHOST_KEY.split("} ", 1)[1]  # after "\text{look-ahead point }"
    assert ghost_says in torch_line  # θ̃ = θ − αβv, as on the card
    assert r"\nabla L(\tilde\theta)" in LOOKAHEAD_SLOPE_KEY and r"\nabla L(\tilde\theta)" in torch_line


@pytest.mark.parametrize("values", [
    {},
    {"landscape_params": {"k": 50.0}, "race_first_seconds": 1.0, "race_rest_seconds": 1.0},  # all diverge
    {"landscape": "bowl", "start": (-1.6, 1.2), "steps": 30, "slow_steps": 1, "solo_steps": 4,
     "race_first_steps": 5, "race_first_seconds": 1.0, "race_rest_seconds": 1.0, "hold_seconds": 0.2},
])
def test_dry_run_says_exactly_the_plan(tmp_path, values):
    p = Params(**values)
    assert [c.text for c in dry_run_cues(MomentumRavine, p, out_dir=tmp_path)] == plan(p).cue_texts()


PARAM_SETS = [
    {},
    {"landscape_params": {"k": 50.0}, "race_first_seconds": 1.0, "race_rest_seconds": 1.0},  # all diverge
    {"landscape": "bowl", "start": (-1.6, 1.2), "slow_steps": 1, "solo_steps": 4},  # no ravine, one slow step
]


@pytest.mark.parametrize("values", PARAM_SETS)
def test_pausing_at_the_end_of_a_cue_shows_that_cues_picture(tmp_path, values):
    """test_visual's invariant for this scene: every play inside a beat lies within its cue (its
    caption's fade-out just after); no other play - a panel swap, the next run - overlaps a caption."""
    from test_visual import assert_beats_own_their_plays, beat_plays


    p = Params(**values)
    cues, plays = beat_plays(MomentumRavine, p, tmp_path)
    assert [c.text for c in cues] == plan(p).cue_texts()
    assert_beats_own_their_plays(cues, plays)
