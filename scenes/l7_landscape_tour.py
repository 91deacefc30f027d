"""A tour of loss landscapes: plain gradient descent on six terrains, one lesson each.

Every caption states facts measured from the engine's trajectories by the pure functions
below (``reached_minima``, ``settled_from``, ``stalled_steps``, ...), never assumed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from manim import (DEGREES, DOWN, RIGHT, UP, BackgroundRectangle, Circle, FadeIn, FadeOut, MathTex, Text,
                   VGroup, linear)

from gdanim.config import param
from gdanim.display import shown_steps
from gdanim.wording import landscape_name, number_word, point
from gdanim.engine import Trajectory, simulate
from gdanim.landscapes import LANDSCAPES, Landscape, get_landscape
from gdanim.visual.contours import ContourMap
from gdanim.visual.framing import fit_to_screen
from gdanim.visual.lesson import FADE, LessonScene
from gdanim.visual.surface import LossSurface
from gdanim.visual.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer

DEFAULT_STOPS = ["bowl", "valley", "rosenbrock", "himmelblau", "rastrigin", "saddle"]
# Lecture-ready runs per landscape; a config entry overrides single keys of its landscape.
RUN_DEFAULTS = {
    "bowl": {"lr": 0.1, "steps": 40, "view": "surface",
             "starts": [[-1.6, 1.2], [1.5, 1.4], [1.3, -1.5], [-1.2, -1.5]]},
    "valley": {"lr": 0.045, "steps": 60, "view": "surface", "landscape": {"k": 20.0}, "phi": 30.0, "theta": -90.0,
               "starts": [[-2.2, 1.2]]},
    "rosenbrock": {"lr": 0.0015, "steps": 800, "view": "contour", "starts": [[-1.2, 1.0]]},
    "himmelblau": {"lr": 0.01, "steps": 100, "view": "contour",
                   "starts": [[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.5], [1.0, -1.5]]},
    "rastrigin": {"lr": 0.002, "steps": 60, "view": "contour",
                  "starts": [[1.4, 0.6], [2.4, -1.6], [-2.2, -3.3], [-3.1, 2.8]]},
    "saddle": {"lr": 0.1, "steps": 80, "view": "surface", "theta": -130.0, "starts": [[1.8, -1e-4]]},
}
GENERIC_RUN = {"lr": 0.01, "steps": 100, "view": "surface"}  # other landscapes start at their default_start
RUN_KEYS = ("lr", "steps", "starts", "view", "landscape", "phi", "theta")
VIEWS = ("surface", "contour")
FLOOR_SHARE = 0.1  # Rosenbrock: "in the valley" once the across term is below this share of the loss
STAGE_CENTER = np.array([0.0, 0.2, 0.0])  # middle band, between the heading and the captions
STAGE_HEIGHT = 5.5
STAGE_WIDTH = 8.6
FADE_STAGE = 0.6


@dataclass
class Params:
    stops: list[str] = param(DEFAULT_STOPS, "landscapes to visit, in order (names from gdanim.landscapes)")
    runs: dict = param(RUN_DEFAULTS, "per-landscape settings {name: {lr, steps, starts: [[x, y], ...], "
                                     "view: 'surface' or 'contour', landscape: {its parameters}, phi, theta}}; "
                                     "keys left out keep these defaults")
    tol_grad: float = param(1e-3, "a run stops once its gradient norm falls below this")
    seconds_per_stop: float = param(8.0, "seconds on each landscape: fade in, descent, hold, fade out "
                                         "(a long caption may add reading time)")
    hold_seconds: float = param(1.0, "pause on each landscape's finished runs before moving on")
    camera_phi: float = param(50.0, "3D views: camera polar angle in degrees (a run's 'phi' overrides)")
    camera_theta: float = param(-60.0, "3D views: camera azimuth in degrees (a run's 'theta' overrides)")
    surface_resolution: int = param(18, "surface faces per side (render time grows with its square)")
    minimum_tolerance: float = param(0.05, "a run ending this close to a documented minimum has reached it")
    settle_distance: float = param(0.05, "valley: a coordinate this close to the minimum counts as settled")
    stall_gradient: float = param(0.2, "saddle: GD counts as stalled while its gradient norm is below this")

    def __post_init__(self):
        if not self.stops:
            raise ValueError("stops must name at least one landscape")
        for name in self.stops:
            resolve_stop(name, self.runs)
        for name in self.runs:
            resolve_stop(name, self.runs)


@dataclass(frozen=True)
class Stop:
    """One landscape of the tour with its resolved run settings."""

    land: Landscape
    lr: float
    steps: int
    starts: np.ndarray
    view: str
    phi: float | None
    theta: float | None


def resolve_stop(name: str, runs: dict) -> Stop:
    """The stop for landscape ``name``: RUN_DEFAULTS overridden key by key by ``runs[name]``."""
    if name not in LANDSCAPES:
        raise ValueError(f"unknown landscape {name!r}; choose from: {', '.join(LANDSCAPES)}")
    override = runs.get(name, {})
    if not isinstance(override, dict):
        raise ValueError(f"runs.{name} must be a table of settings ({', '.join(RUN_KEYS)})")
    unknown = sorted(set(override) - set(RUN_KEYS))
    if unknown:
        raise ValueError(f"runs.{name}: unknown setting(s) {', '.join(unknown)}; valid: {', '.join(RUN_KEYS)}")
    s = {**RUN_DEFAULTS.get(name, GENERIC_RUN), **override}
    land = get_landscape(name, **s.get("landscape", {}))
    starts = np.asarray(s.get("starts", [land.default_start]), dtype=float)
    if starts.ndim != 2 or starts.shape[1] != 2 or len(starts) == 0:
        raise ValueError(f"runs.{name}.starts must be a list of [x, y] points, got {s.get('starts')!r}")
    if s["view"] not in VIEWS:
        raise ValueError(f"runs.{name}.view must be one of {', '.join(VIEWS)}, got {s['view']!r}")
    if not (isinstance(s["steps"], int) and s["steps"] >= 1) or not s["lr"] > 0:
        raise ValueError(f"runs.{name}: steps must be a positive integer and lr positive")
    return Stop(land, float(s["lr"]), int(s["steps"]), starts, s["view"], s.get("phi"), s.get("theta"))


def run_stop(stop: Stop, tol_grad: float) -> Trajectory:
    """Plain GD from every start of the stop: one engine call."""
    return simulate(stop.land, "gd", stop.starts, stop.steps, lr=stop.lr, tol_grad=tol_grad)


# --- facts the captions state (pure functions of the engine's arrays) -----------------------

def end_points(traj: Trajectory, steps: np.ndarray | None = None) -> np.ndarray:
    """(n, 2) positions at each run's shown (default) step."""
    steps = shown_steps(traj) if steps is None else steps
    return traj.positions[np.arange(traj.n_runs), steps]


def reached_minima(traj: Trajectory, tolerance: float) -> np.ndarray:
    """Index into ``landscape.minima`` of the minimum each run ends within ``tolerance`` of, else -1."""
    minima = traj.landscape.minima
    if len(minima) == 0:
        return np.full(traj.n_runs, -1)
    dist = np.linalg.norm(end_points(traj)[:, None, :] - minima[None, :, :], axis=-1)
    return np.where(dist.min(axis=1) <= tolerance, dist.argmin(axis=1), -1)


def settled_from(values: np.ndarray, distance: float) -> int | None:
    """First index from which every |value| stays below ``distance`` (None if never)."""
    outside = np.flatnonzero(np.abs(np.asarray(values)) >= distance)
    first = 0 if len(outside) == 0 else int(outside[-1]) + 1
    return first if first < len(values) else None


def sign_flips(values: np.ndarray) -> int:
    """How many times the values change sign (a zig-zag across a valley)."""
    signs = np.sign(np.asarray(values))
    signs = signs[signs != 0]
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def stalled_steps(traj: Trajectory, run: int, threshold: float, last: int) -> int:
    """Steps 0..last at which the run's gradient norm is below ``threshold``."""
    norms = np.linalg.norm(traj.gradients[run, : last + 1], axis=-1)
    return int(np.count_nonzero(norms < threshold))


def rosenbrock_floor_step(land: Landscape, positions: np.ndarray, share: float = FLOOR_SHARE) -> int | None:
    """First step at which the across-valley term b (y - x^2)^2 is below ``share`` of the loss."""
    x, y = positions[:, 0], positions[:, 1]
    across = land.params["b"] * (y - x * x) ** 2
    hits = np.flatnonzero(across < share * land.value(positions))
    return int(hits[0]) if len(hits) else None


# --- captions ----------------------------------------------------------------------------

def _count(n: int) -> str:
    return number_word(n)


def _pt(xy) -> str:
    return point(xy, ".2g")


def display_name(land: Landscape) -> str:
    return landscape_name(land.name)


def nearest_dip(points) -> np.ndarray:
    """Rastrigin: the lattice point (local minimum, up to ~0.5%) nearest each point."""
    return np.round(np.asarray(points, dtype=float))


def _bowl(traj: Trajectory, shown: np.ndarray, p: Params) -> str:
    reached = int(np.sum(reached_minima(traj, p.minimum_tolerance) == 0))
    n = traj.n_runs
    who = f"All {_count(n)} starts roll" if reached == n else f"{_count(reached).capitalize()} of {n} starts roll"
    return f"one global minimum. {who} down to it at {_pt(traj.landscape.minima[0])}."


def _valley(traj: Trajectory, shown: np.ndarray, p: Params) -> str:
    land = traj.landscape
    pos = traj.positions[0, : shown[0] + 1] - land.minima[0]
    across = 1 if land.params["k"] >= 1 else 0  # the steep coordinate
    fast = settled_from(pos[:, across], p.settle_distance)
    slow = settled_from(pos[:, 1 - across], p.settle_distance)
    move = "zig-zags across" if sign_flips(pos[:, across]) >= 2 else "slides across"
    fast_text = f"settles in {fast} steps" if fast is not None else "never settles"
    slow_text = f"takes {slow}" if slow is not None else f"is not done after {shown[0]}"
    return f"steep across, flat along. GD {move} and {fast_text}; along the floor it {slow_text}."


def _rosenbrock(traj: Trajectory, shown: np.ndarray, p: Params) -> str:
    pos = traj.positions[0, : shown[0] + 1]
    floor = rosenbrock_floor_step(traj.landscape, pos)
    into = f"is in it after {floor} steps" if floor is not None else "never reaches its floor"
    return f"a curved valley. GD {into}, then crawls: {shown[0]} steps reach only {_pt(pos[-1])}."


def _himmelblau(traj: Trajectory, shown: np.ndarray, p: Params) -> str:
    reached = reached_minima(traj, p.minimum_tolerance)
    distinct = len(set(reached[reached >= 0].tolist()))
    n, minima = traj.n_runs, _count(len(traj.landscape.minima))
    if n == len(traj.landscape.minima) == distinct:
        return f"{minima} minima. {minima.capitalize()} starts in {minima} basins reach {minima} different minima."
    return f"{minima} minima. {_count(n).capitalize()} starts reach {_count(distinct)} of them: the start decides."


def _rastrigin(traj: Trajectory, shown: np.ndarray, p: Params) -> str:
    land, n = traj.landscape, traj.n_runs
    trapped = reached_minima(traj, p.minimum_tolerance) < 0
    ends = end_points(traj, shown)
    losses = ", ".join(f"{v:.2g}" for v in np.sort(traj.losses[np.arange(n), shown][trapped]))
    own_dip = np.all(nearest_dip(ends) == nearest_dip(traj.positions[:, 0]), axis=1)
    where = "the dip nearest its start" if np.all(own_dip[trapped]) else "a local dip"
    who = "Each run stops" if trapped.all() else f"{_count(int(trapped.sum())).capitalize()} of {n} runs stop"
    return f"a grid of dips. {who} in {where}, at loss {losses}, not {land.min_value:g}."


def _saddle(traj: Trajectory, shown: np.ndarray, p: Params) -> str:
    stalled = stalled_steps(traj, 0, p.stall_gradient, int(shown[0]))
    end = "then slides off" if shown[0] < traj.stop_step[0] else "and has not left yet"
    return (f"flat in the middle. GD crawls there, |∇L| < {p.stall_gradient:g} for "
            f"{stalled} of {shown[0]} steps, {end}.")


def _any(traj: Trajectory, shown: np.ndarray, p: Params) -> str:
    n = traj.n_runs
    ends = traj.losses[np.arange(n), shown]
    starts = f"{_count(n)} start" + ("s" if n > 1 else "")
    return f"GD from {starts}: loss {traj.losses[0, 0]:.4g} → {ends.min():.3g} in {shown.max()} steps."


LESSONS = {"bowl": _bowl, "valley": _valley, "rosenbrock": _rosenbrock, "himmelblau": _himmelblau,
           "rastrigin": _rastrigin, "saddle": _saddle}


def lesson(traj: Trajectory, p: Params) -> str:
    """The stop's one caption: its lesson, with the numbers these runs actually produced."""
    land = traj.landscape
    return f"{display_name(land)}: " + LESSONS.get(land.name, _any)(traj, shown_steps(traj), p)


class LandscapeTour(LessonScene):
    """A tour of loss landscapes: what plain gradient descent does on each, one lesson a stop."""

    Params = Params

    def construct(self):
        p = self.params
        self.show_title("A tour of loss landscapes", f"one algorithm, {_count(len(p.stops))} terrains")
        for i, name in enumerate(p.stops, start=1):
            stop = resolve_stop(name, p.runs)
            self.visit(stop, run_stop(stop, p.tol_grad), i)
        self.show_takeaway("The landscape decides what gradient descent can do: "
                           "where you start, and the shape around you, matter.")

    def visit(self, stop: Stop, traj: Trajectory, index: int) -> None:
        """One stop: heading and formula, the terrain, GD run(s) under the lesson caption, fade out."""
        p = self.params
        land = traj.landscape
        shown = shown_steps(traj)
        if stop.view == "surface":
            phi = p.camera_phi if stop.phi is None else stop.phi
            theta = p.camera_theta if stop.theta is None else stop.theta
            self.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES)
            stage = LossSurface(land, resolution=p.surface_resolution)
            fit_to_screen(stage, self.renderer.camera, width=STAGE_WIDTH, height=STAGE_HEIGHT,
                          center=STAGE_CENTER, measure=stage.surface)
        else:
            self.set_camera_orientation(phi=0, theta=-90 * DEGREES)
            (x0, x1), (y0, y1) = land.domain
            aspect = (y1 - y0) / (x1 - x0)
            width = min(STAGE_WIDTH, STAGE_HEIGHT / aspect)
            stage = ContourMap(land, width=width, height=width * aspect).move_to(STAGE_CENTER)
        heading = self.heading(land, index, len(p.stops))
        self.add_fixed_in_frame_mobjects(heading)
        self.play(FadeIn(heading), FadeIn(stage), run_time=FADE_STAGE)

        step = self.step_tracker
        step.set_value(0)
        drawn = dataclasses.replace(traj, stop_step=shown)
        tracers = [TrajectoryTracer(stage, drawn, run, step, color=optimizer_color("gd"))
                   for run in range(traj.n_runs)]
        rings = self.start_rings(stage, traj) if stop.view == "contour" else VGroup()
        self.add(rings)
        self.add_tracers(*tracers)
        self.say(lesson(traj, p))
        labels = self.end_labels(stage, traj) if stop.view == "contour" else VGroup()
        fades = 2 * FADE_STAGE + 2 * FADE + (FADE if len(labels) else 0.0)
        run_time = max(1.0, p.seconds_per_stop - fades - p.hold_seconds)
        self.play(step.animate.set_value(int(shown.max())), run_time=run_time, rate_func=linear)
        if len(labels):
            self.play(FadeIn(labels), run_time=FADE)
        self.wait(p.hold_seconds)
        self.clear_caption()
        self.play(FadeOut(heading), FadeOut(stage), *(FadeOut(t) for t in tracers),
                  FadeOut(rings), FadeOut(labels),
                  run_time=FADE_STAGE)
        self.remove_fixed_in_frame_mobjects(heading)
        self.renderer.camera.remove_fixed_orientation_mobjects(*(t.ball for t in tracers))

    @staticmethod
    def heading(land: Landscape, index: int, total: int) -> VGroup:
        """Stop counter, landscape name and its formula, across the top of the frame."""
        counter = Text(f"{index}/{total}", font=THEME.font, font_size=24, color=THEME.muted)
        name = Text(display_name(land), font=THEME.font, font_size=32, color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=34, color=THEME.text)
        row = VGroup(counter, name, formula).arrange(RIGHT, buff=0.4)
        if row.width > 13.4:
            row.scale_to_fit_width(13.4)
        return row.to_edge(UP, buff=0.3)

    @staticmethod
    def start_rings(stage: ContourMap, traj: Trajectory) -> VGroup:
        """Hollow rings where the runs begin, so a short run still shows how far it got."""
        return VGroup(*(Circle(radius=0.11, stroke_color=THEME.text, stroke_width=2).move_to(point)
                        for point in stage.to_scene(traj.positions[:, 0])))

    def end_labels(self, stage: ContourMap, traj: Trajectory) -> VGroup:
        """Where the runs ended, in numbers: the coordinates of each documented minimum reached
        (landscapes with several minima), or the loss of each run caught short of the global one."""
        land = traj.landscape
        reached = reached_minima(traj, self.params.minimum_tolerance)
        shown = shown_steps(traj)
        if len(land.minima) >= 2:
            marks = [(land.minima[i], _pt(land.minima[i])) for i in sorted(set(reached.tolist()) - {-1})]
        elif len(land.minima) == 1 and land.name == "rastrigin":
            marks = [(traj.positions[run, shown[run]], f"L = {traj.losses[run, shown[run]]:.2g}")
                     for run in np.flatnonzero(reached < 0)]
        else:
            return VGroup()
        labels = VGroup()
        centre = stage.get_center()
        for xy, text in marks:
            where = stage.to_scene(xy)[0]
            label = Text(text, font=THEME.font, font_size=20, color=THEME.text)
            label.next_to(where, UP if where[1] >= centre[1] else DOWN, buff=0.16)
            labels.add(BackgroundRectangle(label, color=THEME.panel, fill_opacity=0.8, buff=0.05), label)
        return labels
