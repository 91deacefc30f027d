"""ConvergenceCriteria's manim side: the CriteriaPanel's gauges against the engine's arrays, and
dry runs (defaults and altered params) that must say exactly what the plan says. The plan's
claims are tested without manim in tests/lessons/test_convergence_criteria.py."""

import math

import numpy as np
import pytest

manim = pytest.importorskip("manim")

from gdanim.lessons.convergence_criteria import (  # noqa: E402
    RULES,
    Params,
    Tolerances,
    fired_rule,
    plan,
    reading,
    rules_met,
    run_all,
)
from gdanim.render import dry_run_cues  # noqa: E402
from gdanim.visual.criteria_panel import (  # noqa: E402
    CriteriaPanel,
    GaugeScale,
    log_scale,
    tolerance_tex,
    value_text,
)
from gdanim.theme import THEME  # noqa: E402
from scenes.l8_convergence_criteria import ConvergenceCriteria  # noqa: E402

P = Params()


@pytest.fixture(scope="module")
def traj():
    return run_all(P)


@pytest.fixture(scope="module")
def panel(traj):
    step = manim.ValueTracker(0)
    return CriteriaPanel(traj, range(traj.n_runs), step, [f"a{i}" for i in range(traj.n_runs)],
                         THEME.run_colors[: traj.n_runs]), step


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
    assert tolerance_tex(1e-5) == r"1 \times 10^{-5}" and tolerance_tex(0.01) == "0.01"  # captions: 1×10⁻⁵
    assert tolerance_tex(2.5e-6) == r"2.5 \times 10^{-6}"


def test_panel_values_keep_their_side_of_the_tolerance():
    """A value just under its tolerance is printed with the figures that show it (not 0.01)."""
    from gdanim.lessons.convergence_criteria import Reading

    assert value_text("grad", Reading(41, 0.009979836, 1e-6), 0.01) == "0.00998"
    assert value_text("grad", Reading(41, 0.5, 1e-6), 0.01) == "0.5"
    assert value_text("loss", Reading(41, 0.5, 1.234e-7), 1e-5) == "1.2×10⁻⁷"
    assert value_text("loss", Reading(0, 1.0, math.nan), 1e-5) == "-"
    assert value_text("loss", Reading(3, math.inf, math.inf), 1e-5) == "inf"
    assert value_text("steps", Reading(7, 1.0, 1.0)) == "k = 7"


def test_panel_lights_no_rule_for_an_overflowed_run():
    """goldstein_price, Nesterov, α = 10: the engine freezes the overflowed step (ΔL = 0); the
    panel must not turn its loss bar green, and prints inf."""
    p = Params(landscape="goldstein_price", optimizer="nesterov", start=(-1.0, -1.5), lrs=[10.0, 0.001])
    traj = run_all(p)
    step = manim.ValueTracker(0)
    board = CriteriaPanel(traj, range(traj.n_runs), step, ["a", "b"], THEME.run_colors[:2])
    k = int(traj.stop_step[0])
    step.set_value(k)
    board.refresh()
    for c, rule in enumerate(RULES[:2]):
        assert board.bars[0][c].get_fill_color().to_hex().lower() == THEME.run_colors[0].lower()
        assert board.boxes[0][c].get_stroke_opacity() == 0


@pytest.mark.parametrize("overrides", [
    {},
    {"landscape": "bowl", "start": (-1.6, 1.2), "lrs": [0.3, 0.01], "steps": 40, "tol_grad": 1e-3, "tol_loss": 0.0,
     "seconds_per_step": 0.2, "segment_seconds": 2.0},
    {"landscape": "bowl", "optimizer": "rmsprop", "start": (-1.6, 1.2), "lrs": [0.5, 0.05],
     "seconds_per_step": 0.2, "segment_seconds": 2.0},
], ids=["defaults", "bowl-grad-only", "leaves-plot"])
def test_dry_run_says_exactly_the_plan(tmp_path, overrides):
    p = Params(**overrides)
    assert [c.text for c in dry_run_cues(ConvergenceCriteria, p, out_dir=tmp_path)] == plan(p).cue_texts()


@pytest.mark.parametrize("overrides", [
    {},
    {"landscape": "bowl", "optimizer": "rmsprop", "start": (-1.6, 1.2), "lrs": [0.5, 0.05],
     "seconds_per_step": 0.2, "segment_seconds": 2.0},
], ids=["defaults", "leaves-plot"])
def test_pausing_at_the_end_of_a_cue_shows_that_cues_picture(tmp_path, overrides):
    """Nothing of the next beat is drawn while a caption is up (tests/test_visual.py's invariant):
    every play inside a beat lies within its cue, and no play outside a beat overlaps a caption."""
    from test_visual import assert_beats_own_their_plays, beat_plays

    from gdanim.subtitles import CardCue

    cues, plays = beat_plays(ConvergenceCriteria, Params(**overrides), tmp_path)
    captions = [c for c in cues if not isinstance(c, CardCue)]
    assert [c.text for c in captions] == [b.caption for b in plan(Params(**overrides)).beats]
    assert_beats_own_their_plays(cues, plays)
