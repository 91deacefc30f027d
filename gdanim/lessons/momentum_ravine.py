"""MomentumRavine as data: GD, momentum and Nesterov from one start, each sentence read off
their engine runs.

Three engine runs (one per optimizer, each with its own learning rate). On a valley
x² + k·y² (k ≠ 1) the captions speak of its floor: how often a path crosses it and how far
past it swings, where the along coordinate got to, whether momentum's pushes flip sign across
and keep one sign along. On any other landscape they count the path's turn-backs and quote
the loss instead. Steps to tolerance, and every comparison between the runs, are the
engine's stop steps and stop reasons. Numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.config import param
from gdanim.display import ball_trajectory, shown_steps
from gdanim.engine import Trajectory, simulate
from gdanim.landscapes import Landscape
from gdanim.lessons import checks
from gdanim.lessons.plan import Beat, Lesson
from gdanim.wording import (GRAD_NORM, capitalized, count, fits, landscape_name, listing,
                            number_word, optimizer_name, rate, sci, times)

RACERS = ("gd", "momentum", "nesterov")
RAVINE_RATIO = 3.0  # a valley whose walls curve at least this many times more across is "a ravine"
VISIBLE = 0.05  # a swing past the floor counts as a visible zig-zag from this share of the map across
AXES = ("x", "y")


@dataclass
class Params:
    landscape: str = param("valley", "the ravine: valley is x² + 10y² (any landscape name works)")
    landscape_params: dict = param({}, "landscape parameters, e.g. {k = 20} for a steeper valley")
    start: tuple[float, float] = param((-2.2, 1.0), "common starting point (x, y) of all three runs")
    # From (-2.2, 1) on x² + 10y² (checked in the tests): GD at 0.09 (stable below 0.1) crosses
    # the floor every step and needs 35 steps; momentum 26 and Nesterov 17 at α = 0.04, β = 0.6.
    gd_lr: float = param(0.09, "GD learning rate (near the valley's stability limit 0.1, so it zig-zags)")
    momentum_lr: float = param(0.04, "momentum learning rate α")
    nesterov_lr: float = param(0.04, "Nesterov learning rate α (same as momentum: only the look-ahead differs)")
    beta: float = param(0.6, "momentum coefficient β of momentum and Nesterov, in (0, 1)")
    steps: int = param(200, "step budget of every run")
    tol_grad: float = param(1e-2, "a run has arrived when its gradient norm ‖∇L‖ falls below this")
    slow_steps: int = param(2, "steps shown one by one at the start of each solo beat")
    solo_steps: int = param(12, "steps each optimizer takes in its solo beat")
    slow_step_seconds: float = param(1.1, "animation time of each slow step")
    fast_step_seconds: float = param(0.3, "animation time of each further solo step")
    race_first_steps: int = param(20, "race steps played slowly, where the three paths differ most")
    race_first_seconds: float = param(4.0, "duration of those first race steps")
    race_rest_seconds: float = param(2.5, "duration of the rest of the race (every run to its stop)")
    hold_seconds: float = param(0.8, "pause on the finished race before the results")

    def __post_init__(self):
        land = checks.landscape(self.landscape, self.landscape_params)
        self.start = checks.start(land, self.start)
        for name in ("gd_lr", "momentum_lr", "nesterov_lr"):
            checks.rate(getattr(self, name), name)
        checks.number(self.beta, "beta", low=0.0, high=1.0, low_open=True, high_open=True)
        checks.steps(self.steps)
        checks.number(self.tol_grad, "tol_grad", low=0.0, low_open=True, high=1e6)
        norm = float(np.linalg.norm(land.gradient(np.array(self.start))))
        if norm < self.tol_grad:
            raise ValueError(f"tol_grad {self.tol_grad:g} is met at the start already ({GRAD_NORM} = {norm:.3g}): "
                             f"no run would take a step; pick a smaller tol_grad or another start")
        checks.whole(self.slow_steps, "slow_steps", 0)
        checks.whole(self.solo_steps, "solo_steps", 1)
        if self.slow_steps > self.solo_steps:
            raise ValueError(f"slow_steps ({self.slow_steps}) must not exceed solo_steps ({self.solo_steps})")
        checks.whole(self.race_first_steps, "race_first_steps", 1)
        checks.seconds(self.slow_step_seconds, "slow_step_seconds", high=10.0)
        checks.seconds(self.fast_step_seconds, "fast_step_seconds", high=10.0)
        solo = self.slow_steps * self.slow_step_seconds + (self.solo_steps - self.slow_steps) * self.fast_step_seconds
        checks.video_seconds(len(RACERS) * solo, f"{len(RACERS)} solo beats × (slow_steps × slow_step_seconds + "
                             "the other solo_steps × fast_step_seconds)", "solo_steps or the step seconds")
        checks.seconds(self.race_first_seconds, "race_first_seconds", high=60.0)
        checks.seconds(self.race_rest_seconds, "race_rest_seconds", high=60.0)
        checks.seconds(self.hold_seconds, "hold_seconds", high=10.0)

    def lr(self, name: str) -> float:
        return {"gd": self.gd_lr, "momentum": self.momentum_lr, "nesterov": self.nesterov_lr}[name]


# --- the runs -------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Racer:
    """One optimizer's run and how the scene shows it.

    ``drawn`` is the run as its ball moves, in its solo beat and in the race: the engine's
    trajectory, except for Nesterov, whose ball is the classical iterate φ (the engine's
    positions are its look-ahead points, drawn as a ghost in its solo beat); ``path`` is its
    positions. ``window`` is the number of steps the solo beat shows (its solo budget, cut at
    its stop or before ball or ghost leaves the map); ``shown`` is the last step the race draws.
    """

    name: str
    title: str
    lr: float
    beta: float | None
    traj: Trajectory
    drawn: Trajectory
    window: int
    solo_shown: int
    shown: int
    card_title: str
    label: str
    mark: str
    status: str

    @property
    def path(self) -> np.ndarray:
        return self.drawn.positions[0]

    @property
    def stop(self) -> int:
        return int(self.traj.stop_step[0])

    @property
    def reason(self) -> str:
        return str(self.traj.stop_reason[0])

    @property
    def arrived(self) -> bool:
        return self.reason == "converged_grad"


def run_racers(p: Params, land: Landscape) -> dict[str, Racer]:
    """One engine run per optimizer from the common start, with what the scene draws of it."""
    racers = {}
    for name in RACERS:
        lr = p.lr(name)
        beta = None if name == "gd" else p.beta
        extra = {} if beta is None else {"momentum": beta}
        traj = simulate(land, name, p.start, p.steps, lr=lr, tol_grad=p.tol_grad, **extra)
        drawn = ball_trajectory(traj, p.beta) if name == "nesterov" else traj
        shown = int(shown_steps(drawn)[0])
        solo_shown = min(shown, int(shown_steps(traj)[0]))
        label = rate(lr) + ("" if beta is None else f", β = {beta:g}")
        stop, reason = int(traj.stop_step[0]), str(traj.stop_reason[0])
        mark, status = {"converged_grad": (f"{stop} steps", "converged"),
                        "diverged": (f"diverged at {stop}", "diverged")}.get(
                            reason, (f"not in {p.steps}", "max steps"))
        racers[name] = Racer(name, optimizer_name(name), lr, beta, traj, drawn, min(p.solo_steps, solo_shown),
                             solo_shown, shown, f"{optimizer_name(name)}, {label}", label, mark, status)
    return racers


# --- what the paths do ----------------------------------------------------------------------

@dataclass(frozen=True)
class Ravine:
    """A valley x² + k·y² (k ≠ 1) seen as a ravine: its floor is the line where the steep
    coordinate ``across`` is 0; ``ratio`` is how many times more sharply it curves across."""

    across: int
    ratio: float

    @property
    def noun(self) -> str:
        return "ravine" if self.ratio >= RAVINE_RATIO else "valley"

    @property
    def along(self) -> int:
        return 1 - self.across

    @classmethod
    def of(cls, land: Landscape) -> "Ravine | None":
        k = float(land.params.get("k", 1.0)) if land.name == "valley" else 1.0
        if k == 1.0:
            return None
        return cls(1, k) if k > 1 else cls(0, 1.0 / k)


def sign_changes(values: np.ndarray) -> int:
    """How often a sequence changes sign, skipping exact zeros (touching 0 is no change)."""
    s = np.sign(values)
    s = s[s != 0]
    return int(np.count_nonzero(s[1:] != s[:-1]))


def overshoot_step(coord: np.ndarray) -> int | None:
    """The step of the farthest swing past 0 after the first sign change (None if the sign
    never changes): where the scene marks the overshoot a caption quotes."""
    s = np.sign(coord)
    nonzero = np.flatnonzero(s)
    if not len(nonzero):
        return None
    flipped = np.flatnonzero(s * s[nonzero[0]] < 0)
    return int(flipped[0] + np.argmax(np.abs(coord[flipped[0]:]))) if len(flipped) else None


def overshoot(coord: np.ndarray) -> float:
    """The largest distance past 0 after the first sign change (0 if the sign never changes)."""
    k = overshoot_step(coord)
    return 0.0 if k is None else float(abs(coord[k]))


def swing_facts(path: np.ndarray, across: int, prefix: str = "") -> dict:
    """Where a path swings farthest past the floor: its step, its point and the floor point
    level with it (None if it never crosses), for the scene's mark of the quoted overshoot."""
    k = overshoot_step(path[:, across])
    if k is None:
        return {f"{prefix}swing_step": None, f"{prefix}swing_point": None, f"{prefix}swing_floor": None}
    point = tuple(map(float, path[k]))
    floor = tuple(0.0 if i == across else v for i, v in enumerate(point))
    return {f"{prefix}swing_step": k, f"{prefix}swing_point": point, f"{prefix}swing_floor": floor}


def end_points(path: np.ndarray) -> dict:
    """The first and last point of the shown path: where the scene writes the values a caption
    quotes 'from ... to ...'."""
    return {"ends": (tuple(map(float, path[0])), tuple(map(float, path[-1])))}


def turn_backs(path: np.ndarray) -> int:
    """How often a step points more than 90° away from the step before."""
    d = np.diff(path, axis=0)
    return int(np.count_nonzero(np.einsum("ij,ij->i", d[1:], d[:-1]) < 0))


# --- the lesson -----------------------------------------------------------------------------

def plan(p: Params) -> Lesson:
    land = checks.landscape(p.landscape, p.landscape_params)
    racers = run_racers(p, land)
    ravine = Ravine.of(land)
    gd, mom, nes = (racers[n] for n in RACERS)
    beats = [intro_beat(land, ravine)]
    beats += solo_beats(gd, p, ravine, racers)
    beats += solo_beats(mom, p, ravine, racers)
    beats += solo_beats(nes, p, ravine, racers)
    until, budget = race_terms(p.tol_grad, p.steps)
    beats.append(Beat("race", f"Now all three race from the same start, each until {until} (at most {budget}).",
                      {"tol_grad": p.tol_grad, "steps": p.steps}))
    beats.append(results_beat(racers, p))
    beats += compare_beats(racers, p)
    beats_gd = mom.arrived and (not gd.arrived or mom.stop < gd.stop)
    title = "Momentum in a ravine" if ravine and ravine.ratio >= RAVINE_RATIO else (
        "Momentum in a valley" if ravine else f"Momentum on the {landscape_name(land)} landscape")
    subtitle = ("why a velocity beats the steepest step" if beats_gd
                else f"{gd.title}, {mom.title} and {nes.title} from one start")
    return Lesson(title, subtitle, tuple(beats), takeaway(racers, p, ravine), racers)


def race_terms(tol_grad: float, steps: int) -> tuple[str, str]:
    """('‖∇L‖ < 0.01', '200 steps'): when a racer stops, as the race caption and the legend say it."""
    return f"{GRAD_NORM} < {tol_grad:g}", count(steps, "step")


def intro_beat(land: Landscape, ravine: Ravine | None) -> Beat:
    (x0, x1), (y0, y1) = land.domain
    marked = [m for m in land.minima if x0 <= m[0] <= x1 and y0 <= m[1] <= y1]
    mark = ("" if not marked else " × marks the minimum." if len(marked) == 1 else " × marks the minima.")
    if ravine is None:
        return Beat("intro", f"The {landscape_name(land)} landscape, seen from above.{mark}", {"minima": len(marked)})
    kind = "A ravine" if ravine.ratio >= RAVINE_RATIO else "A shallow valley"
    across, along = AXES[ravine.across], AXES[ravine.along]
    caption = (f"{kind}: its walls curve {sci(ravine.ratio)} times as sharply across ({across}) as "
               f"along the floor, the {along}-axis.{mark}")
    return Beat("intro", caption, {"ravine": ravine, "ratio": ravine.ratio, "minima": len(marked)})


def solo_beats(r: Racer, p: Params, ravine: Ravine | None, racers: dict[str, Racer]) -> list[Beat]:
    """An optimizer on its own: how it steps (slow steps), then what its shown steps did."""
    w, slow = r.window, min(p.slow_steps, r.window)
    base = {"run": r.name, "window": w, "slow": slow}
    if r.name == "gd":
        g0 = r.traj.gradients[0, 0]
        if ravine is None:
            first = f"{r.title} steps straight down the steepest slope."
            facts = {}
        else:
            mostly = "across" if abs(g0[ravine.across]) > abs(g0[ravine.along]) else "along"
            first = f"{r.title} steps straight down the steepest slope: " + (
                f"across the {ravine.noun}." if mostly == "across" else f"here mostly along the {ravine.noun}.")
            facts = {"mostly": mostly}
        intro = Beat("gd_intro", first, base | facts)
    elif r.name == "momentum":
        arrows = ": two arrows, tip to tail" if w >= 2 else ""
        intro = Beat("momentum_intro", f"{capitalized(r.title)} keeps β of its velocity v and adds the new "
                     f"slope{arrows}.", base | {"arrows": bool(arrows)})
    else:
        dashed = " (dashed)" if w >= 2 else ""
        intro = Beat("nesterov_intro", f"{r.title} first coasts on its velocity{dashed} to a look-ahead point,",
                     base | {"dashed": bool(dashed)})
    parts = step_parts(r, p, ravine, racers) + end_parts(r, p)
    return [intro] + packed(parts, f"{r.name}_steps", f"{r.name}_note", base)


def step_parts(r: Racer, p: Params, ravine: Ravine | None, racers: dict[str, Racer]) -> list[tuple[str, dict]]:
    """What the shown steps did, as (sentence, facts) pieces."""
    w = r.window
    if r.name == "nesterov":
        return nesterov_parts(r, ravine, racers["momentum"])
    if w == 0:
        return []
    if r.name == "momentum" and w == 1:
        return [("In its one step v is just the first slope: nothing is carried yet.", {"pushes": 1})]
    if ravine is None:
        return [path_part(r)]
    if r.name == "gd":
        return [gd_floor_part(r, ravine)]
    return [momentum_push_part(r, ravine)]


def path_part(r: Racer) -> tuple[str, dict]:
    """Off the valley: how often the shown path turns back, and the loss it went to."""
    w = r.window
    start, end = r.traj.landscape.value(r.path[0]), r.traj.landscape.value(r.path[w])
    turns = turn_backs(r.path[: w + 1])
    turned = f"turns back {times(turns)}" if turns else "never turns back"
    return (f"In {count(w, 'step')} its path {turned}, and the loss goes from {sci(start)} to {sci(end)}.",
            {"turns": turns, "loss": (float(start), float(end))} | end_points(r.path[: w + 1]))


def gd_floor_part(r: Racer, ravine: Ravine) -> tuple[str, dict]:
    w, path = r.window, r.path[: r.window + 1]
    across, along = path[:, ravine.across], path[:, ravine.along]
    crossings, swing = sign_changes(across), overshoot(across)
    lo, hi = r.traj.landscape.domain[ravine.across]
    zigzag = crossings >= 2 and swing >= VISIBLE * (hi - lo)
    moved = f"while {AXES[ravine.along]} goes from {sci(along[0])} to {sci(along[-1])}"
    if crossings:
        text = (f"{'It zig-zags: in' if zigzag else 'In'} {count(w, 'step')} it crosses the floor "
                f"{times(crossings)}, up to {sci(swing)} past it, {moved}.")
    else:
        text = f"In {count(w, 'step')} it never crosses the floor, {moved}."
    return text, {"crossings": crossings, "overshoot": swing, "zigzag": zigzag, "axis": AXES[ravine.along],
                  "along": (float(along[0]), float(along[-1]))} | swing_facts(path, ravine.across) | end_points(path)


def momentum_push_part(r: Racer, ravine: Ravine) -> tuple[str, dict]:
    """Momentum's pushes (the gradients of its shown steps): across they flip sign and partly
    cancel in v, along they keep one sign and add up - or whatever holds instead."""
    w = r.window
    g, v = r.traj.gradients[0, :w], r.traj.velocity[0, w]
    flips_across, flips_along = sign_changes(g[:, ravine.across]), sign_changes(g[:, ravine.along])
    weights = r.beta ** np.arange(w - 1, -1, -1)
    cancel = bool(abs(v[ravine.across]) < np.sum(weights * np.abs(g[:, ravine.across])))
    add_up = bool(abs(v[ravine.along]) > abs(g[-1, ravine.along]))
    if flips_across:
        first = f"Across, its pushes flip sign {times(flips_across)} in {count(w, 'step')}" + (
            " and partly cancel" if cancel else "")
    else:
        first = f"Across, its pushes keep one sign for all {count(w, 'step')}"
    if flips_along:
        second = f"along, they flip sign {times(flips_along)}{' too' if flips_across else ''}."
    else:
        second = f"along, all {number_word(w)} point one way{' and add up' if add_up else ''}."
    facts = {"flips_across": flips_across, "flips_along": flips_along,
             "cancel": cancel and bool(flips_across), "add_up": add_up and not flips_along}
    return f"{first}; {second}", facts


def nesterov_parts(r: Racer, ravine: Ravine | None, mom: Racer) -> list[tuple[str, dict]]:
    """The second half of the Nesterov sentence: the slope at the look-ahead point, and how far
    its ball swings past the floor against momentum's, over the steps both beats showed."""
    if ravine is None and r.window:
        text, facts = path_part(r)
        return [(f"and takes the slope there: i{text[1:]}", facts)]
    w = min(r.window, mom.window)
    if ravine is None or w == 0:
        return [("and takes the slope there.", {"compared": 0})]
    mine, theirs = overshoot(r.path[: w + 1, ravine.across]), overshoot(mom.path[: w + 1, ravine.across])
    facts = ({"compared": w, "overshoot": mine, "momentum_overshoot": theirs}
             | swing_facts(r.path[: w + 1], ravine.across) | swing_facts(mom.path[: w + 1], ravine.across, "momentum_"))
    if mine == 0 and theirs == 0:
        return [(f"and takes the slope there: in {count(w, 'step')} neither it nor {mom.title} crosses the "
                 f"floor.", facts)]
    if mine == 0:
        return [(f"and takes the slope there, so it brakes sooner: in {count(w, 'step')} it never crosses the floor; "
                 f"{mom.title} swung {sci(theirs)} past it.", facts)]
    if theirs == 0:
        return [(f"and takes the slope there: in {count(w, 'step')} it swings up to {sci(mine)} past the floor; "
                 f"{mom.title} never crossed it.", facts)]
    brakes = ", so it brakes sooner" if mine < theirs else ""
    return [(f"and takes the slope there{brakes}: in {count(w, 'step')} it swings up to {sci(mine)} "
             f"past the floor, {mom.title} up to {sci(theirs)}.", facts)]


def end_parts(r: Racer, p: Params) -> list[tuple[str, dict]]:
    """Why the solo beat ends before its budget: the run stopped, or it is about to leave the map."""
    w = r.window
    if w == r.stop:  # the run stopped within its solo beat, still on the map
        if r.reason == "converged_grad":
            return [(f"It reaches {GRAD_NORM} < {p.tol_grad:g} at step {w}.", {"event": "converged", "step": w})]
        if r.reason == "diverged":
            return [(f"It diverges at step {w}.", {"event": "diverged", "step": w})]
        return [(f"That is its whole budget of {count(w, 'step')}.", {"event": "budget", "step": w})]
    if w == r.solo_shown and w < p.solo_steps:  # the beat is cut short: it leaves the map next
        who = "it" if r.shown == w else "its look-ahead point"
        text = f"At step {w + 1} {who} leaves the map"
        if r.reason == "diverged":
            return [(f"{text}; it diverges at step {r.stop}.", {"event": "left_map", "step": w + 1,
                                                               "diverged": r.stop})]
        return [(f"{text}.", {"event": "left_map", "step": w + 1})]
    return []


def packed(parts: list[tuple[str, dict]], kind: str, more: str, base: dict) -> list[Beat]:
    """Sentences joined into as few two-line captions as fit; the first is ``kind`` (it plays
    the rest of the solo steps), further ones ``more``. Each beat carries its sentences' facts."""
    groups: list[tuple[str, dict]] = []
    for text, facts in parts:
        if groups and fits(f"{groups[-1][0]} {text}"):
            groups[-1] = (f"{groups[-1][0]} {text}", groups[-1][1] | facts)
        else:
            groups.append((text, dict(facts)))
    return [Beat(kind if i == 0 else more, text, base | facts) for i, (text, facts) in enumerate(groups)]


def steps_word(n: int, how: str) -> str:
    """'nine fewer steps', 'one more step'."""
    return f"{number_word(n)} {how} {'step' if n == 1 else 'steps'}"


def outcome(r: Racer, steps: int) -> str:
    if r.arrived:
        return f"{r.title} {r.stop}"
    if r.reason == "diverged":
        return f"{r.title} diverged at step {r.stop}"
    return f"{r.title} not within {steps}"


def results_beat(racers: dict[str, Racer], p: Params) -> Beat:
    rs = list(racers.values())
    facts = {"stops": {r.name: (r.reason, r.stop) for r in rs}}
    if all(r.reason == "diverged" for r in rs):
        text = "All three diverge: " + listing([f"{r.title} at step {r.stop}" for r in rs]) + "."
    elif all(r.reason == "max_steps" for r in rs):
        norms = {r.name: float(np.linalg.norm(r.traj.gradients[0, r.stop])) for r in rs}
        text = (f"None reaches {GRAD_NORM} < {p.tol_grad:g} in {count(p.steps, 'step')}: {GRAD_NORM} ends at "
                + listing([f"{sci(norms[r.name])} for {r.title}" for r in rs]) + ".")
        facts["norms"] = norms
    else:
        text = f"Steps until {GRAD_NORM} < {p.tol_grad:g}: " + listing([outcome(r, p.steps) for r in rs]) + "."
    return Beat("results", text, facts)


def compare_beats(racers: dict[str, Racer], p: Params) -> list[Beat]:
    """Momentum against GD, then Nesterov against momentum (or GD, when momentum did not
    arrive), from the engine's stop steps and stop reasons."""
    gd, mom, nes = (racers[n] for n in RACERS)
    arrived = [r for r in racers.values() if r.arrived]
    if len(arrived) <= 1:
        if not arrived:
            return []
        return [Beat("compare", f"Only {arrived[0].title} arrives.", {"only": arrived[0].name})]
    parts, facts = [], {}
    beat_gd = mom.arrived and (not gd.arrived or mom.stop < gd.stop)
    if mom.arrived and gd.arrived:
        parts.append(versus(mom, gd, "Here "))
        facts["momentum_vs_gd"] = mom.stop - gd.stop
    elif mom.arrived:
        parts.append(f"{capitalized(mom.title)} arrives where {gd.title} does not")
        facts["momentum_vs_gd"] = "only momentum"
    if nes.arrived and mom.arrived:
        diff = mom.stop - nes.stop
        same = p.nesterov_lr == p.momentum_lr
        facts |= {"nesterov_vs_momentum": -diff, "same_lr": same}
        if same and diff > 0:
            saved = steps_word(diff, "more") if beat_gd else count(diff, "step")
            parts.append(f"{nes.title}'s look-ahead saves {saved}")
        elif same and diff < 0:
            parts.append(f"{nes.title}'s look-ahead costs {count(-diff, 'step')} here")
        else:
            parts.append(versus(nes, mom, ""))
    elif nes.arrived:  # momentum did not arrive, so GD did
        parts.append(versus(nes, gd, ""))
        facts["nesterov_vs_gd"] = nes.stop - gd.stop
    else:
        parts.append(f"{nes.title} does not arrive")
        facts["nesterov"] = "not arrived"
    return [Beat("compare", capitalized("; ".join(parts) + "."), facts)]


def versus(a: Racer, b: Racer, lead: str) -> str:
    """'momentum takes nine fewer steps than GD' (both arrived); ``lead`` opens a loss."""
    if a.stop < b.stop:
        return f"{a.title} takes {steps_word(b.stop - a.stop, 'fewer')} than {b.title}"
    if a.stop > b.stop:
        return f"{lead}{a.title} takes {steps_word(a.stop - b.stop, 'more')} than {b.title}"
    return f"{a.title} takes as many steps as {b.title}"


def takeaway(racers: dict[str, Racer], p: Params, ravine: Ravine | None) -> str:
    gd, mom, nes = (racers[n] for n in RACERS)
    settings = f"{rate(mom.lr)}, β = {p.beta:g}"
    if mom.arrived and (not gd.arrived or mom.stop < gd.stop):
        pushes = momentum_push_part(mom, ravine)[1] if ravine is not None and mom.window >= 2 else {}
        if pushes.get("cancel") and pushes.get("add_up"):
            return (f"Momentum sums past gradients: across the {ravine.noun} they flip sign and partly cancel, "
                    f"along it they add up.")
        where = f"{count(gd.stop - mom.stop, 'step')} before {gd.title}" if gd.arrived else f"where {gd.title} did not"
        return f"Momentum sums past gradients into a velocity: here it arrived {where}."
    if gd.arrived and mom.arrived:
        return (f"Momentum is no free win: at {settings} it needed {mom.stop} steps, {gd.title} {gd.stop}. "
                f"β and α must suit the landscape.")
    if gd.arrived:
        fate = (f"diverged at step {mom.stop}" if mom.reason == "diverged"
                else f"did not arrive in {count(p.steps, 'step')}")
        return f"Momentum is no free win: at {settings} it {fate}, while {gd.title} arrived."
    if all(r.reason == "diverged" for r in racers.values()):
        return "At these rates all three runs diverge, with momentum or without."
    arrived = [r.title for r in racers.values() if r.arrived]
    if arrived:
        verb = "reaches" if len(arrived) == 1 else "reach"
        return f"Within {count(p.steps, 'step')} only {listing(arrived)} {verb} {GRAD_NORM} < {p.tol_grad:g}."
    return f"No run reaches {GRAD_NORM} < {p.tol_grad:g} within {count(p.steps, 'step')}."
