"""LearningRateEffects as data: one start, one update rule, a run per learning rate.

Every label is earned by the runs: "too small" only for a run that did not converge in the
budget while a larger rate did clearly better; "too large" only for a run whose loss grew as it
diverged or left the plot; "the fastest here" only for the fastest converging run; a run
"overshoots" only when its steps really turn back. GD's stability limit 2/λmax is stated as
the rule only when the runs agree with it; otherwise the exception is named.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.config import brief, param
from gdanim.display import inside_domain
from gdanim.engine import Trajectory, simulate
from gdanim.landscapes import Landscape
from gdanim.lessons import checks
from gdanim.lessons.plan import Beat, Lesson
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import (GRAD_NORM, capitalized, count, landscape_name, listing, optimizer_name,
                            pack_captions, point, rate, sci)

MAX_RUNS = 5  # one panel a run, in one row
TOO_SMALL_FACTOR = 10.0  # without convergence, "too small" needs a larger rate ending this many times lower
AT_LIMIT = 1e-6  # a rate within this relative distance of 2/λmax sits at the limit: neither side


@dataclass
class Params:
    landscape: str = param("valley", "loss surface (bowl, valley, ... see gdanim.landscapes)")
    optimizer: str = param("gd", "update rule every run uses; only the learning rate differs")
    lrs: list[float] | None = param(None, "learning rates, one panel each (1 to 5, distinct); None = "
                                          "stability_fractions of GD's limit 2/λmax "
                                          "(valley: 0.002, 0.05, 0.095, 0.11)")
    # GD on a quadratic multiplies the distance along each curvature direction λ by (1 - α λ)
    # per step: 0 < αλ < 1 creeps in, 1 < αλ < 2 flips sign each step but shrinks, αλ > 2
    # grows. Fractions f of the limit 2/λmax give αλmax = 2f: 0.02 is slow, 0.5 lands on the
    # steepest direction's floor in one step, 0.95 overshoots (factor -0.9), 1.1 grows (-1.2).
    stability_fractions: list[float] = param([0.02, 0.5, 0.95, 1.1],
                                             "default learning rates as fractions of 2/λmax at the minimum "
                                             "nearest the start (used when lrs is None)")
    start: tuple[float, float] | None = param(None, "common start (x, y); None = the landscape's default "
                                                    "(valley: (2, 1))")
    steps: int = param(100, "step budget of every run")
    tol_grad: float = param(1e-2, "a run has converged when its gradient norm falls below this (0: never)")
    diverge_at: float = param(1e6, "a run has diverged when a coordinate grows beyond this")
    oscillation_share: float = param(0.5, "a run overshoots when at least this share of its steps "
                                          "turns back against the step before")
    first_steps: int = param(8, "steps played slowly first, where overshooting is easy to follow")
    first_seconds: float = param(5.0, "duration of those first steps")
    rest_seconds: float = param(8.0, "duration of the remaining steps")

    def __post_init__(self):
        land = checks.landscape(self.landscape)
        checks.optimizer(self.optimizer)
        if self.lrs is not None:
            checks.rates(self.lrs, "lrs", 1, MAX_RUNS)
        else:
            fractions = self.stability_fractions
            if not isinstance(fractions, (list, tuple)) or not 1 <= len(fractions) <= MAX_RUNS:
                raise ValueError(f"stability_fractions must hold 1 to {MAX_RUNS} values, got {brief(fractions)}")
            for i, f in enumerate(self.stability_fractions):
                checks.number(f, f"stability_fractions[{i}]", low=0.0, low_open=True, high=10.0)
        if self.start is not None:
            checks.start(land, self.start)
        checks.steps(self.steps)
        checks.number(self.tol_grad, "tol_grad", low=0.0, high=1e6)
        checks.number(self.diverge_at, "diverge_at", low=0.0, low_open=True, high=1e12)
        checks.number(self.oscillation_share, "oscillation_share", low=0.0, low_open=True, high=1.0)
        checks.whole(self.first_steps, "first_steps", 1, checks.MAX_STEPS)
        checks.seconds(self.first_seconds, "first_seconds", high=60.0)
        checks.seconds(self.rest_seconds, "rest_seconds", high=60.0)
        if self.lrs is None:
            rates = default_rates(self, land)  # raises when the landscape gives no limit to take fractions of
            if len(set(rates)) != len(rates):
                raise ValueError(f"stability_fractions {self.stability_fractions} give repeated rates {rates} at 2 "
                                 f"significant figures; spread them further apart or give lrs")
            for i, v in enumerate(rates):
                checks.rate(v, f"stability_fractions[{i}] x 2/λmax")


# --- curvature and GD's stability limit ---------------------------------------------------------

def lesson_start(p: Params, land: Landscape) -> tuple[float, float]:
    return tuple(float(v) for v in (land.default_start if p.start is None else p.start))


def curvatures(land: Landscape, at, scale: float = 1e-5) -> np.ndarray:
    """Eigenvalues (ascending) of the Hessian at ``at``, by central differences of the gradient
    over ``scale`` times the plot's width."""
    (x0, x1), (y0, y1) = land.domain
    h = scale * max(x1 - x0, y1 - y0)
    at = np.asarray(at, dtype=float)
    cols = [(land.gradient(at + h * e) - land.gradient(at - h * e)) / (2 * h) for e in np.eye(2)]
    hessian = np.column_stack(cols)
    return np.linalg.eigvalsh((hessian + hessian.T) / 2)


def nearest_minimum(land: Landscape, start) -> np.ndarray | None:
    """The listed minimum nearest the start, or None for a landscape without minima."""
    if not len(land.minima):
        return None
    return np.asarray(land.minima[np.argmin(np.linalg.norm(land.minima - np.asarray(start), axis=1))], dtype=float)


def stability_limit(land: Landscape, start) -> tuple[np.ndarray, float, float] | None:
    """(minimum, λmax, 2/λmax) at the minimum nearest the start; None without one, or without a
    positive, well-defined curvature there."""
    at = nearest_minimum(land, start)
    if at is None:
        return None
    top = float(curvatures(land, at)[-1])
    coarse = float(curvatures(land, at, 1e-4)[-1])  # a cusp (Ackley's) has no curvature: the two disagree
    if not (top > 0 and abs(coarse - top) <= 1e-3 * top):
        return None
    return at, top, 2.0 / top


def default_rates(p: Params, land: Landscape) -> list[float]:
    """The stability fractions of 2/λmax, to 2 significant figures (a label shows the exact rate run)."""
    limit = stability_limit(land, lesson_start(p, land))
    if limit is None:
        raise ValueError(f"the {land.name} landscape has no minimum with a positive, smooth curvature to take "
                         f"GD's limit 2/λmax from; give the learning rates with lrs, e.g. lrs=[0.01, 0.1]")
    return [float(f"{f * limit[2]:.2g}") for f in p.stability_fractions]


def lesson_lrs(p: Params, land: Landscape) -> list[float]:
    return [float(v) for v in p.lrs] if p.lrs is not None else default_rates(p, land)


def run_lesson(p: Params, land: Landscape, lrs) -> Trajectory:
    """All runs in one engine call: the learning rate is an array over runs."""
    return simulate(land, p.optimizer, lesson_start(p, land), p.steps, lr=np.asarray(lrs, dtype=float),
                    tol_grad=p.tol_grad, diverge_at=p.diverge_at)


# --- what each run did ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """One run in the engine's numbers, and the labels they earn."""

    run: int
    lr: float
    reason: str  # the engine's stop reason
    stop: int  # the engine's stop step
    left_plot: int | None  # first recorded step outside the plot (up to the stop), or None
    first_loss: float
    last_loss: float  # the engine's loss at the stop step
    turns: int  # steps turning back against the one before (negative dot product), up to the stop
    pairs: int  # consecutive step pairs up to the stop
    overshoots: bool

    @property
    def converged(self) -> bool:
        return self.reason == "converged_grad"

    @property
    def diverged(self) -> bool:
        return self.reason == "diverged"

    @property
    def escaped(self) -> bool:
        """Diverged or left the plot."""
        return self.diverged or self.left_plot is not None

    @property
    def too_large(self) -> bool:
        return self.escaped and self.last_loss > self.first_loss


def outcome(traj: Trajectory, run: int, lr: float, oscillation_share: float) -> Outcome:
    reason, stop = str(traj.stop_reason[run]), int(traj.stop_step[run])
    outside = np.flatnonzero(~inside_domain(traj.landscape, traj.positions[run, : stop + 1]))
    left = int(outside[0]) if len(outside) else None
    moves = np.diff(traj.positions[run, : stop + 1], axis=0)
    moves = moves[np.linalg.norm(moves, axis=1) > 0]
    pairs = max(len(moves) - 1, 0)
    turns = int(np.count_nonzero(np.einsum("ij,ij->i", moves[1:], moves[:-1]) < 0)) if pairs else 0
    overshoots = turns >= 1 and turns >= oscillation_share * pairs
    return Outcome(run, float(lr), reason, stop, left,
                   float(traj.losses[run, 0]), float(traj.losses[run, stop]), turns, pairs, overshoots)


def fastest(outcomes: list[Outcome]) -> list[Outcome]:
    """The converged runs with the fewest steps (ties all)."""
    done = [o for o in outcomes if o.converged]
    if not done:
        return []
    best = min(o.stop for o in done)
    return [o for o in done if o.stop == best]


def too_small_witness(o: Outcome, outcomes: list[Outcome]) -> Outcome | None:
    """A larger rate that did clearly better than a run that stayed in the plot, did not
    converge within the budget and did not overshoot: converged, or ended at least
    TOO_SMALL_FACTOR times lower. None when there is no such rate (or the run is not slow)."""
    if o.converged or o.escaped or o.overshoots or not o.last_loss < o.first_loss:
        return None
    better = [w for w in outcomes if w.lr > o.lr and not w.escaped
              and (w.converged or w.last_loss * TOO_SMALL_FACTOR <= o.last_loss)]
    done = [w for w in better if w.converged]
    if done:
        return min(done, key=lambda w: (w.stop, w.lr))
    return min(better, key=lambda w: (w.last_loss, w.lr)) if better else None


def turn_phrase(o: Outcome) -> str:
    if o.turns == o.pairs == 1:
        return "its second step turns back against the first"
    if o.turns == o.pairs:
        return "every step after the first turns back against the one before"
    return f"{o.turns} of its {o.pairs} steps after the first turn back against the one before"


def two_figures(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` to the fewest significant figures (2 to 6) that tell them apart."""
    for digits in range(2, 7):
        fa, fb = sci(a, digits), sci(b, digits)
        if fa != fb or a == b:
            break
    return fa, fb


def loss_change(o: Outcome) -> str:
    first, last = two_figures(o.first_loss, o.last_loss)
    if o.last_loss < o.first_loss:
        return f"its loss fell from {first} to {last}"
    if o.last_loss > o.first_loss:
        return f"its loss rose from {first} to {last}"
    return f"its loss stayed at {first}"


def verdict_sentences(o: Outcome, outcomes: list[Outcome], steps: int, tol_grad: float,
                      limit: float | None = None) -> list[str]:
    """What run ``o`` did, in sentences each true for it; ``limit``: GD's 2/λmax, when stated."""
    said = run_sentences(o, outcomes, steps, tol_grad)
    if limit is not None and abs(o.lr - limit) <= AT_LIMIT * limit:
        said.append("This α is the limit 2/λmax itself.")
    return said


def run_sentences(o: Outcome, outcomes: list[Outcome], steps: int, tol_grad: float) -> list[str]:
    a = rate(o.lr)
    if o.escaped:
        if o.diverged and o.left_plot is not None and o.left_plot < o.stop:
            where = f"leaves the plot at step {o.left_plot} and diverges at step {o.stop}"
        elif o.diverged:
            where = f"diverges at step {o.stop}"
        else:
            where = f"leaves the plot at step {o.left_plot}"
        head = f"{a} is too large: it" if o.too_large else a
        change = loss_change(o)
        if o.diverged:
            then = f"{capitalized(change)}."
        elif o.converged:
            then = f"Yet it converges: {GRAD_NORM} < {tol_grad:g} after {count(o.stop, 'step')}."
        else:
            then = f"After {count(steps, 'step')} {change}."
        if o.overshoots:  # the bounces first, then where they led
            return [f"{a} overshoots: {turn_phrase(o)}.",
                    f"{'It is too large: it' if o.too_large else 'It'} {where}.", then]
        return [f"{head} {where}.", then]
    if o.converged:
        if o.stop == 0:
            return [f"{a}: {GRAD_NORM} is below {tol_grad:g} at the start, so the run stops at once."]
        best = fastest(outcomes)
        n_done = sum(x.converged for x in outcomes)
        tag = ""
        if n_done == 1 and len(outcomes) > 1:
            tag = ", the only run that converges"
        elif n_done > 1 and len(best) == 1 and best[0] is o:
            tag = ", the fastest here"
        done = f"{GRAD_NORM} < {tol_grad:g} after {count(o.stop, 'step')}{tag}."
        if o.overshoots:
            return [f"{a} overshoots: {turn_phrase(o)}.", f"Still it converges: {done}"]
        smooth = " smoothly" if o.turns == 0 and o.pairs >= 1 else ""
        return [f"{a} converges{smooth}: {done}"]
    witness = too_small_witness(o, outcomes)
    if witness is not None:
        better = (f"{rate(witness.lr)} converges in {count(witness.stop, 'step')}" if witness.converged
                  else f"{rate(witness.lr)} gets to {sci(witness.last_loss)}")
        first, last = two_figures(o.first_loss, o.last_loss)
        return [f"{a} is too small: after {count(steps, 'step')} its loss is still {last} (from {first}), "
                f"while {better}."]
    said = [f"{a} overshoots: {turn_phrase(o)}."] if o.overshoots else []
    if tol_grad > 0:
        said.append(f"{'It' if said else a} has not converged after {count(steps, 'step')}: {loss_change(o)}.")
    else:
        said.append(f"After {count(steps, 'step')} {loss_change(o)}." if said else
                    f"{a}: after {count(steps, 'step')} {loss_change(o)}.")
    return said


def short_label(o: Outcome, outcomes: list[Outcome], tol_grad: float) -> tuple[str, str]:
    """(text, status) shown under a run's panel once its verdict is told; status names a
    THEME.status_colors entry."""
    if o.escaped:
        return ("diverged" if o.diverged else "left the plot"), "diverged"
    if o.converged:
        return f"converged: {count(o.stop, 'step')}", "converged"
    if too_small_witness(o, outcomes) is not None:
        return "too small", "max steps"
    return ("not converged" if tol_grad > 0 else f"loss {sci(o.last_loss)}"), "max steps"


# --- the stability limit, checked against the runs --------------------------------------------------

def limit_digits(limit: float, lrs) -> int:
    """Significant figures for 2/λmax so that every rate off the limit compares with the printed
    value as with the true one, and none prints equal to it."""
    for digits in range(3, 9):
        shown = float(f"{limit:.{digits}g}")
        if all(abs(r - limit) <= AT_LIMIT * limit or ((r > shown) == (r > limit) and r != shown) for r in lrs):
            return digits
    return 9


def limit_beats(land: Landscape, start, outcomes: list[Outcome], steps: int) -> tuple[list[Beat], bool]:
    """GD's limit at the minimum nearest the start, as the rule when the runs agree with it
    (above it every run diverges or leaves the plot, below it none does), else with the runs
    that do not. Returns (beats, whether the rule was stated)."""
    found = stability_limit(land, start)
    if found is None:
        return [], False
    at, top, limit = found
    digits = limit_digits(limit, [o.lr for o in outcomes])
    where = "the minimum" if len(land.minima) == 1 else f"the minimum {point(at, 3)}"
    above = [o for o in outcomes if o.lr > limit * (1 + AT_LIMIT) and not o.escaped]
    below = [o for o in outcomes if o.lr < limit * (1 - AT_LIMIT) and o.escaped]
    facts = {"minimum": tuple(float(v) for v in at), "lambda_max": top, "limit": limit,
             "shown_lambda_max": sci(top, 4), "shown_limit": sci(limit, digits),
             "above_stable": [o.run for o in above], "below_escaped": [o.run for o in below]}
    lam, lim = sci(top, 4), sci(limit, digits)
    if not above and not below:
        text = f"Near {where} the steepest curvature is λmax = {lam}, so GD is stable only for α < 2/λmax = {lim}."
        return [Beat("limit", text, {**facts, "rule": True})], True
    parts = [f"Near {where} λmax = {lam}, so near it GD needs α < 2/λmax = {lim}."]
    if above:
        o = above[0]
        parts.append(f"Yet {rate(o.lr)}, above that, neither diverges nor leaves the plot in {count(steps, 'step')}.")
    else:
        o = below[0]
        what = (f"leaves the plot at step {o.left_plot}" if o.left_plot is not None
                else f"diverges at step {o.stop}")
        parts.append(f"Yet {rate(o.lr)}, below that, {what}.")
    facts = {**facts, "rule": False, "exception": o.run}
    return [Beat("limit", text, facts) for text in pack_captions(parts)], False


def log_axis(traj: Trajectory) -> bool:
    """Whether the loss plot is logarithmic: L - L* on a log axis needs a known minimum value
    and every finite excess loss positive (the saddle's is not)."""
    if traj.landscape.min_value is None:
        return False
    excess = traj.losses - traj.landscape.min_value
    return bool(np.all(excess[np.isfinite(excess)] > -1e-12))


# --- the lesson -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Runs:
    """What the scene draws: the runs, their rates and start, the panel labels and statuses."""

    traj: Trajectory
    lrs: tuple[float, ...]
    start: tuple[float, float]
    rate_labels: tuple[str, ...]  # above each panel: "α = 0.05"
    labels: tuple[str, ...]  # under each panel once its verdict is told
    statuses: tuple[str, ...]  # THEME.status_colors key per label
    log_axis: bool
    rule: str  # the update rule's TeX (the optimizer spec's last line)


def plan(p: Params) -> Lesson:
    land = checks.landscape(p.landscape)
    start, lrs = lesson_start(p, land), lesson_lrs(p, land)
    traj = run_lesson(p, land, lrs)
    outcomes = [outcome(traj, i, lr, p.oscillation_share) for i, lr in enumerate(lrs)]
    n, name = traj.n_runs, optimizer_name(p.optimizer)

    beats = []
    if n > 1:
        intro = (f"{count(n, 'run', capital=True)} of {name} on the {landscape_name(land)} loss from "
                 f"{point(start)}: only the learning rate α differs.")
    else:
        intro = f"One run of {name} on the {landscape_name(land)} loss from {point(start)}, with {rate(lrs[0])}."
    beats.append(Beat("intro", intro, {"runs": n, "optimizer": p.optimizer, "landscape": land.name,
                                       "start": start, "lrs": list(lrs)}))

    rule_stated, limit = False, None
    if p.optimizer == "gd":
        said, rule_stated = limit_beats(land, start, outcomes, p.steps)
        beats += said
        limit = said[0].facts["limit"] if said else None

    end = int(traj.stop_step.max())  # the last step any run takes
    first = min(p.first_steps, end)
    log = log_axis(traj)
    if end == 0:
        slow = f"No run moves: {GRAD_NORM} is below {p.tol_grad:g} at the start."
    elif first == end:
        slow = {1: "The one step, slowly.", 2: "Both steps, slowly."}.get(end, f"All {count(end, 'step')}, slowly.")
    else:
        slow = f"The first {count(first, 'step')}, slowly."
    quantity = "loss" if land.min_value in (None, 0.0) else "L − L*"
    whose = "each run's" if n > 1 else "its"
    below = f"Below: {whose} {quantity} by step{', on a log axis' if log else ''}."
    beats.append(Beat("slow_steps", f"{slow} {below}", {"to_step": first, "last_step": end, "log_axis": log}))
    if end > first:
        rest = (f"Now the rest, up to step {end}." if end == p.steps
                else f"Now the rest, up to step {end}, where the {'last run' if n > 1 else 'run'} stops.")
        beats.append(Beat("rest_steps", rest, {"from_step": first, "to_step": end}))

    for o in outcomes:
        witness = too_small_witness(o, outcomes)
        facts = {"run": o.run, "lr": o.lr, "stop_step": o.stop, "stop_reason": o.reason, "left_plot": o.left_plot,
                 "first_loss": o.first_loss, "loss": o.last_loss, "turns": o.turns, "pairs": o.pairs,
                 "overshoots": o.overshoots, "too_large": o.too_large,
                 "too_small_witness": None if witness is None else witness.run,
                 "fastest": [b.run for b in fastest(outcomes)]}
        beats += [Beat("verdict", text, facts)
                  for text in pack_captions(verdict_sentences(o, outcomes, p.steps, p.tol_grad, limit))]

    labels = [short_label(o, outcomes, p.tol_grad) for o in outcomes]
    runs = Runs(traj, tuple(lrs), start, tuple(rate(v) for v in lrs), tuple(t for t, _ in labels),
                tuple(s for _, s in labels), log, OPTIMIZERS[p.optimizer].rule[-1])
    subtitle = lesson_subtitle(outcomes, name)
    takeaway = lesson_takeaway(outcomes, rule_stated, land, start)
    return Lesson("The learning rate", subtitle, tuple(beats), takeaway, runs)


def small_and_large(outcomes: list[Outcome]) -> tuple[list[Outcome], list[Outcome]]:
    small = [o for o in outcomes if too_small_witness(o, outcomes) is not None]
    return small, [o for o in outcomes if o.too_large]


def best_runs(outcomes: list[Outcome]) -> list[Outcome]:
    """The 'just right' run: the fastest converging one, when it is unique."""
    best = fastest(outcomes)
    return best if len(best) == 1 else []


def lesson_subtitle(outcomes: list[Outcome], name: str) -> str:
    small, large = small_and_large(outcomes)
    words = []
    if small:
        words.append("too small")
    if best_runs(outcomes) and (small or large):
        words.append("just right")
    if large:
        words.append("too large")
    if len(words) >= 2:
        return ", ".join(words)
    return f"{name} from one start, {count(len(outcomes), 'learning rate')}"


def lesson_takeaway(outcomes: list[Outcome], rule_stated: bool, land: Landscape, start) -> str:
    small, large = small_and_large(outcomes)
    said = []
    if small and large:
        said.append("Too small a rate falls behind in the step budget; too large a rate makes the loss grow.")
    elif small:
        said.append("Too small a rate falls behind in the step budget.")
    elif large:
        said.append("Too large a rate makes the loss grow.")
    best = fastest(outcomes)
    n_done = len([o for o in outcomes if o.converged])
    if best and best[0].stop > 0:
        names = listing([rate(o.lr) for o in best])
        if n_done == 1 and len(outcomes) > 1:
            said.append(f"Here only {names} converged, in {count(best[0].stop, 'step')}.")
        elif len(outcomes) == 1:
            said.append(f"Here {names} converged in {count(best[0].stop, 'step')}.")
        else:
            said.append(f"Here {names} converged fastest, in {count(best[0].stop, 'step')}.")
    elif not said and all(o.stop == 0 for o in outcomes):
        said.append(f"{'Every run starts' if len(outcomes) > 1 else 'The run starts'} with {GRAD_NORM} below "
                    f"the tolerance, so {'none moves' if len(outcomes) > 1 else 'it does not move'}.")
    elif not said:
        lowest = min(outcomes, key=lambda o: o.last_loss)
        if len(outcomes) > 1:
            said.append(f"Only α changed: the lowest final loss here is {rate(lowest.lr)}'s, "
                        f"{sci(lowest.last_loss)}.")
        else:
            said.append(f"At {rate(lowest.lr)}, {loss_change(lowest)} by step {lowest.stop}.")
    if rule_stated:
        limit = stability_limit(land, start)[2]
        digits = limit_digits(limit, [o.lr for o in outcomes])
        said.append(f"For GD near this minimum, keep α below 2/λmax = {sci(limit, digits)}.")
    return " ".join(said)
