"""Adaptive learning rates: AdaGrad, RMSProp and Adam on the valley, effective steps as live bars.

Every step size on screen and in the captions is the engine's ``Trajectory.step_scale`` (the
per-coordinate learning rate actually applied); the scene never does optimizer math.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, FadeOut, MathTex, Text, VGroup, linear

from gdanim.config import param
from gdanim.engine import simulate_each
from gdanim.display import inside_domain
from gdanim.engine import Trajectory
from gdanim.landscapes import LANDSCAPES, Landscape, get_landscape
from gdanim.optimizers import get_optimizer_spec
from gdanim.visual.contours import ContourMap
from gdanim.visual.equation import UPDATE_RULES, EquationCard
from gdanim.visual.lesson import LessonScene
from gdanim.visual.step_bars import StepBars, StepHistory, step_sizes
from gdanim.visual.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.wording import landscape_name, number_word, point
from gdanim.wording import optimizer_name as display

# What each rule does to its step size, said while its update rule is on screen.
EXPLAIN = {
    "adagrad": "AdaGrad sums every squared gradient in G. G only grows, so its steps only shrink.",
    "rmsprop": "RMSprop keeps a decaying average of g² instead: old ones fade.",
    "adam": "Adam averages g² too, plus momentum m and a bias correction.",
}
MAP_CENTER = np.array([-3.6, 1.4, 0.0])
MAP_WIDTH = 5.4
MAP_HEIGHT = 3.24  # at most: a square domain gets a narrower map
CARD_TOP = -0.35  # equation cards sit under the map, above the caption band
CAPTION_TOP = -2.85
CARD_BOTTOM = -2.6  # a two-line caption's panel reaches up to about -2.7
RIGHT_X = 3.55  # centre of the step-size column


@dataclass
class Params:
    landscape: str = param("valley", "loss landscape (see gdanim.landscapes); the valley shows it best")
    start: tuple[float, float] = param((-2.2, 1.2), "common starting point (x, y)")
    optimizers: list[str] = param(["adagrad", "rmsprop", "adam"], "update rules compared, one run each")
    lrs: dict = param({"adagrad": 0.1, "rmsprop": 0.01, "adam": 0.1},
                      "learning rate α per optimizer {name: lr}; defaults give all three the same "
                      "first step (RMSProp's empty average makes its first step 10x α); others use torch's")
    steps: int = param(200, "steps each optimizer takes")
    first_steps: int = param(10, "steps played slowly while the first update rule is explained")
    first_seconds: float = param(4.0, "duration of those first steps")
    run_seconds: float = param(9.0, "duration of the remaining steps")
    hold_seconds: float = param(0.5, "pause on the final bars before the numbers")

    def __post_init__(self):
        if self.landscape not in LANDSCAPES:
            raise ValueError(f"unknown landscape {self.landscape!r}; choose from: {', '.join(LANDSCAPES)}")
        if not 1 <= len(self.optimizers) <= 4:
            raise ValueError(f"optimizers must name one to four update rules, got {self.optimizers}")
        if len(set(self.optimizers)) != len(self.optimizers):
            raise ValueError(f"optimizers must not repeat a name, got {self.optimizers}")
        for name in self.optimizers:
            get_optimizer_spec(name)
            if name not in UPDATE_RULES:
                raise ValueError(f"no update rule to show for {name!r}; choose from: {', '.join(UPDATE_RULES)}")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in self.lrs.values()):
            raise ValueError(f"lrs must map optimizer names to positive numbers, got {self.lrs}")
        if self.steps < 1 or self.first_steps < 0:
            raise ValueError(f"steps must be >= 1 and first_steps >= 0, got {self.steps}, {self.first_steps}")
        land = get_landscape(self.landscape)
        if not inside_domain(land, self.start):
            raise ValueError(f"start {self.start} lies outside the plotted domain {land.domain}")


# --- the lesson as data (no manim) -------------------------------------------------------------

def lesson_lrs(p: Params) -> list[float]:
    """α per optimizer: the configured one, else torch's default."""
    return [float(p.lrs.get(name, get_optimizer_spec(name).defaults["lr"])) for name in p.optimizers]


def run_lesson(p: Params) -> Trajectory:
    """One engine run per optimizer (full step budget, no early stop), stacked in order."""
    land = get_landscape(p.landscape)
    return simulate_each(land, p.optimizers, lesson_lrs(p), p.start, p.steps)


def x_steps(traj: Trajectory, run: int) -> np.ndarray:
    """The run's effective step along x for steps 1..steps (index k-1 is step k)."""
    return traj.step_scale[run, :, 0]


def same_first_step(traj: Trajectory) -> bool:
    """Whether every run applied the same per-coordinate step at step 1."""
    first = step_sizes(traj, range(traj.n_runs), 1)
    return bool(np.allclose(first, first[0], rtol=1e-3))


def start_caption(traj: Trajectory) -> str:
    first = step_sizes(traj, range(traj.n_runs), 1)
    if same_first_step(traj):
        return (f"Bars: the resulting step per coordinate. Ticks: step 1, the same for all "
                f"(x {first[0, 0]:.3g}, y {first[0, 1]:.3g}).")
    return "Bars: the resulting step per coordinate. Ticks: each bar's step 1."


def step_story(name: str, steps: np.ndarray, loss: float) -> str:
    """One caption on how the x step changed from step 1 to the last step, and the loss then."""
    first, last, n = float(steps[0]), float(steps[-1]), len(steps)
    low = int(np.argmin(steps))
    who = f"{display(name)}'s x step"
    if last < first * 0.99 and low >= n - 1 - max(n // 20, 1):
        story = f"{who} fell {first / last:.1f}× by step {n} ({first:.3g} → {last:.3g})"
    elif steps[low] < first * 0.99 and last > steps[low] * 1.05:
        story = f"{who} dipped to {steps[low]:.3g} at step {low + 1}, then rose back to {last:.3g}"
    elif last > first * 1.01:
        story = f"{who} grew {last / first:.1f}× to {last:.3g} by step {n}"
    else:
        story = f"{who} stayed near {first:.3g} for {n} steps"
    return f"{story}; loss {loss:.2g}."


def lesson_captions(names, traj: Trajectory) -> list[str]:
    """The closing numbers: each optimizer's x-step story with its final loss."""
    return [step_story(n, x_steps(traj, i), float(traj.losses[i, -1])) for i, n in enumerate(names)]


# --- the lesson ------------------------------------------------------------------------------

class AdaptiveLearningRates(LessonScene):
    """AdaGrad, RMSProp and Adam on the valley: per-coordinate effective steps as live bars."""

    Params = Params

    def construct(self):
        p = self.params
        land = get_landscape(p.landscape)
        lrs = lesson_lrs(p)
        traj = run_lesson(p)
        names = [display(n) for n in p.optimizers]
        colors = [optimizer_color(n) for n in p.optimizers]
        count = number_word(len(names), capital=True)
        where = land.name.replace("_", " ")

        self.show_title("Adaptive learning rates", "every coordinate gets its own step size")
        stage, heading, ring = self.course(land, p.start)
        self.play(FadeIn(stage), FadeIn(heading), FadeIn(ring), run_time=0.8)
        self.say(f"{count} adaptive optimizers descend the {where} loss from {point(p.start)}.")

        step = self.step_tracker
        bars = StepBars(traj, range(traj.n_runs), step, names, colors, bar_width=2.7, bar_height=0.18,
                        font_size=18)
        bars.move_to([RIGHT_X, 0, 0]).to_edge(UP, buff=0.25)
        history = StepHistory(traj, range(traj.n_runs), step, colors, width=5.2, height=1.35)
        history_title = Text("x step over time (log scale)", font=THEME.font, font_size=18, color=THEME.text)
        history.move_to([RIGHT_X + 0.3, 0, 0]).align_to([0, CAPTION_TOP + 0.45, 0], DOWN)
        history_title.next_to(history.axes, UP, buff=0.15)
        tracers = [TrajectoryTracer(stage, traj, i, step, color=c, radius=0.07, trail_width=3.0)
                   for i, c in enumerate(colors)]
        self.add_overlay(bars, history)
        self.add_fixed_in_frame_mobjects(history_title)
        self.add_tracers(*tracers)
        self.play(FadeIn(bars), FadeIn(history), FadeIn(history_title), run_time=0.8)
        self.say("Each divides α by a running size of each coordinate's gradient.")
        self.say(start_caption(traj))

        card = None
        for i, name in enumerate(p.optimizers):
            self.finish_reading()  # the new card belongs to the next caption's beat
            card = self.swap_card(card, name, lrs[i])
            self.say(EXPLAIN.get(name, f"{names[i]} applies the same α to every coordinate."))
            if i == 0 and p.first_steps:
                first = min(p.first_steps, p.steps)
                self.play(step.animate.set_value(first), run_time=p.first_seconds, rate_func=linear)
        done = int(step.get_value())
        if p.steps > done:
            self.say(f"Now all {p.steps} steps. Below: each one's x step over time.")
            self.play(step.animate.set_value(p.steps), run_time=p.run_seconds, rate_func=linear)
        self.wait(p.hold_seconds)

        for caption in lesson_captions(p.optimizers, traj):
            self.say(caption)
        self.show_takeaway("AdaGrad's sum only grows, so its steps only shrink. RMSprop and Adam "
                           "average recent gradients, so their steps recover.")

    def course(self, land: Landscape, start) -> tuple[ContourMap, VGroup, Circle]:
        """The contour map on the left with the landscape's name and formula above it."""
        (x0, x1), (y0, y1) = land.domain
        aspect = (y1 - y0) / (x1 - x0)
        width = min(MAP_WIDTH, MAP_HEIGHT / aspect)
        stage = ContourMap(land, width=width, height=width * aspect).move_to(MAP_CENTER)
        name = Text(landscape_name(land.name), font=THEME.font, font_size=28,
                    color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=30, color=THEME.text)
        heading = VGroup(name, formula).arrange(RIGHT, buff=0.35)
        if heading.width > MAP_WIDTH:
            heading.scale_to_fit_width(MAP_WIDTH)
        heading.next_to(stage, UP, buff=0.25)
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(stage.to_scene(start)[0])
        self.add_fixed_in_frame_mobjects(heading)
        return stage, heading, ring

    def swap_card(self, old, name: str, lr: float):
        """Replace the update-rule card under the map with ``name``'s."""
        card = EquationCard.for_optimizer(name, title=f"{display(name)}, α = {lr:g}", font_size=26)
        room = CARD_TOP - CARD_BOTTOM
        if card.height > room:
            card.scale_to_fit_height(room)
        card.align_to([MAP_CENTER[0] - MAP_WIDTH / 2, 0, 0], LEFT).align_to([0, CARD_TOP, 0], UP)
        self.add_fixed_in_frame_mobjects(card)
        if old is None:
            self.play(FadeIn(card), run_time=0.5)
        else:
            self.play(FadeOut(old), FadeIn(card), run_time=0.5)
            self.remove_fixed_in_frame_mobjects(old)
        return card

