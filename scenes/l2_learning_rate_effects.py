"""Learning rate effects (seed 002): one start, several learning rates, one panel each.

The runs are one engine call with the learning rate as an array over runs; every verdict
(crawls, converges, oscillates, diverges) and every number in the captions is read from the
recorded trajectory, never assumed.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from manim import (DOWN, RIGHT, UP, Circle, Create, FadeIn, LineJointType, MathTex, SurroundingRectangle, Text,
                   VGroup, linear)

from gdanim.config import param
from gdanim.wording import point
from gdanim.display import inside_domain
from gdanim.engine import Trajectory, simulate
from gdanim.landscapes import LANDSCAPES, Landscape, get_landscape
from gdanim.optimizers import get_optimizer_spec
from gdanim.visual.contours import ContourMap
from gdanim.visual.equation import UPDATE_RULES
from gdanim.visual.lesson import LessonScene
from gdanim.visual.loss_curve import LossCurve
from gdanim.visual.theme import OKABE_ITO, THEME
from gdanim.visual.tracer import TrajectoryTracer

MAX_RUNS = 5
# One colour a run, small to large learning rate; none is vermillion, the diverged colour of
# the divergence marker, so the burst stands out from every trail.
RUN_COLORS = [OKABE_ITO[name] for name in ("sky_blue", "bluish_green", "yellow", "reddish_purple", "orange")]
NUMBER_WORDS = ["No", "One", "Two", "Three", "Four", "Five"]
NAMES = {"gd": "gradient descent", "sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov",
         "adagrad": "AdaGrad", "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW"}
ROW_WIDTH = 13.4  # the panels' row spans the frame less a margin
PANEL_GAP = 0.35
PANEL_HEIGHT = 2.2  # at most; the loss curve below and the captions need the rest
PANEL_TOP = 2.55


@dataclass
class Params:
    landscape: str = param("valley", "loss surface (bowl, valley, ... see gdanim.landscapes)")
    optimizer: str = param("gd", "update rule every run uses; only the learning rate differs")
    lrs: list[float] | None = param(None, "learning rates, one panel each (1 to 5); None = stability_fractions "
                                          "of GD's limit 2/λmax (valley: 0.002, 0.05, 0.095, 0.11)")
    # GD on a quadratic multiplies the distance along each curvature direction λ by (1 - α λ)
    # per step: 0 < αλ < 1 creeps in, 1 < αλ < 2 flips sign each step (oscillates) but shrinks,
    # αλ > 2 grows (diverges). So fractions f of the limit 2/λmax give αλmax = 2f: 0.02 crawls,
    # 0.5 lands on the steepest direction's floor in one step and converges smoothly, 0.95
    # oscillates (factor -0.9), 1.1 diverges (factor -1.2). On the valley x² + 10y² (λmax = 20)
    # that is α = 0.002, 0.05, 0.095, 0.11; on the bowl x² + y² (λ = 2), 0.02, 0.5, 0.95, 1.1.
    stability_fractions: list[float] = param([0.02, 0.5, 0.95, 1.1],
                                             "default learning rates as fractions of 2/λmax (used when lrs is None)")
    start: tuple[float, float] | None = param(None, "common start (x, y); None = the landscape's default "
                                                    "(valley: (2, 1))")
    steps: int = param(100, "step budget of every run")
    tol_grad: float = param(1e-2, "a run has converged when its gradient norm falls below this")
    diverge_at: float = param(1e6, "a run has diverged when a coordinate grows beyond this")
    oscillation_share: float = param(0.5, "a run oscillates when at least this share of its steps "
                                          "turns back against the step before")
    first_steps: int = param(8, "steps played slowly first, where overshooting is easy to follow")
    first_seconds: float = param(5.0, "duration of those first steps")
    rest_seconds: float = param(8.0, "duration of the remaining steps")

    def __post_init__(self):
        if self.landscape not in LANDSCAPES:
            raise ValueError(f"unknown landscape {self.landscape!r}; choose from: {', '.join(LANDSCAPES)}")
        get_optimizer_spec(self.optimizer)
        rates = self.lrs if self.lrs is not None else self.stability_fractions
        what = "lrs" if self.lrs is not None else "stability_fractions"
        if not 1 <= len(rates) <= MAX_RUNS:
            raise ValueError(f"{what} must hold 1 to {MAX_RUNS} values (one panel each), got {len(rates)}")
        if not all(isinstance(v, (int, float)) and math.isfinite(v) and v > 0 for v in rates):
            raise ValueError(f"{what} must be positive numbers, got {rates}")
        if self.steps < 1:
            raise ValueError(f"steps must be at least 1, got {self.steps}")
        if not (self.tol_grad >= 0 and self.diverge_at > 0 and 0 < self.oscillation_share <= 1):
            raise ValueError("need tol_grad >= 0, diverge_at > 0 and 0 < oscillation_share <= 1")
        land = get_landscape(self.landscape)
        if not inside_domain(land, lesson_start(self, land)):
            raise ValueError(f"start {lesson_start(self, land)} lies outside the plotted domain {land.domain}")


# --- the lesson as data (no manim) -----------------------------------------------------------

def lesson_start(p: Params, land: Landscape) -> tuple[float, float]:
    return tuple(land.default_start) if p.start is None else tuple(p.start)


def curvatures(land: Landscape, at) -> np.ndarray:
    """Eigenvalues (ascending) of the Hessian at ``at``, by central differences of the gradient."""
    (x0, x1), (y0, y1) = land.domain
    h = 1e-5 * max(x1 - x0, y1 - y0)
    at = np.asarray(at, dtype=float)
    cols = [(land.gradient(at + h * e) - land.gradient(at - h * e)) / (2 * h) for e in np.eye(2)]
    hessian = np.column_stack(cols)
    return np.linalg.eigvalsh((hessian + hessian.T) / 2)


def curvature_point(land: Landscape, start) -> np.ndarray:
    """Where the curvature is read: the minimum nearest the start, else the start itself."""
    if len(land.minima):
        return land.minima[np.argmin(np.linalg.norm(land.minima - np.asarray(start), axis=1))]
    return np.asarray(start, dtype=float)


def stability_limit(land: Landscape, start) -> tuple[float, float]:
    """(λmax, 2/λmax): GD's largest stable learning rate near the minimum."""
    top = float(curvatures(land, curvature_point(land, start))[-1])
    if not top > 0:
        raise ValueError(f"{land.name} has no positive curvature near {tuple(curvature_point(land, start))}; "
                         f"give the learning rates explicitly with lrs")
    return top, 2.0 / top


def lesson_lrs(p: Params, land: Landscape) -> list[float]:
    """The configured learning rates, else the stability fractions of 2/λmax to 2 significant
    figures (so a label shows exactly the rate the run used)."""
    if p.lrs is not None:
        return [float(v) for v in p.lrs]
    limit = stability_limit(land, lesson_start(p, land))[1]
    return [float(f"{f * limit:.2g}") for f in p.stability_fractions]


def run_lesson(p: Params, land: Landscape, lrs) -> Trajectory:
    """All runs in one engine call: the learning rate is an array over runs."""
    return simulate(land, p.optimizer, lesson_start(p, land), p.steps, lr=np.asarray(lrs, dtype=float),
                    tol_grad=p.tol_grad, diverge_at=p.diverge_at)


def left_plot_at(traj: Trajectory, run: int) -> int | None:
    """The first recorded step outside the plotted domain (before the run stopped), or None."""
    stop = int(traj.stop_step[run])
    outside = np.flatnonzero(~inside_domain(traj.landscape, traj.positions[run, : stop + 1]))
    return int(outside[0]) if len(outside) else None


def reversal_share(traj: Trajectory, run: int) -> float:
    """Share of consecutive step pairs where a step turns back against the one before it
    (negative dot product), over the steps shown on the panel."""
    last = int(traj.stop_step[run])
    left = left_plot_at(traj, run)
    if left is not None:
        last = left
    moves = np.diff(traj.positions[run, : last + 1], axis=0)
    moves = moves[np.linalg.norm(moves, axis=1) > 0]
    if len(moves) < 2:
        return 0.0
    return float(np.mean(np.einsum("ij,ij->i", moves[1:], moves[:-1]) < 0))


@dataclass(frozen=True)
class Verdict:
    """What one run did, in the engine's numbers."""

    kind: str  # "crawls", "converges", "oscillates" or "diverges"
    reason: str  # the engine's stop reason
    stop: int  # the engine's stop step
    left_plot: int | None  # first step outside the plot
    first_loss: float
    last_loss: float
    reversals: float

    @property
    def converged(self) -> bool:
        return self.reason.startswith("converged")


def verdict(traj: Trajectory, run: int, oscillation_share: float) -> Verdict:
    reason, stop, left = str(traj.stop_reason[run]), int(traj.stop_step[run]), left_plot_at(traj, run)
    share = reversal_share(traj, run)
    if reason == "diverged" or left is not None:
        kind = "diverges"
    elif share >= oscillation_share:
        kind = "oscillates"
    elif reason.startswith("converged"):
        kind = "converges"
    else:
        kind = "crawls"
    return Verdict(kind, reason, stop, left, float(traj.losses[run, 0]), float(traj.losses[run, stop]), share)


def short_label(v: Verdict) -> tuple[str, str]:
    """(text, status colour) shown under a panel once its verdict is told."""
    colors = THEME.status_colors
    if v.kind == "diverges":
        return "diverged", colors["diverged"]
    if v.kind == "crawls":
        return "crawling", colors["max steps"]
    outcome = colors["converged"] if v.converged else colors["max steps"]
    if v.kind == "oscillates":
        return (f"oscillating: {v.stop} steps" if v.converged else "oscillating"), outcome
    return f"converged: {v.stop} steps", outcome


def caption_for(lr: float, v: Verdict, steps: int, fastest: bool) -> str:
    """One caption telling what the run with rate ``lr`` did, from its verdict."""
    a = f"α = {lr:g}"
    how = "gradient below tolerance" if v.reason == "converged_grad" else "loss stopped changing"
    if v.kind == "crawls":
        return (f"{a} is too small: it crawls. After {steps} steps the loss is still "
                f"{v.last_loss:.2g} (from {v.first_loss:.2g}).")
    if v.kind == "converges":
        best = ", the fastest here" if fastest else ""
        return f"{a} converges smoothly: {how} after {v.stop} steps{best}."
    if v.kind == "oscillates":
        if v.converged:
            return f"{a} overshoots, flipping across the floor every step, yet converges in {v.stop} steps."
        return (f"{a} overshoots, flipping across the floor every step. After {steps} steps it "
                f"has not settled (loss {v.last_loss:.2g}).")
    leave = f"leaves the plot at step {v.left_plot}" if v.left_plot is not None else "blows up"
    if v.reason == "diverged":
        end = f", diverges at step {v.stop} (loss {sci(v.last_loss)})."
    else:
        end = f"; after {steps} steps its loss is {v.last_loss:.2g}."
    return f"{a} is too large: each bounce overshoots more. It {leave}{end}"


def fastest_run(verdicts: list[Verdict]) -> int | None:
    """The smoothly converging run with the fewest steps, if any."""
    smooth = [i for i, v in enumerate(verdicts) if v.kind == "converges"]
    return min(smooth, key=lambda i: verdicts[i].stop) if smooth else None


def panel_size(land: Landscape, n: int) -> tuple[float, float]:
    """(width, height) of each of ``n`` panels in a row, keeping the domain's aspect."""
    (x0, x1), (y0, y1) = land.domain
    aspect = (y1 - y0) / (x1 - x0)
    width = min((ROW_WIDTH - (n - 1) * PANEL_GAP) / n, PANEL_HEIGHT / aspect)
    return width, width * aspect


def display_name(land: Landscape) -> str:
    return land.name.replace("_", " ")


def sci(value: float) -> str:
    """1.1e+13 -> '1.1×10¹³' for captions."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}×10" + str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))



# --- the lesson ------------------------------------------------------------------------------

class LearningRateEffects(LessonScene):
    """Too small, just right, too large: one start, a panel per learning rate, loss curves below."""

    Params = Params

    def construct(self):
        p = self.params
        land = get_landscape(p.landscape)
        start, lrs = lesson_start(p, land), lesson_lrs(p, land)
        traj = run_lesson(p, land, lrs)
        verdicts = [verdict(traj, i, p.oscillation_share) for i in range(traj.n_runs)]
        colors = RUN_COLORS[: traj.n_runs]
        n = traj.n_runs
        count = NUMBER_WORDS[n]
        rule = NAMES.get(p.optimizer, p.optimizer)

        self.show_title("The learning rate", "too small, just right, too large")
        heading = self.heading(land, p.optimizer)
        panels, labels = self.panels(land, lrs, colors)
        rings = VGroup(*[self.start_ring(panel, start) for panel in panels])
        self.add(panels)
        self.play(FadeIn(heading), FadeIn(panels), FadeIn(labels), FadeIn(rings), run_time=0.8)
        runs = "run" if n == 1 else "runs"
        self.say(f"{count} {runs} of {rule} on the {display_name(land)} loss from {point(start)}: "
                 f"only the learning rate α differs.")
        if p.optimizer == "gd":
            top, limit = stability_limit(land, start)
            self.say(f"Near the minimum the steepest curvature is λmax = {top:.3g}, so GD is stable "
                     f"only for α < 2/λmax = {limit:.3g}.")

        step = self.step_tracker
        curve = self.loss_curve(traj, colors, p.steps)
        tracers = [TrajectoryTracer(panel, traj, i, step, color=c, radius=0.06, trail_width=2.5,
                                    stop_at_exit=True)
                   for i, (panel, c) in enumerate(zip(panels, colors))]
        for tracer in tracers:
            tracer.trail.joint_type = LineJointType.ROUND  # a zig-zag's sharp corners would spike
            tracer.update(0)  # trail from its step-0 state, not the first substep it was built with
        self.add(*tracers)
        first = min(p.first_steps, p.steps)
        self.say(f"The first {first} steps, slowly. Below: the loss of every run, on one log axis.")
        self.play(FadeIn(curve), run_time=0.6)
        self.play(step.animate.set_value(first), run_time=p.first_seconds, rate_func=linear)
        if p.steps > first:
            self.say(f"Now the rest, up to {p.steps} steps.")
            self.play(step.animate.set_value(p.steps), run_time=p.rest_seconds, rate_func=linear)

        fastest = fastest_run(verdicts)
        frame = None
        for i, v in enumerate(verdicts):
            text, color = short_label(v)
            tag = Text(text, font=THEME.font, font_size=20, color=color)
            if tag.width > panels[i].width:
                tag.scale_to_fit_width(panels[i].width)
            tag.next_to(panels[i], DOWN, buff=0.2)
            box = SurroundingRectangle(VGroup(panels[i], labels[i], tag), color=colors[i], buff=0.06,
                                       stroke_width=3)
            self.say(caption_for(lrs[i], v, p.steps, i == fastest))
            if frame is None:
                frame = box
                self.play(Create(frame), FadeIn(tag), run_time=0.6)
            else:
                self.play(frame.animate.become(box), FadeIn(tag), run_time=0.6)
        self.show_takeaway("Too small crawls; too large overshoots and blows up. "
                           "Keep α below the limit the steepest curvature sets.")

    def heading(self, land: Landscape, optimizer: str) -> VGroup:
        """The loss formula and the update rule, α in the learning-rate colour."""
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=32, color=THEME.text)
        rule = MathTex(UPDATE_RULES.get(optimizer, UPDATE_RULES["gd"])[-1].replace("{{", "").replace("}}", ""),
                       font_size=32, color=THEME.text, substrings_to_isolate=[r"\alpha", r"\nabla L(\theta)"])
        rule.set_color_by_tex(r"\alpha", THEME.role_colors["lr"])
        rule.set_color_by_tex(r"\nabla L(\theta)", THEME.role_colors["gradient"])
        heading = VGroup(formula, rule).arrange(RIGHT, buff=1.0)
        if heading.width > ROW_WIDTH:
            heading.scale_to_fit_width(ROW_WIDTH)
        return heading.to_edge(UP, buff=0.25)

    def panels(self, land: Landscape, lrs, colors) -> tuple[VGroup, VGroup]:
        """A contour map per learning rate in a centred row, each titled with its α."""
        width, height = panel_size(land, len(lrs))
        panels = VGroup(*[ContourMap(land, width=width, height=height, levels=12, samples=120) for _ in lrs])
        panels.arrange(RIGHT, buff=PANEL_GAP).move_to([0, PANEL_TOP - height / 2, 0])
        labels = VGroup(*[Text(f"α = {lr:g}", font=THEME.font, font_size=22, color=c).next_to(panel, UP, buff=0.1)
                          for lr, c, panel in zip(lrs, colors, panels)])
        return panels, labels

    def start_ring(self, panel: ContourMap, start) -> Circle:
        return Circle(radius=0.1, stroke_color=THEME.text, stroke_width=2).move_to(panel.to_scene(start)[0])

    def loss_curve(self, traj: Trajectory, colors, steps: int) -> LossCurve:
        """All runs' losses against step on one axis, under the panels."""
        curve_theme = dataclasses.replace(THEME, hud_size=23)  # axis labels at font size 18
        curve = LossCurve(traj, range(traj.n_runs), self.step_tracker, colors, width=9.0, height=1.8,
                          max_step=steps, theme=curve_theme)
        return curve.move_to([0, -1.2, 0])
