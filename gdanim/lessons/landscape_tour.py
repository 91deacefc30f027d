"""LandscapeTour as data: plain gradient descent on a row of landscapes, one lesson a stop.

Each stop's runs are classified from the engine's arrays (reached a documented minimum, stopped
in a local dip or on a saddle point, still under way, left the plot, diverged) and every
sentence is chosen by cases from those facts: a zig-zag is claimed only when the path crosses
the valley floor, "trapped in a dip" only at a true local minimum, "diverges" only when the
engine says so. Numpy only: no manim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.config import brief, param
from gdanim.display import inside_domain, shown_steps
from gdanim.engine import Trajectory, simulate
from gdanim.landscapes import Landscape
from gdanim.lessons import checks
from gdanim.lessons.plan import Beat, Lesson
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import GRAD_NORM, fits, listing, number_word, point, rate, sci

OPTIMIZER = "gd"  # the tour's one algorithm
DEFAULT_STOPS = ["bowl", "valley", "rosenbrock", "himmelblau", "rastrigin", "saddle"]
# Lecture-ready runs per landscape; a `runs` entry overrides single keys of its landscape.
RUN_DEFAULTS = {
    "bowl": {"lr": 0.1, "steps": 40, "view": "surface",
             "starts": [[-1.6, 1.2], [1.5, 1.4], [1.3, -1.5], [-1.2, -1.5]]},
    # the registry's valley x² + 10y²: at α = 0.085 the y factor 1 − 20α = −0.7 flips sign each step
    "valley": {"lr": 0.085, "steps": 60, "view": "surface", "phi": 30.0, "theta": -90.0,
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
MAX_STOPS = 10
FLOOR_SHARE = 0.1  # Rosenbrock: on the valley floor while the across term is below this share of the loss
MAX_TOL_GRAD = 0.01  # a run stopped by a larger gradient may sit on a slope, not at a stationary point
HESSIAN_STEP = 1e-4
SADDLE_POINT = (0.0, 0.0)  # the saddle landscape's flat point
DIP_RASTRIGIN_A = 2.0  # from this ripple height on, Rastrigin has a dip by every lattice point of its plot


@dataclass
class Params:
    stops: list[str] = param(DEFAULT_STOPS, "landscapes to visit, in order (names from gdanim.landscapes)")
    runs: dict = param(RUN_DEFAULTS, "per-landscape settings {name: {lr, steps, starts: [[x, y], ...], "
                                     "view: 'surface' or 'contour', landscape: {its parameters}, phi, theta}}; "
                                     "keys left out keep these defaults")
    tol_grad: float = param(1e-3, "a run stops once its gradient norm falls below this")
    seconds_per_stop: float = param(8.0, "seconds on each landscape: fade in, descent, hold, fade out "
                                         "(long captions add reading time)")
    hold_seconds: float = param(1.0, "pulse of each landscape's finished runs (their end balls) before moving on")
    camera_phi: float = param(50.0, "3D views: camera polar angle in degrees (a run's 'phi' overrides)")
    camera_theta: float = param(-60.0, "3D views: camera azimuth in degrees (a run's 'theta' overrides)")
    surface_resolution: int = param(18, "surface faces per side (render time grows with its square)")
    minimum_tolerance: float = param(0.05, "a run ending this close to a documented minimum has reached it")
    settle_distance: float = param(0.05, "valley: a coordinate this close to the minimum's counts as settled")
    stall_gradient: float = param(0.2, "saddle: a step is slow while the gradient norm is below this")

    def __post_init__(self):
        if not isinstance(self.stops, (list, tuple)) or not 1 <= len(self.stops) <= MAX_STOPS:
            raise ValueError(f"stops must list 1 to {MAX_STOPS} landscape names, got {brief(self.stops)}")
        if len(set(self.stops)) != len(self.stops):
            raise ValueError(f"stops must not repeat a landscape, got {list(self.stops)}")
        if not isinstance(self.runs, dict):
            raise ValueError(f"runs must be a table {{landscape: {{settings}}}}, got {brief(self.runs)}")
        for name in [*self.stops, *(n for n in self.runs if n not in self.stops)]:
            resolve_stop(name, self.runs)
        checks.number(self.tol_grad, "tol_grad", low=0.0, low_open=True, high=MAX_TOL_GRAD)
        checks.seconds(self.seconds_per_stop, "seconds_per_stop", high=60.0)
        checks.seconds(self.hold_seconds, "hold_seconds", high=30.0)
        checks.number(self.camera_phi, "camera_phi", low=0.0, high=180.0)
        checks.number(self.camera_theta, "camera_theta", low=-360.0, high=360.0)
        checks.whole(self.surface_resolution, "surface_resolution", 4, 48)
        checks.number(self.minimum_tolerance, "minimum_tolerance", low=0.0, low_open=True, high=1.0)
        checks.number(self.settle_distance, "settle_distance", low=0.0, low_open=True, high=1.0)
        checks.number(self.stall_gradient, "stall_gradient", low=0.0, low_open=True, high=10.0)


@dataclass(frozen=True)
class Stop:
    """One landscape of the tour with its resolved, checked run settings."""

    land: Landscape
    lr: float
    steps: int
    starts: np.ndarray
    view: str
    phi: float | None
    theta: float | None


def resolve_stop(name: str, runs: dict) -> Stop:
    """The stop for landscape ``name``: RUN_DEFAULTS overridden key by key by ``runs[name]``."""
    what = f"runs.{name}"
    override = runs.get(name, {})
    if not isinstance(override, dict):
        raise ValueError(f"{what} must be a table of settings ({', '.join(RUN_KEYS)}), got {brief(override)}")
    unknown = sorted(set(override) - set(RUN_KEYS))
    if unknown:
        raise ValueError(f"{what}: unknown setting(s) {', '.join(unknown)}; valid: {', '.join(RUN_KEYS)}")
    s = {**RUN_DEFAULTS.get(name, GENERIC_RUN), **override}
    land = checks.landscape(name, s.get("landscape"), what=f"{what}.landscape")
    raw = s.get("starts", [list(land.default_start)])
    if not isinstance(raw, (list, tuple)) or not 1 <= len(raw) <= checks.MAX_RUNS:
        raise ValueError(f"{what}.starts must list 1 to {checks.MAX_RUNS} points [x, y], got {brief(raw)}")
    starts = np.array([checks.start(land, xy, f"{what}.starts[{i}]") for i, xy in enumerate(raw)])
    if s["view"] not in VIEWS:
        raise ValueError(f"{what}.view must be one of {', '.join(VIEWS)}, got {brief(s['view'])}")
    angles = [None if s.get(k) is None else checks.number(s[k], f"{what}.{k}", low=-360.0, high=360.0)
              for k in ("phi", "theta")]
    return Stop(land, checks.rate(s["lr"], f"{what}.lr"), checks.steps(s["steps"], f"{what}.steps"),
                starts, s["view"], *angles)


# --- how each run ended: facts measured from the engine's arrays -----------------------------

@dataclass(frozen=True)
class RunEnd:
    """How one run ended. ``how``: "minimum" (within tolerance of documented minimum
    ``minimum``), "dip" / "saddle" / "peak" / "flat" (stopped by a vanishing gradient at that kind
    of stationary point), "unfinished" (out of steps elsewhere), "left" (left the plot),
    "diverged" (the engine's verdict). ``step``: when it reached the minimum and stayed, stopped,
    left the plot (first step outside) or diverged; ``point``, ``loss``: at its last drawn step."""

    run: int
    how: str
    step: int
    point: tuple[float, float]
    loss: float
    start: tuple[float, float]
    minimum: int = -1
    left: int | None = None  # diverged runs: the first step outside the plot, if before the last


@dataclass(frozen=True)
class Visit:
    """What the scene draws for one stop."""

    index: int  # 1-based place in the tour
    name: str
    stop: Stop
    traj: Trajectory
    shown: np.ndarray  # per run, the last step drawn
    ends: tuple[RunEnd, ...]


def run_stop(stop: Stop, tol_grad: float) -> Trajectory:
    """Plain GD from every start of the stop: one engine call."""
    return simulate(stop.land, OPTIMIZER, stop.starts, stop.steps, lr=stop.lr, tol_grad=tol_grad)


def hessian(land: Landscape, xy) -> np.ndarray:
    """Central differences of the analytic gradient: the 2x2 curvature at ``xy``."""
    xy = np.asarray(xy, dtype=float)
    offsets = HESSIAN_STEP * np.eye(2)
    cols = [(land.gradient(xy + e) - land.gradient(xy - e)) / (2 * HESSIAN_STEP) for e in offsets]
    h = np.column_stack(cols)
    return (h + h.T) / 2


def stationary_kind(land: Landscape, xy) -> str:
    """"dip" (curving up every way), "peak", "saddle" (up one way, down another), else "flat"."""
    low, high = np.linalg.eigvalsh(hessian(land, xy))
    eps = 1e-6 * max(1.0, abs(low), abs(high))
    if low > eps:
        return "dip"
    if high < -eps:
        return "peak"
    if low < -eps and high > eps:
        return "saddle"
    return "flat"


def settled_from(values: np.ndarray, distance: float) -> int | None:
    """First index from which every |value| stays below ``distance`` (None if the last does not)."""
    outside = np.flatnonzero(np.abs(np.asarray(values)) >= distance)
    first = 0 if len(outside) == 0 else int(outside[-1]) + 1
    return first if first < len(values) else None


def run_ends(traj: Trajectory, shown: np.ndarray, tolerance: float) -> tuple[RunEnd, ...]:
    land = traj.landscape
    ends = []
    for run in range(traj.n_runs):
        stop, last, reason = int(traj.stop_step[run]), int(shown[run]), str(traj.stop_reason[run])
        xy = traj.positions[run, last]
        at = ((float(xy[0]), float(xy[1])), float(traj.losses[run, last]),
              (float(traj.positions[run, 0, 0]), float(traj.positions[run, 0, 1])))
        if reason == "diverged":
            ends.append(RunEnd(run, "diverged", stop, *at, left=last + 1 if last + 1 < stop else None))
            continue
        if last < stop:
            ends.append(RunEnd(run, "left", last + 1, *at))
            continue
        if len(land.minima):
            dist = np.linalg.norm(traj.positions[run, : stop + 1, None, :] - land.minima[None], axis=-1)
            nearest = int(dist[stop].argmin())
            if dist[stop, nearest] <= tolerance:
                reached = settled_from(dist[:, nearest], tolerance + 1e-12)
                ends.append(RunEnd(run, "minimum", int(reached), *at, minimum=nearest))
                continue
        how = stationary_kind(land, xy) if reason == "converged_grad" else "unfinished"
        ends.append(RunEnd(run, how, stop, *at))
    return tuple(ends)


def rastrigin_nearest_dip(land: Landscape, xy) -> np.ndarray:
    """Rastrigin: the local minimum nearest ``xy``. The function is a sum of one 1-D ripple per
    coordinate, whose minima lie near the integers (pulled a little towards 0): Newton's method
    from the integers either side of each coordinate finds them."""
    A = land.params["A"]
    xy = np.asarray(xy, dtype=float)
    sides = np.stack([np.floor(xy), np.floor(xy) + 1])  # (2, 2): candidates per coordinate
    for _ in range(30):
        slope = 2 * sides + 2 * np.pi * A * np.sin(2 * np.pi * sides)
        sides = sides - slope / (2 + 4 * np.pi**2 * A * np.cos(2 * np.pi * sides))
    candidates = np.array([[x, y] for x in sides[:, 0] for y in sides[:, 1]])
    return candidates[np.argmin(np.linalg.norm(candidates - xy, axis=1))]


def label(xy, text: str, mark: bool = False) -> dict:
    """A value a caption quotes, drawn beside the point ``xy`` it belongs to; ``mark``: the point is
    on a trail (a step the caption names) and gets a ring, where nothing else marks it."""
    return {"at": (float(xy[0]), float(xy[1])), "text": text, "mark": mark}


def marked_minima(land: Landscape) -> list[int]:
    """The documented minima the stage marks: those inside the plot."""
    return [int(i) for i in np.flatnonzero(inside_domain(land, land.minima))] if len(land.minima) else []


# --- wording ---------------------------------------------------------------------------------

def _who(k: int, n: int, first: bool = True) -> str:
    """The subject of a clause about k of the stop's n runs ('one' in a later clause)."""
    if n == 1:
        return "GD"
    if k == n:
        return "both runs" if n == 2 else f"all {number_word(n)} runs"
    return f"{number_word(k)} of {number_word(n)} runs" if first else number_word(k)


def _verb(k: int, singular: str, plural: str) -> str:
    return singular if k == 1 else plural


def _span(values, unit: str = "step") -> str:
    """'7 steps', '1 step', '31 to 38 steps', 'at most 9 steps' (when some took none)."""
    low, high = min(values), max(values)
    noun = unit if high == 1 else unit + "s"
    if low == high:
        return f"{low} {noun}"
    return f"at most {high} {noun}" if low == 0 else f"{low} to {high} {noun}"


def _at_steps(values) -> str:
    """'step 7', 'steps 7 and 9', 'steps 4, 7 and 9', 'steps 4 to 30'."""
    distinct = sorted(set(values))
    if len(distinct) == 1:
        return f"step {distinct[0]}"
    if len(distinct) <= 3:
        return "steps " + listing([str(v) for v in distinct])
    return f"steps {distinct[0]} to {distinct[-1]}"


def _losses(values) -> str:
    """'2', '2, 8, 13 and 18', '0.5 to 18' (distinct, sorted, two figures)."""
    words = list(dict.fromkeys(sci(v) for v in sorted(values)))
    if len(words) <= 4:
        return listing(words)
    return f"{words[0]} to {words[-1]}"


def _points(points) -> str:
    words = list(dict.fromkeys(point(p, 2) for p in points))
    return listing(words) if len(words) <= 2 else f"{number_word(len(words))} points"


def _sentence(clauses: list[str]) -> str:
    text = "; ".join(clauses)
    return text[0].upper() + text[1:] + "."


@dataclass(frozen=True)
class Said:
    """One sentence and the facts it states (merged into its beat's facts)."""

    text: str
    facts: dict
    labels: tuple = ()  # label(...) dicts: the sentence's values beside the points they belong to


ENDINGS = ("minimum", "dip", "saddle", "peak", "flat", "unfinished", "left", "diverged")


def end_clauses(ends: list[RunEnd], traj: Trajectory, tol_grad: float, first: bool = False) -> list[Said]:
    """How the given runs ended, grouped by outcome: one clause per group. Only the first
    clause names its runs in full ("one of four runs"), unless ``first`` (each its own sentence)."""
    land, n, loss_table, stop_steps = traj.landscape, traj.n_runs, traj.losses, traj.stop_step
    said = []
    groups = {how: [e for e in ends if e.how == how] for how in ENDINGS}
    for how, group in groups.items():
        if not group:
            continue
        k, who = len(group), _who(len(group), n, first=first or not said)
        runs = [e.run for e in group]
        facts = {"runs": runs, "how": how}
        if how == "minimum":
            minima = sorted({e.minimum for e in group})
            facts.update(minima=minima, steps=[e.step for e in group],
                         points=[tuple(land.minima[i]) for i in minima])
            if max(e.step for e in group) == 0:
                text = f"{who} {_verb(k, 'starts', 'start')} at the minimum {point(land.minima[minima[0]], 2)}"
                if len(minima) > 1:
                    text = f"{who} start at {number_word(len(minima))} different minima"
            elif len(minima) == 1:
                where = point(land.minima[minima[0]], 2)
                the = (f"the minimum {where}" if len(land.minima) == 1 else
                       f"{'a minimum' if k == 1 else 'the same minimum'}, {where},")
                text = f"{who} {_verb(k, 'reaches', 'reach')} {the} in {_span([e.step for e in group])}"
            else:
                text = (f"{who} reach {number_word(len(minima))} different minima in "
                        f"{_span([e.step for e in group])}: the start decides which")
        elif how == "dip":
            losses = [e.loss for e in group]
            facts.update(losses=losses)
            where = "a local dip" if k == 1 else "local dips"
            if land.name == "rastrigin":
                facts["own_dip"] = all(np.linalg.norm(rastrigin_nearest_dip(land, e.start) - e.point) < 1e-2
                                       for e in group)
                if facts["own_dip"]:
                    where = "the dip nearest " + ("its start" if k == 1 else "their starts")
            text = f"{who} {_verb(k, 'stops', 'stop')} in {where}, at loss {_losses(losses)}"
            if land.min_value is not None:
                facts["min_value"] = land.min_value
                text += f", not {sci(land.min_value, 3)}"
        elif how in ("saddle", "peak"):
            pts = [e.point for e in group]
            facts.update(points=pts)
            thing = "a saddle point" if how == "saddle" else "a peak"
            text = f"{who} {_verb(k, 'stops', 'stop')} at {thing}, {_points(pts)}"
        elif how == "flat":
            pts = [e.point for e in group]
            facts.update(points=pts, tol_grad=tol_grad)
            text = f"{who} {_verb(k, 'stops', 'stop')} where {GRAD_NORM} < {tol_grad:g}, at {_points(pts)}"
        elif how == "unfinished":
            losses = [e.loss for e in group]
            facts.update(losses=losses, steps=[e.step for e in group], points=[e.point for e in group])
            if k == 1:
                text = (f"{who} is at {point(group[0].point, 2)}, loss {sci(group[0].loss)}, "
                        f"after {_span([group[0].step])}")
            else:
                text = f"{who} are at loss {_losses(losses)} after {_span([e.step for e in group])}"
            if len(land.minima):
                text += ", short of " + ("the minimum" if len(land.minima) == 1 else "every minimum")
        elif how == "left":
            facts.update(steps=[e.step for e in group])
            text = f"{who} {_verb(k, 'leaves', 'leave')} the plot at {_at_steps(facts['steps'])}"
            facts["growing"] = all(bool(np.all(np.diff(loss_table[e.run, : stop_steps[e.run] + 1]) > 0))
                                   for e in group)
            if facts["growing"]:
                text += f", {_verb(k, 'its', 'their')} loss growing every step"
        else:
            facts.update(steps=[e.step for e in group], left=[e.left for e in group])
            if all(e.left is not None for e in group):
                text = (f"{who} {_verb(k, 'leaves', 'leave')} the plot at {_at_steps(facts['left'])} and "
                        f"{_verb(k, 'diverges', 'diverge')} at {_at_steps(facts['steps'])}")
            else:
                text = f"{who} {_verb(k, 'diverges', 'diverge')} at {_at_steps(facts['steps'])}"
        said.append(Said(text, facts, end_labels(how, group, land, tol_grad)))
    return said


def end_labels(how: str, group: list[RunEnd], land: Landscape, tol_grad: float) -> tuple:
    """The values an end clause quotes, beside the points they belong to: each minimum reached with
    its steps, each run's end loss, point, or the step it left the plot or diverged at."""
    if how == "minimum":
        reached = {}
        for e in group:
            reached.setdefault(e.minimum, []).append(e.step)
        return tuple(label(land.minima[i], point(land.minima[i], 2) if max(steps) == 0 else
                           f"{point(land.minima[i], 2)} in {_span(steps)}") for i, steps in sorted(reached.items()))
    if how == "dip":
        lowest = [label(land.minima[i], f"L = {sci(land.min_value, 3)}") for i in marked_minima(land)[:1]
                  if land.min_value is not None]
        return tuple(label(e.point, f"L = {sci(e.loss)}") for e in group) + tuple(lowest)
    if how in ("saddle", "peak"):
        return tuple(label(xy, point(xy, 2)) for xy in dict.fromkeys(e.point for e in group))
    if how == "flat":
        return tuple(label(xy, f"{point(xy, 2)}, {GRAD_NORM} < {tol_grad:g}")
                     for xy in dict.fromkeys(e.point for e in group))
    if how == "unfinished":
        if len(group) == 1:
            return (label(group[0].point, f"{point(group[0].point, 2)}, L = {sci(group[0].loss)}"),)
        return tuple(label(e.point, f"L = {sci(e.loss)}") for e in group)
    if how == "left":
        return tuple(label(e.point, f"off the plot at step {e.step}") for e in group)
    return tuple(label(e.point, f"diverged at step {e.step}" if e.left is None else
                       f"off at step {e.left}, diverged at step {e.step}") for e in group)


def end_sentences(ends: list[RunEnd], traj: Trajectory, tol_grad: float) -> list[Said]:
    """How the runs ended: one sentence when it fits a caption, else a sentence per outcome."""
    clauses = end_clauses(ends, traj, tol_grad)
    if not clauses:
        return []
    merged = Said(_sentence([c.text for c in clauses]), {"ends": [c.facts for c in clauses]},
                  tuple(lab for c in clauses for lab in c.labels))
    if fits(merged.text):
        return [merged]
    return [Said(_sentence([c.text]), {"ends": [c.facts]}, c.labels)
            for c in end_clauses(ends, traj, tol_grad, first=True)]


# --- per-landscape lessons -------------------------------------------------------------------

def terrain_sentence(land: Landscape) -> Said:
    """What the landscape is, with the coordinates and loss it quotes beside the marked points."""
    said = terrain_words(land)
    return Said(said.text, said.facts, terrain_labels(land, said.text))


def terrain_labels(land: Landscape, text: str) -> tuple:
    """Beside each marked minimum the coordinates and loss ``text`` quotes of it; the saddle's
    point."""
    loss = sci(land.min_value, 3) if land.min_value is not None else None
    quoted_loss = [f"L = {loss}"] if loss is not None and f"loss {loss}" in text else []
    labels = []
    for i in marked_minima(land):
        where = point(land.minima[i], 2)
        parts = ([where] if where in text else []) + quoted_loss
        if parts:
            labels.append(label(land.minima[i], ", ".join(parts)))
    if land.name == "saddle":
        labels.append(label(SADDLE_POINT, point(SADDLE_POINT, 2)))
    if land.name == "valley" and land.params["k"] < 1.0:  # the formula shows k, the sentence 1/k
        (x0, x1), _ = land.domain
        labels.append(label((land.minima[0][0] + (x1 - land.minima[0][0]) / 2, land.minima[0][1]),
                            f"{sci(1 / land.params['k'])}× steeper in x"))
    return tuple(labels)


def terrain_words(land: Landscape) -> Said:
    """What the landscape is: true by construction from its formula and documented minima."""
    title, name, mins = land.title, land.name, land.minima
    facts = {"landscape": name, "minima": [tuple(float(v) for v in m) for m in mins],
             "min_value": land.min_value}
    if name == "saddle":
        facts["saddle_point"] = SADDLE_POINT
    if name == "bowl":
        return Said(f"Bowl: one minimum, {point(mins[0], 2)}, and the same curvature in every direction.", facts)
    if name == "valley":
        k = float(land.params["k"])
        facts["k"] = k
        if k != 1.0:
            across, along = ("y", "x") if k > 1 else ("x", "y")
            facts.update(ratio=max(k, 1 / k), across=across)
            return Said(f"Valley: {sci(max(k, 1 / k))} times steeper across ({across}) than along "
                        f"({along}); minimum {point(mins[0], 2)}.", facts)
        return Said(f"Valley: with k = 1 a round bowl; minimum {point(mins[0], 2)}.", facts)
    if name == "rosenbrock":
        return Said(f"Rosenbrock: a valley curving along y = x², minimum {point(mins[0], 2)}.", facts)
    if name == "himmelblau":
        return Said(f"Himmelblau: {number_word(len(mins))} minima, all at loss {sci(land.min_value, 3)}, "
                    f"each in its own basin.", facts)
    if name == "rastrigin" and land.params["A"] >= DIP_RASTRIGIN_A:  # πA > 5.12: a dip at every integer
        facts["A"] = float(land.params["A"])
        return Said(f"Rastrigin: a grid of dips around the global minimum {point(mins[0], 2)}, "
                    f"at loss {sci(land.min_value, 3)}.", facts)
    if name == "saddle":
        return Said("Saddle: no minimum. At (0, 0) the slope is zero, yet it curves up along x and down along y.", facts)
    if len(mins) == 0:
        return Said(f"{title}: no minimum is marked on this landscape.", facts)
    if len(mins) == 1:
        return Said(f"{title}: global minimum {point(mins[0], 2)}, at loss {sci(land.min_value, 3)}.", facts)
    text = (f"{title}: {number_word(len(mins))} global minima, at loss {sci(land.min_value, 3)}: "
            f"{listing([point(m, 2) for m in mins])}.")
    if fits(text):
        return Said(text, facts)
    return Said(f"{title}: {number_word(len(mins))} global minima, at loss {sci(land.min_value, 3)}.", facts)


def setup_sentence(stop: Stop) -> Said:
    """The runs: a lone start's coordinates beside it; rate and budget in the stop's panel."""
    n = len(stop.starts)
    where = f"from {point(stop.starts[0], 2)}" if n == 1 else f"from {number_word(n)} starts"
    budget = f"up to {_span([stop.steps])}"
    return Said(f"GD {where}, {rate(stop.lr)}, {budget}.",
                {"runs": n, "lr": stop.lr, "steps": stop.steps, "starts": stop.starts.tolist(),
                 "panel": [rate(stop.lr), budget]},
                (label(stop.starts[0], point(stop.starts[0], 2)),) if n == 1 else ())


def valley_sentences(visit: Visit, p: Params) -> tuple[list[Said], set[int]]:
    """Valley: does the path zig-zag across the floor, and when does each coordinate settle."""
    land, traj = visit.stop.land, visit.traj
    k = float(land.params["k"])
    calm = [e for e in visit.ends if e.how not in ("left", "diverged")]
    if k == 1.0 or not calm:
        return [], set()
    across, along = (1, 0) if k > 1 else (0, 1)
    names = "xy"
    crossings, fast, slow = [], [], []
    for e in calm:
        path = traj.positions[e.run, : visit.shown[e.run] + 1] - land.minima[0]
        a = settled_from(path[:, across], p.settle_distance)
        visible = path[: (len(path) if a is None else a + 1), across]
        signs = np.sign(visible)
        signs = signs[signs != 0]
        crossings.append(int(np.count_nonzero(signs[1:] != signs[:-1])))
        fast.append(a)
        slow.append(settled_from(path[:, along], p.settle_distance))
    n, m = visit.traj.n_runs, len(calm)
    zig = sum(c >= 2 for c in crossings)
    if zig == m:
        head = f"{_who(m, n)} {_verb(m, 'zig-zags', 'zig-zag')} across the floor"
    elif zig:
        head = f"{_who(zig, n)} {_verb(zig, 'zig-zags', 'zig-zag')} across the floor"
    elif max(crossings) == 1:
        once = sum(c == 1 for c in crossings)
        head = f"{_who(once, n)} {_verb(once, 'crosses', 'cross')} the floor once, no zig-zag"
    elif m == 1:
        head = f"{_who(1, n)} never crosses the floor"
    else:
        head = "no run crosses the floor"
    facts = {"runs": [e.run for e in calm], "axis": names[across], "crossings": crossings, "zigzag": zig}
    lasts = [int(visit.shown[e.run]) for e in calm]
    settled = {"runs": [e.run for e in calm], "settled": {names[across]: fast, names[along]: slow},
               "distance": p.settle_distance, "last": lasts, "floor": 0.0}
    whose = "Its" if m == 1 else "Their"
    marks = tuple(settle_label(traj.positions[e.run], e.point, names[axis], steps[i], p.settle_distance, lasts[i])
                  for i, e in enumerate(calm) for axis, steps in ((across, fast), (along, slow)))
    return ([Said(head[0].upper() + head[1:] + ".", facts),
             Said(f"{whose} {_settle(names[across], fast, names[along], slow, p.settle_distance, lasts)}.",
                  settled, marks)],
            {e.run for e in calm})


def settle_label(positions: np.ndarray, end, axis: str, step: int | None, distance: float, last: int) -> dict:
    """Where a coordinate settles, as _settle words it: a ring on the trail at that step, or at
    the end of a run where it never does."""
    if step is None:
        return label(end, f"|{axis}| ≥ {distance:g} after {_span([last])}")
    return label(positions[step], f"|{axis}| < {distance:g} in {_span([step])}", mark=True)


def _settle(fast_axis: str, fast: list, slow_axis: str, slow: list, distance: float, lasts: list) -> str:
    """'y settles within 0.05 of 0 in 9 steps, x only in 21 steps' and its cases (a coordinate
    that never settles, or settles in some runs only)."""
    def phrase(axis, steps, first):
        done = [s for s in steps if s is not None]
        if not done:
            return f"{axis} is not within {distance:g} of 0 after {_span(lasts)}"
        where = f"settles within {distance:g} of 0 in" if first else "in"
        if len(done) < len(steps):
            return (f"{axis} settles within {distance:g} of 0 in {number_word(len(done))} of "
                    f"{number_word(len(steps))} runs only")
        later = not first and all(s is not None for s in fast) and min(done) > max(fast)
        return f"{axis} {'only ' if later else ''}{where} {_span(done)}"
    return phrase(fast_axis, fast, True) + ", " + phrase(slow_axis, slow, False)


def rosenbrock_sentences(visit: Visit, p: Params) -> tuple[list[Said], set[int]]:
    """Rosenbrock: quickly onto the curved floor, then slowly along it."""
    land, traj = visit.stop.land, visit.traj
    calm = [e for e in visit.ends if e.how in ("minimum", "unfinished")]
    floors = {}
    for e in calm:
        pos = traj.positions[e.run, : visit.shown[e.run] + 1]
        x, y = pos[:, 0], pos[:, 1]
        across = land.params["b"] * (y - x * x) ** 2
        off = np.flatnonzero(across >= FLOOR_SHARE * land.value(pos))
        first = 0 if len(off) == 0 else int(off[-1]) + 1
        if first < len(pos):
            floors[e.run] = first
    if not floors:
        return [], set()
    n = traj.n_runs
    on = [e for e in calm if e.run in floors]
    facts = {"runs": [e.run for e in on], "floor_steps": [floors[e.run] for e in on], "share": FLOOR_SHARE}
    floor_marks = tuple(label(traj.positions[e.run, floors[e.run]], f"floor in {_span([floors[e.run]])}", mark=True)
                        for e in on)
    if n == 1:
        e, f = on[0], floors[on[0].run]
        goal = point(land.minima[0], 2)
        later = f"{_span([e.step - f])} later"
        facts["goal"] = tuple(land.minima[0])
        if e.how == "minimum":
            facts.update(reached=e.step, more=e.step - f)
            if e.step > f:
                text = f"GD drops onto the curved floor in {_span([f])}, then needs {e.step - f} more to reach {goal}."
                ends = (label(land.minima[0], f"{goal}, {later}"),)
            else:
                text = f"GD drops onto the floor in {_span([f])} and reaches {goal} in {_span([e.step])}."
                ends = (label(land.minima[0], f"{goal} in {_span([e.step])}"),)
        else:
            facts.update(last=e.step, more=e.step - f, point=e.point)
            text = (f"GD drops onto the curved floor in {_span([f])}, but the next {e.step - f} steps reach "
                    f"only {point(e.point, 2)}, short of {goal}.")
            ends = (label(e.point, f"{point(e.point, 2)}, {later}"), label(land.minima[0], goal))
        return [Said(text, facts, floor_marks + ends)], {e.run}
    k = len(on)
    text = f"{_who(k, n)} {_verb(k, 'drops', 'drop')} onto the curved floor in {_span(facts['floor_steps'])}."
    return [Said(text[0].upper() + text[1:], facts, floor_marks)], set()


def saddle_sentences(visit: Visit, p: Params) -> tuple[list[Said], set[int]]:
    """Saddle: GD slows near the flat middle, then slides off downhill (or stops, or stays)."""
    traj, n = visit.traj, visit.traj.n_runs
    slow, middle = {}, {}
    for e in visit.ends:
        last = int(visit.shown[e.run])
        norms = np.linalg.norm(traj.gradients[e.run, :last], axis=-1)  # the gradient each drawn step used
        crawling = np.flatnonzero(norms < p.stall_gradient)
        slow[e.run] = (len(crawling), last)
        middle[e.run] = traj.positions[e.run, crawling[len(crawling) // 2]] if len(crawling) else None
    crawl = [e for e in visit.ends if slow[e.run][0] >= 2]
    if not crawl:
        return [], set()
    facts = {"runs": [e.run for e in crawl], "slow": [slow[e.run][0] for e in crawl],
             "drawn": [slow[e.run][1] for e in crawl], "threshold": p.stall_gradient}
    if n == 1:
        e = crawl[0]
        k, last = slow[e.run]
        slow_part = f"{GRAD_NORM} < {p.stall_gradient:g} for {k} of {last} steps"
        head = f"GD crawls near the saddle point: {slow_part}"
        ring = (label(middle[e.run], slow_part, mark=True),)
        down = e.loss < float(traj.losses[e.run, 0])
        facts.update(how=e.how, step=e.step, downhill=down)
        if e.how == "left":
            tail = f", then it {'slides' if down else 'moves'} off the plot at step {e.step}."
        elif e.how == "diverged":
            tail = f", then it diverges at step {e.step}."
        elif e.how == "saddle":
            tail = ", and stops there: flat, yet no minimum."
        else:
            return [Said(head + ".", facts, ring)], set()
        return [Said(head + tail, facts, ring + end_labels(e.how, [e], traj.landscape, p.tol_grad))], {e.run}
    k = len(crawl)
    text = (f"{_who(k, n)} {_verb(k, 'crawls', 'crawl')} near the saddle point, {GRAD_NORM} < "
            f"{p.stall_gradient:g} for {_span(facts['slow'])} each.")
    marks = tuple(label(middle[e.run], f"{GRAD_NORM} < {p.stall_gradient:g} for {_span([slow[e.run][0]])}", mark=True)
                  for e in crawl)
    return [Said(text[0].upper() + text[1:], facts, marks)], set()


LESSONS = {"valley": valley_sentences, "rosenbrock": rosenbrock_sentences, "saddle": saddle_sentences}


def _packed(kind: str, said: list[Said], stop: int) -> list[Beat]:
    """Sentences joined into as few two-line captions as fit, each beat with its sentences' facts."""
    beats: list[tuple[str, list[dict]]] = []
    for s in said:
        facts = {**s.facts, "labels": list(s.labels)}
        if beats and fits(f"{beats[-1][0]} {s.text}"):
            beats[-1] = (f"{beats[-1][0]} {s.text}", beats[-1][1] + [facts])
        else:
            beats.append((s.text, [facts]))
    return [Beat(kind, text, {"stop": stop, "said": facts, "labels": [lab for f in facts for lab in f["labels"]]})
            for text, facts in beats]


def visit_stop(index: int, name: str, p: Params) -> Visit:
    stop = resolve_stop(name, p.runs)
    traj = run_stop(stop, p.tol_grad)
    shown = shown_steps(traj)
    ends = run_ends(traj, shown, p.minimum_tolerance)
    return Visit(index, name, stop, traj, shown, ends)


def stop_beats(visit: Visit, p: Params) -> list[Beat]:
    land = visit.stop.land
    beats = _packed("terrain", [terrain_sentence(land), setup_sentence(visit.stop)], visit.index - 1)
    lesson, covered = LESSONS.get(land.name, lambda v, q: ([], set()))(visit, p)
    rest = [e for e in visit.ends if e.run not in covered]
    said = lesson + end_sentences(rest, visit.traj, p.tol_grad)
    return beats + _packed("outcome", said, visit.index - 1)


def place(e: RunEnd):
    """Where a run came to rest, to compare runs: a documented minimum, else a dip's lattice cell."""
    if e.how == "minimum":
        return ("minimum", e.minimum)
    if e.how == "dip":
        return ("dip", tuple(np.round(e.point, 2)))
    return None


def takeaway(visits: list[Visit]) -> str:
    """What the tour showed: on which terrains GD reached a global minimum from every start, some or none;
    where the start decided the end."""
    every, some, none = [], [], []
    for v in visits:
        reached = sum(e.how == "minimum" for e in v.ends)
        (every if reached == len(v.ends) else none if reached == 0 else some).append(v.stop.land.title)
    decided = [v.stop.land.title for v in visits
               if len({place(e) for e in v.ends if place(e) is not None}) >= 2]
    if len(visits) == 1:
        title, v = visits[0].stop.land.title, visits[0]
        n = len(v.ends)
        if every:
            text = (f"On {title}, GD reached a global minimum from " +
                    ("its start" if n == 1 else "both starts" if n == 2 else f"all {number_word(n)} starts") + ".")
        elif some:
            k = sum(e.how == "minimum" for e in v.ends)
            text = f"On {title}, GD reached a global minimum from {number_word(k)} of {number_word(n)} starts."
        else:
            text = f"On {title}, GD reached no minimum in {_span([v.stop.steps])}."
    else:
        parts = []
        if every:
            parts.append(f"from every start on {listing(every)}")
        if some:
            parts.append(f"from some starts on {listing(some)}")
        if none:
            parts.append(f"from none on {listing(none)}")
        if not none and not some:
            text = f"GD reached a global minimum from every start on all {number_word(len(visits))} terrains."
        elif not every and not some:
            text = f"GD reached no minimum on {listing(none)}."
        else:
            text = "GD reached a global minimum " + (", ".join(parts[:-1]) + ", and " if len(parts) > 1 else "") \
                + parts[-1] + "."
    if decided:
        text += (" There, the start decided where it ended." if len(visits) == 1 else
                 f" On {listing(decided)}, the start decided where it ended.")
    if sum(map(bool, (every, some, none))) >= 2:
        text += " Same algorithm, different terrain, different outcome."
    return text


def plan(p: Params) -> Lesson:
    visits = [visit_stop(i, name, p) for i, name in enumerate(p.stops, start=1)]
    n = len(visits)
    algorithm = OPTIMIZERS[OPTIMIZER].title
    if n == 1:
        title, subtitle = f"{algorithm} on {visits[0].stop.land.title}", "one algorithm, one terrain"
    else:
        title, subtitle = "A tour of loss landscapes", f"one algorithm, {number_word(n)} terrains"
    beats = [b for v in visits for b in stop_beats(v, p)]
    return Lesson(title, subtitle, tuple(beats), takeaway(visits), runs=tuple(visits))
