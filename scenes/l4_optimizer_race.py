"""The optimizer race: several update rules from one start on one landscape, ranked live.

Each optimizer runs once in the engine with its own stated learning rate; the leaderboard,
loss curves and the closing captions are read from those trajectories, never assumed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, MathTex, Text, VGroup, linear

from gdanim.config import param
from gdanim.display import shown_steps as drawn_steps
from gdanim.engine import simulate_each as run_race
from gdanim.wording import landscape_name, number_word, point
from gdanim.wording import optimizer_name as display
from gdanim.display import inside_domain
from gdanim.engine import Trajectory
from gdanim.landscapes import LANDSCAPES, Landscape, get_landscape
from gdanim.optimizers import get_optimizer_spec
from gdanim.visual.contours import ContourMap
from gdanim.visual.leaderboard import NOT_YET, Leaderboard, standings
from gdanim.visual.lesson import LessonScene
from gdanim.visual.loss_curve import LossCurve
from gdanim.visual.narration import wrap_caption
from gdanim.visual.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer

DEFAULT_OPTIMIZERS = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
# Tuned per landscape from its default start, so every rule makes visible progress and none
# diverges. Rosenbrock: GD at 0.002 sits at the stability limit 2/λmax ≈ 0.002 of the valley
# floor near (1, 1); momentum and Nesterov share α so only the lookahead differs.
TUNED = {
    "rosenbrock": {"steps": 600, "lrs": {"gd": 0.002, "momentum": 0.001, "nesterov": 0.001,
                                         "adagrad": 1.0, "rmsprop": 0.01, "adam": 0.2}},
    "himmelblau": {"steps": 150, "lrs": {"gd": 0.01, "momentum": 0.002, "nesterov": 0.002,
                                         "adagrad": 0.3, "rmsprop": 0.02, "adam": 0.1}},
    "rastrigin": {"steps": 150, "lrs": {"gd": 0.005, "momentum": 0.002, "nesterov": 0.002,
                                        "adagrad": 1.0, "rmsprop": 0.1, "adam": 0.2}},
}
GENERIC_STEPS = 300  # other landscapes; optimizers without a tuned rate use torch's default lr
MAP_CENTER = np.array([-3.85, 0.2, 0.0])
MAP_SIZE = 5.6  # the longer side of the map; the top band holds the formula, the bottom the captions
RIGHT_COLUMN = 3.1  # x of the centre of the leaderboard and loss-curve column


@dataclass
class Params:
    landscape: str = param("rosenbrock", "race course (rosenbrock, himmelblau, rastrigin, ... see gdanim.landscapes)")
    optimizers: list[str] = param(DEFAULT_OPTIMIZERS, "the racers: update rules, one run each")
    lrs: dict = param({}, "learning rate per optimizer {name: lr}; those left out use the rate tuned "
                          "for the landscape (TUNED in this module; Rosenbrock: gd 0.002, momentum "
                          "0.001, nesterov 0.001, adagrad 1, rmsprop 0.01, adam 0.2)")
    start: tuple[float, float] | None = param(None, "common starting point (x, y); None = the landscape's "
                                                    "default start (Rosenbrock: (-1.2, 1))")
    steps: int | None = param(None, "step budget of the race; None = tuned for the landscape "
                                    "(Rosenbrock 600, Himmelblau and Rastrigin 150)")
    tolerance: float = param(1e-2, "a run finishes when its loss is within this of the minimum")
    first_steps: int = param(20, "steps played slowly at the start, where the rules differ most")
    first_seconds: float = param(4.0, "duration of those first steps")
    race_seconds: float = param(16.0, "duration of the rest of the race")
    hold_seconds: float = param(2.0, "pause on the final standings before the results")

    def __post_init__(self):
        if self.landscape not in LANDSCAPES:
            raise ValueError(f"unknown landscape {self.landscape!r}; choose from: {', '.join(LANDSCAPES)}")
        if not self.optimizers:
            raise ValueError("optimizers must name at least one update rule")
        if len(set(self.optimizers)) != len(self.optimizers):
            raise ValueError(f"optimizers must not repeat a name, got {self.optimizers}")
        for name in self.optimizers:
            get_optimizer_spec(name)
        stray = sorted(set(self.lrs) - set(self.optimizers))
        if stray:
            raise ValueError(f"lrs names {', '.join(stray)}, not in optimizers {self.optimizers}")
        if not all(isinstance(v, (int, float)) and v > 0 for v in self.lrs.values()):
            raise ValueError(f"lrs must map optimizer names to positive numbers, got {self.lrs}")
        if self.steps is not None and self.steps < 1:
            raise ValueError(f"steps must be at least 1, got {self.steps}")
        if not self.tolerance > 0:
            raise ValueError(f"tolerance must be positive, got {self.tolerance}")
        land = get_landscape(self.landscape)
        if not inside_domain(land, race_start(self, land)):
            raise ValueError(f"start {race_start(self, land)} lies outside the plotted domain {land.domain}")


# --- the race as data (no manim) -----------------------------------------------------------

def race_start(p: Params, land: Landscape) -> tuple[float, float]:
    return tuple(land.default_start) if p.start is None else tuple(p.start)


def race_steps(p: Params) -> int:
    return p.steps if p.steps is not None else TUNED.get(p.landscape, {}).get("steps", GENERIC_STEPS)


def race_lrs(p: Params) -> list[float]:
    """Learning rate of each racer: the configured one, else tuned, else torch's default."""
    tuned = TUNED.get(p.landscape, {}).get("lrs", {})
    return [float(p.lrs.get(name, tuned.get(name, get_optimizer_spec(name).defaults["lr"])))
            for name in p.optimizers]


def curve_losses(traj: Trajectory, headroom: float = 100.0) -> np.ndarray:
    """The losses as the curve panel plots them: capped at ``headroom`` times the largest
    starting excess loss, so a diverged run (frozen near 1e40) runs off the top of the panel
    instead of squashing every other curve to its bottom."""
    floor = traj.landscape.min_value if traj.landscape.min_value is not None else 0.0
    ceiling = floor + headroom * max(float(np.max(np.abs(traj.losses[:, 0] - floor))), 1e-12)
    return np.minimum(np.nan_to_num(traj.losses, nan=ceiling), ceiling)


def result_segments(names, traj: Trajectory, finish, diverge) -> list[str]:
    """The finishing order as caption pieces: finishers with their steps, the rest by final
    loss, DNFs with the step they blew up at."""
    order, finished_at, diverged_at = standings(traj.losses, finish, diverge, traj.steps)
    done = [i for i in order if finished_at[i] != NOT_YET]
    running = [i for i in order if finished_at[i] == NOT_YET and diverged_at[i] == NOT_YET]
    dnf = [i for i in order if diverged_at[i] != NOT_YET and finished_at[i] == NOT_YET]
    place = {int(i): r + 1 for r, i in enumerate(order)}
    parts = []
    if done:
        parts.append("Finishing order: " + ", ".join(
            f"{place[i]}. {display(names[i])} ({finished_at[i]}{' steps' if j == 0 else ''})"
            for j, i in enumerate(done)) + ".")
    else:
        parts.append(f"Nobody reaches the finish line in {traj.steps} steps.")
    if running:
        lead = "Still running, by loss: " if done else "By final loss: "
        parts.append(lead + ", ".join(f"{place[i]}. {display(names[i])} ({traj.losses[i, -1]:.2g})"
                                      for i in running) + ".")
    if dnf:
        parts.append("DNF: " + ", ".join(f"{display(names[i])} diverged at step {diverged_at[i]}"
                                         for i in dnf) + ".")
    return parts


def takeaway(names, traj: Trajectory, finish, diverge, where: str) -> str:
    """The closing card: this race's winner, and why it is no general verdict."""
    order, finished_at, diverged_at = standings(traj.losses, finish, diverge, traj.steps)
    winner = int(order[0])
    if diverged_at[winner] != NOT_YET and finished_at[winner] == NOT_YET:
        return (f"Every racer diverged on {where}: each rule has its own stable range of α. "
                "No optimizer wins everywhere.")
    name = display(names[winner])
    return (f"{name[0].upper()}{name[1:]} wins on {where} with these rates. Another landscape or "
            "other rates can crown another rule: no optimizer wins everywhere.")


def pack_captions(parts: list[str]) -> list[str]:
    """Join pieces into as few captions as fit two caption lines each."""
    captions: list[str] = []
    for part in parts:
        joined = f"{captions[-1]} {part}" if captions else part
        if captions and fits(joined):
            captions[-1] = joined
        else:
            captions.append(part if fits(part) else shorten(part))
    return captions


def fits(text: str) -> bool:
    try:
        wrap_caption(text)
    except ValueError:
        return False
    return True


def shorten(text: str) -> str:
    """Cut a too-long piece at a comma so it fits, marking the cut."""
    while not fits(text) and ", " in text:
        text = text.rsplit(", ", 1)[0] + ", …"
        text = text.replace(", …, …", ", …")
        if text.endswith(", …") and fits(text):
            break
        text = text[: -len(", …")]
    return text


# --- the lesson ------------------------------------------------------------------------------

class OptimizerRace(LessonScene):
    """Optimizers race from one start: trails on the contour map, a live leaderboard, loss curves."""

    Params = Params

    def construct(self):
        p = self.params
        land = get_landscape(p.landscape)
        start, steps, lrs = race_start(p, land), race_steps(p), race_lrs(p)
        traj = run_race(land, p.optimizers, lrs, start, steps)
        colors = [optimizer_color(name) for name in p.optimizers]
        count = number_word(len(p.optimizers), capital=True)
        where = landscape_name(land.name)

        self.show_title("The optimizer race", f"{count.lower()} update rules, one start, one finish line")
        stage, heading, ring = self.course(land, start)
        self.play(FadeIn(stage), FadeIn(heading), FadeIn(ring), run_time=0.8)
        self.say(f"{count} optimizers race down the {where} loss, all from the same start {point(start)}.")

        step = self.step_tracker
        width = max(len(display(name)) for name in p.optimizers)
        labels = [f"{display(name).ljust(width)}  α={lr:g}" for name, lr in zip(p.optimizers, lrs)]
        board = Leaderboard(traj, range(traj.n_runs), step, labels, colors, tolerance=p.tolerance)
        board.move_to([RIGHT_COLUMN, 0, 0]).align_to(stage, UP)
        curve_theme = dataclasses.replace(THEME, hud_size=23)  # axis labels at font size 18
        curve_traj = dataclasses.replace(traj, losses=curve_losses(traj))
        curve = LossCurve(curve_traj, range(traj.n_runs), step, colors, width=5.6, height=1.45, max_step=steps,
                          theme=curve_theme)
        curve.move_to([RIGHT_COLUMN + 0.2, 0, 0]).align_to(stage, DOWN)
        scale = self.curve_scale(curve, steps)
        drawn = dataclasses.replace(traj, stop_step=drawn_steps(traj))
        tracers = [TrajectoryTracer(stage, drawn, i, step, color=c, radius=0.07, trail_width=3.0)
                   for i, c in enumerate(colors)]
        self.add(scale)
        self.add_overlay(board, curve)
        self.add_tracers(*tracers)
        self.play(FadeIn(board), FadeIn(curve), FadeIn(scale), run_time=0.8)
        self.say("Each has its own tuned learning rate α, stated beside its name.")
        finish = (f"within {p.tolerance:g} of the minimum" if land.min_value is not None
                  else "none: the loss has no known minimum")
        self.say(f"Finish line: a loss {finish}. Until then, the board ranks by loss now.")

        first = min(p.first_steps, steps)
        self.say(f"The first {first} steps, slowed down: same slope, different moves.")
        self.play(step.animate.set_value(first), run_time=p.first_seconds, rate_func=linear)
        if steps > first:
            self.say(f"Now the rest of the race, {steps} steps in all; below the board, loss per step.")
            self.play(step.animate.set_value(steps), run_time=p.race_seconds, rate_func=linear)
        self.wait(p.hold_seconds)

        for caption in pack_captions(result_segments(p.optimizers, traj, board.finish, board.diverge)):
            self.say(caption)
        self.show_takeaway(takeaway(p.optimizers, traj, board.finish, board.diverge, where))

    @staticmethod
    def curve_scale(curve: LossCurve, steps: int) -> VGroup:
        """Numbers on the loss curve's axes: its bottom and top loss, its first and last step."""
        lo, hi = curve.value_range
        axes, top = curve.axes, curve.axes.y_range[1]
        if curve.log:
            bottom_text, top_text = (f"10{superscript(int(v))}" for v in (lo, hi))
        else:
            bottom_text, top_text = (f"{v:.3g}".replace("-", "−") for v in (lo, hi))
        label = dict(font=THEME.font, font_size=18, color=THEME.muted)
        return VGroup(
            Text(bottom_text, **label).next_to(axes.c2p(0, 0), LEFT, buff=0.08),
            Text(top_text, **label).next_to(axes.c2p(0, top), LEFT, buff=0.08),
            Text("0", **label).next_to(axes.c2p(0, 0), DOWN, buff=0.08),
            Text(str(steps), **label).next_to(axes.c2p(steps, 0), DOWN, buff=0.08),
        )

    def course(self, land: Landscape, start) -> tuple[ContourMap, VGroup, Circle]:
        """The contour map on the left, the landscape's name and formula above it, a start ring."""
        (x0, x1), (y0, y1) = land.domain
        aspect = (y1 - y0) / (x1 - x0)
        width = MAP_SIZE if aspect <= 1 else MAP_SIZE / aspect
        stage = ContourMap(land, width=width, height=width * aspect).move_to(MAP_CENTER)
        name = Text(landscape_name(land.name), font=THEME.font, font_size=30,
                    color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=32, color=THEME.text)
        heading = VGroup(name, formula).arrange(RIGHT, buff=0.4)
        if heading.width > 13.4:
            heading.scale_to_fit_width(13.4)
        heading.to_edge(UP, buff=0.3)
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(stage.to_scene(start)[0])
        self.add_fixed_in_frame_mobjects(heading)
        return stage, heading, ring


def superscript(n: int) -> str:
    return str(n).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))

