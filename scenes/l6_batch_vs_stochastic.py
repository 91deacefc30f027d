"""Batch vs stochastic gradient descent on linear regression: the data with each method's
fitted line beside the (w, b) loss contours, and what each step costs in sample gradients.

The three runs come from the engine (same start, rate and sampling seed); the captions'
losses and gradient counts are read from those trajectories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, MathTex, Text, VGroup, linear

from gdanim.config import param
from gdanim.engine import Trajectory, simulate
from gdanim.landscapes import Landscape, get_landscape
from gdanim.optimizers import get_optimizer_spec
from gdanim.visual.contours import ContourMap
from gdanim.visual.lesson import LessonScene
from gdanim.visual.regression_plot import FitLegend, RegressionPlot, gradient_evaluations
from gdanim.visual.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer

# Method -> colour. Full batch is plain GD and SGD is SGD, so they keep their optimizer colours
# (vermillion, grey); mini-batch takes the theme's yellow, which stands out on the blue contours.
COLORS = {"full": optimizer_color("gd"), "mini": THEME.role_colors["lr"], "sgd": optimizer_color("sgd")}
PANEL = 4.3  # height of the data plot and side of the contour map, between heading and captions
DATA_CENTER = np.array([-4.5, 0.05, 0.0])
MAP_CENTER = np.array([0.85, 0.05, 0.0])
LEGEND_LEFT = 3.75  # x of the legend column's left edge
TITLE, SUBTITLE = "Batch or stochastic?", "how many samples should one gradient step look at?"


@dataclass
class Params:
    n_samples: int = param(50, "data points in the synthetic regression set")
    noise_std: float = param(0.5, "noise added to the data's y values")
    data_seed: int = param(0, "seed of the data set")
    optimizer: str = param("gd", "update rule all three methods use; only the batch differs")
    lr: float = param(0.1, "learning rate α, shared by the three methods")
    start: tuple[float, float] = param((0.0, 0.0), "starting (w, b): the flat line y = 0")
    steps: int = param(40, "steps every method takes")
    mini_batch: int = param(8, "samples per mini-batch gradient (SGD uses 1, full batch all)")
    seed: int = param(0, "sampling seed: the same seed gives the same SGD and mini-batch paths")
    first_steps: int = param(5, "steps shown slowly at first, one beat each")
    first_step_seconds: float = param(1.0, "animation time of each of those steps")
    seconds_per_step: float = param(0.24, "animation time per step for the rest")
    noise_window: int = param(10, "last steps over which SGD's loss range is quoted")
    hold_seconds: float = param(0.3, "pause once all steps are done")

    def __post_init__(self):
        get_optimizer_spec(self.optimizer)
        if self.steps < 1:
            raise ValueError(f"steps must be at least 1, got {self.steps}")
        if not 1 <= self.mini_batch <= self.n_samples:
            raise ValueError(f"mini_batch must be between 1 and n_samples ({self.n_samples}), got {self.mini_batch}")
        if not 1 <= self.noise_window <= self.steps:
            raise ValueError(f"noise_window must be between 1 and steps ({self.steps}), got {self.noise_window}")
        if self.first_steps < 0:
            raise ValueError(f"first_steps must be >= 0, got {self.first_steps}")


# --- the runs as data (no manim) -----------------------------------------------------------

def regression_landscape(p: Params) -> Landscape:
    return get_landscape("linear_regression", n_samples=p.n_samples, noise_std=p.noise_std, seed=p.data_seed)


def run_methods(land: Landscape, p: Params) -> dict[str, Trajectory]:
    """Full batch, mini-batch and SGD: one engine call each, same start, rate and seed."""
    sizes = {"full": None, "mini": p.mini_batch, "sgd": 1}
    return {key: simulate(land, p.optimizer, p.start, p.steps, lr=p.lr, batch_size=size, seed=p.seed,
                          tol_grad=0.0)
            for key, size in sizes.items()}


def method_names(land: Landscape, p: Params) -> dict[str, str]:
    return {"full": f"full batch  B={land.n_samples}", "mini": f"mini-batch  B={p.mini_batch}",
            "sgd": "SGD  B=1"}


def budget_steps(trajs: dict[str, Trajectory]) -> int:
    """Full-batch steps affordable with the sample gradients the mini-batch run used."""
    full, mini = trajs["full"], trajs["mini"]
    spent = gradient_evaluations(mini, 0, mini.steps)
    return min(spent // full.landscape.n_samples, full.steps)


def noise_range(traj: Trajectory, window: int) -> tuple[float, float]:
    """Lowest and highest loss over the last ``window`` steps."""
    tail = traj.losses[0, -window:]
    return float(tail.min()), float(tail.max())


def result_captions(trajs: dict[str, Trajectory], p: Params) -> list[str]:
    """The closing beats, every number read from the trajectories."""
    full, mini, sgd = trajs["full"], trajs["mini"], trajs["sgd"]
    k = full.steps
    loss = {key: t.losses[0, k] for key, t in trajs.items()}
    evals = {key: gradient_evaluations(t, 0, k) for key, t in trajs.items()}
    m = budget_steps(trajs)
    lo, hi = noise_range(sgd, p.noise_window)
    return [
        f"After {k} steps: loss {loss['full']:.3f} from {evals['full']} sample gradients (full batch), "
        f"{loss['mini']:.3f} from {evals['mini']} (mini-batch), {loss['sgd']:.3f} from {evals['sgd']} (SGD).",
        f"Spend {evals['mini']} gradients either way: mini-batch reaches loss {mini.losses[0, k]:.3f}, "
        f"full batch ({m} step{'s' if m != 1 else ''}) only {full.losses[0, m]:.3f}.",
        f"SGD never settles: over its last {p.noise_window} steps the loss ranged from {lo:.3f} to {hi:.3f}.",
    ]


def signed(v: float) -> str:
    return f"{v:g}".replace("-", "−")


# --- the lesson ------------------------------------------------------------------------------

class BatchVsStochastic(LessonScene):
    """Full-batch GD vs SGD vs mini-batch on linear regression: fitted lines, paths and costs."""

    Params = Params

    def construct(self):
        p = self.params
        land = regression_landscape(p)
        trajs = run_methods(land, p)
        names = method_names(land, p)
        n = land.n_samples
        true_w, true_b = land.params["true_w"], land.params["true_b"]

        self.show_title(TITLE, SUBTITLE)
        heading = self.heading(land)
        plot = RegressionPlot(land, width=PANEL, height=PANEL).move_to(DATA_CENTER)
        self.play(FadeIn(heading), FadeIn(plot), run_time=0.8)
        sign = "−" if true_b < 0 else "+"
        self.say(f"{n} noisy points around y = {signed(true_w)}x {sign} {signed(abs(true_b))}. "
                 f"We fit a line y = w·x + b to them.")

        stage, axis_labels, ring, best = self.loss_map(land, plot, p.start)
        self.play(FadeIn(stage), FadeIn(axis_labels), FadeIn(best), FadeIn(ring), run_time=0.8)
        self.say("Right: the loss over (w, b); each point is one line on the left. "
                 "×: best fit (dashed).")

        step = self.step_tracker
        order = ["full", "mini", "sgd"]
        lines = [plot.add_fit(trajs[key], 0, step, color=COLORS[key]) for key in order]
        tracers = [TrajectoryTracer(stage, trajs[key], 0, step, color=COLORS[key], radius=0.07, trail_width=3.0)
                   for key in order]
        legend = FitLegend([(names[key], COLORS[key], trajs[key], 0) for key in order], step)
        legend.align_to(stage, UP).set_x(LEGEND_LEFT + legend.width / 2)
        self.add(*lines)
        self.add_tracers(*tracers)
        self.play(FadeIn(legend), run_time=0.6)
        self.add(legend)
        self.say(f"Three methods, all from (w, b) = ({signed(p.start[0])}, {signed(p.start[1])}) with "
                 f"α = {p.lr:g}. B = samples per gradient.")

        first = min(p.first_steps, p.steps)
        self.say(f"Full batch averages all {n} sample gradients: smooth, but {n} gradients a step.")
        for k in range(1, first + 1):
            self.play(step.animate.set_value(k), run_time=p.first_step_seconds, rate_func=linear)
        if p.steps > first:
            self.say("SGD follows one random sample a step: cheap, but noisy. Mini-batch sits in between.")
            self.play(step.animate.set_value(p.steps), run_time=(p.steps - first) * p.seconds_per_step,
                      rate_func=linear)
        self.wait(p.hold_seconds)

        for caption in result_captions(trajs, p):
            self.say(caption)
        self.show_takeaway("Full batch: exact but costly steps. SGD: cheap but noisy ones. "
                           "Mini-batches trade between the two.")

    def heading(self, land: Landscape) -> VGroup:
        name = Text("Linear regression", font=THEME.font, font_size=30, color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(w, b) = " + land.latex, font_size=32, color=THEME.text)
        return VGroup(name, formula).arrange(RIGHT, buff=0.4).to_edge(UP, buff=0.25)

    def loss_map(self, land: Landscape, plot: RegressionPlot, start):
        """The (w, b) contour map with its axis labels, a ring at the start, the best-fit line."""
        map_ = ContourMap(land, width=PANEL, height=PANEL).move_to(MAP_CENTER)
        (w0, w1), (b0, b1) = land.domain
        corner = map_.frame.get_corner(DOWN + LEFT)
        small = {"font": THEME.font, "font_size": 20, "color": THEME.muted}
        labels = VGroup(
            Text("w (slope)", **small).next_to(map_.frame, DOWN, buff=0.1),
            Text(signed(w0), **small).next_to(corner, DOWN, buff=0.1),
            Text(signed(w1), **small).next_to(map_.frame.get_corner(DOWN + RIGHT), DOWN, buff=0.1),
            Text("b", **small).next_to(map_.frame, LEFT, buff=0.12),
            Text(signed(b0), **small).next_to(corner, LEFT, buff=0.12),
            Text(signed(b1), **small).next_to(map_.frame.get_corner(UP + LEFT), LEFT, buff=0.12),
        )
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(map_.to_scene(start)[0])
        w_star, b_star = land.minima[0]
        best = plot.static_line(w_star, b_star, color=THEME.muted)
        return map_, labels, ring, best
