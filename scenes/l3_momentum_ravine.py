"""Momentum in a ravine: GD zig-zags across x^2 + k y^2, momentum and Nesterov glide along it.

Three engine runs from one start; every arrow, ghost and closing number is read from their
trajectories (steps-to-tolerance is the engine's stop step), never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, BackgroundRectangle, Circle, DashedLine, FadeIn, FadeOut,
                   MathTex, Text, VGroup, linear)

from gdanim.config import param
from gdanim.display import inside_domain
from gdanim.engine import Trajectory, simulate
from gdanim.landscapes import Landscape, get_landscape
from gdanim.visual.arrows import StepArrow
from gdanim.visual.contours import ContourMap
from gdanim.visual.equation import SYMBOL_ROLES, UPDATE_RULES, EquationCard
from gdanim.visual.lesson import FADE, LessonScene
from gdanim.visual.lookahead import LookaheadGhost, ball_trajectory
from gdanim.visual.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer

RACERS = ("gd", "momentum", "nesterov")
NAMES = {"gd": "GD", "momentum": "Momentum", "nesterov": "Nesterov"}
# Nesterov's step written so its look-ahead push βv can wear the look-ahead colour.
NESTEROV_RULE = [UPDATE_RULES["nesterov"][0], r"\theta \leftarrow \theta - \alpha \, (\nabla L(\theta) + \beta v)"]
MAP_WIDTH = 7.6
MAP_CENTER = np.array([-2.95, -0.05, 0.0])  # bottom edge stays above two-line captions
COLUMN_LEFT = 1.35  # left edge of the right-hand column (equation card, arrow key, legend)


@dataclass
class Params:
    landscape: str = param("valley", "the ravine (valley: x^2 + k y^2; any landscape name works)")
    landscape_params: dict = param({"k": 20.0}, "landscape parameters; valley's k is the condition number")
    start: tuple[float, float] = param((-2.2, 1.0), "common starting point (x, y) of all three runs")
    gd_lr: float = param(0.0425, "GD learning rate (valley k=20: near its stability limit 1/k, so it zig-zags)")
    momentum_lr: float = param(0.015, "momentum learning rate α")
    nesterov_lr: float = param(0.015, "Nesterov learning rate α (same as momentum: only the look-ahead differs)")
    beta: float = param(0.75, "momentum coefficient β of momentum and Nesterov")
    steps: int = param(200, "step budget of every run")
    tol_grad: float = param(1e-2, "a run has arrived when its gradient norm falls below this")
    slow_steps: int = param(2, "steps shown one by one at the start of each solo beat")
    solo_steps: int = param(12, "steps each optimizer takes in its solo beat")
    slow_step_seconds: float = param(1.1, "animation time of each slow step")
    fast_step_seconds: float = param(0.3, "animation time of each further solo step")
    race_first_steps: int = param(20, "race steps played slowly, where the three paths differ most")
    race_first_seconds: float = param(4.0, "duration of those first race steps")
    race_rest_seconds: float = param(2.5, "duration of the rest of the race (every run to its stop)")
    hold_seconds: float = param(0.8, "pause on the finished race before the results")

    def __post_init__(self):
        if self.steps < 1:
            raise ValueError(f"steps must be at least 1, got {self.steps}")
        if not 0 < self.beta < 1:
            raise ValueError(f"beta must be in (0, 1), got {self.beta}")
        if min(self.gd_lr, self.momentum_lr, self.nesterov_lr) <= 0:
            raise ValueError("learning rates must be positive")
        if self.slow_steps < 0 or self.solo_steps < self.slow_steps:
            raise ValueError(f"need 0 <= slow_steps <= solo_steps, got {self.slow_steps}, {self.solo_steps}")
        land = get_landscape(self.landscape, **self.landscape_params)
        if not inside_domain(land, self.start):
            raise ValueError(f"start {self.start} lies outside the plotted domain {land.domain}")


# --- the lesson as data (no manim) -----------------------------------------------------------

def run_all(p: Params, land: Landscape) -> dict[str, Trajectory]:
    """One engine run per optimizer from the common start, each with its own learning rate."""
    lrs = {"gd": p.gd_lr, "momentum": p.momentum_lr, "nesterov": p.nesterov_lr}
    extra = {"gd": {}, "momentum": {"momentum": p.beta}, "nesterov": {"momentum": p.beta}}
    return {name: simulate(land, name, p.start, p.steps, lr=lrs[name], tol_grad=p.tol_grad, **extra[name])
            for name in RACERS}


def arrival(traj: Trajectory) -> int | None:
    """Steps until the gradient norm fell below tolerance; None if the run never got there."""
    return int(traj.stop_step[0]) if traj.stop_reason[0] == "converged_grad" else None


def zigzags(traj: Trajectory, steps: int) -> int:
    """How often the run crossed the ravine's floor (y changed sign) in its first ``steps`` steps."""
    y = traj.positions[0, : min(steps, int(traj.stop_step[0])) + 1, 1]
    return int(np.count_nonzero(np.sign(y[1:]) * np.sign(y[:-1]) < 0))


def shown_until(traj: Trajectory) -> int:
    """Last step to animate: the stop step, cut before the run first leaves the map."""
    stop = int(traj.stop_step[0])
    outside = np.flatnonzero(~inside_domain(traj.landscape, traj.positions[0, : stop + 1]))
    return stop if not len(outside) else max(int(outside[0]) - 1, 0)


def result_captions(runs: dict[str, Trajectory], tol_grad: float) -> list[str]:
    """Closing captions: each run's steps to tolerance, then how momentum did against GD."""
    parts = []
    for name, traj in runs.items():
        n = arrival(traj)
        parts.append(f"{NAMES[name]} {n}" if n is not None else f"{NAMES[name]} not within {traj.steps}")
    first = f"Steps until |∇L| < {tol_grad:g}: " + ", ".join(parts) + "."
    gd, mom = arrival(runs["gd"]), arrival(runs["momentum"])
    if gd is not None and mom is not None and mom < gd:
        second = f"Momentum takes {gd - mom} fewer steps than GD"
    elif mom is not None and gd is None:
        second = f"Momentum arrives in {mom} steps; GD does not arrive within {runs['gd'].steps}"
    elif gd is not None and (mom is None or mom >= gd):
        second = "Here momentum does not beat GD: β or α is badly tuned for this ravine"
    else:
        second = "Neither GD nor momentum arrives within the step budget"
    nes = arrival(runs["nesterov"])
    if nes is not None and mom is not None and nes != mom:
        second += f"; Nesterov's look-ahead {'saves' if nes < mom else 'costs'} {abs(mom - nes)} more."
    else:
        second += "."
    return [first, second]


# --- the lesson ------------------------------------------------------------------------------

class MomentumRavine(LessonScene):
    """Momentum in a ravine: GD zig-zags, momentum glides with velocity arrows, Nesterov looks ahead."""

    Params = Params

    def construct(self):
        p = self.params
        land = get_landscape(p.landscape, **p.landscape_params)
        runs = run_all(p, land)

        self.show_title("Momentum in a ravine", "why a velocity beats the steepest step")
        stage = self.ravine(land)
        self.say("A ravine: steep across (y), nearly flat along (x). Minimum at ×.")
        shown = self.solo_gd(stage, runs["gd"], p, ())
        shown = self.solo_momentum(stage, runs["momentum"], p, shown)
        shown = self.solo_nesterov(stage, runs["nesterov"], p, shown)
        self.race(stage, runs, p, shown)
        for caption in result_captions(runs, p.tol_grad):
            self.say(caption)
        self.show_takeaway("Momentum averages the gradients: the across-ravine pushes cancel, "
                           "the along-ravine ones add up.")

    # --- beats ---------------------------------------------------------------------------

    def solo_gd(self, stage, traj: Trajectory, p: Params, old) -> tuple:
        step = self.step_tracker
        card = EquationCard.for_optimizer("gd", title=f"gradient descent, α = {p.gd_lr:g}")
        key = [(arrow_glyph("gradient"), r"-\alpha\nabla L \;\text{(slope step)}")]
        tracer = TrajectoryTracer(stage, traj, 0, step, color=optimizer_color("gd"))
        arrow = StepArrow(stage, traj, 0, step, vector="gradient", color=THEME.role_colors["gradient"])
        until, key = self.solo_setup(card, key, tracer, [arrow], old, traj, p)
        self.say("Gradient descent steps straight down the steepest slope: across the ravine.")
        self.play_steps(min(p.slow_steps, until), p)
        self.say(f"It overshoots each time: {zigzags(traj, until)} crossings in {until} steps, "
                 f"and x barely moves.")
        self.play_steps(until, p)
        return card, key, tracer, arrow

    def solo_momentum(self, stage, traj: Trajectory, p: Params, old) -> tuple:
        step = self.step_tracker
        card = EquationCard.for_optimizer("momentum", title=f"momentum, α = {p.momentum_lr:g}, β = {p.beta:g}")
        key = [(arrow_glyph("velocity"), r"-\alpha\beta v \;\text{(carried velocity)}"),
               (arrow_glyph("gradient"), r"-\alpha\nabla L \;\text{(new slope)}")]
        tracer = TrajectoryTracer(stage, traj, 0, step, color=optimizer_color("momentum"))
        carry = StepArrow(stage, traj, 0, step, vector="velocity", color=THEME.role_colors["velocity"],
                          momentum=p.beta)
        slope = StepArrow(stage, traj, 0, step, vector="gradient", color=THEME.role_colors["gradient"],
                          tail=carry)
        until, key = self.solo_setup(card, key, tracer, [carry, slope], old, traj, p)
        self.say("Momentum carries β of its velocity v on (blue) and adds the new slope (red).")
        self.play_steps(min(p.slow_steps, until), p)
        self.say(f"Across, the pushes flip and cancel ({zigzags(traj, until)} crossings in {until} steps); "
                 f"along, they add up.")
        self.play_steps(until, p)
        return card, key, tracer, carry, slope

    def solo_nesterov(self, stage, traj: Trajectory, p: Params, old) -> tuple:
        step = self.step_tracker
        lookahead = THEME.role_colors["lookahead"]
        colors = {sym: THEME.role_colors[role] for sym, role in SYMBOL_ROLES.items()} | {r"\beta v": lookahead}
        card = EquationCard(NESTEROV_RULE, title=f"Nesterov, α = {p.nesterov_lr:g}, β = {p.beta:g}",
                            font_size=30, colors=colors)
        key = [(ghost_glyph(), r"\text{look-ahead point } \theta"),
               (arrow_glyph("gradient"), r"-\alpha\nabla L(\theta) \;\text{from there}")]
        # the ball is the classical iterate; the engine's positions are its look-ahead points
        tracer = TrajectoryTracer(stage, ball_trajectory(traj, p.beta), 0, step, color=optimizer_color("nesterov"))
        ghost = LookaheadGhost(stage, traj, 0, step, color=lookahead, momentum=p.beta)
        slope = StepArrow(stage, traj, 0, step, vector="gradient", color=THEME.role_colors["gradient"])
        until, key = self.solo_setup(card, key, tracer, [ghost, slope], old, traj, p)
        self.say("Nesterov first coasts on its velocity (dashed) to a look-ahead point,")
        self.play_steps(min(p.slow_steps, until), p)
        self.say("and takes the slope there, so it brakes before it hits the far wall.")
        self.play_steps(until, p)
        return card, key, tracer, ghost, slope

    def race(self, stage, runs: dict[str, Trajectory], p: Params, old) -> None:
        """All three from the start again, each to its stop; the legend states α, β and arrivals."""
        step = self.step_tracker
        legend, marks = self.legend(p, runs)
        tracers = [TrajectoryTracer(stage, traj, 0, step, color=optimizer_color(name), radius=0.07, trail_width=3)
                   for name, traj in runs.items()]
        self.swap(old, [legend])
        self.add_tracers(*tracers)
        last = max(shown_until(traj) for traj in runs.values())
        self.say(f"Now all three race from the same start, until |∇L| < {p.tol_grad:g}.")
        first = min(p.race_first_steps, last)
        self.play(step.animate.set_value(first), run_time=p.race_first_seconds, rate_func=linear)
        if last > first:
            self.play(step.animate.set_value(last), run_time=p.race_rest_seconds, rate_func=linear)
        self.add_fixed_in_frame_mobjects(*marks)
        self.play(*[FadeIn(m) for m in marks], run_time=FADE)
        self.wait(p.hold_seconds)

    # --- pieces --------------------------------------------------------------------------

    def ravine(self, land: Landscape) -> ContourMap:
        """Contour map on the left, formula above it. A top view: arrows keep their true
        directions and lengths, which a tilted 3D surface would foreshorten."""
        stage = ContourMap(land, width=MAP_WIDTH, levels=12).move_to(MAP_CENTER)
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=36, color=THEME.text)
        formula.next_to(stage, UP, buff=0.2).align_to(stage, LEFT)
        self.add_fixed_in_frame_mobjects(formula)
        self.play(FadeIn(stage), FadeIn(formula), run_time=0.8)
        return stage

    def solo_setup(self, card, key_rows, tracer, pieces, old, traj: Trajectory, p: Params) -> tuple[int, VGroup]:
        """Swap the previous beat out and this one's card, key, ball and arrows in, at step 0;
        returns the last step this beat shows and the key panel."""
        card.to_edge(UP, buff=0.35).align_to([COLUMN_LEFT, 0, 0], LEFT)
        key = key_panel(key_rows).next_to(card, DOWN, buff=0.3).align_to(card, LEFT)
        self.swap(old, [card, key])
        self.add(*[m for m in pieces if isinstance(m, LookaheadGhost)])
        self.add_tracers(tracer)
        self.add(*[m for m in pieces if not isinstance(m, LookaheadGhost)])
        return min(p.solo_steps, shown_until(traj)), key

    def swap(self, old, new) -> None:
        """Fade the previous beat's pieces out and new frame-fixed panels in, then rewind the
        shared step tracker to 0."""
        self.add_fixed_in_frame_mobjects(*new)
        self.play(*[FadeOut(m) for m in old], *[FadeIn(m) for m in new], run_time=0.6)
        self.remove(*old)
        self.step_tracker.set_value(0)

    def play_steps(self, upto: int, p: Params) -> None:
        """Advance the step tracker: the first slow_steps one by one, the rest faster."""
        step = self.step_tracker
        for k in range(int(step.get_value()) + 1, min(p.slow_steps, upto) + 1):
            self.play(step.animate.set_value(k), run_time=p.slow_step_seconds, rate_func=linear)
            self.wait(0.25)
        done = int(step.get_value())
        if upto > done:
            self.play(step.animate.set_value(upto), run_time=(upto - done) * p.fast_step_seconds,
                      rate_func=linear)

    def legend(self, p: Params, runs: dict[str, Trajectory]) -> tuple[VGroup, list[Text]]:
        """Panel of the racers (colour, name, α, β) with room for each arrival mark on the right;
        returns the panel and the marks (shown once the race is over)."""
        lrs = {"gd": p.gd_lr, "momentum": p.momentum_lr, "nesterov": p.nesterov_lr}
        rows, marks = VGroup(), []
        for name, traj in runs.items():
            dot = Circle(radius=0.09, color=optimizer_color(name), fill_opacity=1, stroke_width=0)
            label = Text(NAMES[name], font=THEME.font, font_size=24, color=THEME.text)
            hyper = f"α = {lrs[name]:g}" + ("" if name == "gd" else f", β = {p.beta:g}")
            detail = Text(hyper, font=THEME.font, font_size=20, color=THEME.muted)
            text = VGroup(label, detail).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            rows.add(VGroup(dot.next_to(label, LEFT, buff=0.2), text))
            n = arrival(traj)
            marks.append(Text(f"{n} steps" if n is not None else f"not in {traj.steps}", font=THEME.font,
                              font_size=22, color=THEME.status_colors["converged" if n is not None else "max steps"]))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        right = rows.get_right()[0] + 0.4
        for row, mark in zip(rows, marks):
            mark.move_to(row[1][0]).align_to([right, 0, 0], LEFT)
        body = VGroup(rows, *marks)
        panel = BackgroundRectangle(body, color=THEME.panel, fill_opacity=THEME.panel_opacity, buff=0.25)
        box = VGroup(panel, rows)
        shift = np.array([COLUMN_LEFT - panel.get_left()[0], 3.65 - panel.get_top()[1], 0])
        box.shift(shift)
        for mark in marks:
            mark.shift(shift)
        return box, marks


def key_panel(rows) -> VGroup:
    """Arrow key: (glyph, TeX label) rows on a panel."""
    lines = VGroup()
    for glyph, label in rows:
        lines.add(VGroup(glyph, MathTex(label, font_size=28, color=THEME.text)).arrange(RIGHT, buff=0.25))
    lines.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
    return VGroup(BackgroundRectangle(lines, color=THEME.panel, fill_opacity=THEME.panel_opacity, buff=0.2), lines)


def arrow_glyph(role: str) -> Arrow:
    return Arrow(LEFT * 0.35, RIGHT * 0.35, buff=0, color=THEME.role_colors[role], stroke_width=5,
                 max_tip_length_to_length_ratio=0.35)


def ghost_glyph() -> VGroup:
    """The look-ahead glyph in small: a dashed jump ending in a hollow ring."""
    color = THEME.role_colors["lookahead"]
    ring = Circle(radius=0.1, stroke_color=color, stroke_width=3).shift(RIGHT * 0.25)
    dash = DashedLine(LEFT * 0.35, RIGHT * 0.15, color=color, stroke_width=3, dash_length=0.08)
    return VGroup(dash, ring)
