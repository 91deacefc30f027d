"""ConvergenceCriteria's plan, claim by claim, over a grid of lecturer-style parameters.

Every number a caption prints is parsed back and compared with an engine run this test makes
itself (``simulate``), and every premise (a rule fired, the gradient is still above its
tolerance, ΔL ≈ α‖∇L‖², a run left the plot, a diverged run's numbers overflowed) is checked
from those arrays - never with the plan module's own helpers. Numpy only, no manim.
"""

from __future__ import annotations

import math
import re
import sys

import numpy as np
import pytest

from gdanim.engine import simulate
from gdanim.landscapes import get_landscape
from gdanim.lessons.convergence_criteria import Params, plan
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import GRAD_NORM

from caption_reading import NUM, count_of as whole, number_of as parse

GD_LIKE = ("gd", "sgd")  # steps of -α∇L: a small step changes the loss by about α‖∇L‖²


def figures_of(text: str) -> int:
    """Significant figures printed (trailing zeros of a whole number not counted)."""
    mantissa = text.replace("−", "").split("×10")[0]
    digits = mantissa.replace(".", "").lstrip("0")
    return max(len(digits.rstrip("0")) if "." not in mantissa else len(digits), 1)


class Claims:
    """Each claim checked is one call: counted, and a failure names the claim."""

    def __init__(self):
        self.n = 0

    def __call__(self, ok, what: str) -> None:
        self.n += 1
        assert ok, what

    def number(self, printed: str, value: float, what: str) -> None:
        """A printed number is the engine's value rounded to the figures shown."""
        shown = parse(printed)
        half_unit = 0.5 * 10.0 ** (1 - figures_of(printed)) * (1 + 1e-9)
        self(math.isclose(shown, value, rel_tol=half_unit, abs_tol=1e-300) or shown == value,
             f"{what}: printed {printed} but the engine has {value!r}")


def engine(p: Params):
    return simulate(get_landscape(p.landscape), p.optimizer, p.start, p.steps, lr=np.asarray(p.lrs, dtype=float),
                    tol_grad=p.tol_grad, tol_loss=p.tol_loss)


def first_outside(land, positions) -> int | None:
    """First step whose point lies outside the plotted domain, or None."""
    (x0, x1), (y0, y1) = land.domain
    out = [k for k, (x, y) in enumerate(positions) if not (x0 <= x <= x1 and y0 <= y <= y1)]
    return out[0] if out else None


def check_plan(p: Params) -> int:
    """Build the plan and check every claim it makes against an independent engine run; return
    how many claims were checked."""
    claim = Claims()
    lesson = plan(p)
    t = engine(p)
    land = get_landscape(p.landscape)
    n = len(p.lrs)
    reasons = [str(r) for r in t.stop_reason]
    stops = [int(s) for s in t.stop_step]
    grad = lambda run, k: float(np.linalg.norm(t.gradients[run, k]))  # noqa: E731
    dloss = lambda run, k: abs(float(t.losses[run, k] - t.losses[run, k - 1]))  # noqa: E731
    claim(np.array_equal(lesson.runs.traj.positions, t.positions)
          and list(lesson.runs.traj.stop_reason) == reasons, "the plan draws the engine's runs")
    captions = [b.caption for b in lesson.beats] + [lesson.title, lesson.subtitle, lesson.takeaway]
    claim(not any("|∇L|" in c for c in captions), "the gradient norm is written ‖∇L‖")

    # title and subtitle: the number of rules switched on
    rules_on = 1 + (p.tol_grad > 0) + (p.tol_loss > 0)
    m = re.match(r"(\w+) stopping rules?", lesson.subtitle)
    claim(m and whole(m.group(1)) == rules_on, f"subtitle counts {rules_on} rules: {lesson.subtitle!r}")

    # intro: optimizer, landscape, start, runs
    (intro,) = lesson.beats_of("intro")
    title = "Gradient descent" if p.optimizer == "gd" else OPTIMIZERS[p.optimizer].title
    claim(intro.caption.lower().startswith(title.lower() + " on " + land.title.lower() + " from "),
          f"intro names {title} on {land.title}: {intro.caption!r}")
    claim(p.optimizer == "gd" or "gradient descent" not in intro.caption.lower(), "no 'gradient descent' for "
          + p.optimizer)
    m = re.search(rf"from \(({NUM}), ({NUM})\)", intro.caption)
    claim(m and parse(m.group(1)) == pytest.approx(p.start[0]) and parse(m.group(2)) == pytest.approx(p.start[1]),
          "intro's start")
    claim(("one run per learning rate" in intro.caption) == (n > 1), "one run per rate, or one run")

    # rules: each tolerance as given, the budget, divergence
    (rules,) = lesson.beats_of("rules")
    m = re.search(rf"{GRAD_NORM} < ({NUM})", rules.caption)
    claim((m is not None) == (p.tol_grad > 0) and (m is None or parse(m.group(1)) == pytest.approx(p.tol_grad)),
          f"gradient rule stated iff on, with its tolerance: {rules.caption!r}")
    m = re.search(rf"\|ΔL\| < ({NUM})", rules.caption)
    claim((m is not None) == (p.tol_loss > 0) and (m is None or parse(m.group(1)) == pytest.approx(p.tol_loss)),
          "loss rule stated iff on, with its tolerance")
    m = re.search(r"after (\w+) steps?", rules.caption)
    claim(m and whole(m.group(1)) == p.steps, "the budget")
    claim("diverge" in rules.caption, "divergence stops a run too (the engine's rule)")

    # the timeline: stop and left-plot beats in engine order
    timed = [b for b in lesson.beats if b.kind in ("stop", "left_plot")]
    claim([b.facts["step"] for b in timed] == sorted(b.facts["step"] for b in timed), "beats in time order")
    stop_beats = lesson.beats_of("stop")
    said_runs = []
    for b in stop_beats:
        if not said_runs or said_runs[-1] != b.facts["runs"]:
            said_runs.append(b.facts["runs"])
    expected = sorted(range(n), key=lambda r: (stops[r], r))
    claim([r for group in said_runs for r in group] == expected, "each run's stop said once, in stop order")

    # left the plot (not diverged): a beat exactly for those runs, at the right step
    for run in range(n):
        out = first_outside(land, t.positions[run, : stops[run] + 1])
        beats = [b for b in lesson.beats_of("left_plot") if b.facts["run"] == run]
        leaves = out is not None and reasons[run] != "diverged"
        claim(len(beats) == int(leaves), f"run {run} left-plot beat iff it leaves without diverging")
        if leaves:
            m = re.search(r"after step (\d+)", beats[0].caption)
            claim(int(m.group(1)) == out - 1 == beats[0].facts["shown"], "left the plot after the last inside step")
            claim(beats[0].caption.startswith(f"α = {p.lrs[run]:g} "), "left-plot label")

    for group in said_runs:
        run = group[0]
        k, reason = stops[run], reasons[run]
        text = " ".join(b.caption for b in stop_beats if b.facts["runs"] == group)
        facts = next(b.facts for b in stop_beats if b.facts["runs"] == group)
        claim(facts["step"] == k and facts["reason"] == reason, "facts are the engine's stop")
        if len(group) == 1:
            claim(text.startswith(f"α = {p.lrs[run]:g}"), f"label of run {run}: {text!r}")
        else:
            claim(all(stops[r] == 0 and reasons[r] == "converged_grad" for r in group) and len(group) == n,
                  "runs said together all stopped at the start")
            claim(all(f"{p.lrs[r]:g}" in text.split(":")[0] for r in group), "all their rates named")
        if reason == "converged_grad":
            m = re.search(rf"at step (\d+), {GRAD_NORM} = ({NUM}) (<|=|>) ({NUM})\. The gradient rule stops", text)
            claim(m is not None, f"gradient stop sentence: {text!r}")
            claim(int(m.group(1)) == k, "gradient stop step")
            claim.number(m.group(2), grad(run, k), "‖∇L‖ at the stop")
            claim.number(m.group(2), facts["grad"], "‖∇L‖ from the facts")
            claim(m.group(3) == "<" and parse(m.group(2)) < parse(m.group(4)) and grad(run, k) < p.tol_grad,
                  "printed ‖∇L‖ reads below the tolerance, and is")
            claim(parse(m.group(4)) == pytest.approx(p.tol_grad), "the gradient tolerance")
            near = re.search(rf"near the minimum \(({NUM}), ({NUM})\)", text)
            minima = np.asarray(land.minima, dtype=float).reshape(-1, 2)
            dist = (np.linalg.norm(minima - t.positions[run, k], axis=1) if len(minima) else np.array([np.inf]))
            (x0, x1), (y0, y1) = land.domain
            if near:
                i = int(np.argmin(dist))
                claim(dist[i] <= 0.05 * max(x1 - x0, y1 - y0), "it stopped near that minimum")
                claim.number(near.group(1), minima[i, 0], "minimum x")
                claim.number(near.group(2), minima[i, 1], "minimum y")
            else:
                claim("converged" not in text, "'converged' only next to a minimum")
                if k == 0:
                    claim("before the first step" in text, "a stop at step 0 is before moving")
                else:
                    m = re.search(rf"at loss ({NUM})\.", text)
                    claim(m is not None, "the loss where it stopped")
                    claim.number(m.group(1), float(t.losses[run, k]), "loss at a gradient stop")
        elif reason == "converged_loss":
            m = re.search(rf"at step (\d+) the loss changes by only ({NUM}) (<|=|>) ({NUM})\. The loss rule stops",
                          text)
            claim(m is not None, f"loss stop sentence: {text!r}")
            claim(int(m.group(1)) == k, "loss stop step")
            claim.number(m.group(2), dloss(run, k), "|ΔL| at the stop")
            claim.number(m.group(2), facts["dloss"], "|ΔL| from the facts")
            claim(m.group(3) == "<" and parse(m.group(2)) < parse(m.group(4)) and dloss(run, k) < p.tol_loss,
                  "printed |ΔL| reads below the tolerance, and is")
            claim(parse(m.group(4)) == pytest.approx(p.tol_loss), "the loss tolerance")
            yet = re.search(rf"Yet {GRAD_NORM} = ({NUM}) is still (?:({NUM})× its tolerance|above its tolerance)",
                            text)
            claim((yet is not None) == (p.tol_grad > 0), "'Yet ‖∇L‖ ...' iff the gradient rule is on")
            if yet:
                g = grad(run, k)
                claim.number(yet.group(1), g, "‖∇L‖ at the loss stop")
                claim(g >= p.tol_grad and parse(yet.group(1)) > p.tol_grad,
                      "‖∇L‖ is (and reads) above its tolerance")
                if yet.group(2):
                    claim.number(yet.group(2), g / p.tol_grad, "how many times its tolerance")
                    claim(parse(yet.group(2)) > 1, "'N×' means more than once")
                approx = dloss(run, k) / (p.lrs[run] * g * g)
                holds = p.optimizer in GD_LIKE and 0.5 <= approx <= 2.0
                claim(("about α·" + GRAD_NORM + "²" in text) == holds,
                      f"ΔL ≈ α‖∇L‖² claimed iff GD-like and within 2× (ratio {approx:.3g})")
        elif reason == "max_steps":
            m = re.search(rf"(\w+) steps? used, loss ({NUM})", text)
            claim(m is not None, f"budget sentence: {text!r}")
            claim(whole(m.group(1)) == p.steps == k, "the whole budget used")
            claim.number(m.group(2), float(t.losses[run, k]), "loss at the budget")
            claim.number(m.group(2), facts["loss"], "loss from the facts")
            if p.tol_grad > 0:
                m = re.search(rf"yet {GRAD_NORM} = ({NUM}) > ({NUM})", text)
                claim(m is not None, "the gradient still above its tolerance")
                claim.number(m.group(1), grad(run, k), "‖∇L‖ at the budget")
                claim(grad(run, k) >= p.tol_grad and parse(m.group(1)) > parse(m.group(2)) and
                      parse(m.group(2)) == pytest.approx(p.tol_grad), "‖∇L‖ is (and reads) above its tolerance")
                claim("unfinished" in text, "unfinished by the gradient rule")
            elif p.tol_loss > 0:
                m = re.search(rf"still changing by ({NUM}) > ({NUM}) a step", text)
                claim(m is not None, "the loss still changing")
                claim.number(m.group(1), dloss(run, k), "|ΔL| at the budget")
                claim(dloss(run, k) >= p.tol_loss and parse(m.group(1)) > parse(m.group(2)), "|ΔL| above tolerance")
                claim("unfinished" in text, "unfinished by the loss rule")
            else:
                claim("unfinished" not in text and "still" not in text, "no rule on: no judgement of the end")
                m = re.search(rf"{GRAD_NORM} = ({NUM})", text)
                claim.number(m.group(1), grad(run, k), "‖∇L‖ at the budget")
        else:  # diverged
            claim("diverged" in text, "says it diverged")
            frozen = k > 0 and np.array_equal(t.positions[run, k], t.positions[run, k - 1]) \
                and t.losses[run, k] == t.losses[run, k - 1]
            if frozen:  # the engine kept the step before's numbers: the real ones overflowed
                m = re.search(rf"at step (\d+) its numbers overflow \(loss ({NUM}) at step (\d+)\)", text)
                claim(m is not None, f"overflow sentence: {text!r}")
                claim(int(m.group(1)) == k and int(m.group(3)) == k - 1, "overflow step, loss one step before")
                claim.number(m.group(2), float(t.losses[run, k - 1]), "last finite loss")
                claim("the loss is" not in text, "no frozen loss passed off as the stop step's")
            else:
                claim(np.abs(t.positions[run, k]).max() > 1e6, "it really went beyond the engine's bound")
                m = re.search(rf"at step (\d+) the loss is ({NUM})", text)
                if m:
                    claim(int(m.group(1)) == k, "divergence step")
                    claim.number(m.group(2), float(t.losses[run, k]), "loss when it diverged")
                    claim("blows up" in text and t.losses[run, k] > t.losses[run, 0], "'blows up': the loss grew")
                else:
                    m = re.search(rf"at step (\d+) it is at \(({NUM}), ({NUM})\), loss ({NUM})", text)
                    claim(m is not None and int(m.group(1)) == k, "where it ran away to")
                    claim.number(m.group(2), float(t.positions[run, k, 0]), "x when it diverged")
                    claim.number(m.group(3), float(t.positions[run, k, 1]), "y when it diverged")
                    claim.number(m.group(4), float(t.losses[run, k]), "loss when it diverged")

    # the summary: runs, distinct reasons and which; "not an arrival" only when a stop shows it
    summary = " ".join(b.caption for b in lesson.beats_of("summary"))
    names = {"converged_grad": "the gradient rule", "converged_loss": "the loss rule",
             "max_steps": "the step budget", "diverged": "divergence"}
    distinct = set(reasons)
    if n == 1:
        claim(summary.startswith(f"One run, stopped by {names[reasons[0]]}."), f"one-run summary: {summary!r}")
    else:
        m = re.match(r"(\w+) runs, (\w+) (different )?reasons? to stop: ([^.]+)\.", summary)
        claim(m is not None, f"summary: {summary!r}")
        claim(whole(m.group(1)) == n and whole(m.group(2)) == len(distinct), "runs and distinct reasons counted")
        claim(bool(m.group(3)) == (len(distinct) == n), "'different' only when every run stops differently")
        claim(all((names[r] in m.group(4)) == (r in distinct) for r in names), "the reasons listed are the engine's")
    early = [r for r in range(n) if reasons[r] == "diverged"
             or (reasons[r] == "converged_loss" and p.tol_grad > 0 and grad(r, stops[r]) >= p.tol_grad)
             or (reasons[r] == "max_steps" and ((p.tol_grad > 0 and grad(r, stops[r]) >= p.tol_grad)
                                                or (p.tol_loss > 0 and dloss(r, stops[r]) >= p.tol_loss)))]
    claim(("not an arrival" in summary) == bool(early), "'a stop is not an arrival' iff a run shows it")

    # the takeaway: what this run shows
    take = lesson.takeaway
    claim("can stop a run early" not in take, "no general claim passed off as shown")
    loss_early = [r for r in range(n) if reasons[r] == "converged_loss" and p.tol_grad > 0]
    budget_early = [r for r in range(n) if reasons[r] == "max_steps" and r in early]
    if loss_early and budget_early:
        claim("the loss rule and the budget stopped runs" in take, f"takeaway: both early stops: {take!r}")
    elif loss_early:
        claim(f"the loss rule stopped {'a run' if len(loss_early) == 1 else 'runs'} while" in take, take)
    elif budget_early:
        claim(f"the budget stopped {'a run' if len(budget_early) == 1 else 'runs'} unfinished" in take, take)
    else:
        verbs = {"converged_grad": "met the gradient rule", "converged_loss": "met the loss rule",
                 "max_steps": "used the whole budget", "diverged": "diverged"}
        here = take.split("Here ", 1)[1]
        for r in distinct:
            m = re.search(rf"(\w+)(?: runs?)? {verbs[r]}", here)
            said = m.group(1).lower()
            count = {"the": 1, "both": 2, "all": n}.get(said) or whole(said)
            if said == "all":
                count = whole(re.search(rf"all (\w+) runs {verbs[r]}", here).group(1))
            claim(count == reasons.count(r), f"takeaway counts {r}: {here!r}")
    return claim.n


GRID = [
    pytest.param({}, id="defaults"),
    pytest.param({"optimizer": "adam"}, id="adam"),
    pytest.param({"optimizer": "momentum"}, id="momentum"),
    pytest.param({"tol_grad": 0.0}, id="tol_grad-off"),
    pytest.param({"tol_loss": 0.0}, id="tol_loss-off"),
    pytest.param({"tol_grad": 0.0, "tol_loss": 0.0}, id="both-off"),
    pytest.param({"lrs": [0.01]}, id="one-lr"),
    pytest.param({"lrs": [0.1, 0.2, 0.5]}, id="all-diverge"),
    pytest.param({"lrs": [0.015, 0.01]}, id="all-converge"),
    pytest.param({"steps": 1}, id="steps-1"),
    pytest.param({"steps": 5}, id="steps-5"),
    pytest.param({"landscape": "bowl", "start": (-1.6, 1.2)}, id="bowl"),
    pytest.param({"landscape": "rosenbrock", "start": (-1.2, 1.0), "steps": 500}, id="rosenbrock"),
    pytest.param({"start": (3.0, 3.0)}, id="other-start"),
    pytest.param({"tol_grad": 1e-9, "tol_loss": 1e-15}, id="tight-tolerances"),
    pytest.param({"landscape": "valley", "start": (2.0, 1.0)}, id="valley-bounce"),
    pytest.param({"landscape": "goldstein_price", "optimizer": "nesterov", "start": (-1.0, -1.5),
                  "lrs": [10.0, 0.001]}, id="overflow"),
    pytest.param({"landscape": "bowl", "start": (0.0, 0.0)}, id="start-at-minimum"),
    pytest.param({"landscape": "saddle", "start": (1.8, 0.0), "lrs": [0.1, 0.01], "steps": 300}, id="saddle"),
    pytest.param({"landscape": "saddle", "start": (1.8, 0.001), "lrs": [0.1, 0.02], "steps": 200}, id="saddle-escape"),
    pytest.param({"landscape": "bowl", "start": (-1.6, 1.2), "lrs": [0.068]}, id="just-below-tol"),
    pytest.param({"lrs": [0.017]}, id="just-above-tol"),
    pytest.param({"landscape": "bowl", "optimizer": "rmsprop", "start": (-1.6, 1.2), "lrs": [0.5, 0.05]},
                 id="leaves-plot"),
    pytest.param({"landscape": "rosenbrock", "optimizer": "adam", "start": (-1.2, 1.0), "lrs": [1.0, 0.1, 0.01],
                  "steps": 200}, id="adam-rosenbrock"),
    pytest.param({"landscape": "linear_regression", "optimizer": "sgd", "start": (0.0, 0.0),
                  "lrs": [1.0, 0.1, 0.01], "steps": 300, "tol_grad": 1e-3, "tol_loss": 1e-8}, id="regression-sgd"),
    pytest.param({"landscape": "six_hump_camel", "optimizer": "adagrad", "start": (-1.0, -0.6),
                  "lrs": [1.0, 0.3, 0.05, 0.01], "steps": 400}, id="camel-adagrad"),
    pytest.param({"landscape": "booth", "start": (-6.0, -8.0), "lrs": [0.1, 0.05, 0.01], "steps": 5000,
                  "tol_grad": 1e-6, "tol_loss": 0.0}, id="booth-long"),
]


@pytest.mark.parametrize("overrides", GRID)
def test_every_claim_holds(overrides):
    checked = check_plan(Params(**overrides))
    assert checked >= 20


def test_plan_has_no_manim():
    """In a fresh interpreter: other test files may have imported manim into this one."""
    import subprocess

    code = "import gdanim.lessons.convergence_criteria, sys; assert 'manim' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_defaults_stop_for_four_reasons():
    t = engine(Params())
    assert list(t.stop_reason) == ["diverged", "converged_grad", "converged_loss", "max_steps"]
    assert list(t.stop_step) == [5, 10, 90, 120]


# --- one test per false sentence the old scene said ---------------------------------------------

def test_intro_names_adam_not_gradient_descent():
    intro = plan(Params(optimizer="adam")).beats_of("intro")[0].caption
    assert intro.startswith("Adam on Himmelblau") and "Gradient descent" not in intro


def test_overflowed_run_quotes_the_last_finite_loss_not_a_frozen_one():
    p = Params(landscape="goldstein_price", optimizer="nesterov", start=(-1.0, -1.5), lrs=[10.0, 0.001])
    t = engine(p)
    k = int(t.stop_step[0])
    assert t.stop_reason[0] == "diverged" and t.losses[0, k] == t.losses[0, k - 1]  # the engine froze it
    (said,) = [b.caption for b in plan(p).beats_of("stop") if b.facts["run"] == 0]
    assert f"at step {k} its numbers overflow" in said and f"at step {k - 1})" in said
    assert "the loss is" not in said  # old: "by step 2 the loss is 7e+42", the step-1 value


def test_panel_reading_of_an_overflowed_run_meets_no_rule():
    """Its recorded ΔL at the stop step is 0 (frozen): the panel must not light the loss rule."""
    from gdanim.lessons.convergence_criteria import Tolerances, reading, rules_met

    p = Params(landscape="goldstein_price", optimizer="nesterov", start=(-1.0, -1.5), lrs=[10.0, 0.001])
    t = engine(p)
    k = int(t.stop_step[0])
    assert abs(t.losses[0, k] - t.losses[0, k - 1]) == 0.0
    assert not any(rules_met(reading(t, 0, k), Tolerances.of(t)).values())


def test_no_small_step_approximation_when_it_does_not_hold():
    """valley, α = 0.1: y bounces between ±1 (1 - 0.1·20 = -1), the loss stalls at 10 with ‖∇L‖ = 20;
    |ΔL| is 10⁻⁷ of α‖∇L‖². Old: 'small steps change the loss by only about α·|∇L|²'."""
    p = Params(landscape="valley", start=(2.0, 1.0))
    t = engine(p)
    k = int(t.stop_step[0])
    ratio = abs(t.losses[0, k] - t.losses[0, k - 1]) / (0.1 * np.linalg.norm(t.gradients[0, k]) ** 2)
    assert t.stop_reason[0] == "converged_loss" and ratio < 1e-3
    said = " ".join(b.caption for b in plan(p).beats_of("stop") if b.facts["run"] == 0)
    assert "α·‖∇L‖²" not in said and "2000× its tolerance" in said
    adam = " ".join(b.caption for b in plan(Params(optimizer="adam")).beats_of("stop"))
    assert "converged_loss" in list(engine(Params(optimizer="adam")).stop_reason)
    assert "α·‖∇L‖²" not in adam  # Adam's step is not α∇L


def test_gradient_just_below_tolerance_reads_below_it():
    """bowl α = 0.068 stops with ‖∇L‖ = 0.00998: old '{:.1e}' printed '1.0e-02 < 0.01'."""
    said = plan(Params(landscape="bowl", start=(-1.6, 1.2), lrs=[0.068])).beats_of("stop")[0].caption
    assert "‖∇L‖ = 0.00998 < 0.01" in said


def test_gradient_just_above_tolerance_is_not_called_1x():
    """α = 0.017: ‖∇L‖ = 0.0112 at the loss stop; old: 'still 1× its tolerance'."""
    said = " ".join(b.caption for b in plan(Params(lrs=[0.017])).beats_of("stop"))
    assert "still 1× its tolerance" not in said and "still 1.1× its tolerance" in said


def test_budget_with_no_rule_on_is_not_called_unfinished():
    """Both tolerances 0: α = 0.015 reaches loss 8×10⁻³¹. Old: 'the loss still 7.89e-31 ... unfinished'."""
    p = Params(tol_grad=0.0, tol_loss=0.0)
    said = [b.caption for b in plan(p).beats_of("stop") if b.facts["run"] == 1][0]
    assert engine(p).losses[1, -1] < 1e-20
    assert "unfinished" not in said and "still" not in said


def test_no_early_stop_claimed_when_every_run_meets_the_gradient_rule():
    """Old summary: 'A stop is not an arrival'; old takeaway: 'the last two can stop a run early'."""
    p = Params(lrs=[0.015, 0.01])
    assert set(engine(p).stop_reason) == {"converged_grad"}
    lesson = plan(p)
    assert "not an arrival" not in " ".join(b.caption for b in lesson.beats_of("summary"))
    assert lesson.takeaway.endswith("Here both runs met the gradient rule.")


def test_subtitle_counts_only_the_rules_switched_on():
    assert plan(Params(tol_grad=0.0)).subtitle.startswith("two stopping rules")  # old: "three stopping rules"
    assert plan(Params(tol_grad=0.0, tol_loss=0.0)).subtitle == "one stopping rule here: the step budget"


def test_rules_caption_mentions_divergence():
    """Old: 'A run stops when ..., or after 120 steps.' - then a run stopped at step 5, diverged."""
    assert "diverges" in plan(Params()).beats_of("rules")[0].caption


def test_saddle_stop_is_not_called_converged():
    """From (1.8, 0) on the saddle GD slides into the saddle point: flat, but no minimum."""
    p = Params(landscape="saddle", start=(1.8, 0.0), lrs=[0.1, 0.01], steps=300)
    said = [b.caption for b in plan(p).beats_of("stop") if b.facts["run"] == 0][0]
    assert engine(p).stop_reason[0] == "converged_grad" and "converged" not in said


def test_runs_stopping_at_the_start_are_said_once():
    stops = plan(Params(landscape="bowl", start=(0.0, 0.0))).beats_of("stop")
    assert len(stops) == 1 and "before the first step" in stops[0].caption
    assert stops[0].facts["runs"] == [0, 1, 2, 3]


def test_a_run_leaving_the_plot_is_said_before_its_stop():
    lesson = plan(Params(landscape="bowl", optimizer="rmsprop", start=(-1.6, 1.2), lrs=[0.5, 0.05]))
    kinds = [(b.kind, b.facts.get("run")) for b in lesson.beats if b.kind in ("left_plot", "stop")]
    assert kinds[0] == ("left_plot", 0) and ("stop", 0) in kinds
    assert lesson.runs.diverged == (False, False)  # the scene draws no divergence burst for it


# --- bad parameters ----------------------------------------------------------------------------

@pytest.mark.parametrize("overrides, message", [
    ({"landscape": "himmelblau2"}, "unknown landscape"),
    ({"optimizer": "adamm"}, "unknown optimizer"),
    ({"lrs": [0.1, 0.0]}, r"lrs\[1\] must be in \(0"),
    ({"lrs": [-0.1]}, r"lrs\[0\] must be in"),
    ({"lrs": [math.nan]}, "finite"),
    ({"lrs": []}, "1 to 4 learning rates"),
    ({"lrs": [0.1, 0.05, 0.01, 0.005, 0.001]}, "1 to 4 learning rates"),
    ({"lrs": [0.01, 0.01]}, "repeats a learning rate"),
    ({"start": (9.0, 9.0)}, "outside"),
    ({"start": (math.nan, 0.0)}, "finite"),
    ({"steps": 10**9}, "steps must be a whole number from 1 to"),
    ({"steps": 0}, "steps must be a whole number"),
    ({"tol_grad": -1e-3}, "tol_grad must be in"),
    ({"tol_loss": math.inf}, "tol_loss must be a finite number"),
    ({"hold_seconds": 1e9}, "hold_seconds"),
])
def test_bad_params_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        Params(**overrides)


# --- what the panel reads (numpy side) ---------------------------------------------------------

OVERFLOW = {"landscape": "goldstein_price", "optimizer": "nesterov", "start": (-1.0, -1.5), "lrs": [10.0, 0.001]}


@pytest.mark.parametrize("overrides", [{}, OVERFLOW], ids=["defaults", "overflow"])
def test_readings_equal_the_trajectory_and_the_rules_agree_with_the_engine(overrides):
    """reading() is the engine's ‖∇L_k‖ and |L_k - L_(k-1)|, held at the stop; no rule holds before
    a run's stop step; at it, the engine's reason is among the rules met (none for a diverged run)."""
    from gdanim.lessons.convergence_criteria import RULE_OF_REASON, Tolerances, fired_rule, reading, rules_met, status

    p = Params(**overrides)
    t = engine(p)
    tol = Tolerances.of(t)
    assert (tol.grad, tol.loss, tol.steps) == (p.tol_grad, p.tol_loss, p.steps)
    for run in range(t.n_runs):
        stop = int(t.stop_step[run])
        frozen = t.stop_reason[run] == "diverged" and np.array_equal(t.positions[run, stop], t.positions[run, stop - 1])
        for k in range(t.steps + 1):
            r = reading(t, run, k)
            held = min(k, stop)
            assert r.step == held
            if frozen and held == stop:
                assert r.grad == math.inf and r.loss == math.inf
                continue
            assert r.grad == pytest.approx(np.linalg.norm(t.gradients[run, held]), rel=1e-12)
            if held == 0:
                assert math.isnan(r.loss)
            else:
                assert r.loss == pytest.approx(abs(t.losses[run, held] - t.losses[run, held - 1]), rel=1e-12)
        for k in range(stop):
            assert not any(rules_met(reading(t, run, k), tol).values()), (run, k)
            assert fired_rule(t, run, k) is None and status(t, run, k) == "running"
        met = rules_met(reading(t, run, stop), tol)
        reason = str(t.stop_reason[run])
        if reason == "diverged":
            assert not any(met.values())
            assert fired_rule(t, run, stop) is None and status(t, run, stop) == f"diverged @ {stop}"
        else:
            assert met[RULE_OF_REASON[reason]] and fired_rule(t, run, stop) == RULE_OF_REASON[reason]
            assert status(t, run, stop) == f"stop @ {stop}"
