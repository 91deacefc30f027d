"""MomentumRavine's manim side: the look-ahead ghost's geometry against the engine's arrays,
Nesterov's card and key in one notation, and dry runs (defaults and altered params) that must
say exactly what the plan says. The plan's claims are tested without manim in
tests/lessons/test_momentum_ravine.py."""

import re

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.display import ball_positions  # noqa: E402
from gdanim.lessons.momentum_ravine import Params, plan  # noqa: E402
from gdanim.optimizers import OPTIMIZERS  # noqa: E402
from gdanim.render import dry_run_cues  # noqa: E402
from gdanim.visual.arrows import step_vector  # noqa: E402
from gdanim.visual.contours import ContourMap  # noqa: E402
from gdanim.visual.value_labels import clearance, polyline_samples  # noqa: E402
from gdanim.wording import sci  # noqa: E402
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


# --- the values the solo captions quote, on the map -------------------------------------------

NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def solo_pictures(tmp_path, p):
    """Dry run; per solo steps beat: its caption and facts, the marks it drew (with the map
    they sit on) and the step the readout shows as it ends."""
    seen = []

    class Probe(MomentumRavine):
        def solo_steps(self, beat, racer):
            super().solo_steps(beat, racer)
            seen.append((beat, self.marks_drawn, self.readout.shown, self.stage))

        def value_marks(self, facts):
            self.marks_drawn = super().value_marks(facts)
            return self.marks_drawn

    dry_run_cues(Probe, p, out_dir=tmp_path)
    return seen


def engine_paths(p):
    """Each racer's path as its ball is drawn, from the engine here (Nesterov's ball is the
    classical iterate, checked against the engine above)."""
    from gdanim.engine import simulate
    from gdanim.landscapes import get_landscape

    land = get_landscape(p.landscape, **p.landscape_params)
    paths = {}
    for name in ("gd", "momentum", "nesterov"):
        extra = {} if name == "gd" else {"momentum": p.beta}
        traj = simulate(land, name, p.start, p.steps, lr=p.lr(name), tol_grad=p.tol_grad, **extra)
        paths[name] = ball_positions(traj, p.beta)[0] if name == "nesterov" else traj.positions[0]
    return land, paths


def farthest_swing(values):
    first = next((v for v in values if v != 0), 0.0)
    crossed = [k for k, v in enumerate(values) if v * first < 0]
    return None if not crossed else max(range(crossed[0], len(values)), key=lambda j: abs(values[j]))


def steps_said(caption: str) -> int:
    word = re.search(r"[Ii]n (\w+) steps?", caption).group(1)
    return NUMBER_WORDS.index(word) if word in NUMBER_WORDS else int(word)


@pytest.mark.parametrize("values", [
    {},
    {"start": (2.0, -1.2), "gd_lr": 0.08, "beta": 0.7},
    {"landscape": "bowl", "start": (-1.6, 1.2), "slow_steps": 1, "solo_steps": 4},  # no ravine: losses
])
def test_the_values_a_solo_caption_quotes_are_written_where_the_path_takes_them(tmp_path, values):
    """GD's farthest swing past the floor, x at the first and last step shown, Nesterov's swing
    and momentum's beside it (or, off the valley, the loss at both ends): each label says what
    its caption says, at the engine's point; the readout shows the steps the caption counts."""
    p = Params(**values)
    land, paths = engine_paths(p)
    seen = solo_pictures(tmp_path, p)
    assert seen
    checked = 0
    for beat, marks, readout, stage in seen:
        run, w, caption = beat.facts["run"], beat.facts["window"], beat.caption
        assert readout == w == steps_said(caption)
        labels = {m.text: m for m in marks if hasattr(m, "text")}
        path = paths[run][: w + 1]
        if land.name == "valley":
            k = farthest_swing(path[:, 1])
            if run == "gd":
                swing, start, end = sci(abs(path[k, 1])), f"x = {sci(path[0, 0])}", f"x = {sci(path[w, 0])}"
                assert f"up to {swing} past it" in caption and f"from {sci(path[0, 0])} to {sci(path[w, 0])}" in caption
                assert set(labels) == {swing, start, end}
                for text, point in ((start, path[0]), (end, path[w]), (swing, path[k])):
                    assert np.allclose(labels[text].point, point)
                checked += 3
            if run == "nesterov":
                mom = paths["momentum"][: w + 1]
                j = farthest_swing(mom[:, 1])
                mine, theirs = sci(abs(path[k, 1])), f"momentum {sci(abs(mom[j, 1]))}"
                assert f"swings up to {mine} past the floor, momentum up to {theirs.split()[1]}" in caption
                assert set(labels) == {mine, theirs}
                for text, point in ((mine, path[k]), (theirs, mom[j])):
                    mark = labels[text]
                    assert np.allclose(mark.point, point)
                    line_ends = mark[0].get_start_and_end()  # the dimension line: floor -> point
                    floor = np.array([point[0], 0.0])
                    assert np.allclose(line_ends, stage.to_scene(np.array([floor, point]), lift=0.03))
                checked += 2
        elif run in ("gd", "momentum"):
            start, end = f"loss {sci(land.value(path[0]))}", f"loss {sci(land.value(path[w]))}"
            assert f"the loss goes from {start[5:]} to {end[5:]}." in caption
            assert set(labels) == {start, end}
            assert np.allclose(labels[start].point, path[0]) and np.allclose(labels[end].point, path[w])
            checked += 2
        trail = polyline_samples(stage.to_scene(path))
        for m in labels.values():  # on the map, clear of the path it labels
            box = m[2] if len(m) == 3 else m  # a swing mark's label, or a point's
            assert clearance(box, trail) > 0
            frame = stage.frame
            assert frame.get_left()[0] - 1e-6 <= box.get_left()[0] and box.get_right()[0] <= frame.get_right()[0] + 1e-6
            assert frame.get_bottom()[1] - 1e-6 <= box.get_bottom()[1] and box.get_top()[1] <= frame.get_top()[1] + 1e-6
    assert checked >= 3


@pytest.mark.parametrize("values", [{}, {"tol_grad": 0.05, "steps": 80}])
def test_the_race_legend_says_when_a_racer_stops(tmp_path, values):
    """'each until ‖∇L‖ < 0.01 (at most 200 steps)': the tolerance and budget in the legend."""
    seen = {}

    class Probe(MomentumRavine):
        def beat_race(self, beat, lesson):
            super().beat_race(beat, lesson)
            seen["heading"], seen["caption"] = self.legend_heading.text, beat.caption
            seen["right"] = max(m.get_right()[0] for m in self.shown[0])

    p = Params(**values)
    dry_run_cues(Probe, p, out_dir=tmp_path)
    until, budget = f"‖∇L‖ < {p.tol_grad}", f"{p.steps} steps"
    assert seen["heading"] == f"each until {until}, at most {budget}"
    assert f"each until {until} (at most {budget})." in " ".join(seen["caption"].split())
    assert seen["right"] < manim.config.frame_width / 2  # the legend stays in the frame
