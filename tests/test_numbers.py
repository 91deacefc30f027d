"""One number format in captions and panels: every panel of the kit writes its numbers with
gdanim.wording (×10ⁿ, never 1.2e-05), with the figures its lesson's captions quote."""

import math

import numpy as np
import pytest

pytest.importorskip("manim")

from gdanim.engine import simulate  # noqa: E402
from gdanim.lessons.adaptive_learning_rates import fmt as rate_caption  # noqa: E402
from gdanim.lessons.convergence_criteria import Params as CriteriaParams, Reading, reading  # noqa: E402
from gdanim.lessons.convergence_criteria import plan as criteria_plan  # noqa: E402
from gdanim.lessons.gradient_descent_3d import result_sentences  # noqa: E402
from gdanim.lessons.optimizer_race import NOT_YET, loss_text  # noqa: E402
from gdanim.visual.criteria_panel import tolerance_tex, value_text  # noqa: E402
from gdanim.visual.hud import HUD, hud_rows  # noqa: E402
from gdanim.visual.leaderboard import GLYPHS, status_text  # noqa: E402
from gdanim.visual.step_bars import value_label  # noqa: E402
from gdanim.wording import GRAD_NORM, NUMBER_CHARS, sci, tex  # noqa: E402

TINY, HUGE = 1.234e-7, 5.67e13
PANEL_TEXTS = {
    "leaderboard": lambda v: status_text(v, NOT_YET, NOT_YET),
    "criteria panel": lambda v: value_text("grad", Reading(3, v, 1.0), 0.01),
    "step bars": value_label,
}


@pytest.mark.parametrize("panel", PANEL_TEXTS)
def test_panels_write_tiny_and_huge_values_as_powers_of_ten(panel):
    text = PANEL_TEXTS[panel]
    assert text(TINY).endswith("×10⁻⁷") and text(HUGE).endswith("×10¹³")
    assert not any("e" in text(v) for v in (TINY, HUGE, 0.5))  # no 1.2e-07, no 5.7e+13
    assert text(0.5) == "0.5"  # plain between 0.001 and 9999, like the captions


def test_hud_writes_powers_of_ten():
    traj = simulate("valley", "gd", (-2.2, 1.2), 60, lr=0.085, tol_grad=0.0)
    rows = dict(hud_rows(traj, 0, 60))
    assert rows["loss"] == "9.4×10⁻¹⁰" and rows["position"] == "(−3.07×10⁻⁵, 6.1×10⁻¹⁰)"
    assert traj.losses[0, 60] == pytest.approx(9.4e-10, rel=0.01)


def test_hud_keeps_one_width_while_its_numbers_change():
    import manim

    traj = simulate("valley", "gd", (-2.2, 1.2), 60, lr=0.085, tol_grad=0.0)
    step = manim.ValueTracker(0)
    hud = HUD(traj, 0, step)
    widths = []
    for k in (0, 5, 30, 60):  # loss 19 ... 9.4×10⁻¹⁰: the texts differ in length
        step.set_value(k)
        hud.update()
        widths.append(hud.slots[0].width)  # the panel behind the rows
    assert max(widths) - min(widths) < 1e-4


def test_hud_and_result_caption_quote_the_same_numbers():
    """GradientDescent3D pulses the HUD's loss and ‖∇L‖ rows while its result caption reads them."""
    traj = simulate("valley", "gd", (-2.2, 1.2), 40, lr=0.085, tol_grad=1e-2)
    rows = dict(hud_rows(traj, 0, int(traj.stop_step[0])))
    caption = result_sentences(traj, int(traj.stop_step[0]), 1e-2)[0]
    assert f"loss {rows['loss']}" in caption and f"{GRAD_NORM} = {rows[GRAD_NORM]}" in caption
    assert rows["loss"] == "2.2×10⁻⁵"


def test_criteria_panel_and_captions_agree():
    """The convergence lesson's stop captions quote the values and tolerances its panel shows."""
    lesson = criteria_plan(CriteriaParams())
    traj = lesson.runs.traj
    beat = next(b for b in lesson.beats if b.facts.get("reason") == "converged_loss")
    run, k = beat.facts["run"], beat.facts["step"]
    shown = value_text("loss", reading(traj, run, k), 1e-5)
    assert f"{shown} < 1×10⁻⁵" in beat.caption and shown == "8.5×10⁻⁶"
    assert tolerance_tex(1e-5) == tex("1×10⁻⁵") == r"1 \times 10^{-5}"


def test_step_bars_and_leaderboard_use_their_captions_figures():
    for value in (0.0227272, 0.00445, 1.234e-5, 412.3, 9999.7):
        assert value_label(value) == rate_caption(value)
        assert status_text(value, NOT_YET, NOT_YET) == loss_text(value)
    assert value_label(0.0227272) == "0.0227" and status_text(412.3, NOT_YET, NOT_YET) == "412"


def test_glyph_caches_hold_every_number_character():
    assert set(NUMBER_CHARS) <= set(GLYPHS)
    for v in (TINY, -HUGE, 0.5, -0.0123, math.inf):
        assert set(sci(v, 3)) <= set(NUMBER_CHARS) | set("inf")


def test_tex_mirrors_sci():
    assert tex(sci(-2.5e-16)) == r"-2.5 \times 10^{-16}" and tex(sci(0.01)) == "0.01"
    assert tex(sci(np.float64(3e20))) == r"3 \times 10^{20}"
