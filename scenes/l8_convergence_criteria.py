"""When to stop: the gradient-norm, loss-change and step-budget rules, live against their
tolerances, for runs that each stop for a different reason (seed 000, convergence criteria).

All runs are ONE engine call (an array of learning rates); the panel, the captions and the
order of events read the engine's arrays, stop_step and stop_reason, never assume them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import UP, Circle, FadeIn, MathTex, Text, VGroup, linear

from gdanim.config import param
from gdanim.wording import landscape_name, point
from gdanim.display import inside_domain
from gdanim.engine import Trajectory, simulate
from gdanim.landscapes import LANDSCAPES, Landscape, get_landscape
from gdanim.optimizers import get_optimizer_spec
from gdanim.visual.contours import ContourMap
from gdanim.visual.criteria_panel import CriteriaPanel, Tolerances, reading
from gdanim.visual.lesson import LessonScene
from gdanim.visual.theme import THEME
from gdanim.visual.tracer import TrajectoryTracer

MAP_CENTER = np.array([-4.3, 0.2, 0.0])
MAP_SIZE = 5.1  # the longer side of the map; the heading sits above it, the captions below
PANEL_RIGHT = 6.85  # x of the panel's right edge
MAX_RUNS = 4  # panel rows that fit between the heading and the captions


@dataclass
class Params:
    landscape: str = param("himmelblau", "loss landscape (see gdanim.landscapes)")
    optimizer: str = param("gd", "update rule shared by all runs")
    start: tuple[float, float] = param((-0.5, 0.0), "common starting point (x, y)")
    # From (-0.5, 0) on Himmelblau with the tolerances below (checked in the tests):
    #   0.1    -> diverged at step 5 (far beyond the stable step size)
    #   0.015  -> converged_grad at step 10: |∇L| = 2.5e-3 < 0.01 while |ΔL| = 1.5e-5 is not yet < 1e-5
    #   0.002  -> converged_loss at step 90: |ΔL| = 8.5e-6 < 1e-5 while |∇L| = 0.059 is still 6x its
    #             tolerance; small steps change the loss by about α|∇L|², so this rule fires first
    #   0.0005 -> max_steps at 120, loss still 44: too slow for the budget
    lrs: list[float] = param([0.1, 0.015, 0.002, 0.0005], "learning rate of each run (one run per value)")
    steps: int = param(120, "step budget: the max-iterations rule")
    tol_grad: float = param(1e-2, "gradient rule: stop when ||∇L|| falls below this (0 turns it off)")
    tol_loss: float = param(1e-5, "loss rule: stop when |L_k − L_(k−1)| falls below this (0 turns it off)")
    seconds_per_step: float = param(0.5, "animation time per step between two stop events")
    segment_seconds: float = param(6.0, "longest animation between two stop events (longer stretches speed up)")
    hold_seconds: float = param(0.6, "pause on the panel when runs stop, before the caption")

    def __post_init__(self):
        if self.landscape not in LANDSCAPES:
            raise ValueError(f"unknown landscape {self.landscape!r}; choose from: {', '.join(LANDSCAPES)}")
        get_optimizer_spec(self.optimizer)
        if not 1 <= len(self.lrs) <= MAX_RUNS:
            raise ValueError(f"lrs needs 1 to {MAX_RUNS} learning rates (one panel row each), got {self.lrs}")
        if not all(lr > 0 for lr in self.lrs):
            raise ValueError(f"learning rates must be positive, got {self.lrs}")
        if self.steps < 1:
            raise ValueError(f"steps must be at least 1, got {self.steps}")
        if self.tol_grad < 0 or self.tol_loss < 0:
            raise ValueError("tol_grad and tol_loss must be >= 0 (0 turns a rule off)")
        land = get_landscape(self.landscape)
        if not inside_domain(land, self.start):
            raise ValueError(f"start {self.start} lies outside the plotted domain {land.domain}")


# --- the runs as data (no manim) -------------------------------------------------------------

def run_all(p: Params) -> Trajectory:
    """Every learning rate in one engine call, with the lesson's tolerances and budget."""
    return simulate(get_landscape(p.landscape), p.optimizer, p.start, p.steps, lr=np.asarray(p.lrs, dtype=float),
                    tol_grad=p.tol_grad, tol_loss=p.tol_loss)


def stop_events(traj: Trajectory) -> list[tuple[int, list[int]]]:
    """(step, runs stopping there) in time order: the beats of the lesson."""
    steps = sorted({int(s) for s in traj.stop_step})
    return [(k, [run for run in range(traj.n_runs) if traj.stop_step[run] == k]) for k in steps]


def alpha(lr: float) -> str:
    return f"α = {lr:g}"


def stop_captions(traj: Trajectory, run: int, lr: float) -> list[str]:
    """What the narrator says when run ``run`` stops, from the engine's numbers."""
    tol = Tolerances.of(traj)
    reason = str(traj.stop_reason[run])
    r = reading(traj, run, int(traj.stop_step[run]))
    loss = float(traj.losses[run, r.step])
    if reason == "converged_grad":
        return [f"{alpha(lr)}: at step {r.step}, |∇L| = {r.grad:.1e} < {tol.grad:g}. "
                f"The gradient rule stops it: converged."]
    if reason == "converged_loss":
        said = [f"{alpha(lr)}: at step {r.step} the loss changes by only {r.loss:.1e} < {tol.loss:g}. "
                f"The loss rule stops it."]
        if tol.grad > 0 and r.grad >= tol.grad:
            said.append(f"Yet |∇L| = {r.grad:.2g} is still {r.grad / tol.grad:.0f}× its tolerance: "
                        f"small steps change the loss by only about α·|∇L|².")
        return said
    if reason == "max_steps":
        return [f"{alpha(lr)}: {r.step} steps used, the loss still {loss:.3g}. "
                f"The budget rule stops it, unfinished."]
    return [f"{alpha(lr)} blows up: by step {r.step} the loss is {loss:.0e}. "
            f"The engine stops it as diverged."]


def summary(traj: Trajectory) -> str:
    reasons = len(set(str(r) for r in traj.stop_reason))
    runs = "One run" if traj.n_runs == 1 else f"{traj.n_runs} runs"
    kinds = "one reason" if reasons == 1 else f"{reasons} different reasons"
    return f"{runs}, {kinds} to stop. A stop is not an arrival: check which rule fired."


def rules_caption(p: Params) -> str:
    rules = [f"when |∇L| < {p.tol_grad:g}"] if p.tol_grad > 0 else []
    rules += [f"when |ΔL| < {p.tol_loss:g}"] if p.tol_loss > 0 else []
    if not rules:
        return f"No tolerance is set: every run stops only after {p.steps} steps (or if it diverges)."
    return f"A run stops {', '.join(rules)}{',' if len(rules) > 1 else ''} or after {p.steps} steps."


def segment_seconds(p: Params, k0: int, k1: int) -> float:
    return min(p.segment_seconds, max(k1 - k0, 1) * p.seconds_per_step)



# --- the lesson ------------------------------------------------------------------------------

class ConvergenceCriteria(LessonScene):
    """When to stop: gradient norm, loss change and step budget against their tolerances, live."""

    Params = Params

    def construct(self):
        p = self.params
        land = get_landscape(p.landscape)
        traj = run_all(p)
        colors = list(THEME.run_colors[: traj.n_runs])

        self.show_title("When to stop?", "three stopping rules, and which one fires")
        stage, heading, ring = self.stage(land)
        self.play(FadeIn(stage), FadeIn(heading), FadeIn(ring), run_time=0.8)
        self.say(f"Gradient descent on {display(land)} from {point(p.start)}: one run per learning rate α.")

        step = self.step_tracker
        panel = CriteriaPanel(traj, range(traj.n_runs), step, [alpha(lr) for lr in p.lrs], colors)
        panel.align_to(stage, UP).shift((PANEL_RIGHT - panel.get_right()[0]) * np.array([1.0, 0.0, 0.0]))
        # slowest runs drawn last, on top: same start, so their trails overlap the faster ones'
        order = sorted(range(traj.n_runs), key=lambda i: -p.lrs[i])
        tracers = [TrajectoryTracer(stage, traj, i, step, color=colors[i], radius=0.07, trail_width=3.0,
                                    stop_at_exit=True) for i in order]
        self.add_overlay(panel)
        self.add_tracers(*tracers)
        self.play(FadeIn(panel), run_time=0.8)
        self.say(rules_caption(p))
        self.say("Bars: each rule's value now. Ticks: the tolerances. A rule that holds changes colour.")

        shown = 0
        for k, runs in stop_events(traj):
            if k > shown:
                self.play(step.animate.set_value(k), run_time=segment_seconds(p, shown, k), rate_func=linear)
                shown = k
            self.wait(p.hold_seconds)
            for run in runs:
                for caption in stop_captions(traj, run, p.lrs[run]):
                    self.say(caption)
        self.say(summary(traj))
        self.show_takeaway("Stop on a tiny gradient, a stalled loss or a spent budget, and check which "
                           "fired: the last two can stop a run early.")

    def stage(self, land: Landscape) -> tuple[ContourMap, VGroup, Circle]:
        """The contour map on the left, the landscape's name and formula above, a start ring."""
        (x0, x1), (y0, y1) = land.domain
        aspect = (y1 - y0) / (x1 - x0)
        width = MAP_SIZE if aspect <= 1 else MAP_SIZE / aspect
        stage = ContourMap(land, width=width, height=width * aspect).move_to(MAP_CENTER)
        name = Text(display(land), font=THEME.font, font_size=30, color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=32, color=THEME.text)
        heading = VGroup(name, formula).arrange(buff=0.4)
        if heading.width > 13.4:
            heading.scale_to_fit_width(13.4)
        heading.to_edge(UP, buff=0.25)
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(
            stage.to_scene(self.params.start)[0])
        self.add_fixed_in_frame_mobjects(heading)
        return stage, heading, ring


def display(land: Landscape) -> str:
    return landscape_name(land.name)

